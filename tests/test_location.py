"""Proof of the visit from GPS: the kernel's fix and distances, read_fix against a real gpsd."""

from __future__ import annotations

import json
import math
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from fieldapp.location import LONGEST_LINE, gpsd_address, read_fix
from fieldcore.location import EARTH_RADIUS_M, Fix, FixResult, distance_m
from tests.gps import (
    LOGGED_AT,
    SECONDS_LOGGED,
    Daemon,
    nmea,
    nmea_log,
    program,
    start,
    wait_ready,
)

COPENHAGEN = (55.6761, 12.5683)
JUST_AFTER = LOGGED_AT + timedelta(seconds=SECONDS_LOGGED + 10)


# the kernel ------------------------------------------------------------------


def test_the_same_point_is_no_distance():
    assert distance_m(*COPENHAGEN, *COPENHAGEN) == 0


def test_three_kilometres_north_is_three_kilometres():
    # Along a meridian the great circle is the meridian: metres = radius x radians.
    north = COPENHAGEN[0] + math.degrees(3000 / EARTH_RADIUS_M)
    assert distance_m(*COPENHAGEN, north, COPENHAGEN[1]) == pytest.approx(3000, abs=1e-6)
    assert distance_m(north, COPENHAGEN[1], *COPENHAGEN) == pytest.approx(3000, abs=1e-6)


def test_distances_east_and_round_the_world():
    # So short a way east, the great circle and the parallel agree to well under a millimetre.
    east = COPENHAGEN[1] + math.degrees(3000 / (EARTH_RADIUS_M * math.cos(math.radians(55.6761))))
    assert distance_m(*COPENHAGEN, COPENHAGEN[0], east) == pytest.approx(3000, abs=1e-3)
    assert distance_m(0, 0, 0, 1) == pytest.approx(EARTH_RADIUS_M * math.pi / 180)
    # Antipodes, where rounding could take asin past 1.
    assert distance_m(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_M)
    with pytest.raises(ValueError, match="latitude"):
        distance_m(91, 0, 0, 0)


def a_fix(**changes: object) -> dict[str, object]:
    fields = {"lat": 55.6761, "lon": 12.5683, "accuracy_m": 4.5, "fixed_at": LOGGED_AT, "mode": 3}
    return fields | changes


@pytest.mark.parametrize(
    "changes",
    [
        {"lat": 90.5},
        {"lat": -91},
        {"lon": 180.01},
        {"lon": -181},
        {"lat": math.nan},
        {"accuracy_m": -0.1},
        {"accuracy_m": math.inf},
        {"mode": 1},
        {"fixed_at": datetime(2025, 5, 6, 10, 20, 30)},  # no time zone
        {"fixed_at": "1999-08-22T00:00:00Z"},  # a GPS week rollover's date
    ],
)
def test_a_fix_out_of_range_is_refused(changes):
    with pytest.raises(ValidationError):
        Fix(**a_fix(**changes))


def test_a_fix_is_kept_in_utc_and_read_back_from_json():
    fix = Fix(**a_fix(fixed_at="2025-05-06T12:20:30+02:00", accuracy_m=None))
    assert fix.fixed_at == LOGGED_AT and fix.fixed_at.tzinfo == UTC
    result = FixResult.fixed(fix)
    assert json.loads(result.model_dump_json()) == {
        "status": "fix",
        "fix": {
            "lat": 55.6761,
            "lon": 12.5683,
            "accuracy_m": None,
            "fixed_at": "2025-05-06T10:20:30Z",
            "mode": 3,
        },
        "note": None,
    }
    assert FixResult.model_validate_json(result.model_dump_json()) == result


def test_a_result_has_a_fix_exactly_when_it_says_so():
    with pytest.raises(ValidationError, match="exactly when"):
        FixResult(status="fix")
    with pytest.raises(ValidationError, match="exactly when"):
        FixResult(status="no_fix", fix=Fix(**a_fix()))
    assert FixResult.without("no_fix", "x" * 500).note == "x" * 200


