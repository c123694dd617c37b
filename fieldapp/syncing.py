"""Run one sync of this laptop against head office, from the CLI or a UI worker thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from fieldapp.store import Store
from sync.client import SyncClient, SyncError, SyncReport
from sync.protocol import EnrollResponse


class NotEnrolled(SyncError):
    """This laptop has no device identity yet."""


def sync_once(
    home: Path,
    *,
    progress: Callable[[SyncReport], None] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> SyncReport:
    """Push then pull until done; opens its own Store so it is safe in a worker thread."""
    store = Store(home)
    try:
        server = store.setting("server_url")
        token = store.setting("device_token")
        if not server or not token:
            raise NotEnrolled(
                "this laptop is not enrolled: run fieldapp enroll --server URL --token T"
            )
        with SyncClient(server, token, transport=transport) as client:
            return client.sync(store, progress)
    finally:
        store.close()


class StillHasChanges(SyncError):
    """Re-enrolling now would strand changes that were never sent."""


def enroll_laptop(home: Path, server_url: str, token: str, device_name: str) -> EnrollResponse:
    """Register this laptop with head office and keep its identity in the local store."""
    store = Store(home)
    try:
        if store.enrolled and (waiting := store.pending_count()):
            raise StillHasChanges(
                f"this laptop is enrolled and has {waiting} change(s) waiting: "
                "run fieldapp sync first"
            )
        with SyncClient(server_url) as client:
            identity = client.enroll(token, device_name)
        store.set_settings(
            server_url=server_url,
            device_id=identity.device_id,
            device_token=identity.device_token,
            device_code=identity.device_code,
            collector=identity.collector,
            language=identity.language,
            timezone=identity.timezone,
            cursor="",
        )
        return identity
    finally:
        store.close()
