"""The wire: head office over HTTPS with a real self-signed certificate, a laptop that pins
it at enrollment and refuses any other, and plain http:// refused beyond this machine."""

from __future__ import annotations

import datetime as dt
import ipaddress
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fieldapp.cli import main as fieldapp
from fieldapp.store import Store
from headoffice.cli import main as headoffice
from headoffice.store import db
from headoffice.work import portfolio, roster
from tests.conftest import DAY, sqlite_only
from tests.helpers import free_port
from tests.ui import drive

db_url = pytest.fixture(sqlite_only, name="db_url")


def self_signed(folder: Path, name: str) -> tuple[Path, Path, str]:
    """A certificate for 127.0.0.1 signed by its own key: (cert.pem, key.pem, fingerprint as
    openssl prints it, "AB:CD:...")."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_file, key_file = folder / f"{name}.pem", folder / f"{name}.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    digest = certificate.fingerprint(hashes.SHA256()).hex().upper()
    return cert_file, key_file, ":".join(digest[n : n + 2] for n in range(0, 64, 2))


@contextmanager
def https_server(db_url: str, port: int, cert: Path, key: Path, log: Path):
    """`headoffice serve --tls-cert --tls-key` as a process of its own, until the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-m", "headoffice", "serve", "--db", db_url, "--port", str(port),
         "--tls-cert", str(cert), "--tls-key", str(key)],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                # Not a trust decision: only waiting for the port to answer.
                httpx.get(f"https://127.0.0.1:{port}/health", verify=False, timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, log.read_text()
                assert process.poll() is None, log.read_text()
                time.sleep(0.1)
        yield f"https://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def laptop_cli(home: Path, *args: str):
    return CliRunner().invoke(fieldapp, ["--home", str(home), *args])


@pytest.fixture
def office(db_url, portfolio_file):
    engine = db.connect(db_url)
    portfolio.import_accounts(engine, portfolio.read_portfolio(portfolio_file))
    yield engine
    engine.dispose()


def test_a_pinned_laptop_syncs_over_https_and_refuses_another_certificate(db_url, office, tmp_path):
    cert, key, printed = self_signed(tmp_path / "tls", "headoffice")
    other_cert, other_key, _other = self_signed(tmp_path / "tls", "impostor")
    token = roster.add_collector(office, "Mette")
    roster.assign(office, "Mette", DAY, ["DK-1"])
    home, port = tmp_path / "laptop", free_port()
    with https_server(db_url, port, cert, key, tmp_path / "serve.log") as url:
        # Without the pin, a certificate nobody vouches for is refused, and said so.
        untrusted = laptop_cli(home, "enroll", "--server", url, "--token", token)
        assert untrusted.exit_code == 1
        assert "a certificate this laptop does not trust" in untrusted.output
        wrong = laptop_cli(home, "enroll", "--server", url, "--token", token,
                           "--pin-sha256", "00" * 32)  # fmt: skip
        assert wrong.exit_code == 1 and f"showed a certificate with SHA-256 {printed}" in (
            wrong.output.replace("\n", " ")
        )
        # As openssl prints it, label and all; any case.
        pin = f"sha256 Fingerprint={printed.lower()}"
        done = laptop_cli(home, "enroll", "--server", url, "--token", token, "--pin-sha256", pin)
        assert done.exit_code == 0, done.output
        assert laptop_cli(home, "sync").exit_code == 0
        recorded = laptop_cli(home, "record", "DK-1", "--outcome", "not_home")
        assert recorded.exit_code == 0, recorded.output
    # Head office's address now answers with another certificate: nothing is sent.
    with https_server(db_url, port, other_cert, other_key, tmp_path / "other.log"):
        refused = laptop_cli(home, "sync")
        assert refused.exit_code == 1
        said = " ".join(refused.output.split())
        assert "showed a certificate other than the one pinned at enrollment" in said
        assert f"pinned {printed}" in said and "enroll again with --pin-sha256" in said

        async def steps(app, pilot):
            await app.workers.wait_for_complete()
            await pilot.pause()
            return app.sync_status, app._next_sync

        # The app says why and stops trying by itself: this is not being offline.
        status, next_sync = drive(home, steps, sync_on_start=True)
        assert "head office's certificate is not the pinned one" in status
        assert next_sync is None
    store = Store(home)
    assert store.pending_count() == 1  # the outcome waits for the real head office
    store.close()
    with https_server(db_url, port, cert, key, tmp_path / "again.log"):
        assert laptop_cli(home, "sync").exit_code == 0
    store = Store(home)
    assert store.pending_count() == 0
    store.close()


def test_plain_http_is_refused_beyond_this_machine(tmp_path):
    home = tmp_path / "laptop"
    for address in ("http://192.0.2.10:8765", "http://headoffice.example"):
        done = laptop_cli(home, "enroll", "--server", address, "--token", "t")
        assert done.exit_code == 1
        assert "refusing plain http://" in done.output and "--insecure" in done.output
    bad = laptop_cli(home, "enroll", "--server", "ftp://x", "--token", "t")
    assert "is not an http:// or https:// address" in bad.output
    pin = laptop_cli(home, "enroll", "--server", "https://127.0.0.1:1", "--token", "t",
                     "--pin-sha256", "AB:CD")  # fmt: skip
    assert "is not a SHA-256 fingerprint" in pin.output
    assert not (home / "fieldapp.db").exists() or Store(home).setting("server_url") is None


def test_serve_says_what_is_wrong_with_its_certificate_files(tmp_path):
    cert, _key, _printed = self_signed(tmp_path, "one")
    _cert, other_key, _ = self_signed(tmp_path, "two")
    lonely = CliRunner().invoke(headoffice, ["serve", "--tls-cert", str(cert)])
    assert lonely.exit_code == 2 and "give --tls-cert and --tls-key together" in lonely.output
    mismatched = CliRunner().invoke(
        headoffice, ["serve", "--tls-cert", str(cert), "--tls-key", str(other_key)]
    )
    assert mismatched.exit_code == 1
    assert "cannot serve HTTPS with" in mismatched.output
    assert "KEY_VALUES_MISMATCH" in mismatched.output
