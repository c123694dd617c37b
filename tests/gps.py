"""A real gpsd of the tests' own, fed by Debian's gpsfake with NMEA logs written here."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import reduce
from pathlib import Path

import pytest

from fieldapp.location import WATCH

# The logs' own clock: gpsfake replays these times, so every test judges staleness
# against a `now` beside them, whatever the hour and zone the tests run in.
LOGGED_AT = datetime(2025, 5, 6, 10, 20, 30, tzinfo=UTC)
SECONDS_LOGGED = 5
# CI sets FIELDAPP_REQUIRE_GPSD=1 (it installs gpsd), so a missing gpsfake fails there.
REQUIRED = os.environ.get("FIELDAPP_REQUIRE_GPSD") == "1"
SEARCH_PATH = os.pathsep.join((os.environ.get("PATH", ""), "/usr/sbin", "/usr/bin"))


def nmea(body: str) -> str:
    """One NMEA sentence: the body between $ and *, and its XOR checksum."""
    checksum = reduce(lambda sum_, char: sum_ ^ char, body.encode("ascii"), 0)
    return f"${body}*{checksum:02X}\r\n"


def degrees_minutes(value: float, width: int, sides: str) -> tuple[str, str]:
    """NMEA's ddmm.mmmm (dddmm.mmmm for longitudes) and the hemisphere letter."""
    whole, minutes = divmod(abs(value) * 60, 60)
    return f"{int(whole):0{width}d}{minutes:07.4f}", sides[value < 0]


def nmea_log(lat: float, lon: float, *, fixed: bool, at: datetime = LOGGED_AT) -> str:
    """A second-by-second GGA + RMC log at one position; without a fix, quality 0 and V."""
    lat_text, north = degrees_minutes(lat, 2, "NS")
    lon_text, east = degrees_minutes(lon, 3, "EW")
    quality, status = ("1", "A") if fixed else ("0", "V")
    sentences = []
    for second in range(SECONDS_LOGGED):
        moment = at + timedelta(seconds=second)
        hhmmss, ddmmyy = moment.strftime("%H%M%S.00"), moment.strftime("%d%m%y")
        where = f"{lat_text},{north},{lon_text},{east}"
        sentences.append(nmea(f"GPGGA,{hhmmss},{where},{quality},08,0.9,10.0,M,40.0,M,,"))
        sentences.append(nmea(f"GPRMC,{hhmmss},{status},{where},0.0,0.0,{ddmmyy},,,A"))
    return "".join(sentences)


@dataclass
class Daemon:
    """A gpsd of our own on a loopback port, never the system's on 2947."""

    process: subprocess.Popen
    address: str
    output: Path
    ready: Callable[[dict], bool]

    def stop(self) -> None:
        # Its own session: the group is gpsfake and the gpsd it started, nothing else.
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(5)
                return
            except ProcessLookupError:
                return
            except subprocess.TimeoutExpired:
                continue


def program(name: str) -> str:
    found = shutil.which(name, path=SEARCH_PATH)
    if found is None:
        reason = f"{name} is not installed (apt-get install gpsd gpsd-clients)"
        if REQUIRED:
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def start(name: str, command: list[str], folder: Path, port: int, ready) -> Daemon:
    output = folder / f"{name}.out"
    # TMPDIR: gpsfake's control socket goes there, not into the shared /tmp.
    env = os.environ | {"TMPDIR": str(folder), "PATH": SEARCH_PATH}
    with output.open("wb") as sink:
        process = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    return Daemon(process, f"127.0.0.1:{port}", output, ready)


def wait_ready(daemon: Daemon, deadline: float) -> None:
    """Until the daemon answers a WATCH with the report it is expected to give."""
    while time.monotonic() < deadline and daemon.process.poll() is None:
        try:
            host, port = daemon.address.rsplit(":", 1)
            with socket.create_connection((host, int(port)), timeout=2) as client:
                client.sendall(WATCH)
                for line in client.makefile("rb"):
                    if daemon.ready(json.loads(line)):
                        return
        except (OSError, ValueError):
            time.sleep(0.02)
    pytest.fail(f"{daemon.process.args[0]} was not ready: {daemon.output.read_text()[-2000:]}")


def gpsfake(name: str, log_text: str, folder: Path, port: int) -> Daemon:
    """gpsfake replaying `log_text` on `port`, ready once a TPV with a time comes."""
    log = folder / f"{name}.nmea"
    log.write_text(log_text, encoding="ascii")
    # -n: gpsd reads the pty from the start; without it gpsd opens the pty only at
    # the first WATCH, and a one-pass (-1) log written before then never reached a
    # client. The log cycles instead, a sentence each 0.05 s, so every read meets
    # fresh reports within a tenth of a second.
    command = [program("gpsfake"), "-q", "-n", "-c", "0.05", "-P", str(port), str(log)]
    return start(name, command, folder, port, lambda r: r.get("class") == "TPV" and "time" in r)
