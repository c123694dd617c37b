"""Record an outcome on a visit: the one path both the form and `fieldapp record` take."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from fieldapp.contacting import contact_facts, judge_recorded
from fieldapp.location import read_fix
from fieldapp.store import Store
from fieldcore.attempts import attempt_from
from fieldcore.contact import Block, HoldReason
from fieldcore.errors import FieldErrors
from fieldcore.location import FixResult
from fieldcore.outcomes import AGREEMENTS, OutcomeCode, check_outcome
from fieldcore.route import OutcomeRecord


class ContactRefused(FieldErrors):
    """The policy blocks the contact the outcome records; `override` says why it happened."""

    def __init__(self, blocks: tuple[Block, ...]) -> None:
        self.blocks = blocks
        rules = ", ".join(block.rule for block in blocks)
        super().__init__({"override": f"is needed: the contact policy blocks this ({rules})"})


# Said when a promise or plan is tried on a disputed account; money offered is still taken.
DISPUTED = (
    "cannot be agreed while a dispute holds the account: head office resolves the "
    "dispute first; a payment the borrower offers is still taken and receipted"
)


def record_outcome(
    store: Store,
    visit_id: str,
    raw: Mapping[str, object],
    script: tuple[str, int, int] | None = None,
    locate: Callable[[datetime], FixResult] = lambda now: read_fix(now=now),
) -> OutcomeRecord:
    """Check what was typed against the account and the policy, and save it.

    `script` is (script id, version, highest step reached) when a script was used;
    `locate` gives the laptop's position at `now` (gpsd's fix, within a second), kept
    with the outcome as proof of the visit, or why there was none.
    Raises FieldErrors naming each wrong field, or ContactRefused when the policy
    blocks the contact and no override says why; nothing is saved then.
    """
    account = store.account_for_visit(visit_id)
    facts = contact_facts(store, account.account_id)
    if raw.get("outcome") in AGREEMENTS and any(
        hold.reason is HoldReason.DISPUTE for hold in facts.holds
    ):
        code = OutcomeCode(str(raw["outcome"])).value
        raise FieldErrors({"outcome": f"{DISPUTED} ({code})"})
    now = store.now()
    checked = check_outcome(
        raw,
        currency=account.currency,
        outstanding_minor=account.outstanding_minor,
        # Promise dates and callbacks are the borrower's local dates and times.
        today=store.local_today(facts.zone.key),
        now=now.astimezone(facts.zone),
        longest_promise_days=facts.policy.longest_promise_days,
        longest_plan_months=facts.policy.longest_plan_months,
    )
    details = checked.details
    if script is not None:
        script_id, version, step = script
        details = details.model_copy(
            update={"script_id": script_id, "script_version": version, "script_step": step}
        )
    attempt = attempt_from(checked.outcome, now, details)
    decision = judge_recorded(facts, checked.outcome, attempt, bool(details.disclosure_given))
    if not decision.allowed:
        if not details.override:
            raise ContactRefused(decision.blocks)
        # Saved as it happened, with the rules it broke: head office reviews it.
        details = details.model_copy(
            update={"overridden": tuple(block.rule for block in decision.blocks)}
        )
    # Asked last, once the outcome is known to be saved: a refused form waits on nothing.
    details = details.model_copy(update={"location": locate(now)})
    return store.record_outcome(visit_id, checked.model_copy(update={"details": details}))
