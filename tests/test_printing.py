"""Receipts on paper: the printer setting, the bytes an ESC/POS printer gets, and its failures."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.app import App

from fieldapp.printing import (
    PrinterError,
    ReceiptRow,
    print_receipt,
    printer_from_setting,
    receipt_lines,
)
from fieldapp.recording import record_outcome
from fieldapp.store import Store
from fieldapp.tui import receipt as receipt_screen
from fieldapp.tui.receipt import ReceiptScreen
from fieldcore.accounts import Account
from fieldcore.route import OutcomeRecord
from sync.protocol import LenderWire, PullResponse, VisitWire
from tests.conftest import DAY
from tests.helpers import cli, free_port
from tests.ui import text_of

GS_V = b"\x1dV"  # ESC/POS "select cut mode and cut paper"
PC865 = b"\x1bt\x05"  # ESC t 5: the Nordic code page
NORDBANK = LenderWire(name="Nordbank A/S", address="Havnegade 1", phone="+45 70 12 34 56")


@pytest.fixture(autouse=True, scope="module")
def printer_profiles(request, tmp_path_factory):
    # escpos reads its printer profiles (a large YAML file) at import and keeps them
    # pickled where told: in pytest's cache, so each run after the first starts warm
    # (a folder of the run's own where the cache is switched off).
    cache = getattr(request.config, "cache", None)
    folder = cache.mkdir("escpos") if cache else tmp_path_factory.mktemp("escpos")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ESCPOS_CAPABILITIES_PICKLE_DIR", str(folder))
        yield


def dummy():
    """escpos's own in-memory printer: what a real one would be sent is in `.output`."""
    from escpos.printer import Dummy

    return Dummy()


