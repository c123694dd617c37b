"""`headoffice`: run the server and the supervisors' portfolio, roster and export commands."""

from __future__ import annotations

import os
import sys
from datetime import date, timedelta
from pathlib import Path

import click
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from fieldapp.domain.days import parse_day
from fieldapp.domain.money import format_money
from fieldapp.domain.stages import Stage
from headoffice import db, exports, portfolio, roster

db_option = click.option(
    "--db",
    "db_url",
    envvar="HEADOFFICE_DB",
    metavar="URL",
    help="Database: sqlite:///FILE or postgresql://USER[:PASS]@HOST:PORT/DB "
    "[env HEADOFFICE_DB; default: an SQLite file in your data folder]",
)


def _engine(db_url: str | None, migrate: bool = True) -> Engine:
    try:
        return db.connect(db_url, migrate=migrate)
    except SQLAlchemyError as error:
        raise click.ClickException(f"cannot open the database: {_first_line(error)}") from None
    except ValueError as error:
        raise click.ClickException(f"cannot open the database: {error}") from None


def _first_line(error: Exception) -> str:
    # SQLAlchemy's messages run to several lines and a link; the first says it.
    return f"{error.__class__.__name__}: {str(error).splitlines()[0]}"


def _point(_ctx, _param, value: str | None) -> tuple[float, float] | None:
    if value is None:
        return None
    try:
        lat, lon = (float(part) for part in value.split(","))
    except ValueError:
        raise click.BadParameter("give it as LAT,LON, like 55.676,12.568") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise click.BadParameter("latitude is -90..90 and longitude -180..180")
    return lat, lon


def _date(_ctx, _param, value: str | None) -> date | None:
    try:
        return parse_day(value) if value is not None else None
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Head office for fieldapp: load the portfolio, give collectors their routes,
    and collect what comes back from the field.

    \b
    A typical morning:
      headoffice import-portfolio overdue.csv
      headoffice import-payments payments.csv
      headoffice collector add "Mette Jensen" --language da --timezone Europe/Copenhagen
      headoffice assign --collector "Mette Jensen" --date 2026-11-23 --postal-code 21 --optimise
      headoffice serve
      headoffice console --token SUPERVISOR-TOKEN
    """


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes sharing the port (use PostgreSQL when more than one).",
)
def serve(db_url: str | None, host: str, port: int, workers: int) -> None:
    """Run the head-office server (API docs at /docs); migrates the database first."""
    from headoffice.serving import run

    engine = _engine(db_url)  # migrates once, before any worker starts
    url = str(engine.url)
    engine.dispose()
    if workers > 1 and url.startswith("sqlite"):
        click.echo("note: several workers on one SQLite file take turns to write", err=True)
    click.echo(f"head office listening on http://{host}:{port} (docs at /docs)", err=True)
    run(db_url or db.default_url(), host, port, workers)


@main.command()
@db_option
def migrate(db_url: str | None) -> None:
    """Bring the database to this version's schema (serve does it on start too)."""
    from headoffice.migrate import migrate as run_migrations

    engine = _engine(db_url, migrate=False)
    try:
        before, after = run_migrations(engine)
    except OperationalError as error:
        raise click.ClickException(f"cannot open the database: {_first_line(error)}") from None
    except SQLAlchemyError as error:
        raise click.ClickException(
            f"migration failed, nothing was changed: {_first_line(error)}"
        ) from None
    if before == after:
        click.echo(f"the database is up to date (revision {after})")
    else:
        click.echo(f"migrated the database from revision {before or 'empty'} to {after}")


@main.command("import-portfolio")
@db_option
@click.argument("file", type=click.Path(path_type=Path))
def import_portfolio(db_url: str | None, file: Path) -> None:
    """Load the overdue portfolio from a core-banking CSV export.

    All rows or none: a file with any bad row is refused whole and every
    problem is listed by line and column. Importing the same file twice changes
    nothing; a newer file updates balances.
    """
    # Progress bars only where they help: big files, on a terminal.
    lines = _count_lines(file)
    show = lines >= 5000 and sys.stderr.isatty()
    try:
        with click.progressbar(
            length=lines, label="checking ", file=sys.stderr, hidden=not show
        ) as bar:
            found = portfolio.read_portfolio(file, progress=bar.update)
            bar.update(max(0, lines - bar.pos))  # the last lines since the last report
    except portfolio.ImportRefused as refused:
        raise _file_refused(file, refused) from None
    engine = _engine(db_url)
    with click.progressbar(
        length=len(found), label="importing", file=sys.stderr, hidden=not show
    ) as bar:
        summary = portfolio.import_accounts(engine, found, progress=bar.update)
    click.echo(
        f"imported {len(found)} account(s) from {file}: "
        f"{summary.new} new, {summary.updated} updated, {summary.unchanged} unchanged"
    )


