"""Property: devices, assignments, recalls and syncs over a lossy network always converge,
and every outcome reaches head office exactly once."""

from __future__ import annotations

import contextlib
import random
import tempfile
from pathlib import Path

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from fieldapp.recording import record_outcome
from fieldapp.store import Store
from fieldapp.syncing import enroll_laptop, sync_once
from headoffice.api.embedded import EmbeddedServer
from headoffice.oversight.exports import correction_rows, outcome_rows
from headoffice.store import db, tables
from headoffice.work import portfolio, roster
from sync.client import SyncError
from tests.conftest import DAY
from tests.faults import FlakyTransport
from tests.helpers import account_row, write_portfolio
from tests.postgres import scratch_database

ACCOUNTS = [f"P-{i}" for i in range(6)]
COLLECTORS = ["Mette", "Lars"]
# Two laptops for Mette (an old one and its replacement), one for Lars.
DEVICES = [("Mette", 0), ("Mette", 1), ("Lars", 2)]


class FieldWork(RuleBasedStateMachine):
    def database(self) -> str:
        """Head office's database for one example: an SQLite file of its own."""
        return f"sqlite:///{self.dir / 'ho.db'}"

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="fieldapp-prop-"))
        self.engine = db.connect(self.database())
        rows = [account_row(a) for a in ACCOUNTS]
        accounts = portfolio.read_portfolio(write_portfolio(self.dir / "p.csv", rows))
        portfolio.import_accounts(self.engine, accounts)
        self.day = DAY
        self.server = EmbeddedServer(self.engine).__enter__()
        self.homes: list[Path] = []
        for name in COLLECTORS:
            roster.add_collector(self.engine, name, "da", "Europe/Copenhagen")
        for index, (name, _n) in enumerate(DEVICES):
            token = roster.new_enrollment(self.engine, name)
            home = self.dir / f"laptop{index}"
            enroll_laptop(home, self.server.url, token, f"laptop {index}")
            self.homes.append(home)
        # Start from a working day: every account on a route, every laptop synced.
        roster.assign(self.engine, "Mette", self.day, ACCOUNTS[:3])
        roster.assign(self.engine, "Lars", self.day, ACCOUNTS[3:])
        for home in self.homes:
            sync_once(home)
        self.rng = random.Random(0)
        self.recorded: set[str] = set()
        self.corrected: set[str] = set()

    def teardown(self) -> None:
        try:
            for home in self.homes:
                for _ in range(2):
                    sync_once(home)
            self.check_converged()
        finally:
            self.server.__exit__(None, None, None)
            self.engine.dispose()
            self.drop_database()

    def drop_database(self) -> None:
        """The SQLite file goes with the temporary folder."""

    def check_converged(self) -> None:
        ids = [o["id"] for o in outcome_rows(self.engine)]
        assert len(ids) == len(set(ids)), "an outcome arrived twice"
        assert set(ids) == self.recorded, "an outcome was lost"
        fixes = [c["id"] for c in correction_rows(self.engine)]
        assert len(fixes) == len(set(fixes)) and set(fixes) == self.corrected
        with self.engine.connect() as conn:
            for (name, _n), home in zip(DEVICES, self.homes, strict=True):
                server_side = set(
                    conn.execute(
                        sa.select(tables.visits.c.visit_id)
                        .join(tables.collectors)
                        .where(
                            tables.collectors.c.name == name, tables.visits.c.status == "assigned"
                        )
                    ).scalars()
                )
                store = Store(home)
                try:
                    assert set(store.visit_ids()) == server_side
                    assert store.pending_count() == 0 and store.refused() == []
                finally:
                    store.close()

    @rule(
        collector=st.sampled_from(COLLECTORS),
        picks=st.lists(st.sampled_from(ACCOUNTS), min_size=1, max_size=3, unique=True),
    )
    def assign(self, collector: str, picks: list[str]) -> None:
        roster.assign(self.engine, collector, self.day, picks)

    @rule(account=st.sampled_from(ACCOUNTS))
    def recall(self, account: str) -> None:
        with contextlib.suppress(roster.RosterError):  # not on a route: nothing to take back
            roster.recall(self.engine, self.day, [account])

    @rule(
        device=st.integers(0, len(DEVICES) - 1),
        account=st.sampled_from(ACCOUNTS),
        code=st.sampled_from(["not_home", "refused", "paid"]),
    )
    def record(self, device: int, account: str, code: str) -> None:
        store = Store(self.homes[device])
        try:
            try:
                visit = store.visit_for_account(account)
            except LookupError:
                return
            # Exactly-once is the point here; the contact policy has tests of its own.
            raw = {"outcome": code, "note": "x", "override": "sync property test"}
            if code == "paid":
                raw |= {"amount": "10.00", "method": "cash"}
            self.recorded.add(record_outcome(store, visit, raw).id)
        finally:
            store.close()

    @rule(device=st.integers(0, len(DEVICES) - 1), account=st.sampled_from(ACCOUNTS))
    def correct(self, device: int, account: str) -> None:
        store = Store(self.homes[device])
        try:
            with contextlib.suppress(LookupError):  # not on this laptop
                self.corrected.add(store.record_correction(account, "phone", "+45 70 00 00 01").id)
        finally:
            store.close()

    @rule(device=st.integers(0, len(DEVICES) - 1), loss=st.sampled_from([0.0, 0.5, 0.8]))
    def sync(self, device: int, loss: float) -> None:
        transport = FlakyTransport(self.rng, lose_request=loss / 2, lose_response=loss)
        with contextlib.suppress(SyncError):  # the network failed; the next sync carries on
            sync_once(self.homes[device], transport=transport)

    @invariant()
    def outcomes_never_duplicate(self) -> None:
        ids = [o["id"] for o in outcome_rows(self.engine)]
        assert len(ids) == len(set(ids))
        assert set(ids) <= self.recorded


FieldWork.TestCase.settings = settings(
    max_examples=20,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestFieldWork = FieldWork.TestCase


class FieldWorkOnPostgres(FieldWork):
    """The same work with head office on PostgreSQL: a fresh database per example."""

    def database(self) -> str:
        self._scratch = scratch_database("property")
        return self._scratch.__enter__()

    def drop_database(self) -> None:
        self._scratch.__exit__(None, None, None)


FieldWorkOnPostgres.TestCase.settings = settings(
    max_examples=8,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestFieldWorkOnPostgres = FieldWorkOnPostgres.TestCase
