"""Serving for many collectors: several uvicorn workers on one database, replies without delay."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx

from headoffice.api.serving import _nodelay
from headoffice.store import db
from headoffice.work import supervisors
from tests.helpers import free_port


class _Transport:
    """Just enough of an asyncio transport to hand over a real accepted socket."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def get_extra_info(self, name: str):
        return self.sock if name == "socket" else None


def test_accepted_connections_get_tcp_nodelay():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
        with client, accepted:
            accepted.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)
            _nodelay(_Transport(accepted))
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


def test_two_workers_share_the_port_and_the_database(db_url, tmp_path):
    engine = db.connect(db_url)
    token = supervisors.add_supervisor(engine, "Anna")
    engine.dispose()
    port = free_port()
    log = tmp_path / "serve.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "headoffice", "serve", "--db", db_url, "--port", str(port),
         "--workers", "2"],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/health", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, log.read_text()
                assert process.poll() is None, log.read_text()
                time.sleep(0.1)
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
            # Fresh connections land on either worker; every one answers the same.
            for _ in range(10):
                answer = client.get("/supervisor/me", headers={"Connection": "close"})
                assert answer.status_code == 200 and answer.json()["name"] == "Anna"
    finally:
        process.terminate()
        process.wait(timeout=20)