def account(name: str, currency: str = "DKK") -> Account:
    return Account(
        account_id="DK-1",
        borrower_name=name,
        address="Østergade 5, 8000 Aarhus",
        currency=currency,
        outstanding_minor=1_000_000,
        overdue_minor=150_000,
        oldest_due_date=DAY - timedelta(days=40),
        timezone="Europe/Copenhagen",
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A laptop with Søren Ærø on today's route, and his cash payment of 1,234.50 kr."""
    home = tmp_path / "laptop"
    store = Store(home)
    try:
        store.set_settings(device_code="K7Q2M", timezone="Europe/Copenhagen", collector="Mette")
        visit = VisitWire(
            visit_id="v1",
            account_id="DK-1",
            visit_date=DAY,
            sequence=1,
            account=account("Søren Ærø"),
        )
        store.apply_page(PullResponse(cursor="1", more=False, visits=[visit]))
        record_outcome(store, "v1", {"outcome": "paid", "amount": "1234.50", "method": "cash"})
    finally:
        store.close()
    return home


# The payment as `home` records it: 1,234.50 kr. in cash at 10:00 in Copenhagen.
PAID = OutcomeRecord(
    id="o1",
    visit_id="v1",
    account_id="DK-1",
    outcome="paid",
    amount_minor=123_450,
    currency="DKK",
    promise_date=None,
    method="cash",
    note="",
    receipt_no="K7Q2M-000001",
    recorded_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
    synced=False,
)


def unwrapped(out: bytes) -> bytes:
    """The bytes with lines joined again: paper is wrapped at 32 characters, the 58 mm width."""
    return out.replace(b"\n", b" ")


def printed(rows, language: str = "en") -> bytes:
    printer = dummy()
    print_receipt(printer, rows, language)
    return printer.output


def test_the_paper_has_the_number_amount_and_borrower_and_is_cut_at_the_end():
    rows = receipt_lines(PAID, account("Søren Ærø"), NORDBANK, "Mette", "en")
    out = printed(rows)
    assert b"Receipt no.: K7Q2M-000001" in out
    # Bold on (ESC E 1) for the amount; the no-break space Babel puts there is a plain one.
    assert b"\x1bE\x01Amount: DKK 1,234.50\n" in out
    assert "Received from: Søren Ærø".encode("cp865") in out
    assert b"Nordbank A/S" in out and b"Mette" in out
    assert b"\x1ba\x01RECEIPT\n" in out  # centred
    assert out.endswith(GS_V + b"\x00")  # the cut, and nothing after it


def test_danish_letters_survive_in_the_nordic_code_page():
    name = "Søren Ærø Åberg æøå"
    out = printed(receipt_lines(PAID, account(name), NORDBANK, "Mette", "da"))
    assert out.index(PC865) < out.index("Beløb".encode("cp865"))
    assert f"Modtaget fra: {name}".encode("cp865") in unwrapped(out)
    assert "Betalt med: Kontant".encode("cp865") in out
    assert b"1.234,50 kr." in out


@pytest.mark.parametrize(
    ("name", "language", "line"),
    [
        # A line with Chinese goes as GB18030 (escpos's choice), which Chinese printers read.
        ("王小明", "zh", "付款人: 王小明".encode("gb18030")),
        ("王小明", "en", "Received from: 王小明".encode("gb18030")),
        ("𠀀 王", "zh", "付款人: 𠀀 王".encode("gb18030")),  # beyond GB2312 too
        # CJK signs with no Chinese beside them: no code page has them, each prints "?".
        ("「。」", "en", b"Received from: ???"),
        # A printer command inside a name is printed as text, never sent as a command.
        ("Evil\x1dV\x00", "en", b"Received from: Evil\\u001dV\\u0000"),
    ],
)
def test_chinese_and_odd_names_never_fail(name, language, line):
    rows = receipt_lines(PAID, account(name, "CNY"), LenderWire(), None, language)
    out = printed(rows, language)
    assert line in out
    assert out.endswith(GS_V + b"\x00") and out.count(GS_V) == 1


def test_the_balance_left_is_printed_only_when_known():
    known = receipt_lines(PAID, account("Søren"), NORDBANK, "Mette", "en", 50_000)
    assert known[-1].label == "Balance left" and known[-1].value == "DKK\xa0500.00"
    unknown = receipt_lines(PAID, account("Søren"), NORDBANK, "Mette", "en")
    assert "Balance left" not in [row.label for row in unknown]


def test_the_file_printer_gets_the_same_bytes(tmp_path):
    rows = receipt_lines(PAID, account("Søren Ærø"), NORDBANK, "Mette", "en")
    target = tmp_path / "lp0"
    print_receipt(printer_from_setting(f"file:{target}"), rows, "en")
    assert target.read_bytes() == printed(rows)


@pytest.mark.parametrize(
    "setting",
    ["lp0", "file:", "network:", "network:10.0.0.5:port", "network:10.0.0.5:70000", "usb:0x04b8",
     "usb:zz:0x0202", "serial:/dev/ttyS0", "none:x"],
)  # fmt: skip
def test_a_setting_that_names_no_printer_says_what_to_write(setting):
    with pytest.raises(ValueError, match=r"is not a printer; write file:PATH, network:HOST"):
        printer_from_setting(setting)


def test_the_settings_that_name_a_printer():
    assert printer_from_setting("none") is None and printer_from_setting(None) is None
    assert printer_from_setting(" NONE ") is None
    assert printer_from_setting("file:/dev/usb/lp0").devfile == "/dev/usb/lp0"
    network = printer_from_setting("network:192.168.1.50")
    assert (network.host, network.port, network.timeout) == ("192.168.1.50", 9100, 10)
    assert printer_from_setting("network:printer.local:9101").port == 9101
    try:
        usb = printer_from_setting("usb:0x04b8:0x0202")
    except PrinterError as error:  # without pyusb: said so, and what works instead
        assert "pyusb" in str(error) and "file:/dev/usb/lp0" in str(error)
    else:
        assert usb.usb_args == {"idVendor": 0x04B8, "idProduct": 0x0202}


def test_a_printer_that_fails_is_one_sentence(tmp_path):
    rows = receipt_lines(PAID, account("Søren"), NORDBANK, "Mette", "en")
    missing = printer_from_setting(f"file:{tmp_path}/no/such/folder/lp0")
    with pytest.raises(PrinterError) as error:
        print_receipt(missing, rows, "en")
    assert str(error.value) == (
        f"cannot print on {tmp_path}/no/such/folder/lp0: No such file or directory"
    )
    refused = printer_from_setting(f"network:127.0.0.1:{free_port()}")
    with pytest.raises(PrinterError, match=r"^cannot print on 127.0.0.1: Connection refused$"):
        print_receipt(refused, rows, "en")


def test_the_collector_sets_the_printer_once_and_prints_a_receipt_again(home, tmp_path):
    env = {"FIELDAPP_HOME": str(home)}
    assert "no printer set" in cli("fieldapp", "printer", env=env).stdout
    paper = tmp_path / "receipts.bin"
    cli("fieldapp", "printer", f"file:{paper}", env=env)
    assert cli("fieldapp", "printer", env=env).stdout == f"printer: file:{paper}\n"

    listed = cli("fieldapp", "receipt", env=env).stdout
    assert listed.startswith("K7Q2M-000001  ") and "DK-1" in listed
    shown = cli("fieldapp", "receipt", "K7Q2M-000001", env=env).stdout
    assert "Received from: Søren Ærø" in shown and not paper.exists()

    done = cli("fieldapp", "receipt", "K7Q2M-000001", "--print", env=env)
    assert done.stdout == f"printed receipt K7Q2M-000001 on file:{paper}\n"
    out = paper.read_bytes()
    assert b"K7Q2M-000001" in out and b"DKK 1,234.50" in out
    assert "Søren Ærø".encode("cp865") in out and out.endswith(GS_V + b"\x00")


def test_the_commands_refuse_what_they_cannot_do(home):
    env = {"FIELDAPP_HOME": str(home)}
    bad = cli("fieldapp", "printer", "lpt1", env=env, check=False)
    assert bad.returncode == 2 and "'lpt1' is not a printer; write file:PATH" in bad.stderr
    cli("fieldapp", "printer", "none", env=env)
    unset = cli("fieldapp", "receipt", "K7Q2M-000001", "--print", env=env, check=False)
    assert unset.returncode == 1 and "no printer set" in unset.stderr
    unknown = cli("fieldapp", "receipt", "K7Q2M-999999", env=env, check=False)
    assert (
        unknown.returncode == 1 and "receipt K7Q2M-999999 is not on this laptop" in unknown.stderr
    )


class ReceiptOnly(App):
    """The collector's app reduced to what the receipt screen uses: the laptop's store."""

    def __init__(self, home: Path) -> None:
        super().__init__()
        self.home, self.store = home, Store(home)

    def on_mount(self) -> None:
        self.push_screen(ReceiptScreen(self.store.receipt("K7Q2M-000001"), self.store.visit("v1")))


def test_p_on_the_receipt_screen_prints_it_off_the_screens_thread(home, tmp_path, monkeypatch):
    paper = tmp_path / "receipts.bin"
    printing = threading.Event()
    calls = []

    def print_when_let(*args) -> None:
        calls.append(args)
        printing.wait(5)  # as a slow printer would: the screen goes on meanwhile
        print_receipt(*args)

    monkeypatch.setattr(receipt_screen, "print_receipt", print_when_let)

    async def scenario() -> tuple[str, list[ReceiptRow]]:
        app = ReceiptOnly(home)
        try:
            async with app.run_test(size=(100, 30), notifications=True) as pilot:
                return await steps(app, pilot)
        finally:
            app.store.close()

    async def steps(app: ReceiptOnly, pilot) -> tuple[str, list[ReceiptRow]]:
        # Textual keeps the notices shown in `_notifications` (Textual 8.2.8, pinned).
        def said() -> str:
            return list(app._notifications)[-1].message

        await pilot.pause()
        shown, rows = text_of(app, "#receipt"), app.screen.rows()
        footer = app.screen.active_bindings["p"].binding
        assert (footer.description, footer.show) == ("Print", True)
        await pilot.press("p")
        assert "fieldapp printer network:192.168.1.50:9100" in said() and not calls
        app.store.set_settings(printer=f"file:{paper}")
        await pilot.press("p", "p")  # pressed again while it prints: one receipt
        assert said() == "Printing the receipt…" and not paper.exists()
        printing.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert said() == "Receipt printed." and len(calls) == 1
        app.store.set_settings(printer=f"file:{tmp_path}/gone/lp0")
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert said() == f"cannot print on {tmp_path}/gone/lp0: No such file or directory"
        return shown, rows

    shown, rows = asyncio.run(scenario())
    assert [row.label for row in rows] == [
        "Issued by",
        "",
        "Receipt no.",
        "Date",
        "Received from",
        "Account",
        "Amount",
        "Paid by",
        "Collector",
    ]
    # What the screen shows is what went on paper.
    for row in rows:
        assert f"{row.label}   {row.value}".strip() in shown
        assert _paper(row).encode("cp865") in unwrapped(paper.read_bytes())


def _paper(row) -> str:
    return f"{row.label}: {row.value}".replace("\xa0", " ") if row.label else "-" * 32
