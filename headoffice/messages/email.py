"""The e-mail channel: each message as one plain-text mail over SMTP, one connection per run."""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import os
import smtplib
import ssl
from dataclasses import dataclass
from email import errors as email_errors
from email import policy as email_policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit

from headoffice import clock
from headoffice.messages.outgoing import Answer, ChannelDown, Delivery, Outgoing

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
# Where a private CA's certificate may be named when `cafile` is not given.
CA_FILE_ENV = "HEADOFFICE_SMTP_CA_FILE"
# Lines of 7 bits only: the body goes as quoted-printable or base64 (whichever is
# shorter), so no server needs 8BITMIME; lines end in CRLF, as SMTP wants.
_POLICY = email_policy.SMTP.clone(cte_type="7bit")


@dataclass(frozen=True)
class SmtpServer:
    """Where the mail goes, read from an smtp:// or smtps:// URL."""

    implicit_tls: bool  # smtps://: TLS from the first byte, not STARTTLS
    host: str
    port: int
    user: str | None
    password: str | None

    @property
    def where(self) -> str:
        # Never the URL itself: it may hold the password.
        return f"{self.host}:{self.port}"


def smtp_server(url: str) -> SmtpServer:
    """The server an smtp://user:pass@host:port URL names, or a ValueError saying what is wrong."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise ValueError(f"the mail server's URL cannot be read: {error}") from None
    if parts.scheme not in DEFAULT_PORTS:
        raise ValueError(
            "the mail server's URL must start with smtp:// (STARTTLS when offered) or "
            "smtps:// (TLS from the start), as in smtp://user:password@mail.example.com:587"
        )
    if not parts.hostname:
        raise ValueError("the mail server's URL names no host, as in smtp://mail.example.com:587")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(
            "the mail server's URL has something after the host and port, which would be "
            "ignored: give only smtp://user:password@host:port"
        )
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if user and not password:
        raise ValueError(
            "the mail server's URL gives a user but no password, as smtp://user:password@host"
        )
    return SmtpServer(
        implicit_tls=parts.scheme == "smtps",
        host=parts.hostname,
        port=port or DEFAULT_PORTS[parts.scheme],
        user=user,
        password=password if user else None,
    )


def loopback(host: str) -> bool:
    """True for localhost and loopback addresses, the only hosts a password may reach in clear.

    The name is judged as written, never resolved: a security decision should not
    rest on what DNS answers today.
    """
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def message_id(key: str, from_address: str) -> str:
    """The Message-ID of the message with this outbox key: the same on every resend."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{from_address.rpartition('@')[2]}>"


def _address(name: str, addr_spec: str) -> Address:
    # The parser's many complaints (defects, parse errors, an IndexError for "a@")
    # all mean the same to a supervisor: this is not an address we can send to.
    if addr_spec.count("@") != 1 or not addr_spec.rpartition("@")[2]:
        raise ValueError(f"{addr_spec!r} is not an e-mail address")
    try:
        return Address(display_name=" ".join(name.split()), addr_spec=addr_spec.strip())
    except (ValueError, IndexError, email_errors.HeaderParseError) as error:
        raise ValueError(f"{addr_spec!r} is not an e-mail address ({error})") from None


