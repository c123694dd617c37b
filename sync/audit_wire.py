"""One entry of a laptop's audit chain as it travels with the push."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# An audit entry's body: a record's field hashes, a few thousand characters at most.
MAX_AUDIT_BODY_CHARS = 16_000


class AuditEntryWire(BaseModel):
    """One entry of the laptop's audit chain, as fieldcore.audit makes it: head office checks
    that it follows the last one it holds, recomputes its hash, and keeps it as received."""

    model_config = ConfigDict(extra="forbid")

    seq: int = Field(ge=1)
    kind: str = Field(min_length=1, max_length=40)
    # As fieldcore.audit.plain_value writes a moment: UTC, with microseconds.
    at: str = Field(pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
    subject_table: str | None = Field(None, max_length=40)
    subject_id: str | None = Field(None, max_length=140)
    # The body as the laptop stored and hashed it: canonical JSON text of an object (head
    # office refuses anything else as a broken chain, 409, like an entry that was edited).
    body: str = Field(min_length=2, max_length=MAX_AUDIT_BODY_CHARS)
    prev_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    entry_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
