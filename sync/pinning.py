"""Head office's TLS certificate pinned at enrollment: its fingerprint, and a context that
trusts that one certificate and no other."""

from __future__ import annotations

import hashlib
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

# A handshake to read the certificate: as long as a request's connect timeout.
HANDSHAKE_SECONDS = 10.0
DEFAULT_PORTS = {"https": 443, "http": 80}


class PinError(ValueError):
    """A fingerprint that cannot be one, or a server whose certificate cannot be read."""


def read_fingerprint(text: str) -> str:
    """A SHA-256 fingerprint as 64 lower-case hex digits, from any case, colons allowed.

    `openssl x509 -fingerprint -sha256` prints "sha256 Fingerprint=AB:CD:...": the
    label before "=" is dropped too, so its whole line can be pasted.
    """
    digits = text.strip().rpartition("=")[2].replace(":", "").replace(" ", "").lower()
    if len(digits) != 64 or any(c not in "0123456789abcdef" for c in digits):
        raise PinError(
            f"{text.strip()!r} is not a SHA-256 fingerprint: 64 hex digits, colons allowed, "
            "as `openssl x509 -noout -fingerprint -sha256 -in cert.pem` prints it"
        )
    return digits


def fingerprint(der: bytes) -> str:
    """The SHA-256 of a certificate (DER bytes), as 64 lower-case hex digits."""
    return hashlib.sha256(der).hexdigest()


def spaced(digits: str) -> str:
    """A fingerprint as openssl prints it (AB:CD:...), for a person to compare."""
    return ":".join(digits[n : n + 2] for n in range(0, len(digits), 2)).upper()


def is_loopback(url: str) -> bool:
    """Whether `url` names this machine (127.0.0.0/8, ::1 or localhost)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def presented_certificate(url: str, timeout: float = HANDSHAKE_SECONDS) -> bytes:
    """The certificate the server at `url` shows in its TLS handshake (DER), unverified.

    Only read to compare with a pin: nothing is sent over this connection.
    """
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise PinError(f"a certificate is pinned only for an https:// address, not {url}")
    port = parts.port or DEFAULT_PORTS["https"]
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((parts.hostname, port), timeout=timeout) as raw,
            context.wrap_socket(raw, server_hostname=parts.hostname) as tls,
        ):
            der = tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError) as error:
        raise PinError(f"cannot read the certificate of {parts.hostname}:{port}: {error}") from None
    if not der:
        raise PinError(f"{parts.hostname}:{port} showed no certificate")
    return der


def pinned_context(der: bytes) -> ssl.SSLContext:
    """A TLS context that accepts exactly this certificate, whoever issued it.

    The certificate is the only trust anchor, and a partial chain lets a server's own
    certificate be one. The host name is not checked: the pin is stronger than a name
    (head office may be reached by an address its certificate does not list).
    """
    context = ssl.create_default_context(cadata=der)
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    context.check_hostname = False
    return context
