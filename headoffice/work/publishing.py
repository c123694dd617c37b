"""Publish call scripts and contact policies from a content folder; laptops get them at sync."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import Engine

from fieldcore.errors import from_validation_error
from fieldcore.policy import ContactPolicy
from fieldcore.scripts import ScriptLibrary
from headoffice.store.tables import content, reserve_changes


class PublishRefused(ValueError):
    """Nothing was published; `problems` says which file and what."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def read_content(folder: Path) -> list[tuple[str, str, BaseModel]]:
    """(key, kind, model) for every scripts/*.toml and policy/*.toml, each checked."""
    found: list[tuple[str, str, BaseModel]] = []
    problems: list[str] = []
    kinds: dict[str, type[BaseModel]] = {"scripts": ScriptLibrary, "policy": ContactPolicy}
    for kind, model in kinds.items():
        for path in sorted((folder / kind).glob("*.toml")):
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
                item = model.model_validate(data)
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
                problems.append(f"{path}: not readable TOML ({error})")
                continue
            except ValidationError as error:
                problems += [
                    f"{path}: {f}: {why}" for f, why in from_validation_error(error).items()
                ]
                continue
            name = item.language if isinstance(item, ScriptLibrary) else item.jurisdiction
            found.append((f"{kind}/{name}", kind, item))
    if problems:
        raise PublishRefused(problems)
    if not found:
        raise PublishRefused([f"{folder}: no scripts/*.toml or policy/*.toml found"])
    return found


def publish(engine: Engine, folder: Path) -> list[str]:
    """Publish what is new; a changed file must carry a higher version. All or nothing."""
    items = read_content(folder)
    now = datetime.now(UTC)
    changed: list[str] = []
    with engine.begin() as conn:
        current = {row.key: row for row in conn.execute(sa.select(content))}
        fresh = []
        for key, kind, item in items:
            body = item.model_dump_json()
            before = current.get(key)
            if before is not None and before.body == body:
                continue
            if before is not None and item.version <= before.version:
                raise PublishRefused(
                    [
                        f"{key}: changed but its version {item.version} is not above "
                        f"the published {before.version}"
                    ]
                )
            fresh.append((key, kind, item.version, body))
        if fresh:
            first = reserve_changes(conn, len(fresh))
            for offset, (key, kind, version, body) in enumerate(fresh):
                values = {
                    "kind": kind,
                    "version": version,
                    "body": body,
                    "seq": first + offset,
                    "published_at": now,
                }
                if key in current:
                    conn.execute(content.update().where(content.c.key == key).values(**values))
                else:
                    conn.execute(content.insert().values(key=key, **values))
                changed.append(f"{key} v{version}")
    return changed
