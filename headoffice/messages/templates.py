"""The message templates in force: per language, the newest published, else the shipped one."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Connection

from content import shipped_messages
from fieldcore.message_templates import MessageTemplates
from headoffice.store.tables import content

# The language a borrower gets when head office has no templates in theirs.
FALLBACK = "en"


@cache
def _shipped() -> dict[str, MessageTemplates]:
    found = [MessageTemplates.model_validate(table) for table in shipped_messages()]
    return {templates.language: templates for templates in found}


@dataclass(frozen=True)
class InForce:
    """The templates to write each language's messages from."""

    by_language: dict[str, MessageTemplates]

    def for_language(self, language: str | None) -> MessageTemplates:
        """The borrower's language's templates, else English's."""
        return self.by_language.get(language or FALLBACK) or self.by_language[FALLBACK]

    @staticmethod
    def named(templates: MessageTemplates) -> str:
        """How a message records what it was written from: "messages/da v2"."""
        return f"messages/{templates.language} v{templates.version}"


def templates_in_force(conn: Connection) -> InForce:
    """Per language, the published templates of the highest version, else the shipped ones."""
    chosen = dict(_shipped())
    bodies = conn.execute(sa.select(content.c.body).where(content.c.kind == "messages"))
    for body in bodies.scalars():
        try:
            found = MessageTemplates.model_validate_json(body)
        except ValidationError:
            # Publishing checks every file; a body that still cannot be read is skipped,
            # and the shipped templates of that language stand.
            continue
        known = chosen.get(found.language)
        if known is None or found.version >= known.version:
            chosen[found.language] = found
    return InForce(chosen)
