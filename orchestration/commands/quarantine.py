"""`prodops quarantine list|replay`: inspect rows that failed validation, and load them after a fix."""

from __future__ import annotations

import datetime as dt

import click

from orchestration.commands.common import format_option, home_option, one_line_errors
from orchestration.output import render
from settings import KINDS, load_settings


@click.group()
def quarantine() -> None:
    """Rows that failed validation: each keeps its file, line, reason and raw text.

    \b
    prodops quarantine list --kind nps            # what was set aside, and why
    prodops quarantine replay --kind nps          # after a fix: load the rows that now pass
    """


@quarantine.command("list")
@home_option
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Only rows of this kind.")
@click.option("--file", "file_path", default=None, help="Only rows of this file (as shown in the list).")
@click.option("--limit", default=100, show_default=True, help="At most this many rows.")
@format_option
@one_line_errors
def list_(home: str | None, kind: str | None, file_path: str | None, limit: int, fmt: str) -> None:
    """Show quarantined rows: kind, file, line, reason and the raw text."""
    from ingest.quarantine import list_rows
    from ingest.warehouse import connect

    settings = load_settings(home)
    with connect(settings.warehouse, threads=settings.duckdb_threads) as con:
        rows = list_rows(con, kind, file_path, limit)
    if fmt == "table":
        rows = [
            (k, f, line, reason, raw if len(raw or "") <= 80 else raw[:77] + "...") for k, f, line, reason, raw in rows
        ]
    click.echo(render(["kind", "file", "line", "reason", "raw"], rows, fmt))


@quarantine.command()
@home_option
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Only rows of this kind.")
@click.option("--file", "file_path", default=None, help="Only rows of this file.")
@format_option
@one_line_errors
def replay(home: str | None, kind: str | None, file_path: str | None, fmt: str) -> None:
    """Re-validate quarantined rows with the current rules and settings; load those that now pass.

    Rows still failing stay quarantined with today's reason; the ledger moves the counts, so
    every row stays counted exactly once. The next `prodops run` checks and publishes them.
    """
    from ingest.quarantine import replay as replay_rows
    from ingest.warehouse import connect

    settings = load_settings(home)
    run_id = "replay-" + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    with connect(settings.warehouse, threads=settings.duckdb_threads) as con:
        results = replay_rows(con, run_id, kind, file_path)
    rows = [(r.kind, r.file_path, r.replayed, r.loaded, r.duplicate, r.still_quarantined) for r in results]
    click.echo(render(["kind", "file", "replayed", "loaded", "duplicate", "still_quarantined"], rows, fmt))
