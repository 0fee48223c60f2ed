"""The ``edutv`` command line: serve, db upgrade, seed-demo, catalog import, epg import/export,
users create, demo, settings.

Exit codes: 0 success, 1 the work failed or input was rejected (the message says why),
2 wrong usage. Heavy imports happen inside commands so ``--help`` is instant.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from tv_backend.settings import Settings, SettingsError


class Failure(click.ClickException):
    """A clean one-line failure with exit code 1 (no traceback)."""

    exit_code = 1


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise Failure(str(exc)) from None


def _services(settings: Settings, *, migrate: bool = True):
    from tv_backend.container import build_services
    from tv_backend.storage.db import DatabaseNotReady

    try:
        return build_services(settings, migrate=migrate)
    except DatabaseNotReady as exc:
        raise Failure(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="edutv")
def main() -> None:
    """EduTV: the family big screen of the smart-education platform.

    Configuration comes from TV_* environment variables (see `edutv settings`).
    """


@main.command()
@click.option("--dev", is_flag=True, help="Flask's development server, reloading on code changes.")
@click.option("--bind", help="HOST:PORT to listen on (default TV_BIND).")
@click.option(
    "--workers", type=click.IntRange(1, 64), help="gunicorn workers (default TV_WORKERS)."
)
def serve(dev: bool, bind: str | None, workers: int | None) -> None:
    """Upgrade the database, then serve the backend (gunicorn; --dev: Flask's server)."""
    settings = _settings()
    _services(settings, migrate=True).close()
    bind = bind or settings.bind
    if dev:
        from tv_backend.app import create_app

        host, _, port = bind.rpartition(":")
        # Reload on code changes, but no interactive debugger: errors keep the one body.
        create_app(settings).run(host=host or "127.0.0.1", port=int(port), use_reloader=True)
        return
    from tv_backend.server import serve as gunicorn_serve

    gunicorn_serve(settings, bind=bind, workers=workers or settings.workers)


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def db_upgrade(revision: str) -> None:
    """Apply the schema migrations (safe to run again)."""
    from tv_backend.storage import db as storage

    settings = _settings()
    engine = storage.make_engine(settings.resolved_database_url)
    storage.upgrade(engine, revision)
    click.echo(f"database at revision {storage.current_revision(engine)}")
    engine.dispose()


@main.group()
def catalog() -> None:
    """Catalog commands."""


@catalog.command("import")
@click.argument("feed_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate the whole feed and write nothing.")
def catalog_import(feed_file: Path, dry_run: bool) -> None:
    """Import a catalog feed (JSON, docs/catalog-feed.md): all of it, or nothing."""
    from tv_backend.schemas.catalog_feed import load_feed
    from tv_backend.services.errors import FeedRejected

    try:
        data = json.loads(feed_file.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise Failure(f"{feed_file} is not valid JSON: {exc}") from None
    svc = _services(_settings())
    try:
        report = svc.catalog_import.run(load_feed(data), dry_run=dry_run)
    except FeedRejected as exc:
        _print_rejection(exc)
        raise Failure(exc.message) from None
    finally:
        svc.close()
    verb = "would import" if dry_run else "imported"
    click.echo(
        f"{verb} {len(data.get('courses', []))} courses from {report.source}: "
        f"{report.created} new, {report.updated} updated, {report.series} series"
        + (f"; catalog version {report.version}" if report.version else "")
    )


def _print_rejection(exc) -> None:
    for record, errors in exc.errors.items():
        click.echo(f"rejected {record}:", err=True)
        for line in _error_lines(errors):
            click.echo(f"  {line}", err=True)


def _error_lines(errors, prefix: str = "") -> list[str]:
    if isinstance(errors, dict):
        return [
            line
            for key, value in errors.items()
            for line in _error_lines(value, f"{prefix}{key}." if prefix or key else "")
        ]
    if isinstance(errors, list) and all(isinstance(e, str) for e in errors):
        return [f"{prefix.rstrip('.')}: {' '.join(errors)}"]
    return [f"{prefix.rstrip('.')}: {errors}"]


@main.group()
def epg() -> None:
    """Programme guide commands: XMLTV import and export."""


@epg.command("import")
@click.argument("xmltv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--merge", is_flag=True, help="Keep the stored programmes of the file's span; merge into them."
)
def epg_import(xmltv_file: Path, merge: bool) -> None:
    """Import an XMLTV file: channels upserted, each channel's span replaced, in one go."""
    from tv_backend.services.errors import ServiceError

    svc = _services(_settings())
    try:
        report = svc.epg.import_xmltv(xmltv_file.read_bytes(), replace=not merge)
    except ServiceError as exc:
        raise Failure(exc.message) from None
    finally:
        svc.close()
    click.echo(f"imported {xmltv_file}: {report.summary}; guide version {report.version}")
    for ident in report.unknown_channels:
        click.echo(f"  unknown channel {ident}: its programmes were skipped")
    for note in report.notes:
        click.echo(f"  {note}")


@epg.command("export")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.option("--m3u", is_flag=True, help="The M3U channel list instead of XMLTV.")
@click.option(
    "--base-url",
    default="http://127.0.0.1:8000/",
    show_default=True,
    help="With --m3u: the backend address the playlist's URLs start with.",
)
def epg_export(output: Path | None, m3u: bool, base_url: str) -> None:
    """Export the stored guide as XMLTV (or, with --m3u, the channel list)."""
    from epg.model import EpgError

    svc = _services(_settings())
    try:
        data = svc.epg.m3u(base_url).encode("utf-8") if m3u else svc.epg.export_xmltv()
    except EpgError as exc:
        raise Failure(f"export failed: {exc}") from None
    finally:
        svc.close()
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        output.write_bytes(data)
        click.echo(f"wrote {len(data)} bytes to {output}", err=True)


@main.group()
def users() -> None:
    """Accounts: parents (with their household) and staff (operator, reviewer, admin)."""


@users.command("create")
@click.option("--email", help="The account's e-mail address (its login).")
@click.option("--phone", help="The account's phone number (its login), instead of --email.")
@click.option(
    "--password-file",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="A file whose first line is the password ('-': standard input).",
)
@click.option(
    "--role",
    required=True,
    type=click.Choice(["parent", "operator", "reviewer", "admin"]),
    help="parent (a new household comes with it) or a staff role for the console.",
)
@click.option("--household-name", help="With --role parent: the household's name (default 我的家).")
def users_create(
    email: str | None, phone: str | None, password_file: Path, role: str, household_name: str | None
) -> None:
    """Create an account; a parent's comes with a new household."""
    from tv_backend.services.errors import ServiceError

    if bool(email) == bool(phone):
        raise Failure("give exactly one of --email and --phone")
    password = _first_line(password_file)
    svc = _services(_settings())
    try:
        account = svc.accounts.create_account(
            email or phone, password, role, household_name=household_name
        )
    except ServiceError as exc:
        raise Failure(exc.message) from None
    finally:
        svc.close()
    household = f", household {account.household_id}" if account.household_id else ""
    click.echo(f"created {role} account {account.id} ({account.email or account.phone}){household}")


def _first_line(path: Path) -> str:
    """The first line of ``path`` ('-': standard input), without its line ending."""
    try:
        if str(path) == "-":
            return sys.stdin.readline().rstrip("\r\n")
        with path.open(encoding="utf-8") as file:
            return file.readline().rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise Failure(f"cannot read the password from {path}: {exc}") from None


class _ProgressBar:
    """A click progress bar that appears with the first report, when the total is known."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._bar = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = click.progressbar(length=total, label=self._label, show_pos=True)
            self._bar.__enter__()
        self._bar.update(done - self._bar.pos)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


@main.command("seed-demo")
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Parallel ffmpeg processes.",
)
@click.option("--courses", "limit", type=click.IntRange(1), help="Only the first N courses.")
def seed_demo(jobs: int, limit: int | None) -> None:
    """Build the demo catalog: posters, HLS ladders (reused when built) and the import."""
    from tv_backend.demo.seed import seed
    from tv_backend.media import MediaError

    svc = _services(_settings())
    bar = _ProgressBar("lessons")
    try:
        report = seed(svc, jobs=jobs, limit=limit, progress=bar, echo=click.echo)
    except MediaError as exc:
        raise Failure(f"building demo media failed: {exc}") from None
    finally:
        bar.close()
        svc.close()
    click.echo(f"demo catalog ready: {report}")


@main.command()
@click.option("--bind", help="HOST:PORT to listen on (default TV_BIND).")
def demo(bind: str | None) -> None:
    """Seed the demo content and serve it."""
    ctx = click.get_current_context()
    ctx.invoke(seed_demo)
    ctx.invoke(serve, bind=bind)


@main.command()
def tv() -> None:
    """Open the TV client against TV_BACKEND_URL (needs a screen; see README)."""
    try:
        from tv_client.__main__ import main as tv_main
    except ImportError as exc:  # a backend-only install
        message = f"the TV client is not installed ({exc}): pip install 'edutv[client]'"
        raise Failure(message) from None
    tv_main()


@main.command("settings")
def show_settings() -> None:
    """Every TV_* variable with its current value and description."""
    current = _settings()
    for name, default, doc in Settings.documentation():
        field_name = name.removeprefix("TV_").lower()
        value = getattr(current, field_name)
        if name == "TV_SECRET_KEY" and value:
            value = "(set)"
        click.echo(f"{name}={value if value is not None else ''}")
        click.echo(f"    {doc} Default: {default or '(empty)'}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
