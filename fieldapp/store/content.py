"""Scripts, policy and the lender as head office published them, read from the laptop's database."""

from __future__ import annotations

from fieldapp.store.opening import StoreBase, dicts


class PublishedContent(StoreBase):
    """The content table that sync fills; fieldapp.content picks from it."""

    def published_content(self, kind: str | None = None) -> list[dict]:
        """What head office has published (only `kind`, if given), as pulled."""
        if kind is None:
            return dicts(self.db.execute("SELECT * FROM content ORDER BY key"))
        return dicts(self.db.execute("SELECT * FROM content WHERE kind = ? ORDER BY key", [kind]))