# the address -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "address"),
    [
        ("127.0.0.1:2947", ("127.0.0.1", 2947)),
        (" localhost:3000 ", ("127.0.0.1", 3000)),
        ("[::1]:2947", ("::1", 2947)),
    ],
)
def test_an_address_is_an_ip_and_a_port(written, address):
    assert gpsd_address(written) == address


@pytest.mark.parametrize(
    "written", ["127.0.0.1", "gps.example.com:2947", "::1:2947", "[::1]", "1.2.3.4:0", ":2947"]
)
def test_a_malformed_address_says_what_to_write(written):
    with pytest.raises(ValueError, match="is not host:port"):
        gpsd_address(written)


def test_the_address_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("FIELDAPP_GPSD", raising=False)
    assert gpsd_address() == ("127.0.0.1", 2947)
    monkeypatch.setenv("FIELDAPP_GPSD", "127.0.0.1:4000")
    assert gpsd_address() == ("127.0.0.1", 4000)
    # Reading never raises: a malformed value is no receiver, and the note says why.
    monkeypatch.setenv("FIELDAPP_GPSD", "gpsd")
    result = read_fix()
    assert result.status == "no_receiver" and "FIELDAPP_GPSD='gpsd'" in result.note


def test_now_must_say_its_zone():
    with pytest.raises(TypeError, match="aware"):
        read_fix("127.0.0.1:9", now=datetime(2025, 5, 6, 10, 20))


