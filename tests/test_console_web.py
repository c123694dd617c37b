"""The supervisors' console served to a browser (textual-serve), signed in over its websocket."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
import textual_serve

from tests.helpers import free_port

pytestmark = pytest.mark.usefixtures("own_settings")

# What a browser fetches: src/href attributes and CSS url(...), quoted or not.
REFERENCE = re.compile(r"""(?:\b(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+))""")
# Any web address in text: a script or style sheet could fetch it at run time.
ADDRESS = re.compile(r"""\b(?:https?|wss?):\/\/([^\/\s"'`<>)\\]+)""", re.IGNORECASE)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
TEXT_TYPES = ("text/html", "text/css", "javascript")


@pytest.fixture
def web_console(office, tmp_path):
    """`headoffice console --web` on a loopback port; (page URL, token) once it answers."""
    live, token, _engine = office
    port = free_port()
    log = tmp_path / "web.log"
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "headoffice", "console", "--web"),
            *("--web-port", str(port), "--server", live.url, "--token", token),
        ],
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(url, timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail(log.read_text())
        yield url, token
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_console_is_served_to_a_browser(web_console):
    url, token = web_console
    page = httpx.get(url, timeout=5)
    assert page.status_code == 200
    assert "fieldapp head office" in page.text
    assert token not in page.text  # the token stays on the server side
    # A browser then opens the websocket: the console runs and signs in.
    port = urlsplit(url).port
    shown = asyncio.run(_watch_web_console(port, "Signed in as Head Office Demo"))
    assert "Signed in as Head Office Demo" in shown


def test_every_asset_comes_from_head_office_itself(web_console):
    # A head office on a closed network: no font CDN, nothing from another host.
    url, _token = web_console
    origin = urlsplit(url).netloc
    fetched: dict[str, httpx.Response] = {}
    waiting = [url]
    with httpx.Client(timeout=10) as client:
        while waiting:
            address = waiting.pop()
            if address in fetched:
                continue
            assert urlsplit(address).netloc == origin, f"{address} is not head office's"
            answer = fetched[address] = client.get(address)
            assert answer.status_code == 200, address
            if _is_text(answer):
                waiting += [urljoin(address, ref) for ref in references(answer.text)]
    kinds = {urlsplit(address).path.rsplit(".", 1)[-1] for address in fetched}
    assert {"css", "js", "ttf", "png"} <= kinds  # the style sheet, script, font, image
    for address, answer in fetched.items():
        if _is_text(answer):
            assert foreign_hosts(answer.text, origin) == [], address


def test_the_asset_check_would_catch_textual_serves_own_page():
    # The check above must be able to fail: the stock page's font CDN is found.
    stock = Path(textual_serve.__file__).with_name("templates") / "app_index.html"
    assert "fonts.googleapis.com" in foreign_hosts(stock.read_text(), "127.0.0.1:8000")


def references(text: str) -> list[str]:
    """The addresses a page or style sheet makes the browser fetch (not data: ones)."""
    found = [a or b for a, b in REFERENCE.findall(CSS_COMMENT.sub("", text))]
    return [ref.strip() for ref in found if not ref.startswith(("data:", "#"))]


def foreign_hosts(text: str, origin: str) -> list[str]:
    """Hosts other than head office named by a web address in the text.

    Style-sheet comments are left out: xterm.css credits its authors' page in
    its licence header, which no browser fetches.
    """
    hosts = ADDRESS.findall(CSS_COMMENT.sub("", text))
    return sorted({host for host in hosts if host.lower() != origin.lower()})


def _is_text(answer: httpx.Response) -> bool:
    kind = answer.headers.get("content-type", "")
    return any(text in kind for text in TEXT_TYPES)


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
