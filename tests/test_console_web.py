"""The supervisors' console served to a browser (textual-serve), signed in over its websocket."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import httpx
import pytest

from tests.helpers import free_port

pytestmark = pytest.mark.usefixtures("own_settings")


def test_the_console_is_served_to_a_browser(office, tmp_path):
    live, token, _engine = office
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "headoffice",
            "console",
            "--web",
            "--web-port",
            str(port),
            "--server",
            live.url,
            "--token",
            token,
        ],
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "web.log").open("wb"),
    )
    try:
        deadline = time.monotonic() + 30
        page = None
        while time.monotonic() < deadline:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert page is not None, (tmp_path / "web.log").read_text()
        assert page.status_code == 200
        assert "fieldapp head office" in page.text
        assert token not in page.text  # the token stays on the server side
        # A browser then opens the websocket: the console runs and signs in.
        shown = asyncio.run(_watch_web_console(port, "Signed in as Head Office Demo"))
        assert "Signed in as Head Office Demo" in shown
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _watch_web_console(port: int, wanted: str, seconds: float = 30) -> str:
    """What the console sends a browser over the websocket, until `wanted` shows."""
    import aiohttp

    seen = ""
    url = f"ws://127.0.0.1:{port}/ws?width=120&height=40"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as socket:
        deadline = time.monotonic() + seconds
        while wanted not in seen and time.monotonic() < deadline:
            try:
                message = await socket.receive(timeout=max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                break
            if message.type == aiohttp.WSMsgType.BINARY:
                seen += message.data.decode("utf-8", "replace")
            elif message.type == aiohttp.WSMsgType.TEXT:
                seen += message.data
            else:
                break
    return seen
