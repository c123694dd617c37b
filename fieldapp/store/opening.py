"""Opening the laptop's database: the connection, the schema check, settings and the clock."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from fieldapp.store import cipher
from fieldapp.store.layout import ACCOUNT_FIELDS, DB_NAME, MIGRATIONS
from fieldapp.vault.keyfile import key_file_lock
from fieldapp.vault.unlocking import data_key
from fieldcore.days import pinned_day, pinned_moment
from fieldcore.stages import local_today, zone_of

# The pydantic models and sqlite-utils come in when first needed, not on the
# way to the route: the first screen is drawn from plain rows.
if TYPE_CHECKING:
    from sqlite_utils import Database

    from fieldcore.accounts import Account


class VisitNotFound(LookupError):
    """No visit matches what was asked for on this laptop."""


class ReceiptNotFound(LookupError):
    """This laptop issued no receipt of that number, or it has left with its borrower."""


def private(home: Path, database: Path) -> None:
    """The data folder 0700 and the database 0600, made so before SQLite opens it.

    SQLite gives its WAL and shared-memory files the database's own permissions, so
    nothing of a borrower is ever readable by another account on the machine.
    """
    if home.stat().st_mode & 0o077:
        os.chmod(home, 0o700)
    if not database.exists():
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists() and path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)


class StoreBase:
    """One open connection to the laptop's encrypted database; open one per thread.

    Opening needs the data key (fieldapp.vault): unlocked by the PIN once per process,
    or the opening raises `Locked`.
    """

    def __init__(self, home: Path) -> None:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = home / DB_NAME
        # Encrypted data with no key file is refused, not given a new key it cannot open.
        key = data_key(home, encrypted_data=cipher.is_encrypted(self.path))
        if cipher.needs_encrypting(self.path):
            # One process at a time: another one opening meanwhile waits for the swap.
            with key_file_lock(home):
                cipher.finish_encrypting(self.path)
                if cipher.is_plain(self.path):
                    cipher.encrypt_in_place(self.path, key)  # a database from before encryption
        private(home, self.path)
        self.conn = cipher.connect(self.path, key)
        # WAL lets the sync worker write while the screen reads; FULL makes each
        # commit survive a power cut, because a receipt once shown must exist.
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        # A borrower's data that leaves the laptop leaves the file too.
        self.conn.execute("PRAGMA secure_delete=ON")
        self.conn.execute("PRAGMA busy_timeout=30000")
        if not self._schema_is_current():
            from fieldapp.store.schema import migrations

            # One process migrates; another opening at the same moment waits, then finds
            # the schema current.
            with key_file_lock(home):
                if not self._schema_is_current():
                    migrations.apply(self.db)
        # A kill -9 after a recall and before its checkpoint left the departed borrower's
        # pages in the WAL: an opening that finds one moves it into the (securely deleted)
        # file. A clean close leaves no WAL, so the app's own start pays nothing for this
        # (a checkpoint's fsync on every start cost the first screen 0.14 s).
        wal = self.path.with_name(self.path.name + "-wal")
        if wal.exists() and wal.stat().st_size:
            self.checkpoint()

    def checkpoint(self) -> None:
        """Move the WAL into the database file and empty it, so no old page lingers there."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @cached_property
    def db(self) -> Database:
        """sqlite-utils over the same connection, for writes and transactions."""
        from sqlite_utils import Database

        return Database(self.conn)

    def _schema_is_current(self) -> bool:
        try:
            rows = self.conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = 'fieldapp'"
            )
        except cipher.OperationalError:
            return False  # a new database
        return set(MIGRATIONS) <= {row[0] for row in rows}

    def close(self) -> None:
        self.conn.close()

    # settings -----------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_settings(self, **values: str | None) -> None:
        with self.db.atomic():
            for key, value in values.items():
                self.db.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [key, value],
                )

    @property
    def enrolled(self) -> bool:
        return self.setting("device_token") is not None

    # the clock ------------------------------------------------------------------

    def today(self) -> date:
        """Today in the collector's time zone."""
        return self.local_today(self.setting("timezone"))

    def local_today(self, zone: str | None) -> date:
        """Today where `zone` is; FIELDAPP_TODAY pins it (training sessions, screenshots)."""
        if pinned := os.environ.get("FIELDAPP_TODAY"):
            return pinned_day(pinned)
        return local_today(zone)

    def now(self) -> datetime:
        """This moment, or the pinned one (FIELDAPP_TODAY), in UTC.

        A pinned day alone (2026-12-07) is that day at this time of day; a pinned
        moment (2026-12-07T10:30, the collector's wall clock) is where the clock
        starts, and it runs on from there. Outcomes then fall on the day and hour
        the app shows, so a training session and its screenshots hold together,
        and the contact windows judge the same hour on every run.
        """
        moment = datetime.now(UTC)
        pinned = os.environ.get("FIELDAPP_TODAY")
        if not pinned:
            return moment
        zone = zone_of(self.setting("timezone"))
        start = pinned_moment(pinned, zone)
        if start is None:
            local = moment.astimezone(zone)
            return datetime.combine(pinned_day(pinned), local.timetz()).astimezone(UTC)
        return start.astimezone(UTC) + (moment - self._clock_started(pinned, moment))

    def _clock_started(self, pinned: str, moment: datetime) -> datetime:
        # Kept on disk, so every process on this laptop reads one clock that runs on.
        kept = self.setting("pinned_clock")
        if kept is not None:
            value, _space, started = kept.rpartition(" ")
            if value == pinned:
                return datetime.fromisoformat(started)
        self.set_settings(pinned_clock=f"{pinned} {moment.isoformat()}")
        return moment

    # lookups every room uses ------------------------------------------------------

    def pending_count(self) -> int:
        """How many changes wait in the outbox for head office."""
        return self.conn.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[
            0
        ]

    def _account_row(self, account_id: str) -> dict:
        rows = dicts(self.db.execute("SELECT * FROM accounts WHERE account_id = ?", [account_id]))
        if not rows:
            raise VisitNotFound(f"account {account_id} is not on this laptop's route")
        return rows[0]

    def _visit_account(self, visit_id: str) -> str:
        row = self.db.execute(
            "SELECT account_id FROM visits WHERE visit_id = ?", [visit_id]
        ).fetchone()
        if row is None:
            raise VisitNotFound(f"visit {visit_id} is not on this laptop")
        return row[0]


def account_from(row: dict) -> Account:
    """An accounts row as the kernel's Account."""
    from fieldcore.accounts import Account

    return Account.model_validate({name: row[name] for name in ACCOUNT_FIELDS})


def dicts(cursor: cipher.Cursor) -> list[dict]:
    """Every row of a cursor as a dict keyed by column name."""
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
