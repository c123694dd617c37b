"""A head office that misbehaves, for real, on a loopback port: it forwards pushes to the
real server and answers pulls as a broken or hostile server would."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

# What the hostile server answers to a pull: (the request's cursor) -> (status, body bytes).
PullAnswer = Callable[[str], tuple[int, bytes]]


class HostileHeadOffice:
    """Serves /sync/pull with `answer`; everything else goes to the real server at `real_url`."""

    def __init__(self, real_url: str, answer: PullAnswer) -> None:
        self.real_url = real_url
        self.answer = answer
        self.pulls = 0
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == "/sync/pull":
                    hostile.pulls += 1
                    cursor = json.loads(body or b"{}").get("cursor", "")
                    status, payload = hostile.answer(cursor)
                else:
                    real = httpx.post(
                        hostile.real_url + self.path,
                        content=body,
                        headers={
                            "Content-Type": "application/json",
                            "Authorization": self.headers.get("Authorization", ""),
                        },
                    )
                    status, payload = real.status_code, real.content
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> HostileHeadOffice:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def page(cursor: str, more: bool, **fields: object) -> bytes:
    """A pull page as the protocol spells it."""
    return json.dumps({"protocol": 2, "cursor": cursor, "more": more, **fields}).encode()
