"""The borrower's income and spending: asked in the form and with --statement, kept with the
plan or hardship request, the instalment it proposes, and what the supervisor reads of it."""

from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa
from click.testing import CliRunner

from fieldapp.cli import main as fieldapp
from fieldapp.store import Store
from fieldapp.syncing import enroll_laptop, sync_once
from fieldapp.tui.outcome import OutcomeScreen
from fieldapp.tui.statement import StatementScreen
from fieldcore.affordability import Statement
from headoffice.oversight.review import review_queue
from headoffice.store.tables import outcomes
from headoffice.work import roster
from tests.conftest import DAY
from tests.test_push_rules import push, visits_of
from tests.test_sync_api import outcome_mutation
from tests.ui import drive, text_of

# A household of three: 26,000 in, 18,500 of essentials, 1,500 to priority debts: 6,000
# left a month, of which a fifth is kept back; no other lenders, so 4,800 a month is
# proposed (a week: 4,800 x 12 / 52 = 1,107.69, whole kroner 1,107).
LINES = {
    "household_size": "3",
    "dependants": "1",
    "income_wages": "24000",
    "income_benefits": "2000",
    "housing": "9000",
    "utilities": "1500",
    "food": "5000",
    "travel": "1500",
    "children": "1500",
    "priority_debts": "1500",
}


def run(home, *args: str):
    return CliRunner().invoke(fieldapp, ["--home", str(home), *args])


def statement_args(lines: dict[str, str] = LINES) -> list[str]:
    return [arg for name, value in lines.items() for arg in ("--statement", f"{name}={value}")]


def stored_details(store: Store, account: str) -> dict:
    row = store.db.execute(
        "SELECT details FROM outcomes WHERE account_id = ? ORDER BY recorded_at DESC", [account]
    ).fetchone()
    return json.loads(row[0])


def test_afford_says_the_month_and_the_instalment_it_leaves_room_for(laptop, store):
    done = run(laptop, "afford", "DK-1", *statement_args(), "--every", "week")
    assert done.exit_code == 0, done.output
    assert "left each month" in done.output and "6,000.00" in done.output
    assert "1,107.00 a week" in done.output
    nothing = run(laptop, "afford", "DK-1", "--statement", "household_size=1")
    assert "nothing to pay from" in nothing.output
    wrong = run(laptop, "afford", "DK-1", "--statement", "food=lots", "--statement", "x=1")
    assert wrong.exit_code == 1
    assert "--statement food: 'lots' is not an amount" in wrong.output
    assert "--statement x: is not a known field" in wrong.output
    assert "--statement household_size: is required" in wrong.output
    assert "is not LINE=AMOUNT" in run(laptop, "afford", "DK-1", "--statement", "3").output


def test_a_plan_keeps_its_statement_and_says_when_it_asks_more_than_it_leaves(laptop, store):
    first = (DAY + timedelta(days=7)).isoformat()
    plan = ["--outcome", "plan", "--every", "month", "--first-date", first]
    done = run(laptop, "record", "DK-1", *plan, "--amount", "900", "--instalments", "3",
               *statement_args())  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "an instalment they can keep" in done.output and "more than" not in done.output
    kept = Statement.model_validate(stored_details(store, "DK-1")["statement"])
    assert (kept.household_size, kept.income_minor, kept.surplus_minor) == (3, 2_600_000, 600_000)
    # A statement that leaves nothing: the plan is still the borrower's choice, with a note.
    tight = LINES | {"income_wages": "18000"}
    done = run(laptop, "record", "DK-1", *plan, "--amount", "900", "--instalments", "3",
               *statement_args(tight))  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "nothing to pay from" in done.output
    assert "note: the instalments asked are more than the statement leaves room for" in done.output


def test_a_wrong_statement_line_saves_nothing_and_a_paid_outcome_takes_none(laptop, store):
    count = store.db.execute("SELECT count(*) FROM outcomes").fetchone()[0]
    done = run(laptop, "record", "DK-1", "--outcome", "hardship", "--instalment", "100",
               "--term-months", "6", "--statement", "household_size=0",
               "--statement", "housing=12,3,4")  # fmt: skip
    assert done.exit_code == 1
    assert "--statement household_size: Input should be greater than or equal to 1" in done.output
    assert "--statement housing: '12,3,4' is not an amount" in done.output
    done = run(laptop, "record", "DK-1", "--outcome", "paid", "--amount", "10",
               "--method", "cash", *statement_args())  # fmt: skip
    assert done.exit_code == 1
    assert "--statement: does not apply to paid" in done.output
    assert store.db.execute("SELECT count(*) FROM outcomes").fetchone()[0] == count


def test_the_supervisor_reads_a_hardship_requests_statement(
    laptop, store, engine, server, tmp_path
):
    done = run(laptop, "record", "DK-1", "--outcome", "hardship", "--instalment", "4000",
               "--term-months", "12", *statement_args())  # fmt: skip
    assert done.exit_code == 0, done.output
    report = sync_once(laptop)
    assert report.refused == 0
    with engine.connect() as conn:
        details = conn.execute(
            sa.select(outcomes.c.details).where(outcomes.c.outcome == "hardship")
        ).scalar_one()
    assert json.loads(details)["statement"]["income_wages"] == 2_400_000
    item = next(i for i in review_queue(engine, DAY) if i.kind == "hardship")
    assert (item.facts.surplus_minor, item.facts.affordable_minor) == (600_000, 480_000)
    assert item.facts.statement.household_size == 3
    assert "Their statement leaves" in item.summary and "a month" in item.summary
    # The household's finances stay at head office: the next collector of the account gets
    # its history without them.
    other = tmp_path / "lars"
    enroll_laptop(other, server.url, roster.add_collector(engine, "Lars"), "Lars's laptop")
    roster.assign(engine, "Lars", DAY + timedelta(days=1), ["DK-1"])
    sync_once(other)
    theirs = Store(other)
    pulled = [json.loads(r[0]) for r in theirs.db.execute("SELECT details FROM history")]
    theirs.close()
    assert any(details.get("term_months") == 12 for details in pulled)
    assert all(details.get("statement") is None for details in pulled)


