"""Call scripts as data: pick the parts for a stage, channel, situation and language."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from enum import StrEnum
from functools import lru_cache
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from fieldcore.stages import Stage
from fieldcore.text import check_line, check_lines

# The placeholders the product fills, with what: the script screen fills these and
# only these, and head office refuses to publish a script that uses any other.
PLACEHOLDERS: dict[str, str] = {
    "collector": "the collector's name",
    "lender": "the lender's name",
    "borrower": "the borrower's name",
    "days": "the days past due",
    "overdue": "the amount overdue",
    "instalment": "the instalment",
    "debt_advice": "where to get free debt advice (the borrower's country's policy)",
}

# Bounds on one language's library, checked at publish and again on the laptop, so
# that no script can make the script screen slow. The shipped libraries have 6
# steps of at most 5 points, 5 objections and texts of at most 240 characters.
MAX_TEXT_CHARS = 2000  # a paragraph read aloud; more belongs in training, not a call
MAX_STEPS = 30  # rungs of the ladder; a collector steps through them one by one
MAX_POINTS = 20  # talking points on one step
MAX_OBJECTIONS = 50  # all are shown at once beside the ladder
MAX_REMINDERS = 30  # compliance reminders, all shown at once
MAX_NAME_CHARS = 40  # keys and language codes; `scripts/<language>` is a content key

# Without control characters (see fieldcore.text; texts may keep newlines), length first.
Text = Annotated[str, Field(max_length=MAX_TEXT_CHARS), AfterValidator(check_lines)]
Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS), AfterValidator(check_line)]

# `{{` and `}}` are literal braces (as in the format the shipped scripts were written
# for); `{...}` is a placeholder; any other brace is a stray one, shown as it is.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"[A-Za-z_]\w*")


class Channel(StrEnum):
    """How the collector reaches the borrower."""

    VISIT = "visit"
    PHONE = "phone"


class Situation(StrEnum):
    """The borrower's situation, as the sources sort it."""

    CAN_PAY_WONT = "can_pay_wont"
    SHORT_FOR_NOW = "short_for_now"
    LASTING_LOSS = "lasting_loss"
    DISPUTES = "disputes"
    CANNOT_FIND = "cannot_find"


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LadderStep(_Data):
    """One rung of the escalation ladder, for the stages where it belongs."""

    key: Name
    title: Text
    stages: list[Stage]
    points: list[Text] = Field(min_length=1, max_length=MAX_POINTS)


class SituationNote(_Data):
    title: Text
    advice: Text
    emphasis: list[Name] = Field([], max_length=MAX_STEPS)


class Objection(_Data):
    heard: Text
    answer: Text


class ComplianceReminder(_Data):
    text: Text
    channels: list[Channel]


class Trial(_Data):
    """A challenger library's trial: half the accounts of these stages get it, the other
    half the language's champion, so the numbers can compare the two on like accounts."""

    # Names the split: another trial halves the accounts differently.
    name: Name
    # No stages: the trial is over, and every account gets the champion again.
    stages: list[Stage] = Field(max_length=len(Stage))


class ScriptLibrary(_Data):
    """One language's parts, as in content/scripts/<language>.toml; with a `trial`, the
    challenger to that language's champion (content/scripts/<language>.challenger.toml)."""

    language: Name
    version: int = Field(ge=1)
    trial: Trial | None = None
    opening: dict[Channel, Text]
    purpose: dict[Stage, Text]
    ladder: list[LadderStep] = Field(max_length=MAX_STEPS)
    situation: dict[Situation, SituationNote]
    objection: dict[Name, Objection] = Field(max_length=MAX_OBJECTIONS)
    compliance: list[ComplianceReminder] = Field(max_length=MAX_REMINDERS)


class Script(_Data):
    """What the collector reads from, assembled for one contact."""

    id: str
    version: int
    language: str
    situation_title: str
    advice: str
    opening: str
    purpose: str
    steps: list[LadderStep]
    objections: list[Objection]
    compliance: list[str]


# Disputed debts are not pursued: the ladder stops at the facts until review.
_DISPUTE_STEPS = ("reminder",)


def build_script(
    library: ScriptLibrary,
    *,
    stage: Stage,
    channel: Channel,
    situation: Situation,
    fill: dict[str, str] | None = None,
) -> Script:
    """Assemble the script; `fill` replaces the PLACEHOLDERS ({borrower}...) in every text."""
    values = fill or {}
    if unknown := values.keys() - PLACEHOLDERS.keys():
        raise ValueError(f"not placeholders the scripts know: {sorted(unknown)}")

    def text(template: str) -> str:
        return fill_placeholders(template, values)

    stage = Stage.EARLY if stage is Stage.CURRENT else stage
    note = library.situation[situation]
    steps = [s for s in library.ladder if stage in s.stages]
    if situation is Situation.DISPUTES:
        steps = [s for s in library.ladder if s.key in _DISPUTE_STEPS]
    elif situation is Situation.CANNOT_FIND:
        steps = []
    # The situation's emphasis comes first; the ladder order is kept otherwise.
    steps.sort(key=lambda s: (s.key not in note.emphasis, library.ladder.index(s)))
    return Script(
        id=f"{stage.value}.{channel.value}.{situation.value}.{library.language}",
        version=library.version,
        language=library.language,
        situation_title=text(note.title),
        advice=text(note.advice),
        opening=text(library.opening[channel]),
        purpose=text(library.purpose[stage]),
        steps=[
            s.model_copy(update={"title": text(s.title), "points": [text(p) for p in s.points]})
            for s in steps
        ],
        objections=[
            o.model_copy(update={"heard": text(o.heard), "answer": text(o.answer)})
            for o in library.objection.values()
        ],
        compliance=[text(c.text) for c in library.compliance if channel in c.channels],
    )


