"""A fresh PostgreSQL database per test, on the cluster named by FIELDAPP_TEST_PG."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

# Set by .ci/run (from .ci/postgres.sh); locally: export FIELDAPP_TEST_PG=$(bash .ci/postgres.sh)
PG_URL = os.environ.get("FIELDAPP_TEST_PG")
# CI sets FIELDAPP_REQUIRE_PG=1 so that a missing cluster fails instead of skipping.
REQUIRED = os.environ.get("FIELDAPP_REQUIRE_PG") == "1"


@contextmanager
def scratch_database(label: str, template: str | None = None) -> Iterator[str]:
    """Create an empty database (or a copy of `template`), yield its URL, drop it (and its
    connections) after."""
    if not PG_URL:
        if REQUIRED:
            pytest.fail("FIELDAPP_REQUIRE_PG=1 but FIELDAPP_TEST_PG is not set")
        pytest.skip("PostgreSQL tests need FIELDAPP_TEST_PG (bash .ci/postgres.sh prints it)")
    import psycopg

    name = "t_" + re.sub(r"[^a-z0-9]+", "_", label.lower())[:40] + "_" + uuid.uuid4().hex[:8]
    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            copy = f' TEMPLATE "{template}"' if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{copy}')
    except psycopg.OperationalError as error:
        if REQUIRED:
            raise
        pytest.skip(f"PostgreSQL at {admin} is not reachable: {error}")
    base, _, _db = admin.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
