"""A stand-in SMS gateway for the tests: real HTTP on a loopback port, with a gateway's faults."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

# Longest the gateway lives if a test forgets to stop it; a connection's idle limit.
LIFETIME = 60.0
IDLE = 5.0


@dataclass(frozen=True)
class Request:
    """One request as it came: its path, headers (names in lower case) and JSON."""

    path: str
    headers: dict[str, str]
    json: Any


@dataclass(frozen=True)
class Delivered:
    """One message the gateway took, once per idempotency key."""

    key: str
    number: str
    body: Any
    id: str


def _to(body: Any) -> str | None:
    return body.get("to") if isinstance(body, dict) else None


class StandInGateway:
    """A gateway on 127.0.0.1 at a free port, in a daemon thread; a context manager.

    Every request lands in `requests`; each new idempotency key that is taken lands
    once in `delivered`, and a repeat of it is answered `repeat_status` (409, or 200)
    with the same id. `number_of` finds the phone number in a body (its "to" unless
    told otherwise). Faults are set per number with fail_first, slow and reject;
    `token`, when set, is the bearer token every request must carry.
    """

    def __init__(self, number_of: Callable[[Any], str | None] = _to) -> None:
        self.number_of = number_of
        self.requests: list[Request] = []
        self.delivered: list[Delivered] = []
        self.token: str | None = None
        self.repeat_status = 409
        self.id_field = "id"
        self._failures: dict[str, tuple[int, int]] = {}
        self._slow: dict[str, tuple[float, int]] = {}
        self._rejections: dict[str, str] = {}
        self._by_key: dict[str, Delivered] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._http.daemon_threads = True
        self.port = self._http.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/v1/messages"
        # A short poll, so that stopping takes milliseconds rather than half a second.
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._timer = threading.Timer(LIFETIME, self.stop)
        self._timer.daemon = True

    def fail_first(self, number: str, times: int, status: int = 503) -> None:
        """Answer the next `times` requests for this number with `status`, taking nothing."""
        self._failures[number] = (times, status)

    def slow(self, number: str, seconds: float, times: int = 1) -> None:
        """Take the next `times` messages for this number, but answer only after `seconds`."""
        self._slow[number] = (seconds, times)

    def reject(self, number: str, message: str) -> None:
        """Answer every request for this number 400 with {"message": message}."""
        self._rejections[number] = message

    def start(self) -> StandInGateway:
        self._thread.start()
        self._timer.start()
        return self

    def stop(self) -> None:
        if not self._stopping.is_set():
            self._stopping.set()  # wakes the slow answers, so no thread lingers
            self._timer.cancel()
            self._http.shutdown()
            self._http.server_close()

    def __enter__(self) -> StandInGateway:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def answer(self, headers: dict[str, str], body: Any) -> tuple[int, Any, float]:
        """The status, JSON and delay for one request (called by the handler's threads)."""
        if self.token and headers.get("authorization") != f"Bearer {self.token}":
            return 401, {"message": "unknown token"}, 0.0
        key = headers.get("idempotency-key")
        if not key:
            return 400, {"message": "Idempotency-Key is required"}, 0.0
        number = self.number_of(body)
        if not number:
            return 422, {"error": {"message": "no phone number in the request"}}, 0.0
        with self._lock:
            if (earlier := self._by_key.get(key)) is not None:
                return self.repeat_status, {self.id_field: earlier.id, "duplicate": True}, 0.0
            if number in self._rejections:
                return 400, {"message": self._rejections[number]}, 0.0
            times, status = self._failures.get(number, (0, 0))
            if times > 0:
                self._failures[number] = (times - 1, status)
                return status, {"message": "try again later"}, 0.0
            delivered = Delivered(key, number, body, f"msg-{len(self.delivered) + 1:06d}")
            self.delivered.append(delivered)
            self._by_key[key] = delivered
            delay = 0.0
            if number in self._slow:
                seconds, times = self._slow[number]
                delay = seconds
                if times <= 1:
                    del self._slow[number]
                else:
                    self._slow[number] = (seconds, times - 1)
        return 201, {self.id_field: delivered.id, "status": "queued"}, delay


def _handler_for(gateway: StandInGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the channel's one client expects
        timeout = IDLE

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            gateway.requests.append(Request(self.path, headers, body))
            if body is None:
                status, answer, delay = 400, {"message": "the body is not JSON"}, 0.0
            else:
                status, answer, delay = gateway.answer(headers, body)
            if delay:
                gateway._stopping.wait(delay)
            data = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up waiting (its timeout): the answer has nobody to go to

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the tests read `requests`, not a log

    return Handler


# Named apart from the fixture, so that a test module imports it without shadowing it.
@pytest.fixture(name="sms_gateway")
def sms_gateway_fixture() -> Iterator[StandInGateway]:
    """A running StandInGateway, stopped after the test."""
    with StandInGateway() as gateway:
        yield gateway
