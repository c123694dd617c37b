"""The laptop's local SQLite database, one room per thing it serves, behind one `Store`."""

from __future__ import annotations

# First: it offers sqlcipher3 to sqlite-utils before sqlite-utils is imported.
from fieldapp.store import cipher  # noqa: F401
from fieldapp.store.content import PublishedContent
from fieldapp.store.follow_ups import FollowUps
from fieldapp.store.opening import ReceiptNotFound, VisitNotFound
from fieldapp.store.outbox import Outbox
from fieldapp.store.recording import Recording
from fieldapp.store.route import RouteReads


class Store(RouteReads, FollowUps, Recording, Outbox, PublishedContent):
    """One open connection to the laptop's database; open one per thread.

    The screens, the CLI and the sync client all use this one object; each
    base class is the room of the store that serves one of them.
    """


__all__ = ["ReceiptNotFound", "Store", "VisitNotFound"]
