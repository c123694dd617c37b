"""Publish call scripts, contact policies and message templates from a content folder."""

from __future__ import annotations

import os
import stat
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import Engine

from content import shipped_policies
from fieldcore.audit import sha256
from fieldcore.errors import from_validation_error
from fieldcore.message_templates import MessageTemplates
from fieldcore.policy import ContactPolicy, published_body, read_policies
from fieldcore.policy_floor import loosened
from fieldcore.scripts import ScriptLibrary, library_texts, placeholder_problems
from headoffice.evidence.trail import append
from headoffice.store.tables import content, reserve_changes
from sync.protocol import MAX_CONTENT_CHARS, MAX_CONTENT_ITEMS, ContentWire

CONTENT_KEY_CHARS = ContentWire.model_fields["key"].metadata[0].max_length

# Bounds on what a content folder may hold; everything published goes to every laptop.
# The shipped libraries are under 8 KiB each: this leaves 30 times the room.
MAX_FILE_BYTES = 256 * 1024
# All files together: what a new laptop pulls at its first sync, beside its route.
MAX_FOLDER_BYTES = 2 * 1024 * 1024
# A pull carries at most MAX_CONTENT_ITEMS published items, so no more may exist;
# with MAX_FILE_BYTES each, a first pull stays far below the laptop's answer limit.
MAX_FILES = MAX_CONTENT_ITEMS
# The shipped files nest 3 deep (ladder, a step, its points); tomllib recurses on nesting.
MAX_DEPTH = 8
# tomllib takes time quadratic in the parts of one dotted key (a.b.c...), and a key
# lies on one line: this many dots on a line read in a second, 100 000 in minutes.
MAX_DOTS_PER_LINE = 200
# Problems shown per file: the first ones say what to fix.
MAX_PROBLEMS_SHOWN = 20
# The version column is a 32-bit integer on PostgreSQL.
MAX_VERSION = 2**31 - 1

KINDS: dict[str, type[BaseModel]] = {
    "scripts": ScriptLibrary,
    "policy": ContactPolicy,
    # Head office's alone: laptops are never sent the message templates.
    "messages": MessageTemplates,
}


