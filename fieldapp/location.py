"""The laptop's GPS fix from gpsd as an outcome is saved: within a second, never raising.

gpsd's JSON protocol is spoken directly over TCP (no `gps` module needed):
connect, send ?WATCH, read lines until a TPV report with a fix and a time.
FIELDAPP_GPSD=host:port names the daemon (default 127.0.0.1:2947). A malformed
value does not stop work: read_fix() answers no_receiver with a note saying
what is wrong, and gpsd_address() raises the same words for a check at start.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import time
from datetime import UTC, datetime, timedelta

from pydantic import ValidationError

from fieldcore.location import Fix, FixResult

GPSD_ENV = "FIELDAPP_GPSD"
DEFAULT_ADDRESS = "127.0.0.1:2947"
# A fix older than this tells where the collector was, not where the outcome was saved.
STALEST = timedelta(seconds=60)
WATCH = b'?WATCH={"enable":true,"json":true};\n'
# gpsd's longest report (SKY with every satellite) is a few kilobytes; a peer
# that sends more without a newline is not gpsd, and is not read into memory.
LONGEST_LINE = 64 * 1024


def gpsd_address(value: str | None = None) -> tuple[str, int]:
    """(host, port) from `value`, else FIELDAPP_GPSD, else 127.0.0.1:2947; ValueError if
    malformed.

    The host is an IP address (IPv6 in brackets) or localhost, never a name to
    look up: a DNS query with no signal can hang far past the one-second budget.
    """
    text = value if value is not None else os.environ.get(GPSD_ENV) or DEFAULT_ADDRESS
    written = f"{GPSD_ENV}={text!r} is not host:port (127.0.0.1:2947, [::1]:2947, localhost:2947)"
    text = text.strip()
    if text.startswith("["):
        host, bracket, port = text[1:].partition("]:")
        if not bracket:
            raise ValueError(written)
    else:
        host, colon, port = text.rpartition(":")
        if not colon or ":" in host:
            raise ValueError(written)
    if host == "localhost":
        host = "127.0.0.1"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(written) from None
    if not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise ValueError(written)
    return host, int(port)


def read_fix(
    address: str | None = None,
    timeout: float = 1.0,
    now: datetime | None = None,
    stalest: timedelta = STALEST,
) -> FixResult:
    """Ask gpsd for a fix, waiting at most `timeout` seconds in all.

    no_receiver: nothing listens at the address (or it is malformed), or gpsd
    has no receiver; no_fix: gpsd answered but no fix with a time came in time,
    or the newest was older than `stalest` before `now` (aware; default: the
    clock now). Nothing gpsd, the network or FIELDAPP_GPSD does makes it raise.
    """
    deadline = time.monotonic() + timeout
    if now is not None and now.utcoffset() is None:
        raise TypeError("now must be an aware datetime")  # the caller's mistake, not gpsd's
    try:
        host, port = gpsd_address(address)
    except ValueError as error:
        return FixResult.without("no_receiver", str(error))
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        gpsd = socket.create_connection(
            (host, port), timeout=max(deadline - time.monotonic(), 0.001)
        )
    except OSError as error:
        return FixResult.without("no_receiver", f"no gpsd at {where}: {_reason(error)}")
    with gpsd:
        return _watch(gpsd, where, deadline, now, stalest)


def _watch(
    gpsd: socket.socket, where: str, deadline: float, now: datetime | None, stalest: timedelta
) -> FixResult:
    note = f"gpsd at {where} reported no fix in time"
    pending = b""
    heard = False
    try:
        gpsd.sendall(WATCH)
        while (left := deadline - time.monotonic()) > 0:
            gpsd.settimeout(left)
            chunk = gpsd.recv(4096)
            if not chunk:
                # gpsd never hangs up on a WATCH; whatever did, without a report, is not it.
                if not heard:
                    return FixResult.without("no_receiver", f"no gpsd at {where}: it hung up")
                return FixResult.without("no_fix", f"gpsd at {where} closed the connection")
            *lines, pending = (pending + chunk).split(b"\n")
            if len(pending) > LONGEST_LINE:
                return FixResult.without("no_fix", f"the answer at {where} is not gpsd's")
            for line in lines:
                report = _report(line)
                heard = heard or "class" in report
                result = _judge(report, now, stalest)
                if isinstance(result, FixResult):
                    return result
                note = result or note
    except OSError as error:
        # A timeout is the deadline passing; anything else ends the read as well.
        if not isinstance(error, TimeoutError):
            note = f"gpsd at {where} failed: {_reason(error)}"
    return FixResult.without("no_fix", note)


def _report(line: bytes) -> dict:
    """One line of gpsd's as a report, or {} for anything that is not one."""
    try:
        report = json.loads(line)
    except (ValueError, RecursionError):
        return {}
    return report if isinstance(report, dict) else {}


def _judge(report: dict, now: datetime | None, stalest: timedelta) -> FixResult | str | None:
    """A result to return, a note on why this report is no fix, or None to read on."""
    if report.get("class") == "DEVICES" and report.get("devices") == []:
        # gpsd runs (socket-activated, as Debian installs it) but nothing is plugged in.
        return FixResult.without("no_receiver", "gpsd has no receiver")
    if report.get("class") != "TPV":
        return None
    mode = report.get("mode")
    if not isinstance(mode, int) or isinstance(mode, bool) or mode < 2:
        return None
    # gpsd reports a position from GGA before RMC gives the date, and a position
    # with no time at all when the receiver lacks a fix: no time, no proof of the visit.
    if report.get("time") is None:
        return None
    try:
        fix = Fix(
            lat=report.get("lat"),
            lon=report.get("lon"),
            accuracy_m=_accuracy(report),
            fixed_at=report["time"],
            mode=mode,
        )
    except ValidationError:
        return "gpsd reported a fix out of range or incomplete"
    judged_at = now or datetime.now(UTC)
    # Only age counts: a fix ahead of the laptop's clock is kept, the receiver's clock
    # being the better of the two.
    if fix.fixed_at < judged_at - stalest:
        age = f"{stalest.total_seconds():g} s"
        return f"the newest fix, at {fix.fixed_at.isoformat()}, is over {age} old"
    return FixResult.fixed(fix)


def _accuracy(report: dict) -> object:
    """gpsd's horizontal error: eph, else the larger of the errors in x and y."""
    if report.get("eph") is not None:
        return report["eph"]
    errors = [e for e in (report.get("epx"), report.get("epy")) if isinstance(e, int | float)]
    return max(errors) if errors else None


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__