@main.command("publish-content")
@db_option
@click.argument("folder", required=False, type=click.Path(path_type=Path, file_okay=False))
def publish_content(db_url: str | None, folder: Path | None) -> None:
    """Publish call scripts and contact policy (default: the library fieldapp ships).

    FOLDER holds scripts/<language>.toml and policy/<jurisdiction>.toml. A changed
    file must raise its version; laptops get it at their next sync.
    """
    from content import CONTENT_DIR
    from headoffice.publishing import PublishRefused, publish

    try:
        changed = publish(_engine(db_url), folder or CONTENT_DIR)
    except PublishRefused as refused:
        for problem in refused.problems:
            click.echo(problem, err=True)
        raise click.ClickException("nothing was published") from None
    click.echo(f"published {', '.join(changed)}" if changed else "nothing new to publish")


@main.group()
def collector() -> None:
    """Add collectors and manage their laptops."""


@collector.command("add")
@db_option
@click.argument("name")
@click.option("--language", type=click.Choice(["en", "da", "zh"]), default="en", show_default=True)
@click.option("--timezone", default="UTC", show_default=True, help="IANA zone, e.g. Asia/Shanghai.")
def collector_add(db_url: str | None, name: str, language: str, timezone: str) -> None:
    """Add a collector; the last line printed is their one-time enrollment token."""
    token = _roster(roster.add_collector, _engine(db_url), name, language, timezone)
    click.echo(f"added collector {name}; enroll their laptop with:")
    click.echo(f"  fieldapp enroll --server URL --token {token}")
    click.echo(token)


@collector.command("token")
@db_option
@click.argument("name")
def collector_token(db_url: str | None, name: str) -> None:
    """A new one-time enrollment token for a collector's new or replaced laptop."""
    click.echo(_roster(roster.new_enrollment, _engine(db_url), name))


@collector.command("revoke")
@db_option
@click.argument("name")
def collector_revoke(db_url: str | None, name: str) -> None:
    """Revoke every laptop of a collector (lost or stolen): they can no longer sync."""
    count = _roster(roster.revoke_devices, _engine(db_url), name)
    click.echo(f"revoked {count} laptop(s) of {name}")


@main.command()
@db_option
@click.option("--collector", "who", required=True, help="Collector's name.")
@click.option("--date", "visit_date", required=True, callback=_date, help="Route date, YYYY-MM-DD.")
@click.option("--region", help="Every account in this region.")
@click.option("--postal-code", help="Every account whose postal code starts with this.")
@click.option(
    "--stage", type=click.Choice([s.value for s in Stage]), help="Every account at this stage."
)
@click.option("--optimise", is_flag=True, help="Order the route by distance (needs lat/lon).")
@click.option("--start", callback=_point, metavar="LAT,LON", help="Where the walk starts.")
@click.argument("account_ids", nargs=-1)
def assign(
    db_url: str | None,
    who: str,
    visit_date: date,
    region: str | None,
    postal_code: str | None,
    stage: str | None,
    optimise: bool,
    start: tuple[float, float] | None,
    account_ids: tuple[str, ...],
) -> None:
    """Put accounts on a collector's route: named, or all of a region, postal code or stage.

    The order given is the route order, unless --optimise plans the shortest
    walk from --start (nearest neighbour, then 2-opt). An account on someone
    else's route that day moves to this collector.
    """
    from headoffice.assignment import Selection
    from headoffice.assignment import assign as assign_accounts
    from headoffice.clock import today

    selection = Selection(account_ids, region, postal_code, Stage(stage) if stage else None)
    done = _roster(
        assign_accounts, _engine(db_url), who, visit_date, selection, today(), optimise, start
    )
    click.echo(f"assigned {len(done.account_ids)} visit(s) to {who} on {visit_date}")
    if done.km is not None:
        click.echo(f"planned walk: {done.km:.1f} km")
    if done.without_coordinates:
        click.echo(f"{len(done.without_coordinates)} without coordinates are at the end")


@main.command()
@db_option
@click.option("--from", "giver", required=True, help="Collector whose stops move.")
@click.option("--to", "taker", required=True, help="Collector who takes them.")
@click.option("--date", "visit_date", required=True, callback=_date, help="Route date, YYYY-MM-DD.")
def reassign(db_url: str | None, giver: str, taker: str, visit_date: date) -> None:
    """Move a collector's unvisited stops of a day to another (off sick, car broke down).

    Stops with an outcome stay. The moved stops follow the taker's own; both
    laptops change at their next sync.
    """
    moved = _roster(roster.reassign, _engine(db_url), giver, taker, visit_date)
    click.echo(f"moved {len(moved)} stop(s) from {giver} to {taker} on {visit_date}")


