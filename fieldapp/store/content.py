"""Scripts and policy as head office published them, read from the laptop's database."""

from __future__ import annotations

from fieldapp.store.opening import StoreBase, dicts


class PublishedContent(StoreBase):
    """The content table that sync fills; fieldapp.content picks from it."""

    def published_content(self) -> list[dict]:
        """Scripts and policy head office has published, as pulled."""
        return dicts(self.db.execute("SELECT * FROM content ORDER BY key"))
