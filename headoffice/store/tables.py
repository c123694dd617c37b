"""Head office's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from headoffice.store.history_tables import account_history as account_history
from headoffice.store.message_tables import letter_batches as letter_batches
from headoffice.store.message_tables import message_runs as message_runs
from headoffice.store.message_tables import messages as messages
from headoffice.store.message_tables import opt_outs as opt_outs
from headoffice.store.metadata import metadata
from headoffice.store.trail_tables import audit_entries as audit_entries
from headoffice.store.trail_tables import audit_heads as audit_heads
from headoffice.store.trail_tables import referrals as referrals

# One row per change counter; bumping it inside a write transaction both hands
# out unique change numbers and orders writers, so a pull cursor never skips a
# change that committed late.
counters = sa.Table(
    "counters",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("account_id", sa.String(64), primary_key=True),
    sa.Column("borrower_name", sa.String(200), nullable=False),
    sa.Column("address", sa.String(500), nullable=False),
    sa.Column("city", sa.String(100)),
    sa.Column("postal_code", sa.String(20), index=True),
    sa.Column("region", sa.String(100), index=True),
    sa.Column("lat", sa.Float),
    sa.Column("lon", sa.Float),
    sa.Column("phone", sa.String(40)),
    sa.Column("email", sa.String(200)),
    sa.Column("language", sa.String(5)),
    sa.Column("timezone", sa.String(64)),
    sa.Column("country", sa.String(2)),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("outstanding_minor", sa.BigInteger, nullable=False),
    sa.Column("overdue_minor", sa.BigInteger, nullable=False),
    sa.Column("principal_minor", sa.BigInteger),
    sa.Column("installment_minor", sa.BigInteger),
    sa.Column("oldest_due_date", sa.Date, nullable=False),
    sa.Column("product", sa.String(100)),
    sa.Column("security", sa.String(20)),
    sa.Column("guarantor_name", sa.String(200)),
    sa.Column("guarantor_phone", sa.String(40)),
    sa.Column("employer_name", sa.String(200)),
    sa.Column("employer_phone", sa.String(40)),
    sa.Column("spouse_name", sa.String(200)),
    sa.Column("spouse_phone", sa.String(40)),
    sa.Column("seq", sa.BigInteger, nullable=False, index=True),
    # The audit entry of the portfolio import that last wrote the account.
    sa.Column("imported_seq", sa.BigInteger),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # The day the claim expires (headoffice.compliance.limitation), kept current by every
    # write that can move it: a payment, a portfolio import.
    sa.Column("limitation_on", sa.Date, index=True),
    # Closed (repaid, settled, written_off, sold): off the field for good, and the day its
    # retention starts to run. `erased_on`: the day its personal data was erased.
    sa.Column("closed_on", sa.Date),
    sa.Column("closed_reason", sa.String(20)),
    sa.Column("closed_by", sa.String(100)),
    sa.Column("closed_note", sa.Text),
    sa.Column("erased_on", sa.Date),
)

collectors = sa.Table(
    "collectors",
    metadata,
    sa.Column("collector_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("language", sa.String(5), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

enrollments = sa.Table(
    "enrollments",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("collector_id", sa.ForeignKey("collectors.collector_id"), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("used_at", sa.DateTime(timezone=True)),
    sa.Column("device_id", sa.String(64)),
)

devices = sa.Table(
    "devices",
    metadata,
    sa.Column("device_id", sa.String(64), primary_key=True),
    sa.Column("collector_id", sa.ForeignKey("collectors.collector_id"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("device_code", sa.String(12), nullable=False, unique=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
    # Revoked with --wipe: the laptop's next contact is answered with a wipe order
    # (after one last push), and `wiped_at` records when the order reached it.
    sa.Column("wipe_ordered_at", sa.DateTime(timezone=True)),
    sa.Column("wiped_at", sa.DateTime(timezone=True)),
)

visits = sa.Table(
    "visits",
    metadata,
    sa.Column("visit_id", sa.String(64), primary_key=True),
    sa.Column("account_id", sa.ForeignKey("accounts.account_id"), nullable=False),
    sa.Column("collector_id", sa.ForeignKey("collectors.collector_id"), nullable=False),
    sa.Column("visit_date", sa.Date, nullable=False),
    sa.Column("sequence", sa.Integer, nullable=False),
    # assigned: on the collector's route; recalled: taken back, leaves the laptop.
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # A stop made by a callback: the borrower's wall-clock time to call back at.
    sa.Column("callback_at", sa.DateTime),
    sa.Index("ix_visits_collector_seq", "collector_id", "seq"),
    sa.Index("ix_visits_account_date", "account_id", "visit_date"),
)

outcomes = sa.Table(
    "outcomes",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("visit_id", sa.String(64), nullable=False, index=True),
    sa.Column("account_id", sa.String(64), nullable=False, index=True),
    sa.Column("collector_id", sa.ForeignKey("collectors.collector_id"), nullable=False),
    sa.Column("device_id", sa.String(64), nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),
    sa.Column("amount_minor", sa.BigInteger),
    sa.Column("currency", sa.String(3)),
    sa.Column("promise_date", sa.Date),
    sa.Column("method", sa.String(12)),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("receipt_no", sa.String(40)),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    # Late: the visit had been recalled or moved to someone else; kept, and
    # flagged for a supervisor rather than refused.
    sa.Column("needs_review", sa.Boolean, nullable=False),
    sa.Column("review_reason", sa.String(200)),
    # What the code adds (dispute reason, hardship plan, script step...), as JSON.
    sa.Column("details", sa.Text),
    # The contact rules the outcome broke (JSON list of rule ids), as head office
    # judged it with every collector's attempts; null when it broke none.
    sa.Column("policy_rules", sa.Text),
    # Proof of the visit: the laptop's fix status; for a visit with a fix and an address
    # with coordinates, the metres between them, and whether that is past the policy's.
    sa.Column("fix_status", sa.String(12)),
    sa.Column("distance_m", sa.Integer),
    sa.Column("far_from_address", sa.Boolean, nullable=False, server_default=sa.false()),
    # A receipt number is booked once per laptop (null for all but payments).
    sa.Index("ux_outcomes_device_receipt", "device_id", "receipt_no", unique=True),
    sa.Index("ix_outcomes_collector_outcome", "collector_id", "outcome"),
)

# Collectors' corrections of contact details. They never overwrite the account:
# core banking owns it. `conflict` marks a correction based on a value head
# office has since changed; both values are kept for a supervisor.
corrections = sa.Table(
    "corrections",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("account_id", sa.String(64), nullable=False, index=True),
    sa.Column("collector_id", sa.ForeignKey("collectors.collector_id"), nullable=False),
    sa.Column("device_id", sa.String(64), nullable=False),
    sa.Column("field", sa.String(20), nullable=False),
    sa.Column("value", sa.String(500), nullable=False),
    sa.Column("base_value", sa.String(500)),
    sa.Column("server_value", sa.String(500)),
    sa.Column("conflict", sa.Boolean, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)

# Published call-script libraries and contact policies; laptops pull them.
content = sa.Table(
    "content",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False, index=True),
    sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
)

# Supervisors at head office: their own tokens, for the supervisor API only.
supervisors = sa.Table(
    "supervisors",
    metadata,
    sa.Column("supervisor_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True)),
)

# Money that arrived on an account: cash or transfer taken in the field (the
# outcome's id) or a core-banking payment file (`import:` and its reference).
# Promises are judged kept or broken against this table alone.
payments = sa.Table(
    "payments",
    metadata,
    sa.Column("id", sa.String(140), primary_key=True),
    sa.Column("account_id", sa.String(64), nullable=False, index=True),
    sa.Column("amount_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("paid_on", sa.Date, nullable=False),
    sa.Column("source", sa.String(10), nullable=False),
    sa.Column("reference", sa.String(100)),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    # Judging an instalment reads an account's payments by day: the amount in the index
    # too, so the sum never leaves it (headoffice.ledger.judging).
    sa.Index(
        "ix_payments_account_paid_amount", "account_id", "currency", "paid_on", "amount_minor"
    ),
)

# A supervisor's decision on a review-queue item, with the note that explains it.
# The queue itself is computed from outcomes, corrections and accounts; an item
# is (kind, ref) and leaves the queue once it has a resolution here.
resolutions = sa.Table(
    "resolutions",
    metadata,
    sa.Column("kind", sa.String(20), primary_key=True),
    sa.Column("ref", sa.String(64), primary_key=True),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("resolved_by", sa.String(100), nullable=False),
    sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=False),
    # accepted / rejected, for the kinds a decision acts on; null when only noted.
    sa.Column("decision", sa.String(10)),
)

# Head office's settings (the lender's name, address and phone), one row per key
# set; headoffice.work.settings knows the keys and publishes them to laptops.
settings = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# Holds stop all contact with an account until released; a release keeps the row,
# so who held it, why, and who lifted it stay on record.
holds = sa.Table(
    "holds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.String(64), nullable=False, index=True),
    sa.Column("reason", sa.String(20), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("placed_by", sa.String(100), nullable=False),
    sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("released_by", sa.String(100)),
    sa.Column("released_at", sa.DateTime(timezone=True)),
    sa.Column("release_note", sa.Text),
)

# Written notices sent to a borrower outside the product (by post, by the core system).
notices = sa.Table(
    "notices",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.String(64), nullable=False, index=True),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("sent_on", sa.Date, nullable=False),
    sa.Column("recorded_by", sa.String(100), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
)

# Promises and payment plans: what the borrower agreed to pay, and when. A promise is
# one instalment. `replaced_on`: the day a newer arrangement on the account took over
# (payments from then on count for the newer one). Judged against `payments` alone.
arrangements = sa.Table(
    "arrangements",
    metadata,
    sa.Column("id", sa.String(80), primary_key=True),
    sa.Column("account_id", sa.String(64), nullable=False, index=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("collector_id", sa.Integer),
    sa.Column("made_on", sa.Date, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("total_minor", sa.BigInteger, nullable=False),
    sa.Column("every", sa.String(10)),
    sa.Column("replaced_on", sa.Date),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# Each instalment with its arrangement's account, currency and days beside it, so the
# judgement is one join with payments and no lookups.
instalments = sa.Table(
    "instalments",
    metadata,
    sa.Column("arrangement_id", sa.String(80), primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.String(64), nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("made_on", sa.Date, nullable=False),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("amount_minor", sa.BigInteger, nullable=False),
    sa.Column("replaced_on", sa.Date),
    sa.Index("ix_instalments_account", "account_id", "currency"),
    sa.Index("ix_instalments_due", "due"),
)

# What each collector paid in at the bank, as pushed from the laptop.
deposits = sa.Table(
    "deposits",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("collector_id", sa.ForeignKey("collectors.collector_id"), nullable=False),
    sa.Column("device_id", sa.String(64), nullable=False),
    sa.Column("amount_minor", sa.BigInteger, nullable=False),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("slip", sa.String(60), nullable=False),
    sa.Column("deposited_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_deposits_collector", "collector_id", "currency"),
)

# Failed authentications by client address (a wrong device, supervisor or enrollment
# token): kept in the database so that every server process refuses the same guesser.
auth_failures = sa.Table(
    "auth_failures",
    metadata,
    sa.Column("address", sa.String(64), primary_key=True),
    # Failures counted since `since`, the start of the current window.
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("since", sa.DateTime(timezone=True), nullable=False),
    # How many times the address was blocked: each block lasts twice the one before.
    sa.Column("strikes", sa.Integer, nullable=False),
    sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
)

applied_mutations = sa.Table(
    "applied_mutations",
    metadata,
    sa.Column("device_id", sa.String(64), primary_key=True),
    sa.Column("mutation_id", sa.String(64), primary_key=True),
    sa.Column("result", sa.Text, nullable=False),
    # SHA-256 of the mutation as first applied: a retry with another body under
    # the same id is refused, and the first body stands (null before 0003).
    sa.Column("body_hash", sa.String(64)),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)


def reserve_changes(conn: Connection, count: int) -> int:
    """Reserve `count` change numbers in this transaction; return the first."""
    top = conn.execute(
        counters.update()
        .where(counters.c.name == "change")
        .values(value=counters.c.value + count)
        .returning(counters.c.value)
    ).scalar_one()
    return top - count + 1


def touch_accounts(conn: Connection, account_ids: Iterable[str]) -> None:
    """Give these accounts a new change number: every laptop with one pulls it again."""
    wanted = sorted(set(account_ids))
    if not wanted:
        return
    seq = reserve_changes(conn, 1)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        conn.execute(accounts.update().where(accounts.c.account_id.in_(chunk)).values(seq=seq))
