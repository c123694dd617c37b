"""Call scripts as data: pick the parts for a stage, channel, situation and language."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from fieldcore.stages import Stage


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

    key: str
    title: str
    stages: list[Stage]
    points: list[str] = Field(min_length=1)


class SituationNote(_Data):
    title: str
    advice: str
    emphasis: list[str] = []


class Objection(_Data):
    heard: str
    answer: str


class ComplianceReminder(_Data):
    text: str
    channels: list[Channel]


class ScriptLibrary(_Data):
    """One language's parts, as in content/scripts/<language>.toml."""

    language: str
    version: int = Field(ge=1)
    opening: dict[Channel, str]
    purpose: dict[Stage, str]
    ladder: list[LadderStep]
    situation: dict[Situation, SituationNote]
    objection: dict[str, Objection]
    compliance: list[ComplianceReminder]


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
    """Assemble the script; `fill` replaces {collector}, {borrower}, {overdue}... placeholders."""
    values = fill or {}

    def text(template: str) -> str:
        try:
            return template.format_map(_Defaulting(values))
        except (ValueError, IndexError):
            return template  # a stray brace in published content must not break a visit

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
        situation_title=note.title,
        advice=text(note.advice),
        opening=text(library.opening[channel]),
        purpose=text(library.purpose[stage]),
        steps=[s.model_copy(update={"points": [text(p) for p in s.points]}) for s in steps],
        objections=list(library.objection.values()),
        compliance=[c.text for c in library.compliance if channel in c.channels],
    )


def pick_library(
    libraries: dict[str, ScriptLibrary], language: str | None, fallback: str = "en"
) -> ScriptLibrary:
    """The borrower's language if there is a library for it, else the fallback, else any."""
    for choice in (language, fallback):
        if choice and choice in libraries:
            return libraries[choice]
    return next(iter(libraries.values()))


def situation_from(ability: str | None, willingness: str | None) -> Situation:
    """A first guess at the situation from what the collector recorded last time."""
    if willingness == "refuses" and ability == "able":
        return Situation.CAN_PAY_WONT
    if ability == "lasting_loss":
        return Situation.LASTING_LOSS
    return Situation.SHORT_FOR_NOW


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
