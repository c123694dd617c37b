"""What `publish-content` refuses (placeholders, sizes, nesting, links out), naming the file."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from content import CONTENT_DIR
from fieldapp.content import default_libraries, libraries
from fieldcore.scripts import (
    PLACEHOLDERS,
    Channel,
    ScriptLibrary,
    Situation,
    build_script,
    fill_placeholders,
    library_texts,
)
from fieldcore.stages import Stage
from headoffice.store import db
from headoffice.store.tables import content
from headoffice.work.publishing import (
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_FOLDER_BYTES,
    PublishRefused,
    publish,
    read_content,
)
from sync.protocol import MAX_CONTENT_CHARS
from tests.helpers import run

FILL = {
    "collector": "Mette",
    "lender": "Nordbank",
    "borrower": "Sally [Sarah] {Mitchell}",
    "days": "45",
    "overdue": "£80.00",
    "instalment": "£20.00",
    "debt_advice": "Free debt advice: nfcc.org.",
}


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    # Publishing does not judge by the day, but a pinned day keeps the CLI runs alike.
    monkeypatch.setenv("HEADOFFICE_TODAY", "2026-11-23")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped content folder, to spoil."""
    copy = tmp_path / "content"
    for kind in ("scripts", "policy"):
        shutil.copytree(CONTENT_DIR / kind, copy / kind)
    return copy


def refusals(folder: Path) -> list[str]:
    with pytest.raises(PublishRefused) as refused:
        read_content(folder)
    return refused.value.problems


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_content_publishes_and_renders_as_str_format_did(engine):
    published = publish(engine, CONTENT_DIR)
    assert published == [
        "scripts/da v3",
        "scripts/en v3",
        "scripts/zh v3",
        "policy/cn v4",
        "policy/default v5",
        "policy/dk v4",
        "policy/us v4",
        "messages/da v1",
        "messages/en v1",
        "messages/zh v1",
    ]
    with engine.connect() as conn:
        bodies = conn.execute(sa.select(content.c.body).where(content.c.kind == "scripts"))
        sent = {
            lib.language: lib for lib in map(ScriptLibrary.model_validate_json, bodies.scalars())
        }
    assert sent == default_libraries()
    for library in sent.values():
        for _where, text in library_texts(library):
            assert fill_placeholders(text, FILL) == text.format(**FILL)
    script = build_script(
        sent["en"], stage=Stage.MIDDLE, channel=Channel.PHONE, situation=Situation.SHORT_FOR_NOW
    )
    assert script.opening.startswith("Hello, this is {collector} calling from {lender}.")


def test_an_unknown_placeholder_is_refused_with_its_file_line_and_field(folder):
    edit(folder / "scripts" / "en.toml", "I work for {lender}", "I work for {bank}")
    [problem] = refusals(folder)
    assert problem.startswith("scripts/en.toml: line 8, opening.visit: unknown placeholder {bank}")
    assert "{borrower}" in problem  # it says which placeholders there are


@pytest.mark.parametrize(
    "written", ["{borrower.__class__}", "{borrower[0]}", "{days!r}", "{days:>10}"]
)
def test_a_placeholder_that_reaches_into_its_value_is_refused(folder, written):
    edit(folder / "scripts" / "da.toml", "({overdue})", f"({written})")
    [problem] = refusals(folder)
    assert problem.startswith(
        f"scripts/da.toml: line 20, ladder step 1 (reminder) point 1: {written} reaches into"
    )


def test_the_laptop_shows_a_placeholder_it_does_not_fill_as_written():
    english = default_libraries()["en"]
    written = "{borrower.__class__} {borrower[0]} {days!r} {days:>10} {nope} { {} {0} }"
    library = english.model_copy(update={"opening": {Channel.VISIT: written + " {borrower}"}})
    script = build_script(
        library, stage=Stage.EARLY, channel=Channel.VISIT, situation=Situation.DISPUTES, fill=FILL
    )
    assert script.opening == written + " Sally [Sarah] {Mitchell}"
    assert set(FILL) == set(PLACEHOLDERS)
    with pytest.raises(ValueError, match="not placeholders"):
        build_script(
            library,
            stage=Stage.EARLY,
            channel=Channel.VISIT,
            situation=Situation.DISPUTES,
            fill={"name": "x"},
        )


def test_doubled_braces_are_literal_and_lone_ones_refused(folder):
    assert fill_placeholders("{{borrower}} {{{days}}}", FILL) == "{borrower} {45}"
    edit(folder / "scripts" / "zh.toml", "{days}天", "{days天")
    [problem] = refusals(folder)
    assert problem.startswith("scripts/zh.toml: line 10, purpose.early: a lone '{'")


