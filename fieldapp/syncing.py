"""Run one sync of this laptop against head office, from the CLI or a UI worker thread."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from fieldapp.store import Store
from fieldapp.store.layout import DB_NAME
from fieldapp.vault.unlocking import is_set, new_pin, set_pin
from fieldapp.wiping import WipeOrdered
from sync.client import SyncClient, SyncError, SyncRejected, SyncReport
from sync.pinning import (
    PinError,
    fingerprint,
    is_loopback,
    presented_certificate,
    read_fingerprint,
    spaced,
)
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
        try:
            with SyncClient(server, token, transport=transport, pinned=pinned(store)) as client:
                report = client.sync(store, progress)
        except SyncRejected as refused:
            if refused.code == "wipe":
                raise WipeOrdered(str(refused), store.pending_count()) from None
            raise
        keep_lock_days(store)
        return report
    finally:
        store.close()


def keep_lock_days(store: Store) -> None:
    """The strictest policy's offline and idle limits, kept for the first screen to read
    cheaply (parsing the policies costs it 0.15 s)."""
    from fieldapp.content import policies

    found = policies(store.published_content()).by_jurisdiction.values()
    store.set_settings(
        offline_lock_days=str(min(p.offline_lock_days for p in found)),
        idle_lock_minutes=str(min(p.idle_lock_minutes for p in found)),
    )


class StillHasChanges(SyncError):
    """Re-enrolling now would strand changes that were never sent."""


class UnsafeServer(SyncError):
    """The address or certificate given at enrollment would put the laptop's data at risk."""


def pinned(store: Store) -> bytes | None:
    """Head office's certificate as pinned at enrollment (DER), if one was."""
    kept = store.setting("server_certificate")
    return base64.b64decode(kept) if kept else None


def checked_server(server_url: str, pin: str | None, insecure: bool) -> bytes | None:
    """Refuse an address that would send the token in the clear, or a certificate other
    than the one `pin` names; return the certificate to pin (DER), if one is."""
    scheme = urlsplit(server_url).scheme
    if scheme not in ("http", "https") or not urlsplit(server_url).hostname:
        raise UnsafeServer(f"{server_url!r} is not an http:// or https:// address")
    if scheme == "http" and not insecure and not is_loopback(server_url):
        raise UnsafeServer(
            f"refusing plain http:// to {urlsplit(server_url).hostname}: the token and every "
            "borrower's data would cross the network unencrypted. Use the https:// address, "
            "or --insecure on a network you trust"
        )
    if pin is None:
        return None
    try:
        wanted = read_fingerprint(pin)
        der = presented_certificate(server_url)
    except PinError as error:
        raise UnsafeServer(str(error)) from None
    if fingerprint(der) != wanted:
        raise UnsafeServer(
            f"head office at {server_url} showed a certificate with SHA-256 "
            f"{spaced(fingerprint(der))}, not the {spaced(wanted)} given; nothing was sent. "
            "Check the fingerprint with your supervisor"
        )
    return der


def _enrolled(
    server_url: str, certificate: bytes | None, token: str, device_name: str
) -> EnrollResponse:
    with SyncClient(server_url, pinned=certificate) as client:
        return client.enroll(token, device_name)


def enroll_laptop(
    home: Path,
    server_url: str,
    token: str,
    device_name: str,
    *,
    pin: str | None = None,
    insecure: bool = False,
) -> EnrollResponse:
    """Register this laptop with head office and keep its identity in the local store.

    `pin` is the SHA-256 of head office's certificate: that certificate and no other
    is accepted from then on. Plain http:// is refused beyond this machine unless
    `insecure`.
    """
    certificate = checked_server(server_url, pin, insecure)
    database = home / DB_NAME
    if not is_set(home) and not (database.exists() and database.stat().st_size):
        # A new laptop: its PIN is chosen first and kept once head office has enrolled it,
        # so a failed enrollment leaves no PIN behind for the next try to trip on.
        chosen = new_pin()
        identity = _enrolled(server_url, certificate, token, device_name)
        set_pin(home, chosen)
        store = Store(home)
    else:
        store = Store(home)
        try:
            if store.enrolled and (waiting := store.pending_count()):
                raise StillHasChanges(
                    f"this laptop is enrolled and has {waiting} change(s) waiting: "
                    "run fieldapp sync first"
                )
            identity = _enrolled(server_url, certificate, token, device_name)
        except BaseException:
            store.close()
            raise
    try:
        store.set_settings(
            server_url=server_url,
            server_certificate=base64.b64encode(certificate).decode() if certificate else "",
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
