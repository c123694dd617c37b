"""The document is the contract: schemathesis against the real server, and one error body."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import httpx
import pytest

from headoffice.store import db
from headoffice.work import portfolio, roster, supervisors
from sync.protocol import ERROR_CODES, ErrorBody
from tests.helpers import LiveServer, three_borrowers, write_portfolio

DAY = date(2026, 11, 23)
CONFIG = Path(__file__).with_name("schemathesis.toml")
# Fixed and bounded: the same cases every run, under half a minute per token here.
SEED, EXAMPLES = 20261123, 6
OPERATIONS = 31


@contextmanager
def open_office(folder: Path) -> Iterator[dict[str, str]]:
    """A head office on a loopback port with borrowers, a route, a supervisor and a laptop."""
    url = f"sqlite:///{folder / 'headoffice.db'}"
    engine = db.connect(url)
    accounts = portfolio.read_portfolio(write_portfolio(folder / "p.csv", three_borrowers()))
    portfolio.import_accounts(engine, accounts)
    enrollment = roster.add_collector(engine, "Mette", "da", "Europe/Copenhagen")
    roster.assign(engine, "Mette", DAY, ["DK-1", "CN-1", "EN-1"])
    supervisor = supervisors.add_supervisor(engine, "Anna")
    engine.dispose()
    # Schemathesis sends thousands of malformed and wrongly authorised requests from one
    # address, as no guesser would; its checks expect each answered on its merits.
    quiet = {"HEADOFFICE_TODAY": DAY.isoformat(), "HEADOFFICE_AUTH_FAILURES": "1000000"}
    server = LiveServer(url, folder / "server.log", quiet)
    server.start()
    try:
        laptop = httpx.post(f"{server.url}/sync/enroll", json={"token": enrollment}).json()
        yield {"url": server.url, "supervisor": supervisor, "laptop": laptop["device_token"]}
    finally:
        server.stop()


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """One head office for the module's tests that change nothing a laptop depends on."""
    with open_office(tmp_path_factory.mktemp("contract")) as found:
        yield found


@pytest.fixture
def own_office(tmp_path):
    """A head office for one schemathesis run alone. The supervisor's run feeds names
    from one answer into the next request, so it revokes Mette's laptop and orders it
    wiped: nothing run after it may count on that laptop's token."""
    folder = tmp_path / "office"
    folder.mkdir()
    with open_office(folder) as found:
        yield found


@pytest.mark.timeout(300)
@pytest.mark.parametrize("token", ["supervisor", "laptop"])
def test_schemathesis_finds_no_disagreement(own_office, token, tmp_path):
    """Every check schemathesis has, over every operation, with each kind of token."""
    office = own_office
    command = [
        *(str(Path(sys.executable).with_name("st")), "--config-file", str(CONFIG), "run"),
        f"{office['url']}/openapi.json",
        *("--header", f"Authorization: Bearer {office[token]}"),
        *("--checks", "all", "--seed", str(SEED), "--max-examples", str(EXAMPLES)),
        *("--phases", "examples,coverage,fuzzing", "--no-color", "--workers", "1"),
        *("--generation-database", "none", "--request-timeout", "10"),
    ]
    # One worker: on Python 3.11, Hypothesis describing strategies in two threads at
    # once can trip CPython's "AST constructor recursion depth mismatch" (a crash of
    # the tool, not a finding); pytest-xdist already runs the two tokens side by side.
    done = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, env=os.environ | {"NO_COLOR": "1"}
    )
    # The report names each failing operation and a curl line to reproduce it.
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert f"Tested: {OPERATIONS}" in done.stdout


def _document(office) -> dict:
    return httpx.get(f"{office['url']}/openapi.json").json()


