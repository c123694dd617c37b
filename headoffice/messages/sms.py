"""The SMS channel: each message as one JSON POST to a gateway, keyed for safe retries."""

from __future__ import annotations

import json
import re
import string
from typing import Any
from urllib.parse import quote, unquote

import httpx

from headoffice.messages.email import loopback
from headoffice.messages.outgoing import Answer, ChannelDown, Delivery, Outgoing

DEFAULT_BODY = '{"to": "{to}", "text": "{text}", "reference": "{key}"}'
PLACEHOLDERS = ("to", "text", "key", "sender", "language")
# A placeholder is a word in braces; any other brace in a value is kept as written.
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Answers that say "not now": a timeout of the request, too early, too many, and 5xx.
_RETRY_CODES = frozenset({408, 425, 429})
# Where gateways put the id of the message they took, and the words of a refusal.
_ID_FIELDS = ("id", "message_id")
_MESSAGE_FIELDS = ("message", "error", "detail", "error_description", "description")


def body_template(body: str | None, sender: str | None = None) -> Any:
    """The JSON a template string holds, checked; a ValueError says what is wrong with it."""
    text = DEFAULT_BODY if body is None else body
    try:
        template = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"the SMS body template is not JSON: {error}") from None
    if not isinstance(template, dict):
        raise ValueError('the SMS body template must be a JSON object, as {"to": "{to}"}')
    used = set(_placeholders(template))
    if unknown := sorted(used - set(PLACEHOLDERS)):
        known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        raise ValueError(
            f"the SMS body template names {', '.join(f'{{{n}}}' for n in unknown)}; "
            f"the values it may hold are {known}"
        )
    if "sender" in used and not sender:
        raise ValueError("the SMS body template uses {sender}, but no sender is set")
    if "to" not in used or "text" not in used:
        raise ValueError("the SMS body template must hold {to} and {text} somewhere")
    return template


def _placeholders(node: Any) -> list[str]:
    if isinstance(node, str):
        return _PLACEHOLDER.findall(node)
    if isinstance(node, dict):
        return [name for value in node.values() for name in _placeholders(value)]
    if isinstance(node, list):
        return [name for value in node for name in _placeholders(value)]
    return []


def filled(template: Any, values: dict[str, str]) -> Any:
    """The template with each placeholder in its string values replaced, in one pass.

    One pass, and only in values: a text that itself holds "{key}" stays as written,
    and the object's keys are never touched.
    """
    if isinstance(template, str):
        return _PLACEHOLDER.sub(lambda found: values[found.group(1)], template)
    if isinstance(template, dict):
        return {name: filled(value, values) for name, value in template.items()}
    if isinstance(template, list):
        return [filled(value, values) for value in template]
    return template


def idempotency_key(key: str) -> str:
    """The outbox key as a header value: as it is, unless it holds what a header cannot
    (a character outside printable ASCII), which is percent-encoded, the same every time."""
    if key.isascii() and key.isprintable():
        return key
    return quote(key, safe=string.punctuation.replace("%", "") + " ")


class SmsGateway:
    """Sends each Outgoing as one POST of JSON to an SMS gateway's URL."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        body: str | None = None,
        sender: str | None = None,
        timeout: float = 10,
    ) -> None:
        try:
            parsed = httpx.URL(url.strip())
        except httpx.InvalidURL as error:
            raise ValueError(f"the SMS gateway's URL cannot be read: {error}") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ValueError(
                "the SMS gateway's URL must be http(s)://host/path, as "
                "https://user:password@sms.example.com/v1/messages"
            )
        auth: httpx.Auth | None = None
        headers: dict[str, str] = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        elif parsed.username:
            auth = httpx.BasicAuth(unquote(parsed.username), unquote(parsed.password))
        if (token or parsed.username) and parsed.scheme == "http" and not loopback(parsed.host):
            raise ValueError(
                f"the SMS gateway at {parsed.host} is reached over plain http, and its "
                "token or password would cross the network in clear: use https:// "
                "(only a gateway on this machine may go without TLS)"
            )
        self.sender = sender
        self.template = body_template(body, sender)
        # The credentials leave the URL: it is shown in errors and logs.
        self.url = parsed.copy_with(username=None, password=None)
        self.where = str(self.url)
        self._client = httpx.Client(timeout=timeout, auth=auth, headers=headers)

    def payload(self, message: Outgoing) -> Any:
        """The JSON this gateway is sent for one message."""
        values = {
            "to": message.to,
            "text": message.text,
            "key": message.key,
            "sender": self.sender or "",
            "language": message.language,
        }
        return filled(self.template, values)

    def send(self, message: Outgoing) -> Delivery:
        """Send one message; ChannelDown when the gateway cannot be reached or refuses us."""
        try:
            response = self._client.post(
                self.url,
                json=self.payload(message),
                headers={"Idempotency-Key": idempotency_key(message.key)},
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as error:
            raise ChannelDown(
                f"cannot reach the SMS gateway at {self.where}: {error or type(error).__name__}"
            ) from None
        except httpx.TransportError as error:
            # A read timeout or a dropped answer: the gateway may have taken it or not.
            # The idempotency key makes the retry safe either way.
            return Delivery(
                Answer.RETRY,
                f"the SMS gateway did not answer ({type(error).__name__}: {error}); "
                "it may have the message, and the retry carries the same key",
            )
        return self._judged(response)

    def close(self) -> None:
        """Close the client and its connections."""
        self._client.close()

    def _judged(self, response: httpx.Response) -> Delivery:
        code = response.status_code
        answer = _json(response)
        words = _message(answer) or " ".join(response.text.split())[:200]
        if 200 <= code < 300:
            return Delivery(Answer.SENT, f"the gateway took it ({code})", _ref(answer))
        if code == 409:
            return Delivery(
                Answer.SENT, "the gateway already had a message with this key (409)", _ref(answer)
            )
        if code in (401, 403):
            raise ChannelDown(
                f"the SMS gateway at {self.where} refuses our credentials ({code}): "
                f"{words or 'no reason given'}"
            )
        if code in _RETRY_CODES or 500 <= code < 600:
            return Delivery(Answer.RETRY, f"the gateway answered {code}: {words or 'no reason'}")
        if 400 <= code < 500:
            return Delivery(Answer.FAILED, words or f"the gateway refused it ({code})")
        # A redirect or a stranger answer means the URL is not the gateway's endpoint:
        # every message would go the same way.
        raise ChannelDown(
            f"the SMS gateway at {self.where} answered {code}, not an answer to a message: "
            "check its URL"
        )


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _ref(answer: Any) -> str | None:
    if isinstance(answer, dict):
        for field in _ID_FIELDS:
            if answer.get(field) not in (None, ""):
                return str(answer[field])
    return None


def _message(answer: Any) -> str | None:
    """The gateway's own words in its JSON, where it put them (nested one level, as
    {"error": {"message": ...}}, is found too)."""
    if not isinstance(answer, dict):
        return None
    for field in _MESSAGE_FIELDS:
        value = answer.get(field)
        if isinstance(value, dict):
            value = _message(value)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None