class PublishRefused(ValueError):
    """Nothing was published; `problems` says which file and what."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def read_content(folder: Path) -> list[tuple[str, str, BaseModel, str]]:
    """(key, kind, model, file) for every scripts/, policy/ and messages/*.toml, each checked.

    Links are followed while they stay inside the folder; one that leaves it is refused.
    """
    root = folder.resolve()
    files, problems = _content_files(folder, root)
    total = sum(size for _path, _name, size in files)
    bounds = []
    if len(files) > MAX_FILES:
        bounds.append(f"{folder}: {len(files)} files; at most {MAX_FILES} may be published")
    if total > MAX_FOLDER_BYTES:
        bounds.append(f"{folder}: {total} bytes in all; at most {MAX_FOLDER_BYTES}")
    if bounds:
        raise PublishRefused(problems + bounds)  # before reading any file
    found: list[tuple[str, str, BaseModel, str]] = []
    first_file: dict[str, str] = {}
    for path, name, _size in files:
        kind = name.split("/")[0]
        key, item, trouble = _read_one(path, kind)
        if len(trouble) > MAX_PROBLEMS_SHOWN:
            more = len(trouble) - MAX_PROBLEMS_SHOWN
            trouble = [*trouble[:MAX_PROBLEMS_SHOWN], f"and {more} more problems"]
        problems += [f"{name}: {why}" for why in trouble]
        if item is None or trouble:
            continue
        if key in first_file:
            problems.append(f"{name}: {key} is also in {first_file[key]}")
            continue
        first_file[key] = name
        found.append((key, kind, item, name))
    problems += _policy_problems(found)
    if problems:
        # By file, each file's problems in the order found.
        raise PublishRefused(sorted(problems, key=lambda problem: problem.split(": ")[0]))
    if not found:
        raise PublishRefused(
            [f"{folder}: no scripts/*.toml, policy/*.toml or messages/*.toml found"]
        )
    return found


def _policy_problems(found: list[tuple[str, str, BaseModel, str]]) -> list[str]:
    """Policies looser than the shipped ones, and scripts that say what a policy forbids."""
    shipped = {p.jurisdiction: p for p in read_policies(shipped_policies())}
    mine = {
        item.jurisdiction: item for _k, _kind, item, _n in found if isinstance(item, ContactPolicy)
    }
    problems = []
    for _key, _kind, item, name in found:
        if isinstance(item, ContactPolicy):
            # A jurisdiction that does not ship is held to the default, the strictest.
            floor = shipped.get(item.jurisdiction, shipped["default"])
            problems += [
                f"{name}: looser than the shipped policy: {p}" for p in loosened(item, floor)
            ]
    in_force = shipped | mine
    for _key, _kind, item, name in found:
        if isinstance(item, ScriptLibrary):
            problems += [f"{name}: {p}" for p in _forbidden_said(item, in_force)]
    return problems


# What the collector reads out; the reminders of what never to say, and the borrower's
# words in an objection, may name it.
_NOT_SPOKEN = ("compliance reminder", "objection.")


def _forbidden_said(library: ScriptLibrary, policies: dict[str, ContactPolicy]) -> list[str]:
    found = []
    for where, text in library_texts(library):
        if where.startswith(_NOT_SPOKEN) and not where.endswith(".answer"):
            continue
        folded = text.casefold()
        for jurisdiction, policy in sorted(policies.items()):
            for phrase in policy.forbidden_phrases.get(library.language, []):
                if phrase.casefold() in folded:
                    found.append(
                        f"{where}: says {phrase!r}, which the {jurisdiction} policy forbids"
                    )
    return found


def _content_files(folder: Path, root: Path) -> tuple[list[tuple[Path, str, int]], list[str]]:
    """(path, name in the folder, size) of each file; links that leave the folder refused."""
    files: list[tuple[Path, str, int]] = []
    problems: list[str] = []
    for kind in KINDS:
        if not _inside(folder / kind, root, kind, problems):
            continue
        for path in sorted((folder / kind).glob("*.toml")):
            name = path.relative_to(folder).as_posix()
            if not _inside(path, root, name, problems):
                continue
            try:
                facts = os.stat(path)
            except OSError as error:
                problems.append(f"{name}: cannot be read ({error.strerror})")
                continue
            if not stat.S_ISREG(facts.st_mode):
                problems.append(f"{name}: is not a plain file")
            elif facts.st_size > MAX_FILE_BYTES:
                problems.append(f"{name}: {facts.st_size} bytes; at most {MAX_FILE_BYTES}")
            else:
                files.append((path, name, facts.st_size))
    return files, problems


def _inside(path: Path, root: Path, name: str, problems: list[str]) -> bool:
    """Whether `path`, its links followed, stays in the folder; a problem if not."""
    target = path.resolve()
    if target == root or target.is_relative_to(root):
        return True
    problems.append(f"{name}: is a link to {target}, outside the content folder")
    return False


def _read_one(path: Path, kind: str) -> tuple[str, BaseModel | None, list[str]]:
    """The file's key and model (or None) and what is wrong with it, without its name."""
    data, lines, problems = _parse(path)
    if problems:
        return "", None, problems
    try:
        item = KINDS[kind].model_validate(data)
    except ValidationError as error:
        return "", None, [f"{f}: {why}" for f, why in from_validation_error(error).items()]
    named = item.jurisdiction if isinstance(item, ContactPolicy) else item.language
    if isinstance(item, ScriptLibrary) and item.trial is not None:
        named += ".challenger"  # beside its champion, never over it
    key = f"{kind}/{named}"
    if item.version > MAX_VERSION:
        problems.append(f"version: is above {MAX_VERSION}")
    if isinstance(item, ScriptLibrary):
        problems += _placeholder_problems(item, lines)
    # The bounds a laptop's pull holds every published item to.
    if len(item.model_dump_json()) > MAX_CONTENT_CHARS:
        problems.append(f"more than {MAX_CONTENT_CHARS} characters once published")
    if len(key) > CONTENT_KEY_CHARS:
        problems.append(f"{key} is too long a name for laptops")
    return key, item, problems


def _parse(path: Path) -> tuple[dict, list[str], list[str]]:
    """The file's TOML and its lines, read within the bounds, or what is wrong."""
    deep = f"nested deeper than {MAX_DEPTH} levels"
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return {}, [], [f"cannot be read ({error.strerror})"]
    if len(raw) > MAX_FILE_BYTES:
        return {}, [], [f"more than {MAX_FILE_BYTES} bytes"]
    try:
        text = raw.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError as error:
        return {}, [], [f"not UTF-8 text (byte {error.start})"]
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        if line.count(".") > MAX_DOTS_PER_LINE:
            return {}, [], [f"line {number}: more than {MAX_DOTS_PER_LINE} dots; {deep}"]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return {}, [], [f"not readable TOML: {error}"]
    except RecursionError:
        return {}, [], [deep]
    if _depth(data) > MAX_DEPTH:
        return {}, [], [deep]
    return data, lines, []


def _depth(data: object) -> int:
    """How deep tables and arrays nest, counted without recursion."""
    deepest, todo = 0, [(data, 0)]
    while todo:
        value, level = todo.pop()
        deepest = max(deepest, level)
        if isinstance(value, dict):
            todo += [(v, level + 1) for v in value.values()]
        elif isinstance(value, list):
            todo += [(v, level + 1) for v in value]
    return deepest


def _placeholder_problems(library: ScriptLibrary, lines: list[str]) -> list[str]:
    """Each brace the script screen would not fill, with where it is and the line it is on."""
    found = []
    for where, template in library_texts(library):
        for token, why in placeholder_problems(template):
            line = _line_of(lines, template, token)
            found.append(f"line {line}, {where}: {why}" if line else f"{where}: {why}")
    return found


def _line_of(lines: list[str], template: str, token: str) -> int | None:
    """The line (from 1) of `token` in the text that starts like `template`, if it can be seen."""
    head = template.split("\n")[0][:60]
    start = next((n for n, line in enumerate(lines) if head in line), 0)
    return next((n + 1 for n in range(start, len(lines)) if token in lines[n]), None)


def _challenger_problems(items: list, current: dict) -> list[str]:
    """A challenger's version must be above its champion's: the numbers tell the two apart
    by version (docs/NUMBERS.md)."""
    champions = {key: row.version for key, row in current.items()}
    champions |= {key: item.version for key, _kind, item, _name in items}
    problems = []
    for key, _kind, item, name in items:
        if not key.endswith(".challenger"):
            continue
        champion = key.removesuffix(".challenger")
        if champion not in champions:
            problems.append(f"{name}: {key} has no champion published ({champion})")
        elif item.version <= champions[champion]:
            problems.append(
                f"{name}: {key} version {item.version} is not above its champion's "
                f"({champion} v{champions[champion]}): the numbers tell them apart by version"
            )
    return problems


def publish(engine: Engine, folder: Path) -> list[str]:
    """Publish what is new; a changed file must carry a higher version. All or nothing."""
    items = read_content(folder)
    now = datetime.now(UTC)
    changed: list[str] = []
    with engine.begin() as conn:
        current = {row.key: row for row in conn.execute(sa.select(content))}
        fresh = []
        for key, kind, item, name in items:
            body = (
                published_body(item) if isinstance(item, ContactPolicy) else item.model_dump_json()
            )
            before = current.get(key)
            if before is not None and before.body == body:
                continue
            if before is not None and item.version <= before.version:
                raise PublishRefused(
                    [
                        f"{name}: {key} changed but its version {item.version} is not above "
                        f"the published {before.version}"
                    ]
                )
            fresh.append((key, kind, item.version, body))
        if problems := _challenger_problems(items, current):
            raise PublishRefused(problems)
        if len(current.keys() | {key for key, *_rest in fresh}) > MAX_CONTENT_ITEMS:
            raise PublishRefused(
                [f"{folder}: more than {MAX_CONTENT_ITEMS} scripts and policies in all"]
            )
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
            published = [
                {"key": key, "kind": kind, "version": version, "sha256": sha256(body.encode())}
                for key, kind, version, body in fresh
            ]
            append(conn, [("content published", None, None, {"items": published})])
    return changed