@main.command()
@db_option
@click.option("--date", "visit_date", required=True, callback=_date, help="Route date, YYYY-MM-DD.")
@click.argument("account_ids", nargs=-1, required=True)
def recall(db_url: str | None, visit_date: date, account_ids: tuple[str, ...]) -> None:
    """Take visits back; they leave the laptop at its next sync."""
    count = _roster(roster.recall, _engine(db_url), visit_date, list(account_ids))
    click.echo(f"recalled {count} visit(s) on {visit_date}")


@main.command()
@db_option
@click.argument("what", type=click.Choice(["outcomes", "corrections", "accounts"]))
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), help="Write here instead of stdout."
)
def export(db_url: str | None, what: str, fmt: str, output: Path | None) -> None:
    """Export outcomes or corrections from the field, or the accounts, for core banking."""
    engine = _engine(db_url)
    rows, columns = {
        "outcomes": (exports.outcome_rows, exports.OUTCOME_COLUMNS),
        "corrections": (exports.correction_rows, exports.CORRECTION_COLUMNS),
        "accounts": (exports.account_rows, exports.ACCOUNT_COLUMNS),
    }[what]
    text = exports.render(rows(engine), fmt, columns)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@main.command("import-payments")
@db_option
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def import_payments(db_url: str | None, file: Path) -> None:
    """Load payments from core banking (account_id, amount, currency, paid_on, reference).

    All rows or none; a reference already loaded is skipped, so a file can be
    loaded again safely. Promises are judged kept or broken against these.
    """
    from headoffice.payments import import_payments as load

    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"cannot read {file}: {error}") from None
    try:
        summary = load(_engine(db_url), text)
    except portfolio.ImportRefused as refused:
        raise _file_refused(file, refused) from None
    click.echo(f"{summary.new} new payment(s), {summary.already_known} already loaded")


@main.command("review")
@db_option
@click.option("--all", "show_all", is_flag=True, help="Resolved items too, with their notes.")
def review_list(db_url: str | None, show_all: bool) -> None:
    """The review queue: disputes, hardship, late outcomes, conflicts, legal candidates."""
    from headoffice.clock import today
    from headoffice.review import review_queue

    items = review_queue(_engine(db_url), today(), include_resolved=show_all)
    if not items:
        click.echo("nothing to review")
    for item in items:
        when = f"{item.at:%Y-%m-%d}" if item.at else ""
        click.echo(
            f"{item.kind:<9} {item.ref:<38} {item.account_id:<12} {item.borrower_name:<24} "
            f"{item.collector:<16} {when}  {item.summary}"
        )
        if item.resolution:
            r = item.resolution
            click.echo(f"{'':<9} resolved by {r.resolved_by} {r.resolved_at:%Y-%m-%d}: {r.note}")


@main.command()
@db_option
@click.argument("kind")
@click.argument("ref")
@click.option("--note", required=True, help="What was decided; kept with the item.")
@click.option("--by", "by", default="head office", show_default=True, help="Who decided.")
def resolve(db_url: str | None, kind: str, ref: str, note: str, by: str) -> None:
    """Resolve a review item (KIND and REF as `headoffice review` lists them)."""
    from headoffice.clock import today
    from headoffice.review import ReviewError
    from headoffice.review import resolve as record

    try:
        record(_engine(db_url), today(), kind, ref, note, by)
    except ReviewError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"resolved {kind} {ref}")


@main.command("numbers")
@db_option
@click.option(
    "--by", type=click.Choice(["collector", "stage", "day"]), default="collector", show_default=True
)
@click.option("--since", callback=_date, help="First day, YYYY-MM-DD [default: 13 days ago].")
@click.option("--until", callback=_date, help="Last day, YYYY-MM-DD [default: today].")
def numbers_command(db_url: str | None, by: str, since: date | None, until: date | None) -> None:
    """Contact rate, promises taken and kept, and money collected."""
    from headoffice.clock import today
    from headoffice.numbers import numbers, totals

    until = until or today()
    since = since or until - timedelta(days=13)
    try:
        found = numbers(_engine(db_url), by, since, until, today())
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"{by:<20} {'visits':>7} {'contact':>8} {'promised':>9} {'kept':>5} "
        f"{'broken':>7}  collected"
    )
    for row in [*found, totals(found)]:
        money = ", ".join(format_money(m, c) for c, m in sorted(row.collected.items())) or "-"
        click.echo(
            f"{row.key:<20} {row.visits:>7} {row.contact_rate:>8.0%} {row.promises_taken:>9} "
            f"{row.promises_kept:>5} {row.promises_broken:>7}  {money}"
        )


