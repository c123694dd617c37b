"""The contact decision, rule by rule, at the edges of every window, cap and holiday of the
shipped policies (US, DK, CN and the default), and the properties that hold for any history."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content import shipped_policies
from fieldcore.contact import Attempt, Hold, HoldReason, Notice, decide
from fieldcore.i18n import catalog
from fieldcore.policy import ContactPolicy, Policies, read_policies

POLICIES = Policies({p.jurisdiction: p for p in read_policies(shipped_policies())})
DK, US, CN, DEFAULT = (POLICIES.for_country(c) for c in ("DK", "US", "CN", None))
CPH = ZoneInfo("Europe/Copenhagen")
CHICAGO = ZoneInfo("America/Chicago")
SHANGHAI = ZoneInfo("Asia/Shanghai")
# A notice long enough ago for every Danish visit below.
NOTICED = [Notice("visit_notice", date(2026, 11, 1))]


def at(zone: ZoneInfo, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=zone)


def rules(decision) -> list[str]:
    return [block.rule for block in decision.blocks]


def dk_visit(moment: datetime, **kwargs):
    kwargs.setdefault("notices", NOTICED)
    return decide(DK, "visit", "borrower", moment, CPH, **kwargs)


def test_the_country_picks_the_policy_and_no_country_the_default():
    assert POLICIES.for_country("DK").jurisdiction == "dk"
    assert POLICIES.for_country("us").jurisdiction == "us"
    assert POLICIES.for_country("SE").jurisdiction == "default"
    assert POLICIES.for_country(None).jurisdiction == "default"


# Denmark: Monday-Friday 08:00-21:00, Saturday 08:00-16:00, never Sunday or a holiday.
@pytest.mark.parametrize(
    ("moment", "blocked_by"),
    [
        (at(CPH, 2026, 11, 30, 7, 59), ["window.hours"]),  # Monday
        (at(CPH, 2026, 11, 30, 8, 0), []),
        (at(CPH, 2026, 11, 30, 20, 59), []),
        (at(CPH, 2026, 11, 30, 21, 0), ["window.hours"]),
        (at(CPH, 2026, 12, 5, 15, 59), []),  # Saturday
        (at(CPH, 2026, 12, 5, 16, 0), ["window.hours"]),
        (at(CPH, 2026, 12, 6, 11, 0), ["window.day"]),  # Sunday in Aarhus
        (at(CPH, 2026, 12, 24, 11, 0), ["holiday"]),  # named by the law
        (at(CPH, 2026, 12, 31, 11, 0), ["holiday"]),
        (at(CPH, 2027, 6, 5, 11, 0), ["holiday"]),  # Constitution Day, a Saturday
        (at(CPH, 2027, 3, 29, 11, 0), ["holiday"]),  # Easter Monday
        (at(CPH, 2026, 12, 23, 11, 0), []),
    ],
)
def test_danish_home_visits_keep_the_days_and_hours_of_the_law(moment, blocked_by):
    assert rules(dk_visit(moment)) == blocked_by


def test_a_danish_visit_needs_a_notice_that_has_had_time_to_arrive():
    monday = at(CPH, 2026, 11, 30, 10, 0)
    missing = dk_visit(monday, notices=[])
    assert rules(missing) == ["notice.missing"] and missing.next_allowed is None
    recent = dk_visit(monday, notices=[Notice("visit_notice", date(2026, 11, 28))])
    assert rules(recent) == ["notice.recent"]
    assert recent.next_allowed == at(CPH, 2026, 12, 1, 8, 0)
    assert dk_visit(monday, notices=[Notice("visit_notice", date(2026, 11, 27))]).allowed
    # Another kind of notice is not a visit notice.
    assert rules(dk_visit(monday, notices=[Notice("reminder", date(2026, 11, 1))])) == [
        "notice.missing"
    ]


def test_after_christmas_eve_the_next_lawful_visit_is_the_monday_after():
    decision = dk_visit(at(CPH, 2026, 12, 24, 11, 0))
    # 25 and 26 December are holidays, the 27th a Sunday.
    assert decision.next_allowed == at(CPH, 2026, 12, 28, 8, 0)


def test_in_denmark_the_family_and_the_employer_are_never_contacted():
    for role in ("spouse", "employer", "relative", "neighbour", "stranger"):
        decision = decide(DK, "phone", role, at(CPH, 2026, 11, 30, 10, 0), CPH)
        assert rules(decision) == ["role.never"], role
        assert decision.next_allowed is None
    assert decide(DK, "phone", "guarantor", at(CPH, 2026, 11, 30, 10, 0), CPH).allowed


# The United States: 08:00-21:00 local, 7 calls in 7 days, 7 days' quiet after a talk.
def test_a_ninth_call_this_week_to_chicago_is_blocked_and_says_when_it_may_be_made():
    now = at(CHICAGO, 2026, 12, 1, 12, 0)
    calls = [Attempt(now - timedelta(days=6, hours=-i), "phone") for i in range(8)]
    decision = decide(US, "phone", "borrower", now, CHICAGO, calls)
    assert rules(decision) == ["cap.phone.attempts"]
    assert decision.blocks[0].said("en") == "8 calls in the last 7 days (at most 7)"
    # Two of the eight must leave the window: the second oldest, 7 days on.
    assert decision.next_allowed == calls[1].at + timedelta(days=7)


def test_six_calls_leave_room_for_a_seventh_and_seven_do_not():
    now = at(CHICAGO, 2026, 12, 1, 12, 0)
    calls = [Attempt(now - timedelta(hours=2 + i), "phone") for i in range(7)]
    assert decide(US, "phone", "borrower", now, CHICAGO, calls[:6]).allowed
    assert not decide(US, "phone", "borrower", now, CHICAGO, calls).allowed
    # Visits are counted apart from calls.
    assert decide(US, "visit", "borrower", now, CHICAGO, calls).allowed


def test_after_a_conversation_no_call_for_seven_days():
    talk = at(CHICAGO, 2026, 11, 30, 10, 0)
    talked = [Attempt(talk, "phone", answered=True)]
    decision = decide(US, "phone", "borrower", talk + timedelta(days=1), CHICAGO, talked)
    assert rules(decision) == ["cooldown.phone"]
    assert decision.next_allowed == talk + timedelta(days=7)
    assert decide(US, "phone", "borrower", talk + timedelta(days=7), CHICAGO, talked).allowed


def test_an_employer_in_the_us_is_asked_once_where_the_borrower_is():
    now = at(CHICAGO, 2026, 12, 1, 12, 0)
    assert decide(US, "phone", "employer", now, CHICAGO).allowed
    asked = [Attempt(now - timedelta(days=20), "phone", role="employer", answered=True)]
    assert rules(decide(US, "phone", "employer", now, CHICAGO, asked)) == ["role.once"]
    # The spouse counts as the consumer.
    assert decide(US, "phone", "spouse", now, CHICAGO).allowed


def test_the_borrowers_clock_decides_across_a_daylight_saving_change():
    # Chicago moved to summer time on Sunday 14 March 2027: 13:30 UTC was 07:30 the day
    # before (CST, UTC-6) and is 08:30 the day after (CDT, UTC-5).
    before = datetime(2027, 3, 13, 13, 30, tzinfo=UTC)
    after = datetime(2027, 3, 15, 13, 30, tzinfo=UTC)
    assert rules(decide(US, "phone", "borrower", before, CHICAGO)) == ["window.hours"]
    assert decide(US, "phone", "borrower", after, CHICAGO).allowed
    # The same moments for a borrower in Copenhagen (14:30 both days): allowed.
    assert decide(DEFAULT, "phone", "borrower", after, CPH).allowed


# China: quiet 22:00-08:00, 6 unanswered and 3 answered calls a day, third parties last.
@pytest.mark.parametrize(
    ("hour", "minute", "allowed"),
    [(7, 59, False), (8, 0, True), (21, 59, True), (22, 0, False), (22, 30, False)],
)
def test_no_call_to_shanghai_in_the_quiet_hours(hour, minute, allowed):
    moment = at(SHANGHAI, 2026, 12, 2, hour, minute)
    assert decide(CN, "phone", "borrower", moment, SHANGHAI).allowed is allowed


def test_chinese_daily_caps_count_the_borrowers_day():
    now = at(SHANGHAI, 2026, 12, 2, 20, 0)
    missed = [Attempt(now - timedelta(hours=1 + i), "phone") for i in range(6)]
    assert decide(CN, "phone", "borrower", now, SHANGHAI, missed[:5]).allowed
    decision = decide(CN, "phone", "borrower", now, SHANGHAI, missed)
    assert rules(decision) == ["cap.phone.unanswered"]
    assert decision.next_allowed == at(SHANGHAI, 2026, 12, 3, 8, 0)
    talks = [Attempt(now - timedelta(hours=1 + i), "phone", answered=True) for i in range(3)]
    assert rules(decide(CN, "phone", "borrower", now, SHANGHAI, talks)) == [
        "cap.phone.conversations"
    ]


def test_a_chinese_third_party_only_once_the_borrower_proved_unreachable():
    now = at(SHANGHAI, 2026, 12, 2, 12, 0)
    missed = [Attempt(now - timedelta(days=1, hours=i), "phone") for i in range(3)]
    blocked = decide(CN, "phone", "relative", now, SHANGHAI, missed[:2])
    assert rules(blocked) == ["role.unreachable"] and blocked.next_allowed is None
    assert decide(CN, "phone", "relative", now, SHANGHAI, missed).allowed


@pytest.mark.parametrize("reason", [r for r in HoldReason if r is not HoldReason.LEGAL_HOLD])
def test_a_hold_stops_all_contact_until_released(reason):
    decision = decide(
        US, "phone", "borrower", at(CHICAGO, 2026, 12, 1, 12, 0), CHICAGO, holds=[Hold(reason)]
    )
    assert rules(decision) == [f"hold.{reason.value}"] and decision.next_allowed is None


def test_a_legal_hold_keeps_records_and_stops_no_contact():
    noon = at(CHICAGO, 2026, 12, 1, 12, 0)
    held = [Hold(HoldReason.LEGAL_HOLD)]
    assert decide(US, "phone", "borrower", noon, CHICAGO, holds=held).allowed


def test_every_block_names_every_rule_at_once():
    sunday_night = at(CPH, 2026, 12, 6, 23, 0)
    decision = decide(DK, "visit", "spouse", sunday_night, CPH, holds=[Hold(HoldReason.CEASE)])
    assert rules(decision) == ["hold.cease", "role.never", "window.day", "notice.missing"]


def test_the_default_policy_is_no_looser_than_any_jurisdiction():
    saturday = date(2026, 12, 5)
    for channel in ("visit", "phone"):
        for weekday in range(7):
            mine = DEFAULT.window(channel, weekday)
            for other in (DK, US, CN):
                theirs = other.window(channel, weekday)
                if mine is not None:
                    assert theirs is not None, (channel, weekday, other.jurisdiction)
                    assert mine.start >= theirs.start and mine.end <= theirs.end
    assert DEFAULT.window("visit", saturday.weekday()) is not None
    assert DEFAULT.window("visit", 6) is None


def test_a_policy_published_before_windows_per_day_reads_as_it_meant():
    old = ContactPolicy.model_validate(
        {
            "jurisdiction": "default",
            "version": 1,
            "contact_hours": {"start": "08:00", "end": "20:00"},
            "attempts_per_week": 3,
            "roles": {"borrower": "discuss"},
        }
    )
    assert str(old.window("visit", 6)) == "08:00-20:00"
    assert [(c.channel, c.most, c.days) for c in old.caps] == [("visit", 3, 7)]


@pytest.mark.parametrize("language", ["da", "zh"])
def test_every_rules_sentence_is_translated(language):
    import fieldcore.closed_days as closed_days
    import fieldcore.contact_words as contact_words

    words = []
    for name, value in [*vars(contact_words).items(), *vars(closed_days).items()]:
        if not re.fullmatch(r"_?[A-Z][A-Z_]+", name):
            continue
        if type(value) is str:
            words.append(value)
        elif isinstance(value, dict):
            words += [v for v in value.values() if type(v) is str]
    assert len(words) > 20
    missing = [w for w in words if w not in catalog(language)]
    assert missing == []


# Properties over any history.
ZONES = [CPH, CHICAGO, SHANGHAI, ZoneInfo("Pacific/Auckland")]
policies = st.sampled_from([DK, US, CN, DEFAULT])
moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
histories = st.lists(
    st.builds(
        Attempt,
        at=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10)),
        channel=st.sampled_from(["visit", "phone"]),
        role=st.sampled_from(["borrower", "spouse", "employer"]),
        answered=st.booleans(),
    ),
    max_size=30,
)


def before(moment: datetime, history: list[Attempt]) -> list[Attempt]:
    # The strategy gives each attempt's distance back from the moment.
    return [
        Attempt(moment - a.at - timedelta(seconds=1), a.channel, a.role, a.answered)
        for a in history
    ]


@settings(max_examples=150, deadline=None)
@given(policies, st.sampled_from(ZONES), moments, histories, st.floats(0, 1))
def test_a_later_moment_in_the_same_window_never_flips_an_allowed_contact(
    policy, zone, moment, history, fraction
):
    attempts = before(moment, history)
    decision = decide(policy, "phone", "borrower", moment, zone, attempts, NOTICED)
    if not decision.allowed:
        return
    local = moment.astimezone(zone)
    window = policy.window("phone", local.weekday())
    end = datetime.combine(local.date(), window.end, zone)
    later = moment + (end - moment) * fraction
    if later < end:
        assert decide(policy, "phone", "borrower", later, zone, attempts, NOTICED).allowed


@settings(max_examples=150, deadline=None)
@given(policies, st.sampled_from(ZONES), moments, histories, st.sampled_from(["visit", "phone"]))
def test_the_next_allowed_moment_is_allowed(policy, zone, moment, history, channel):
    attempts = before(moment, history)
    decision = decide(policy, channel, "borrower", moment, zone, attempts, NOTICED)
    if decision.next_allowed is not None:
        assert decision.next_allowed > moment
        again = decide(policy, channel, "borrower", decision.next_allowed, zone, attempts, NOTICED)
        assert again.allowed, [b.rule for b in again.blocks]


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 20), st.integers(0, 6 * 24 * 60 - 1))
def test_caps_count_exactly(count, spread):
    now = at(CHICAGO, 2026, 12, 1, 12, 0)
    # `count` calls at distinct minutes within the last 6 days, none answered.
    calls = [
        Attempt(now - timedelta(minutes=1 + (spread + i) % (6 * 24 * 60)), "phone")
        for i in range(count)
    ]
    decision = decide(US, "phone", "borrower", now, CHICAGO, calls)
    assert decision.allowed is (count < 7)
