"""Run the API under uvicorn: one process, or several workers sharing the port."""

from __future__ import annotations

import gc
import os
import socket

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from headoffice.store import db


def app_from_env():
    """The app each worker builds: the database comes from HEADOFFICE_DB (serve sets it)."""
    from headoffice.api.app import create_app

    # `serve` migrated before the workers started; each worker only connects.
    app = create_app(db.connect(os.environ["HEADOFFICE_DB"], migrate=False))
    _freeze_startup()
    return app


def _freeze_startup() -> None:
    # What the server imported and built at start lives as long as it does: gc.freeze()
    # keeps the collector from walking those objects again in every full collection,
    # which otherwise lands inside a request (70 ms with 100,000 objects, here).
    gc.collect()
    gc.freeze()


def _nodelay(transport) -> None:
    # Small JSON answers must leave at once. Workers get the listening socket
    # through multiprocessing, and asyncio then does not set TCP_NODELAY on
    # accepted connections: Nagle plus the client's delayed ACK measured a
    # 44 ms floor per request here with two workers.
    sock = transport.get_extra_info("socket")
    if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayH11(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, with TCP_NODELAY on every accepted connection."""

    def connection_made(self, transport) -> None:
        _nodelay(transport)
        super().connection_made(transport)


def _protocol() -> type:
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # httptools is optional; h11 is always there
        return NoDelayH11

    class NoDelayHttpTools(HttpToolsProtocol):
        def connection_made(self, transport) -> None:
            _nodelay(transport)
            super().connection_made(transport)

    return NoDelayHttpTools


def run(
    db_url: str, host: str, port: int, workers: int = 1, tls: tuple[str, str] | None = None
) -> None:
    """Serve until stopped; with workers > 1, uvicorn forks that many processes.

    `tls` is (certificate file, key file), both PEM: then HTTPS, by uvicorn's own TLS.
    """
    certificate = {"ssl_certfile": tls[0], "ssl_keyfile": tls[1]} if tls else {}
    if workers == 1:
        from headoffice.api.app import create_app

        app = create_app(db.connect(db_url, migrate=False))
        _freeze_startup()
        uvicorn.run(app, host=host, port=port, log_level="warning", http=_protocol(), **certificate)
        return
    os.environ["HEADOFFICE_DB"] = db_url
    uvicorn.run(
        "headoffice.api.serving:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        http=_protocol(),
        **certificate,
    )