# a peer that is not quite gpsd ----------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def peer(answer: bytes, *, hang_up: bool = False) -> Iterator[str]:
    """A loopback server that takes one client's WATCH, answers `answer`, then waits."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(5)
    done = threading.Event()

    def serve() -> None:
        with server, server.accept()[0] as client:
            client.recv(1024)
            client.sendall(answer)
            if not hang_up:
                done.wait(5)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.getsockname()[1]}"
    finally:
        done.set()
        thread.join(5)


def tpv(**fields: object) -> bytes:
    report = {"class": "TPV", "device": "/dev/ttyUSB0", "mode": 3, "time": "2025-05-06T10:20:31Z"}
    return json.dumps(report | fields).encode() + b"\r\n"


def test_nothing_listening_is_no_receiver():
    assert read_fix(f"127.0.0.1:{free_port()}").status == "no_receiver"


def test_a_silent_peer_is_no_fix_once_the_time_is_up():
    with peer(b"") as address:
        assert read_fix(address, timeout=0.3).status == "no_fix"


def test_a_peer_that_hangs_up_unheard_is_no_receiver():
    with peer(b"", hang_up=True) as address:
        result = read_fix(address, timeout=2)
    assert result.status == "no_receiver" and "hung up" in result.note


def test_gpsd_hanging_up_without_a_fix_is_no_fix():
    version = b'{"class":"VERSION","release":"3.22","proto_major":3,"proto_minor":14}\r\n'
    with peer(version, hang_up=True) as address:
        result = read_fix(address, timeout=2)
    assert result.status == "no_fix" and "closed" in result.note


def test_junk_and_wrong_fixes_are_read_past_to_the_good_one():
    junk = b"".join(
        (
            b"not json\r\n",
            b"[1, 2]\r\n",
            b"[" * 50_000 + b"\r\n",
            b"\xff\xfe\r\n",
            tpv(mode=True, lat=1, lon=1),
            tpv(mode=3, lat=99.0, lon=1.0),
            tpv(mode=2, lat=1.0, lon=1.0, time=None),
            tpv(mode=2, lat=55.6761, lon=12.5683, epx=3.5, epy=6.25),
        )
    )
    with peer(junk) as address:
        result = read_fix(address, timeout=2, now=JUST_AFTER)
    assert result.status == "fix"
    assert result.fix == Fix(
        lat=55.6761, lon=12.5683, accuracy_m=6.25, fixed_at="2025-05-06T10:20:31Z", mode=2
    )


def test_a_line_longer_than_gpsd_writes_ends_the_read():
    with peer(b"x" * (LONGEST_LINE + 100)) as address:
        result = read_fix(address, timeout=2)
    assert result.status == "no_fix" and "not gpsd" in result.note


# the real gpsd, fed by gpsfake ----------------------------------------------


def test_the_log_is_true_nmea():
    log = nmea_log(*COPENHAGEN, fixed=True).splitlines()
    # The checksum of a sentence a receiver really sent (gpsd's own test logs).
    assert nmea("GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,") == (
        "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n"
    )
    assert log[0].startswith("$GPGGA,102030.00,5540.5660,N,01234.0980,E,1,")
    assert log[1].startswith("$GPRMC,102030.00,A,5540.5660,N,01234.0980,E,0.0,0.0,060525,")


@pytest.fixture(scope="module")
def gpsd(tmp_path_factory) -> Iterator[dict[str, str]]:
    """Three daemons, started together: a receiver with a fix, one without, gpsd alone."""
    gpsfake, gpsd_program = program("gpsfake"), program("gpsd")
    folder = tmp_path_factory.mktemp("gpsd")
    daemons: dict[str, Daemon] = {}
    try:
        for name, fixed, ready in (
            ("fix", True, lambda report: report.get("class") == "TPV" and "time" in report),
            ("no_fix", False, lambda report: report.get("class") == "TPV"),
        ):
            log = folder / f"{name}.nmea"
            log.write_text(nmea_log(*COPENHAGEN, fixed=fixed), encoding="ascii")
            port = free_port()
            # -n: gpsd reads the pty from the start; without it gpsd opens the pty
            # only at the first WATCH, and a one-pass (-1) log written before then
            # never reached a client. The log cycles instead, a sentence each
            # 0.05 s, so every read_fix meets fresh reports within a tenth of a second.
            command = [gpsfake, "-q", "-n", "-c", "0.05", "-P", str(port), str(log)]
            daemons[name] = start(name, command, folder, port, ready)
        port = free_port()
        command = [gpsd_program, "-N", "-S", str(port), "-F", str(folder / "alone.sock")]
        daemons["no_receiver"] = start(
            "no_receiver", command, folder, port, lambda report: report.get("class") == "DEVICES"
        )
        # Seconds on a quiet machine; a loaded CI box has taken over 20 to start gpsd.
        deadline = time.monotonic() + 90
        for daemon in daemons.values():
            wait_ready(daemon, deadline)
        yield {name: daemon.address for name, daemon in daemons.items()}
    finally:
        for daemon in daemons.values():
            daemon.stop()


def test_gpsd_gives_the_logged_position_and_time(gpsd):
    result = read_fix(gpsd["fix"], timeout=3, now=JUST_AFTER)
    assert result.status == "fix", result.note
    fix = result.fix
    assert fix.lat == pytest.approx(COPENHAGEN[0], abs=1e-4)
    assert fix.lon == pytest.approx(COPENHAGEN[1], abs=1e-4)
    assert LOGGED_AT <= fix.fixed_at < LOGGED_AT + timedelta(seconds=SECONDS_LOGGED)
    assert fix.mode == 3
    # gpsd's estimate from the sentences' HDOP (0.9); some metres, never none.
    assert 0 < fix.accuracy_m < 50
    assert FixResult.model_validate_json(result.model_dump_json()) == result


def test_a_fix_from_an_hour_ago_is_no_fix(gpsd):
    result = read_fix(gpsd["fix"], timeout=0.5, now=LOGGED_AT + timedelta(hours=1))
    assert result.status == "no_fix"
    assert "over 60 s old" in result.note


def test_a_receiver_without_a_fix_is_no_fix(gpsd):
    # Quality 0 with a position: gpsd still says mode 3, but with no time.
    assert read_fix(gpsd["no_fix"], timeout=0.3, now=JUST_AFTER).status == "no_fix"


def test_gpsd_with_nothing_plugged_in_is_no_receiver(gpsd):
    result = read_fix(gpsd["no_receiver"], timeout=3, now=JUST_AFTER)
    assert result.status == "no_receiver" and result.note == "gpsd has no receiver"