def fill_placeholders(
    template: str,
    values: Mapping[str, str],
    names: Mapping[str, str] | frozenset[str] = PLACEHOLDERS,
) -> str:
    """Each {name} of `names` (the scripts' PLACEHOLDERS) that `values` has, replaced; never
    reads attributes.

    Anything else in braces ({unknown}, {borrower.__class__}, {days:>9}, a stray brace)
    is shown as it is written: published content cannot break a visit. A value that
    ends with a dot ("Nordbank A.m.b.a.") where the sentence ends gives the sentence one
    full stop, not two.
    """
    if isinstance(names, frozenset):
        known = names
    else:
        known = _PLACEHOLDER_NAMES if names is PLACEHOLDERS else frozenset(names)
    literals, holes = _pieces(template, known)
    filled = [literals[0]]
    for (name, token, dot_after), literal in zip(holes, literals[1:], strict=True):
        value = values.get(name)
        if value is None:
            value = token
        elif dot_after and value.endswith("."):
            value = value[:-1]
        filled.append(value)
        filled.append(literal)
    return "".join(filled)


_PLACEHOLDER_NAMES = frozenset(PLACEHOLDERS)


@lru_cache(maxsize=4096)
def _pieces(
    template: str, names: frozenset[str]
) -> tuple[tuple[str, ...], tuple[tuple[str, str, bool], ...]]:
    # A template is read once, into the text between its placeholders and the placeholders
    # as (name, as written, whether a full stop follows): 100,000 reminders then only join.
    literals, holes, text = [], [], []
    at = 0
    for match in _TOKEN.finditer(template):
        text.append(template[at : match.start()])
        token, name = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            text.append(token[0])
        elif name in names:
            literals.append("".join(text))
            holes.append((name, token, template.startswith(".", match.end())))
            text = []
        else:
            text.append(token)
        at = match.end()
    text.append(template[at:])
    literals.append("".join(text))
    return tuple(literals), tuple(holes)


def placeholder_problems(
    template: str, names: Mapping[str, str] = PLACEHOLDERS
) -> list[tuple[str, str]]:
    """(what was written, what is wrong) for each brace in `template` the filler would not fill."""
    known = ", ".join("{" + name + "}" for name in names)
    found = []
    for match in _TOKEN.finditer(template):
        token, name = match.group(0), match.group(1)
        if token in ("{{", "}}") or name in names:
            continue
        if name is None:
            why = f"a lone '{token}' (write '{token * 2}' for a brace)"
        elif _NAME.fullmatch(name):
            why = f"unknown placeholder {token} (the placeholders are {known})"
        elif any(mark in name for mark in ".[!:"):
            why = (
                f"{token} reaches into a value (attribute, index, conversion or format); "
                "write a bare name such as {borrower}"
            )
        else:
            why = f"{token} is not a placeholder (the placeholders are {known})"
        found.append((token, why))
    return found


def library_texts(library: ScriptLibrary) -> Iterator[tuple[str, str]]:
    """(where, text) for every text a collector reads, section by section."""
    for channel, text in library.opening.items():
        yield f"opening.{channel}", text
    for stage, text in library.purpose.items():
        yield f"purpose.{stage}", text
    for number, step in enumerate(library.ladder, 1):
        where = f"ladder step {number} ({step.key})"
        yield f"{where} title", step.title
        for point, text in enumerate(step.points, 1):
            yield f"{where} point {point}", text
    for situation, note in library.situation.items():
        yield f"situation.{situation}.title", note.title
        yield f"situation.{situation}.advice", note.advice
    for key, objection in library.objection.items():
        yield f"objection.{key}.heard", objection.heard
        yield f"objection.{key}.answer", objection.answer
    for number, reminder in enumerate(library.compliance, 1):
        yield f"compliance reminder {number}", reminder.text


def pick_library(
    libraries: dict[str, ScriptLibrary],
    language: str | None,
    fallback: str = "en",
    *,
    challengers: Mapping[str, ScriptLibrary] | None = None,
    account_id: str | None = None,
    stage: Stage | None = None,
) -> ScriptLibrary:
    """The borrower's language if there is a library for it, else the fallback, else any;
    its challenger instead when the account is in the challenger's half of a trial."""
    found = next(
        (libraries[choice] for choice in (language, fallback) if choice and choice in libraries),
        None,
    ) or next(iter(libraries.values()))
    challenger = (challengers or {}).get(found.language)
    in_half = (
        challenger is not None
        and account_id is not None
        and stage is not None
        and takes_challenger(account_id, challenger.trial, stage)
    )
    return challenger if in_half else found


def takes_challenger(account_id: str, trial: Trial | None, stage: Stage) -> bool:
    """Whether the account is in the challenger's half of the trial for its stage: a fixed
    half, by a hash of the trial's name and the account, so every laptop and every visit
    agree, and the halves are alike in everything but the script."""
    if trial is None:
        return False
    stage = Stage.EARLY if stage is Stage.CURRENT else stage  # as build_script reads it
    if stage not in trial.stages:
        return False
    digest = hashlib.sha256(f"{trial.name}\x1f{account_id}".encode()).digest()
    return digest[0] % 2 == 1


def situation_from(ability: str | None, willingness: str | None) -> Situation:
    """A first guess at the situation from what the collector recorded last time."""
    if willingness == "refuses" and ability == "able":
        return Situation.CAN_PAY_WONT
    if ability == "lasting_loss":
        return Situation.LASTING_LOSS
    return Situation.SHORT_FOR_NOW