def _words(reply: bytes | str) -> str:
    """A server's reply text on one line."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())


class EmailSender:
    """Sends each Outgoing as a text/plain UTF-8 mail through one SMTP server."""

    def __init__(
        self,
        url: str,
        from_address: str,
        from_name: str,
        timeout: float = 30,
        cafile: str | None = None,
    ) -> None:
        self.server = smtp_server(url)
        try:
            self.sender = _address(from_name, from_address)
        except ValueError as error:
            raise ValueError(f"the sender's address: {error}") from None
        self.from_address = from_address.strip()
        self.timeout = timeout
        self.tls = ssl.create_default_context()
        cafile = cafile or os.environ.get(CA_FILE_ENV) or None
        if cafile:
            # Added to the system's CAs, not instead of them: a private relay's CA
            # should not make public servers untrusted.
            try:
                self.tls.load_verify_locations(cafile=cafile)
            except (OSError, ssl.SSLError) as error:
                raise ValueError(f"the CA file {cafile} cannot be read: {error}") from None
        self._smtp: smtplib.SMTP | None = None

    def mail(self, message: Outgoing) -> EmailMessage:
        """The mail for one message (a ValueError if its address is not one)."""
        mail = EmailMessage(policy=_POLICY)
        mail["From"] = self.sender
        mail["To"] = _address(message.name, message.to)
        mail["Subject"] = " ".join(message.subject.split())
        mail["Date"] = format_datetime(clock.now())
        mail["Message-ID"] = message_id(message.key, self.from_address)
        mail["List-Unsubscribe"] = f"<mailto:{self.from_address}?subject=unsubscribe>"
        # RFC 3834: no out-of-office reply should come back to an address nobody reads.
        mail["Auto-Submitted"] = "auto-generated"
        mail["X-Fieldapp-Key"] = message.key
        mail.set_content(message.text, charset="utf-8")
        # After set_content, which drops every Content- header it finds.
        mail["Content-Language"] = message.language
        return mail

    def send(self, message: Outgoing) -> Delivery:
        """Send one message; ChannelDown when the server cannot be reached or refuses us."""
        try:
            mail = self.mail(message)
        except ValueError as error:
            return Delivery(Answer.FAILED, str(error))
        if not message.to.isascii():
            # Such an address needs SMTPUTF8 end to end, which many relays lack.
            return Delivery(
                Answer.FAILED, f"{message.to!r} has characters outside ASCII; it cannot be sent"
            )
        reused = self._smtp is not None
        try:
            return self._transaction(mail, message.to)
        except _Gone as gone:
            if not (reused and gone.before_recipient):
                return Delivery(Answer.RETRY, gone.sentence)
        # The reused connection had been closed by the server while idle (and nothing
        # of this message had reached it): once more on a fresh one.
        try:
            return self._transaction(mail, message.to)
        except _Gone as gone:
            return Delivery(Answer.RETRY, gone.sentence)

    def close(self) -> None:
        """Say QUIT and close the connection, if one is open."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _transaction(self, mail: EmailMessage, to: str) -> Delivery:
        smtp = self._connection()
        stage = "MAIL FROM"
        try:
            code, reply = smtp.mail(self.from_address)
            if code >= 500 and code != 421:
                # Every message would be refused the same way: it is our sender that is.
                self._drop()
                raise ChannelDown(
                    f"the mail server at {self.server.where} refuses mail from "
                    f"{self.from_address}: {code} {_words(reply)}"
                )
            if refused := self._refused(smtp, "the sender", code, reply):
                return refused
            stage = "RCPT TO"
            code, reply = smtp.rcpt(to)
            if refused := self._refused(smtp, to, code, reply):
                return refused
            stage = "DATA"
            try:
                code, reply = smtp.data(mail.as_bytes())
            except smtplib.SMTPDataError as error:  # DATA itself refused, before the text
                code, reply = error.smtp_code, error.smtp_error
            if refused := self._refused(smtp, "the message", code, reply):
                return refused
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self._drop()
            raise _Gone(
                f"the mail server at {self.server.where} closed the connection at "
                f"{stage}: {error or 'no reason given'}",
                before_recipient=stage == "MAIL FROM",
            ) from None
        return Delivery(
            Answer.SENT, f"{code} {_words(reply)}", provider_ref=str(mail["Message-ID"])
        )

    def _refused(self, smtp: smtplib.SMTP, what: str, code: int, reply: bytes) -> Delivery | None:
        """None when the reply is a 2xx; else the answer: FAILED for a 5xx, else RETRY."""
        if 200 <= code < 300:
            return None
        if code == 421:  # the server is closing the connection (a timeout, a shutdown)
            raise smtplib.SMTPServerDisconnected(f"{code} {_words(reply)}")
        # RSET clears the refused transaction, so the connection serves the next message.
        try:
            smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()
        # A 5xx is for good (no such mailbox); a 4xx, or a reply that is no reply, may pass.
        answer = Answer.FAILED if 500 <= code < 600 else Answer.RETRY
        return Delivery(answer, f"the mail server refused {what}: {code} {_words(reply)}")

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            self._smtp = self._open()
        return self._smtp

    def _open(self) -> smtplib.SMTP:
        server = self.server
        # The EHLO name is the sender's domain: the machine's own name would need a
        # reverse DNS lookup, which can hang for seconds where DNS is down.
        hello = self.sender.domain
        smtp: smtplib.SMTP | None = None
        try:
            if server.implicit_tls:
                smtp = smtplib.SMTP_SSL(
                    server.host, server.port, hello, timeout=self.timeout, context=self.tls
                )
            else:
                smtp = smtplib.SMTP(server.host, server.port, hello, timeout=self.timeout)
            smtp.ehlo_or_helo_if_needed()
            if not server.implicit_tls and smtp.has_extn("starttls"):
                smtp.starttls(context=self.tls)
                smtp.ehlo()
            if server.user:
                self._log_in(smtp, encrypted=isinstance(smtp.sock, ssl.SSLSocket))
        except ChannelDown:
            _close(smtp)
            raise
        except smtplib.SMTPAuthenticationError as error:
            _close(smtp)
            raise ChannelDown(
                f"the mail server at {server.where} refused the login of {server.user}: "
                f"{error.smtp_code} {_words(error.smtp_error)}"
            ) from None
        except smtplib.SMTPNotSupportedError:
            _close(smtp)
            raise ChannelDown(
                f"the mail server at {server.where} offers no login, yet the URL gives a user"
            ) from None
        except ssl.SSLError as error:
            _close(smtp)
            raise ChannelDown(
                f"the mail server at {server.where} failed the TLS check "
                f"({getattr(error, 'verify_message', None) or error.reason}): "
                f"if it uses a private CA, name its certificate in {CA_FILE_ENV}"
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            _close(smtp)
            raise ChannelDown(
                f"cannot reach the mail server at {server.where}: {error or type(error).__name__}"
            ) from None
        return smtp

    def _log_in(self, smtp: smtplib.SMTP, encrypted: bool) -> None:
        server = self.server
        if not encrypted and not loopback(server.host):
            raise ChannelDown(
                f"the mail server at {server.where} offers no STARTTLS, and its password "
                "would cross the network in clear: use smtps://, or a server that offers "
                "STARTTLS (only a server on this machine may log in without TLS)"
            )
        user, password = server.user or "", server.password or ""
        if f"{user}{password}".isascii():
            smtp.login(user, password)
            return
        # smtplib writes a login in ASCII only; AUTH PLAIN carries UTF-8 (RFC 4616).
        if "PLAIN" not in smtp.esmtp_features.get("auth", "").upper().split():
            raise ChannelDown(
                f"the mail server at {server.where} does not offer AUTH PLAIN, the only "
                "login that can carry a user or password with characters outside ASCII"
            )
        token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
        code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, reply)

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        _close(smtp)


def _close(smtp: smtplib.SMTP | None) -> None:
    # Without QUIT: the connection is broken or refused us, and may not answer.
    if smtp is not None:
        smtp.close()


class _Gone(Exception):
    """The connection broke during a transaction; `before_recipient` if at MAIL FROM."""

    def __init__(self, sentence: str, before_recipient: bool) -> None:
        super().__init__(sentence)
        self.sentence = sentence
        self.before_recipient = before_recipient
