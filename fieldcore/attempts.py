"""What an outcome tells of a contact: the attempt it was, and whether the policy allowed it.

The laptop asks judge_contact() before it saves an outcome; head office asks again
when the outcome arrives, with every collector's earlier attempts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from fieldcore import contact_words as sentences
from fieldcore.contact import Attempt, Block, Code, Decision, Hold, Notice, decide
from fieldcore.outcomes import OutcomeDetails
from fieldcore.policy import Allowed, Channel, ContactPolicy

# Outcomes where the borrower was spoken to; a third party's names who was.
_SPOKEN = frozenset({"promise", "plan", "paid", "refused", "dispute", "hardship", "callback"})


# ... and where the debt itself was talked about.
_ABOUT_THE_DEBT = frozenset({"promise", "plan", "paid", "refused", "dispute", "hardship"})


def attempt_of(
    outcome: str,
    at: datetime,
    channel: Channel | str = Channel.VISIT,
    contact_who: str | None = None,
    role: str | None = None,
) -> Attempt:
    """The attempt an outcome records: with whom, and whether anyone was spoken to.

    Nobody home, moved and no answer are attempts nobody answered; a third party
    is a conversation with that person, not the borrower.
    """
    channel = Channel(channel)
    if outcome == "third_party":
        return Attempt(at, channel, contact_who or role or "other", answered=True)
    return Attempt(at, channel, role or "borrower", answered=outcome in _SPOKEN)


def attempt_from(outcome: str, recorded_at: datetime, details: OutcomeDetails) -> Attempt:
    """The attempt a stored outcome records: when it happened, how, and with whom.

    Outcomes from before channels and roles were recorded are visits to the borrower.
    """
    return attempt_of(
        outcome,
        details.happened_at or recorded_at,
        details.channel or Channel.VISIT,
        details.contact_who,
        details.role,
    )


def judge_contact(
    policy: ContactPolicy,
    outcome: str,
    attempt: Attempt,
    zone: ZoneInfo,
    earlier: Sequence[Attempt] = (),
    notices: Iterable[Notice] = (),
    holds: Iterable[Hold] = (),
    disclosure_given: bool = False,
) -> Decision:
    """Was a recorded contact allowed? `decide` at its moment, and what was said to whom.

    The laptop asks before it saves an outcome, head office again when the outcome
    arrives, with every collector's earlier attempts. Beyond `decide`: the debt was
    discussed with someone who may only be asked where the borrower is, or the
    policy's disclosure was not confirmed in a conversation.
    """
    decision = decide(
        policy, attempt.channel, attempt.role, attempt.at, zone, earlier, notices, holds
    )
    found = list(decision.blocks)
    if outcome == "paid":
        # A borrower who pays while disputing still gets a receipt: the hold stops the
        # lender's pressure, not the borrower's own money.
        found = [block for block in found if block.rule != "hold.dispute"]
    allowed = policy.allowed(attempt.role)
    locate_only = allowed in (Allowed.LOCATE, Allowed.LOCATE_ONCE, Allowed.AFTER_UNREACHABLE)
    if locate_only and outcome in _ABOUT_THE_DEBT:
        found.append(Block("role.locate", sentences.LOCATE_ONLY, {"role": Code(attempt.role)}))
    talked = attempt.answered and allowed is Allowed.DISCUSS and attempt.role != "attorney"
    if policy.disclosures is not None and talked and not disclosure_given:
        found.append(Block("disclosure.missing", sentences.NO_DISCLOSURE))
    return Decision(at=attempt.at, blocks=tuple(found))
