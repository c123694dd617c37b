"""A real SMTP server for the tests: aiosmtpd on a loopback port, with TLS and login at will."""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.helpers import free_port

# Longest a server lives if a test forgets to stop it; and how long a connection may idle.
LIFETIME = 60.0
IDLE = 5.0


@dataclass(frozen=True)
class Received:
    """One message as the server took it."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    tls: bool  # the session was encrypted (STARTTLS or smtps) when DATA came
    login: str | None  # the user it logged in as, if it did
    peer: tuple[str, int]  # the client's address: one per connection


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1, its own CA, and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_file, key_file = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


class _Handler:
    """aiosmtpd's hooks: refuse the recipients the test named, record the rest."""

    def __init__(self, server: LocalMailServer) -> None:
        self.server = server

    async def handle_RCPT(
        self, smtp: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if reply := self.server.refusals.get(address.lower()):
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp: SMTP, session: Session, envelope: Envelope) -> str:
        if set(envelope.rcpt_tos) & self.server.drop_at_data:
            # The connection breaks while the message is in flight: no reply ever comes.
            assert smtp.transport is not None
            smtp.transport.abort()
            return "421 dropped"
        assert isinstance(envelope.content, bytes) and smtp.transport is not None
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        login = session.auth_data.login.decode() if session.authenticated else None
        self.server.received.append(
            Received(
                mail_from=envelope.mail_from or "",
                rcpt_tos=list(envelope.rcpt_tos),
                message=message,
                # session.ssl is set by STARTTLS only; smtps shows on the transport.
                tls=session.ssl is not None or bool(smtp.transport.get_extra_info("ssl_object")),
                login=login,
                peer=tuple(session.peer[:2]),
            )
        )
        return "250 2.0.0 Ok: queued"


class LocalMailServer:
    """aiosmtpd on 127.0.0.1 at a free port, in its own thread; a context manager.

    starttls: offer STARTTLS with a self-signed certificate (its CA file is `ca_file`).
    implicit_tls: TLS from the first byte, as smtps:// expects.
    login: (user, password) the server wants, over AUTH LOGIN or PLAIN, before MAIL.
    login_in_clear: offer AUTH on a connection without TLS (aiosmtpd will not by default).
    idle: seconds a connection may idle before the server says 421 and closes it.
    """

    def __init__(
        self,
        folder: Path,
        *,
        starttls: bool = False,
        implicit_tls: bool = False,
        login: tuple[str, str] | None = None,
        login_in_clear: bool = False,
        idle: float = IDLE,
    ) -> None:
        self.host, self.port = "127.0.0.1", free_port()
        self.received: list[Received] = []
        self.refusals: dict[str, str] = {}
        self.drop_at_data: set[str] = set()
        self.auth_attempts = 0
        self.implicit_tls = implicit_tls
        self.ca_file: Path | None = None
        self._login = login
        context: ssl.SSLContext | None = None
        if starttls or implicit_tls:
            cert, key = self_signed(folder)
            self.ca_file = cert
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert, key)
        options: dict[str, Any] = {
            "server_hostname": "localhost",  # not getfqdn(): no DNS lookup to wait on
            "ready_timeout": 5.0,
            "timeout": idle,
            "auth_require_tls": not login_in_clear,
        }
        if login:
            options |= {"authenticator": self._authenticate, "auth_required": True}
        if implicit_tls:
            options["ssl_context"] = context
        elif starttls:
            options["tls_context"] = context
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port, **options)
        self._stopped = threading.Lock()
        self._timer = threading.Timer(LIFETIME, self.stop)
        self._timer.daemon = True

    def url(self, user: str | None = None, password: str | None = None) -> str:
        """The smtp:// (or smtps://) URL of this server, with a login if given."""
        scheme = "smtps" if self.implicit_tls else "smtp"
        login = f"{user}:{password}@" if user else ""
        return f"{scheme}://{login}{self.host}:{self.port}"

    def refuse(self, address: str, reply: str) -> None:
        """Answer RCPT TO for this address with `reply`, as "550 5.1.1 No such user"."""
        self.refusals[address.lower()] = reply

    def start(self) -> LocalMailServer:
        self._controller.start()
        self._timer.start()
        return self

    def stop(self) -> None:
        if self._stopped.acquire(blocking=False):
            self._timer.cancel()
            self._controller.stop(no_assert=True)

    def __enter__(self) -> LocalMailServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _authenticate(
        self, smtp: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        self.auth_attempts += 1
        assert self._login is not None
        ok = (
            isinstance(data, LoginPassword)
            and (
                data.login.decode(),
                data.password.decode(),
            )
            == self._login
        )
        # handled=False: aiosmtpd then answers a failure with 535 itself.
        return AuthResult(success=ok, handled=False, auth_data=data)


# Named apart from the fixture, so that a test module imports it without shadowing it.
@pytest.fixture(name="mail_server")
def mail_server_fixture(tmp_path: Path) -> Iterator[Callable[..., LocalMailServer]]:
    """Start a LocalMailServer with the given options; every one is stopped after the test."""
    started: list[LocalMailServer] = []

    def start(**options: Any) -> LocalMailServer:
        server = LocalMailServer(tmp_path / f"smtp{len(started)}", **options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