def test_head_office_refuses_a_statement_in_another_currency_or_with_no_plan(server, world):
    visit = visits_of(server, world["Mette"])["DK-1"]
    euro = {"currency": "EUR", "household_size": 1}
    hardship = {"instalment_minor": 100, "term_months": 6, "statement": euro}
    results = push(
        server,
        world["Mette"],
        outcome_mutation(visit, outcome="hardship", details=hardship),
        outcome_mutation(visit, details={"statement": euro | {"currency": "DKK"}}),
    )
    assert [r["message"] for r in results] == [
        "statement is in EUR, the account is in DKK",
        "statement does not apply to not_home",
    ]


def test_the_form_asks_the_statement_keeps_it_in_the_draft_and_fills_the_plan(home):
    store = Store(home)
    stop = store.route(DAY)[0]
    account = store.account(stop.account_id)
    store.close()
    typed = {"household_size": "2", "income_wages": "30000", "housing": "10000"}

    async def steps(app, pilot):
        app.push_screen(OutcomeScreen(stop.visit_id))
        await pilot.pause()
        form = app.screen
        form.query_one("#outcome").value = "plan"
        await pilot.pause()
        assert "Not asked yet" in text_of(app, "#statement-summary")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, StatementScreen)
        for name, value in typed.items():
            app.screen.query_one(f"#st-{name}").value = value
        app.screen.query_one("#st-food").value = "a lot"
        await pilot.pause()
        draft = app.store.draft(stop.visit_id)
        await pilot.press("ctrl+s")
        await pilot.pause()
        refused = text_of(app, "#st-food-error")
        app.screen.query_one("#st-food").value = "4000"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert app.screen is form
        filled = {n: form.query_one(f"#{n}").value for n in ("amount", "every", "instalments")}
        summary = text_of(app, "#statement-summary")
        form.query_one("#first_date").value = (DAY + timedelta(days=3)).isoformat()
        await pilot.press("ctrl+s")
        await pilot.pause()
        return draft, refused, filled, summary

    draft, refused, filled, summary = drive(home, steps)
    assert draft["outcome"] == "plan"
    assert draft["statement"] == typed | {"food": "a lot"}
    assert "Food and housekeeping" in refused and "is not an amount" in refused
    # 16,000 left a month, 12,800 proposed: the balance in whole months of at most that.
    count = -(-account.outstanding_minor // min(1_280_000, account.outstanding_minor))
    assert filled["every"] == "month" and filled["instalments"] == str(count)
    assert filled["amount"] == f"{account.outstanding_minor / 100:.2f}"
    summary = summary.replace("\xa0", " ")
    assert "left each month DKK 16,000.00" in summary and "DKK 12,800.00 a month" in summary
    store = Store(home)
    saved = stored_details(store, account.account_id)
    store.close()
    assert saved["statement"]["income_wages"] == 3_000_000 and saved["instalments"] == count


def test_the_proposal_is_monthly_for_hardship_and_fits_the_policys_longest_term(store):
    from fieldapp.tui.statement_field import StatementField
    from fieldcore.outcomes import OutcomeCode

    field = StatementField(store.account("DK-1"))
    field.longest_months = 24
    field.typed = {"household_size": "1", "income_wages": "21000", "housing": "8000"}
    outstanding = field.account.outstanding_minor
    # A plan set to weekly, then the outcome changed to hardship: the request is monthly.
    hardship, why_not = field.proposal({"every": "week"}, OutcomeCode.HARDSHIP, DAY)
    monthly = min(1_040_000, outstanding)
    assert (hardship["instalment"], why_not) == (f"{monthly / 100:.2f}", None)
    assert field.every_for({"every": "week"}, OutcomeCode.HARDSHIP).value == "month"
    # 100.00 left a month, 80.00 proposed: the balance takes longer than 24 months.
    field.typed = {"household_size": "1", "income_wages": "8100", "housing": "8000"}
    plan, why_not = field.proposal({"every": "month"}, OutcomeCode.PLAN, DAY)
    assert plan == {} and "longest term of 24 months" in why_not
    field.typed = {"household_size": "1", "income_wages": "8000", "housing": "8000"}
    assert field.proposal({}, OutcomeCode.PLAN, DAY)[1].startswith("Nothing is left each month")


def test_the_review_says_what_is_left_even_with_nothing_outstanding():
    from headoffice.phrasing import review_summary
    from headoffice.wire import ReviewFacts

    kept = Statement(currency="DKK", household_size=1, income_wages=2_100_000, housing=800_000)
    said = {
        (left, affordable): review_summary(
            "hardship",
            ReviewFacts(
                currency="DKK", statement=kept, surplus_minor=left, affordable_minor=affordable
            ),
        )
        for left, affordable in ((1_300_000, None), (0, None), (1_300_000, 1_040_000))
    }
    assert said[(1_300_000, None)] == "Their statement leaves DKK\xa013,000.00 a month."
    assert said[(0, None)] == "Their statement leaves nothing a month to pay from."
    assert "an instalment they can keep: DKK\xa010,400.00" in said[(1_300_000, 1_040_000)]
