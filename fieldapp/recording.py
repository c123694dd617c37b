"""Record an outcome on a visit: the one path both the form and `fieldapp record` take."""

from __future__ import annotations

from collections.abc import Mapping

from fieldapp.domain.outcomes import check_outcome
from fieldapp.domain.route import OutcomeRecord
from fieldapp.domain.stages import local_today
from fieldapp.store import Store


def record_outcome(store: Store, visit_id: str, raw: Mapping[str, object]) -> OutcomeRecord:
    """Check what was typed against the account and save it; raises FieldErrors when wrong."""
    detail = store.visit(visit_id)
    account = detail.account
    checked = check_outcome(
        raw,
        currency=account.currency,
        outstanding_minor=account.outstanding_minor,
        # Promise dates are the borrower's local dates.
        today=local_today(account.timezone or store.setting("timezone")),
    )
    return store.record_outcome(visit_id, checked)
