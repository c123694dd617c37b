"""`fieldapp demo`: an embedded head office with demo borrowers, an enrolled laptop, the app."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

import click

from fieldapp.syncing import enroll_laptop, sync_once
from fieldcore.days import pinned_day
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
    # made overdue against it, and head office judges the first sync by it too. Unpinned,
    # the demo's clock starts at 10:00 on its day, inside every contact window, so the
    # demo shows a working morning at whatever hour it is run.
    saved = {name: os.environ.get(name) for name in ("FIELDAPP_TODAY", "HEADOFFICE_TODAY")}
    pinned = saved["FIELDAPP_TODAY"]
    today = today or (pinned_day(pinned) if pinned else local_today("Europe/Copenhagen"))
    if not pinned:
        os.environ["FIELDAPP_TODAY"] = f"{today.isoformat()}T10:00"
        click.echo(f"demo clock: {today.isoformat()} from 10:00 (FIELDAPP_TODAY sets it)", err=True)
    os.environ.setdefault("HEADOFFICE_TODAY", pinned_day(os.environ["FIELDAPP_TODAY"]).isoformat())
    workdir = Path(tempfile.mkdtemp(prefix="fieldapp-demo-"))
    home = home_explicit or workdir / "laptop"
    engine = db.connect(f"sqlite:///{workdir / 'headoffice.db'}")
    try:
        token = seed_demo(engine, today)
        with EmbeddedServer(engine) as server:
            click.echo(f"demo head office at {server.url}; laptop data in {home}", err=True)
            enroll_laptop(home, server.url, token, "demo laptop")
            report = sync_once(home)
            click.echo(f"first sync: {report.summary()}", err=True)
            if open_app:
                from fieldapp.tui.app import FieldApp

                FieldApp(home).run()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        engine.dispose()
        # The demo's head office lives only as long as the demo; so does a laptop
        # folder made for it. A folder the person named is theirs and stays.
        shutil.rmtree(workdir, ignore_errors=True)
    return home
