"""The one SQLAlchemy MetaData every head-office table belongs to."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