@main.group()
def supervisor() -> None:
    """Supervisors' tokens for the supervisor API and the console."""


@supervisor.command("add")
@db_option
@click.argument("name")
def supervisor_add(db_url: str | None, name: str) -> None:
    """Add a supervisor; the last line printed is their token (shown only now)."""
    from headoffice.supervisors import add_supervisor

    token = _roster(add_supervisor, _engine(db_url), name)
    click.echo(f"added supervisor {name}; open the console with:")
    click.echo(f"  headoffice console --server URL --token {token}")
    click.echo(token)


@supervisor.command("revoke")
@db_option
@click.argument("name")
def supervisor_revoke(db_url: str | None, name: str) -> None:
    """Stop a supervisor's token from working."""
    from headoffice.supervisors import revoke_supervisor

    _roster(revoke_supervisor, _engine(db_url), name)
    click.echo(f"revoked supervisor {name}")


@main.command()
@click.option(
    "--server",
    envvar="HEADOFFICE_URL",
    default="http://127.0.0.1:8765",
    show_default=True,
    help="Head office's address [env HEADOFFICE_URL].",
)
@click.option(
    "--token",
    envvar="HEADOFFICE_TOKEN",
    required=True,
    help="Supervisor token [env HEADOFFICE_TOKEN].",
)
@click.option("--web", is_flag=True, help="Serve the console to a browser instead (textual-serve).")
@click.option("--web-host", default="127.0.0.1", show_default=True, help="Address for --web.")
@click.option("--web-port", default=8000, show_default=True, type=int, help="Port for --web.")
@click.option(
    "--language",
    envvar="HEADOFFICE_LANGUAGE",
    type=click.Choice(["en", "da", "zh"]),
    help="Console language [env HEADOFFICE_LANGUAGE; default: the last one chosen, or en].",
)
def console(
    server: str, token: str, web: bool, web_host: str, web_port: int, language: str | None
) -> None:
    """The supervisors' console: assignment board, review queue and numbers.

    Keys: 1 board, 2 review, 3 numbers, ctrl+r refresh, ctrl+p every command.
    """
    if web:
        from headoffice.console.web import serve_console

        if language:
            os.environ["HEADOFFICE_LANGUAGE"] = language
        click.echo(f"console at http://{web_host}:{web_port} (ctrl+c stops)", err=True)
        serve_console(server, token, host=web_host, port=web_port)
        return
    from headoffice.console.app import SupervisorConsole

    SupervisorConsole(server, token, language=language).run()


@main.command()
@click.option("--web", is_flag=True, help="Open the console in a browser instead.")
@click.option("--web-port", default=8000, show_default=True, type=int, help="Port for --web.")
def demo(web: bool, web_port: int) -> None:
    """A demo head office: a team with two weeks of work, and the console over it.

    Everything lives in a temporary folder and goes when the demo stops.
    """
    import tempfile

    from headoffice.clock import today
    from headoffice.demo import seed_demo
    from headoffice.embedded import EmbeddedServer
    from headoffice.team_demo import seed_team

    folder = Path(tempfile.mkdtemp(prefix="headoffice-demo-"))
    engine = db.connect(f"sqlite:///{folder / 'headoffice.db'}")
    seed_demo(engine, today())
    token = seed_team(engine, today())
    with EmbeddedServer(engine) as server:
        click.echo(f"demo head office at {server.url}; supervisor token {token}", err=True)
        if web:
            from headoffice.console.web import serve_console

            click.echo(f"console at http://127.0.0.1:{web_port} (ctrl+c stops)", err=True)
            serve_console(server.url, token, port=web_port)
        else:
            from headoffice.console.app import SupervisorConsole

            SupervisorConsole(server.url, token).run()


def _count_lines(file: Path) -> int:
    try:
        with file.open("rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return 0  # read_portfolio says what is wrong with the file


def _file_refused(file: Path, refused: portfolio.ImportRefused) -> click.ClickException:
    # Every problem on its own line, then one line that says nothing was loaded.
    for problem in refused.problems:
        click.echo(f"{file}: {problem}", err=True)
    return click.ClickException(
        f"refused {file}: {len(refused.problems)} problem(s); nothing was imported"
    )


def _roster(action, *args):
    try:
        return action(*args)
    except roster.RosterError as error:
        raise click.ClickException(str(error)) from None


if __name__ == "__main__":
    main()
