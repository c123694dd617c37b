"""Head office's settings: the lender's name, address and phone, checked, kept and published."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection, Engine

from fieldcore.errors import from_validation_error
from headoffice.store.tables import content, reserve_changes, settings
from headoffice.wire import SettingKey
from sync.protocol import LenderWire

# Each setting a supervisor may set (as the API's document lists them): the LenderWire
# field it fills, and what it is for.
KNOWN: dict[SettingKey, tuple[str, str]] = {
    "lender.name": ("name", "the lender's name: the scripts' {lender}, receipts, the day summary"),
    "lender.address": ("address", "the lender's address, on receipts"),
    "lender.phone": ("phone", "the lender's phone number, on receipts"),
}
# The key of the lender in the content laptops pull, beside scripts/<language>.
LENDER_CONTENT = "lender"


class SettingRefused(ValueError):
    """Nothing was changed; `field` says whether the key or the value is at fault."""

    def __init__(self, sentence: str, field: str) -> None:
        super().__init__(sentence)
        self.field = field


@dataclass(frozen=True)
class Setting:
    """One known setting, with its value (None when unset) and when it was last set."""

    key: str
    about: str
    value: str | None
    updated_at: datetime | None


def checked_key(key: str) -> str:
    """The key if head office knows it; else a refusal that lists the ones it knows."""
    if key not in KNOWN:
        raise SettingRefused(
            f"there is no setting {key!r}; the settings are {', '.join(KNOWN)}", "key"
        )
    return key


def checked_value(key: str, value: str) -> str:
    """The value as it will be kept (the spaces at its ends dropped), or a refusal saying why."""
    field = KNOWN[checked_key(key)][0]
    value = value.strip()
    if not value:
        raise SettingRefused(f"{key}: is empty (to clear a setting, unset it)", "value")
    try:
        LenderWire.model_validate({field: value})
    except ValidationError as error:
        reason = next(iter(from_validation_error(error).values()))
        raise SettingRefused(f"{key}: {reason}", "value") from None
    return value


def current(engine: Engine) -> list[Setting]:
    """Every known setting, in the order KNOWN lists them, set or not."""
    with engine.connect() as conn:
        rows = {row.key: row for row in conn.execute(sa.select(settings))}
    return [_setting(key, rows.get(key)) for key in KNOWN]


def one(engine: Engine, key: str) -> Setting:
    """One known setting as it is now."""
    return next(s for s in current(engine) if s.key == checked_key(key))


def set_setting(engine: Engine, key: str, value: str | None) -> bool:
    """Set a setting (None unsets it) and publish the lender to laptops; False if unchanged."""
    checked_key(key)
    value = None if value is None else checked_value(key, value)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        # Reserving the change number first takes the counter's row lock, so two
        # supervisors setting at once are applied one after the other.
        seq = reserve_changes(conn, 1)
        before = conn.execute(
            sa.select(settings.c.value).where(settings.c.key == key)
        ).scalar_one_or_none()
        if before == value:
            return False
        if value is None:
            conn.execute(settings.delete().where(settings.c.key == key))
        elif before is None:
            conn.execute(settings.insert().values(key=key, value=value, updated_at=now))
        else:
            conn.execute(
                settings.update().where(settings.c.key == key).values(value=value, updated_at=now)
            )
        _publish_lender(conn, seq, now)
    return True


def _publish_lender(conn: Connection, seq: int, now: datetime) -> None:
    """The lender as laptops pull it, a version up: they get it at their next sync."""
    rows = conn.execute(sa.select(settings.c.key, settings.c.value)).all()
    lender = LenderWire.model_validate(
        {KNOWN[key][0]: value for key, value in rows if key in KNOWN}
    )
    before = conn.execute(
        sa.select(content.c.version).where(content.c.key == LENDER_CONTENT)
    ).scalar_one_or_none()
    values = {
        "kind": "lender",
        "version": (before or 0) + 1,
        "body": lender.model_dump_json(),
        "seq": seq,
        "published_at": now,
    }
    if before is None:
        conn.execute(content.insert().values(key=LENDER_CONTENT, **values))
    else:
        conn.execute(content.update().where(content.c.key == LENDER_CONTENT).values(**values))


def _setting(key: str, row: sa.Row | None) -> Setting:
    moment = row.updated_at if row else None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # SQLite hands back naive UTC
    return Setting(key, KNOWN[key][1], row.value if row else None, moment)
