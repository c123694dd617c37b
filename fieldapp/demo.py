"""`fieldapp demo`: an embedded head office with demo borrowers, an enrolled laptop, the app."""

from __future__ import annotations

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

    workdir = Path(tempfile.mkdtemp(prefix="fieldapp-demo-"))
    home = home_explicit or workdir / "laptop"
    engine = db.connect(f"sqlite:///{workdir / 'headoffice.db'}")
    token = seed_demo(engine, today or local_today("Europe/Copenhagen"))
    with EmbeddedServer(engine) as server:
        click.echo(f"demo head office at {server.url}; laptop data in {home}", err=True)
        enroll_laptop(home, server.url, token, "demo laptop")
        report = sync_once(home)
        click.echo(f"first sync: {report.summary()}", err=True)
        if open_app:
            from fieldapp.tui.app import FieldApp

            FieldApp(home).run()
    engine.dispose()
    return home