def test_an_oversize_file_is_refused_unread(folder):
    # Sparse: 60 MB on paper, nothing on disk, and never read.
    with (folder / "scripts" / "huge.toml").open("wb") as handle:
        handle.truncate(60 * 1024 * 1024)
    assert refusals(folder) == [f"scripts/huge.toml: 62914560 bytes; at most {MAX_FILE_BYTES}"]


def test_too_many_files_or_bytes_in_all_are_refused(folder):
    for number in range(MAX_FILES):
        (folder / "policy" / f"p{number}.toml").touch()
    assert refusals(folder) == [
        f"{folder}: {MAX_FILES + 7} files; at most {MAX_FILES} may be published"
    ]
    shutil.rmtree(folder / "policy")
    for number in range(MAX_FOLDER_BYTES // MAX_FILE_BYTES):
        with (folder / "scripts" / f"s{number}.toml").open("wb") as handle:
            handle.truncate(MAX_FILE_BYTES)
    [problem] = refusals(folder)
    assert problem.endswith(f"bytes in all; at most {MAX_FOLDER_BYTES}")


def test_text_and_steps_beyond_the_kernels_bounds_are_refused(folder):
    edit(folder / "scripts" / "en.toml", "Listen and note", "Listen " * 300)
    steps = "".join(
        f'\n[[ladder]]\nkey = "k{n}"\ntitle = "t"\nstages = ["late"]\npoints = ["p"]\n'
        for n in range(30)
    )
    (folder / "scripts" / "da.toml").write_text(
        (folder / "scripts" / "da.toml")
        .read_text(encoding="utf-8")
        .replace("\n[situation.can_pay_wont]", steps + "\n[situation.can_pay_wont]"),
        encoding="utf-8",
    )
    assert refusals(folder) == [
        "scripts/da.toml: ladder: List should have at most 30 items after validation, not 36",
        "scripts/en.toml: ladder.0.points.2: String should have at most 2000 characters",
    ]


@pytest.mark.parametrize(
    "toml",
    [
        "a = " + "[" * 100_000 + "]" * 100_000,  # tomllib recurses until Python stops it
        "a = " + "{b = " * 5_000 + "1" + "}" * 5_000,
        "a = " + "[" * 9 + "]" * 9,  # parses, but deeper than any content needs
        "a" + ".a" * 100_000 + " = 1",  # would take tomllib minutes
    ],
    ids=["arrays", "inline tables", "shallow enough to parse", "dotted key"],
)
def test_deep_nesting_is_refused_naming_the_file(folder, toml):
    (folder / "policy" / "deep.toml").write_text(toml, encoding="utf-8")
    [problem] = refusals(folder)
    assert problem.startswith("policy/deep.toml: ") and "nested deeper than 8 levels" in problem


def test_broken_toml_names_file_and_line(folder):
    edit(folder / "policy" / "default.toml", "longest_promise_days = 30", "longest_promise_days = ")
    [problem] = refusals(folder)
    assert problem.startswith("policy/default.toml: not readable TOML: ")
    assert "line 7" in problem


def test_a_second_file_for_one_language_is_refused(folder):
    shutil.copy(folder / "scripts" / "en.toml", folder / "scripts" / "en-gb.toml")
    assert refusals(folder) == ["scripts/en.toml: scripts/en is also in scripts/en-gb.toml"]


def test_links_out_of_the_folder_are_refused_and_links_within_followed(folder, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.move(folder / "policy" / "default.toml", outside / "default.toml")
    (folder / "policy" / "default.toml").symlink_to(outside / "default.toml")
    assert refusals(folder) == [
        f"policy/default.toml: is a link to {outside.resolve() / 'default.toml'}, "
        "outside the content folder"
    ]
    shutil.rmtree(folder / "policy")
    (folder / "policy").symlink_to(outside, target_is_directory=True)
    assert refusals(folder) == [
        f"policy: is a link to {outside.resolve()}, outside the content folder"
    ]
    # Within the folder a link is followed: one copy may serve under another name.
    (folder / "policy").unlink()
    (folder / "shared").mkdir()
    shutil.move(outside / "default.toml", folder / "shared" / "default.toml")
    (folder / "policy").mkdir()
    (folder / "policy" / "default.toml").symlink_to(Path("..") / "shared" / "default.toml")
    assert [key for key, *_ in read_content(folder)][-1] == "policy/default"


def test_only_plain_files_are_read(folder):
    os.mkfifo(folder / "policy" / "pipe.toml")  # reading it would wait for ever
    assert refusals(folder) == ["policy/pipe.toml: is not a plain file"]


def test_the_laptop_passes_over_a_library_beyond_the_bounds():
    english = default_libraries()["en"]
    newer = english.model_copy(update={"version": 9}).model_dump(mode="json")
    too_many = {**newer, "ladder": newer["ladder"] * 6}
    published = [
        {"key": "scripts/en", "kind": "scripts", "version": 9, "body": json.dumps(too_many)},
        {"key": "scripts/en", "kind": "scripts", "version": 9, "body": "[" * 100_000},
        {
            "key": "scripts/en",
            "kind": "scripts",
            "version": 9,
            "body": " " * MAX_CONTENT_CHARS + "{}",
        },
    ]
    assert libraries(published)["en"] == english
    good = {"key": "scripts/en", "kind": "scripts", "version": 9, "body": json.dumps(newer)}
    assert libraries([*published, good])["en"].version == 9


def test_the_command_names_each_problem_and_publishes_nothing(db_url, folder):
    edit(folder / "scripts" / "en.toml", "{borrower}?", "{borrower.__init__.__globals__}?")
    (folder / "scripts" / "evil.toml").symlink_to("/etc/passwd")
    refused = run("headoffice", "publish-content", str(folder), "--db", db_url, check=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.splitlines() == [
        "scripts/en.toml: line 8, opening.visit: {borrower.__init__.__globals__} reaches into "
        "a value (attribute, index, conversion or format); write a bare name such as {borrower}",
        "scripts/evil.toml: is a link to /etc/passwd, outside the content folder",
        "Error: nothing was published",
    ]
    with db.connect(db_url).connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(content)).scalar_one() == 0
    (folder / "scripts" / "evil.toml").unlink()
    edit(folder / "scripts" / "en.toml", "{borrower.__init__.__globals__}?", "{borrower}?")
    published = run("headoffice", "publish-content", str(folder), "--db", db_url)
    assert published.stdout.startswith("published scripts/da v3, scripts/en v3")


def test_a_body_written_around_publishing_reaches_no_laptop_and_breaks_no_pull(
    server, world, engine
):
    """Written straight into the table, past every check: pulls still answer, without it."""
    from tests.test_sync_api import pull_all

    publish(engine, CONTENT_DIR)
    with engine.begin() as conn:
        stamp = {"seq": 10**6, "published_at": datetime.now(UTC)}
        huge = "x" * (MAX_CONTENT_CHARS + 1)
        conn.execute(
            content.insert().values(key="scripts:xx", kind="scripts", version=1, body=huge, **stamp)
        )
        stamp["seq"] += 1
        conn.execute(
            content.insert().values(
                key="policy:zz", kind="policy", version=99, body="{nope", **stamp
            )
        )
    pulled = pull_all(server, world["Mette"])
    keys = {item["key"] for item in pulled["content"]}
    assert "scripts:xx" not in keys and "policy:zz" in keys
    from fieldcore.policy import newest_policies
    from headoffice.compliance.policies import _shipped

    # An unreadable policy is no policy: both ends fall back alike.
    chosen = newest_policies(_shipped(), ["{nope", '{"version": "x"}'])
    assert chosen.by_jurisdiction == {policy.jurisdiction: policy for policy in _shipped()}


def test_a_script_that_says_a_forbidden_phrase_is_refused_naming_where(folder):
    edit(
        folder / "scripts" / "en.toml",
        'title = "',
        'title = "Tell them the police will come. ',
    )
    problems = refusals(folder)
    assert any(
        p.startswith("scripts/en.toml: ladder step 1 (")
        and "says 'police', which the cn policy forbids" in p
        for p in problems
    ), problems
    # What never to say may be named in the reminders of what never to say.
    assert not any("compliance reminder" in p for p in problems)


def test_a_policy_looser_than_the_shipped_one_is_refused(folder):
    policy = folder / "policy" / "dk.toml"
    edit(policy, "[windows.visit]\n", '[windows.visit]\nsun = "10:00-14:00"\n')
    edit(policy, 'spouse = "none"', 'spouse = "discuss"')
    problems = refusals(folder)
    looser = "policy/dk.toml: looser than the shipped policy: "
    assert (
        f"{looser}windows.visit.sun: 10:00-14:00; the shipped policy allows no visits" in problems
    )
    assert f"{looser}roles.spouse: discuss; the shipped policy allows none" in problems


def test_a_policy_may_tighten_any_number(folder, engine):
    policy = folder / "policy" / "us.toml"
    edit(policy, "version = 4", "version = 5")
    edit(policy, "most = 7\n", "most = 5\n")
    edit(policy, 'mon = "08:00-21:00"', 'mon = "09:00-20:00"')
    assert "policy/us v5" in publish(engine, folder)