def test_every_operation_documents_its_refusals_with_the_one_error_body(office):
    operations = [
        (path, method, operation)
        for path, methods in _document(office)["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) == OPERATIONS
    for path, method, operation in operations:
        where = f"{method.upper()} {path}"
        refusals = {s: r for s, r in operation["responses"].items() if s[0] in "45"}
        assert "500" in refusals, where
        for status, response in refusals.items():
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (where, status)
            assert response["description"], (where, status)
        if "requestBody" in operation:
            assert {"400", "413", "415", "422"} <= set(refusals), where
            for media in operation["requestBody"]["content"].values():
                ref = media["schema"].get("$ref")
                named = ref and _document(office)["components"]["schemas"][ref.split("/")[-1]]
                assert "example" in media or (named and named.get("examples")), where
        if path.startswith("/supervisor") or path in ("/sync/push", "/sync/pull"):
            assert operation.get("security"), where
            assert "401" in refusals, where


def _documented(office, path: str, method: str) -> set[int]:
    responses = _document(office)["paths"][path][method]["responses"]
    return {int(status) for status in responses if status[0] in "45"}


def _answer(office, method: str, path: str, token: str | None = None, **how) -> httpx.Response:
    headers = how.pop("headers", {})
    if token:
        headers["Authorization"] = f"Bearer {office[token]}"
    return httpx.request(method, f"{office['url']}{path}", headers=headers, **how)


JSON, CSV = {"Content-Type": "application/json"}, {"Content-Type": "text/csv"}
XML = {"Content-Type": "text/xml"}
SAME = {"from_collector": "Mette", "to_collector": "Mette", "date": "2026-11-23"}
BACKWARDS = {"since": "2026-11-23", "until": "2026-11-01"}
YES = {"collector": "Mette", "date": "2026-11-23", "optimise": "yes", "region": "x"}
NOBODY, WIPE_1 = {"collector": "Nobody"}, {"collector": "Mette", "wipe": 1}
HUGE = b" " * (5 * 1024 * 1024)
REFUSALS = [
    ("POST", "/sync/push", "laptop", {"content": b"{nope", "headers": JSON}, 400, None),
    ("POST", "/sync/pull", None, {"json": {}}, 401, None),
    ("GET", "/supervisor/me", "laptop", {}, 403, None),
    ("GET", "/supervisor/board", "supervisor", {"params": {"collector": "Nobody"}}, 404, None),
    ("POST", "/supervisor/revoke", "supervisor", {"json": NOBODY}, 404, "collector"),
    ("POST", "/supervisor/reassign", "supervisor", {"json": SAME}, 409, None),
    ("GET", "/supervisor/numbers", "supervisor", {"params": BACKWARDS}, 409, "since"),
    ("POST", "/sync/push", "laptop", {"content": HUGE, "headers": JSON}, 413, None),
    ("POST", "/sync/pull", "laptop", {"content": b"{}", "headers": XML}, 415, None),
    ("POST", "/supervisor/portfolio", "supervisor", {"content": b"{}", "headers": JSON}, 415, None),
    ("GET", "/supervisor/numbers", "supervisor", {"params": {"until": "0"}}, 422, "query.until"),
    ("GET", "/supervisor/team", "supervisor", {"params": {"date": "17000"}}, 422, "query.date"),
    ("GET", "/supervisor/review", "supervisor", {"params": {"all": "yes"}}, 422, "query.all"),
    ("POST", "/sync/pull", "laptop", {"json": {"limit": "10"}}, 422, "limit"),
    ("POST", "/sync/pull", "laptop", {"json": {"limit": True}}, 422, "limit"),
    ("POST", "/supervisor/assignments", "supervisor", {"json": YES}, 422, "optimise"),
    ("POST", "/supervisor/revoke", "supervisor", {"json": WIPE_1}, 422, "wipe"),
    ("POST", "/sync/enroll", None, {"json": {"protocol": 1, "token": "12345678"}}, 426, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "token", "how", "status", "field"),
    REFUSALS,
    ids=[f"{r[4]}-{r[0]}-{r[1]}" for r in REFUSALS],
)
def test_every_refusal_is_the_one_error_body(office, method, path, token, how, status, field):
    answer = _answer(office, method, path, token, **how)
    assert answer.status_code == status, answer.text
    body = ErrorBody.model_validate(answer.json())
    assert body.code == ERROR_CODES[status] and body.detail
    assert body.field == field
    assert status in _documented(office, path, method.lower())


def test_unknown_paths_and_methods_answer_the_error_body_too(office):
    for answer, status in (
        (_answer(office, "GET", "/nowhere"), 404),
        (_answer(office, "DELETE", "/sync/push", "laptop"), 405),
    ):
        assert answer.status_code == status
        assert ErrorBody.model_validate(answer.json()).code == ERROR_CODES[status]


def test_a_refused_file_names_its_first_line(office):
    bad = "account_id,paid_on,amount,currency,reference\nDK-1,2026-11-20,1e3,DKK,B-1\n"
    answer = _answer(
        office,
        "POST",
        "/supervisor/payments",
        "supervisor",
        content=bad.encode(),
        headers=CSV,
    )
    assert answer.status_code == 422
    body = ErrorBody.model_validate(answer.json())
    assert body.line == 2 and body.problems[0].startswith("line 2, column amount")


def test_the_document_shows_how_to_authenticate(office):
    document = _document(office)
    schemes = document["components"]["securitySchemes"]
    assert set(schemes) == {"DeviceToken", "SupervisorToken"}
    assert all(s["type"] == "http" and s["scheme"] == "bearer" for s in schemes.values())
    assert "Authorization: Bearer" in document["info"]["description"]
    assert json.dumps(document).count("ErrorBody") > OPERATIONS


def test_a_chunked_body_past_the_limit_is_413_and_a_bare_body_is_json(office):
    def chunks():
        for _ in range(5):
            yield b" " * (1024 * 1024)

    over = _answer(office, "POST", "/sync/push", "laptop", content=chunks(), headers=JSON)
    assert over.status_code == 413 and over.json()["code"] == "too_large"
    bare = httpx.post(
        f"{office['url']}/sync/pull",
        content=b'{"cursor": ""}',
        headers={"Authorization": f"Bearer {office['laptop']}"},
    )
    assert bare.status_code == 200, bare.text
    missing = _answer(office, "GET", "/supervisor/me")
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"


def test_hostile_parameters_are_refused_on_both_databases(server, world, boss):
    for path, params in (
        ("/supervisor/board", {"collector": "a\x00b"}),
        ("/supervisor/board", {"collector": "x" * 101}),
        ("/supervisor/team", {"date": "9999-12-31"}),
        ("/supervisor/numbers", {"since": "2026-02-30"}),
    ):
        answer = boss.get(path, params=params)
        assert answer.status_code == 422, (path, params, answer.text)
        assert answer.json()["field"].startswith("query.")
    nul = boss.post("/supervisor/review/dispute/a%00b", json={"note": "checked"})
    assert nul.status_code == 422 and nul.json()["field"] == "path.ref"
    unknown = boss.post("/supervisor/review/dispute/Ø dispute 1", json={"note": "checked"})
    assert unknown.status_code == 404, unknown.text


def test_details_stored_before_the_bounds_never_stop_a_pull(server, world, engine):
    """An old row's details the wire now refuses are left out of the history, not a 500."""
    import sqlalchemy as sa

    from headoffice.store.tables import outcomes
    from tests.test_sync_api import call, outcome_mutation, pull_all

    visit = pull_all(server, world["Mette"])["visits"][0]
    sent = outcome_mutation(visit, outcome="refused")
    assert call(server, "/sync/push", {"mutations": [sent]}, world["Mette"]).status_code == 200
    old = '{"callback_at": "2026-11-24T17:30:00+01:00", "script_step": 20000, "script_id": "s1"}'
    with engine.begin() as conn:
        conn.execute(
            outcomes.update().where(outcomes.c.id == sent["payload"]["id"]).values(details=old)
        )
    [again] = [
        v for v in pull_all(server, world["Mette"])["visits"] if v["visit_id"] == visit["visit_id"]
    ]
    [history] = [h for h in again["history"] if h["id"] == sent["payload"]["id"]]
    assert history["details"]["script_id"] == "s1"
    assert history["details"]["callback_at"] is None and history["details"]["script_step"] is None
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(outcomes)).scalar() == 1
