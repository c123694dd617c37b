"""The borrower's situation: why they fell behind, whether they can pay and will."""

from __future__ import annotations

from enum import StrEnum


class DefaultReason(StrEnum):
    """Why the borrower fell behind, as far as the collector could learn."""

    JOB_LOSS = "job_loss"
    ILLNESS = "illness"
    BUSINESS_DOWNTURN = "business_downturn"
    OVERINDEBTED = "overindebted"
    DISPUTES_DEBT = "disputes_debt"
    WILL_NOT_PAY = "will_not_pay"
    OTHER = "other"


class Ability(StrEnum):
    """Can the borrower pay: the cash-flow side of the sources' classification."""

    ABLE = "able"
    SHORT_FOR_NOW = "short_for_now"
    LASTING_LOSS = "lasting_loss"


class Willingness(StrEnum):
    """Will the borrower pay: the intent side of the classification."""

    WILLING = "willing"
    RELUCTANT = "reluctant"
    REFUSES = "refuses"
