"""Record an outcome on a visit: the one path both the form and `fieldapp record` take."""

from __future__ import annotations

from collections.abc import Mapping

from fieldapp.content import policy
from fieldapp.store import Store
from fieldcore.outcomes import check_outcome
from fieldcore.route import OutcomeRecord
from fieldcore.stages import zone_of


def record_outcome(
    store: Store,
    visit_id: str,
    raw: Mapping[str, object],
    script: tuple[str, int, int] | None = None,
) -> OutcomeRecord:
    """Check what was typed against the account and the policy, and save it.

    `script` is (script id, version, highest step reached) when a script was used.
    Raises FieldErrors naming each wrong field; nothing is saved then.
    """
    account = store.account_for_visit(visit_id)
    zone_name = account.timezone or store.setting("timezone")
    checked = check_outcome(
        raw,
        currency=account.currency,
        outstanding_minor=account.outstanding_minor,
        # Promise dates and callbacks are the borrower's local dates and times.
        today=store.local_today(zone_name),
        now=store.now().astimezone(zone_of(zone_name)),
        longest_promise_days=policy(store.published_content()).longest_promise_days,
    )
    if script is not None:
        script_id, version, step = script
        details = checked.details.model_copy(
            update={"script_id": script_id, "script_version": version, "script_step": step}
        )
        checked = checked.model_copy(update={"details": details})
    return store.record_outcome(visit_id, checked)
