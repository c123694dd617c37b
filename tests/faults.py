"""Faults that a real network makes: an httpx transport that loses requests or responses."""

from __future__ import annotations

import random

import httpx


class FlakyTransport(httpx.BaseTransport):
    """Real HTTP to a real server, except that some requests never leave and some
    responses never come back after the server has committed."""

    def __init__(self, rng: random.Random, lose_request: float, lose_response: float) -> None:
        self.inner = httpx.HTTPTransport()
        self.rng = rng
        self.lose_request = lose_request
        self.lose_response = lose_response
        self.lost = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.rng.random() < self.lose_request:
            self.lost += 1
            raise httpx.ConnectError("the network dropped the request", request=request)
        response = self.inner.handle_request(request)
        response.read()
        if self.rng.random() < self.lose_response:
            self.lost += 1
            raise httpx.ReadError("the network dropped the response", request=request)
        return response

    def close(self) -> None:
        self.inner.close()
