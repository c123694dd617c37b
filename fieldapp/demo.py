"""`fieldapp demo`: an embedded head office with demo borrowers, an enrolled laptop, the app."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

import click

from fieldapp.syncing import enroll_laptop, sync_once
from fieldcore.stages import local_today


def run_demo(
    home_explicit: Path | None = None, open_app: bool = True, today: date | None = None
) -> Path:
    """Start the server, seed it, enroll and sync a demo laptop, open the app, then stop."""
    # Imported here: only the demo puts a head office inside the collector's process.
    from headoffice.api.embedded import EmbeddedServer
    from headoffice.demo.borrowers import seed_demo
    from headoffice.store import db

    # A pinned day (FIELDAPP_TODAY) is the demo's day at both ends: the borrowers are
    # made overdue against it, and head office judges the first sync by it too.
    pinned = os.environ.get("FIELDAPP_TODAY")
    if pinned:
        today = today or date.fromisoformat(pinned)
    office_day = os.environ.get("HEADOFFICE_TODAY")
    if pinned and office_day is None:
        os.environ["HEADOFFICE_TODAY"] = pinned
    workdir = Path(tempfile.mkdtemp(prefix="fieldapp-demo-"))
    home = home_explicit or workdir / "laptop"
    engine = db.connect(f"sqlite:///{workdir / 'headoffice.db'}")
    try:
        token = seed_demo(engine, today or local_today("Europe/Copenhagen"))
        with EmbeddedServer(engine) as server:
            click.echo(f"demo head office at {server.url}; laptop data in {home}", err=True)
            enroll_laptop(home, server.url, token, "demo laptop")
            report = sync_once(home)
            click.echo(f"first sync: {report.summary()}", err=True)
            if open_app:
                from fieldapp.tui.app import FieldApp

                FieldApp(home).run()
    finally:
        if pinned and office_day is None:
            del os.environ["HEADOFFICE_TODAY"]
        engine.dispose()
        # The demo's head office lives only as long as the demo; so does a laptop
        # folder made for it. A folder the person named is theirs and stays.
        shutil.rmtree(workdir, ignore_errors=True)
    return home
