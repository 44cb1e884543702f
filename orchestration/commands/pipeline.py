"""Commands that move data: generate sample exports, ingest files, run the pipeline, summarise."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click
import duckdb

from ingest.formats import FORMATS
from orchestration.commands.common import format_option, home_option, one_line_errors
from orchestration.output import render
from sample.layouts import LAYOUTS
from settings import KINDS, Settings, load_settings

if TYPE_CHECKING:
    from ingest.load import FileResult


@click.command()
@home_option
@click.option("--events", default=1_000_000, show_default=True, help="Approximate number of events.")
@click.option("--days", default=365, show_default=True, help="Days of history.")
@click.option("--users", type=int, default=None, help="Users (default: one per 200 events).")
@click.option("--seed", default=42, show_default=True, help="Same seed and arguments, same files.")
@click.option(
    "--start", type=click.DateTime(["%Y-%m-%d"]), default=None, help="First day (default: DAYS days before today)."
)
@click.option("--if-empty", is_flag=True, help="Do nothing when the inbox already holds files.")
@click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    default="canonical",
    show_default=True,
    help="How events are written: prodops' canonical JSON lines, or as Segment, Amplitude "
    "(gzip) or Mixpanel export them. Other kinds are canonical CSV.",
)
@format_option
@one_line_errors
def generate(
    home: str | None,
    events: int,
    days: int,
    users: int | None,
    seed: int,
    start: dt.datetime | None,
    if_empty: bool,
    layout: str,
    fmt: str,
) -> None:
    """Write realistic sample exports (events, accounts, NPS, feedback, billing) into the inbox.

    The same arguments write the same events in every layout, so each reader can be
    checked against the others.

    \b
    Example: prodops generate --events 100000 --days 90 --seed 7
             prodops generate --layout segment --home /tmp/segment-demo
    """
    from ingest.load import inbox_files
    from sample.generate import GenerateOptions
    from sample.generate import generate as write_sample

    settings = load_settings(home)
    if if_empty and any(inbox_files(settings.inbox, kind) for kind in KINDS):
        click.echo(f"Inbox {settings.inbox} already holds files: not generating sample data.", err=True)
        return
    options = GenerateOptions(
        events=events, days=days, users=users, seed=seed, start=start.date() if start else None, layout=layout
    )
    counts = write_sample(settings.inbox, options)
    click.echo(render(["kind", "rows"], list(counts.items()), fmt))
    if fmt == "table":
        click.echo(f"\nWritten to {settings.inbox} ({options.start_date} + {days} days). Next: prodops run")


@click.command()
@home_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default=None,
    help="What the files hold (default: the name of the folder they are in).",
)
@click.option(
    "--input-format",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="auto: from the suffix, and for JSON lines from the first lines (Segment, Amplitude "
    "and Mixpanel exports are recognised), for CSV from the header (Stripe Dashboard exports); or force one.",
)
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A mapping file (YAML) for any other layout: column names, timestamp format, timezone, "
    "extra columns kept. Default: a _mapping.yml next to each file, if any.",
)
@format_option
@one_line_errors
def ingest(
    home: str | None, paths: tuple[Path, ...], kind: str | None, input_format: str, mapping: Path | None, fmt: str
) -> None:
    """Load files into the warehouse now; print rows read / loaded / quarantined / duplicate per file.

    A file whose content was loaded before (same SHA-256) is skipped. Rows that fail
    validation go to quarantine with file, line and reason; the next `prodops run` builds
    the metrics from what was loaded.

    \b
    Example: prodops ingest exports/events_2026_11.jsonl --kind events
             prodops ingest exports/amplitude/*.json.gz --kind events
             prodops ingest survey.csv --kind nps --mapping survey_mapping.yml
    """
    from ingest.formats.mapping import load_mapping
    from ingest.load import ingest_paths

    settings = load_settings(home)
    parsed = load_mapping(mapping) if mapping else None
    rows, errors = [], []
    run_id = "cli-" + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    groups = _group_by_kind(paths, kind or (parsed.kind if parsed else None))
    progress = _FileProgress(sum(len(files) for files in groups.values()))
    for file_kind, files in groups.items():
        with _warehouse_busy_is_one_line(settings):
            report = ingest_paths(settings, file_kind, files, run_id, input_format, parsed, progress)
        errors += report.errors
        for r in report.results:
            new_fields = ", ".join(r.new_fields)
            rows.append([str(r.path), file_kind, r.status, r.read, r.loaded, r.quarantined, r.duplicate, new_fields])
            if fmt == "table":
                notes = [f"  {r.path}:{line}: {reason}" for line, reason in r.examples]
                notes += [f"  {r.path}: new field(s) kept in {r.kept_in}: {new_fields}"] if new_fields else []
                rows.extend([[text, "", "", None, None, None, None, ""] for text in notes])
    columns = ["file", "kind", "status", "read", "loaded", "quarantined", "duplicate", "new_fields"]
    click.echo(render(columns, rows, fmt))
    if errors:
        for error in errors:
            click.echo(f"error: {error}", err=True)
        raise click.ClickException(f"{len(errors)} problem(s) while loading; see the errors above")


class _FileProgress:
    """``[n/total] file: read ... loaded ...`` on stderr as each file is done (stdout stays the result)."""

    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0

    def __call__(self, path: Path, result: FileResult | None) -> None:
        self.done += 1
        if result is None:
            outcome = "could not be read"
        elif result.skipped_as:
            outcome = f"skipped (already loaded as {result.skipped_as})"
        else:
            outcome = (
                f"{result.read:,} read, {result.loaded:,} loaded, {result.quarantined:,} quarantined, "
                f"{result.duplicate:,} duplicate"
            )
        click.echo(f"[{self.done}/{self.total}] {path}: {outcome}", err=True)


def _group_by_kind(paths: tuple[Path, ...], kind: str | None) -> dict[str, list[Path]]:
    groups: dict[str, list[Path]] = {}
    for path in paths:
        file_kind = kind or next((p.name for p in path.resolve().parents if p.name in KINDS), None)
        if file_kind is None:
            raise click.UsageError(f"{path}: cannot tell its kind from its folder; pass --kind ({', '.join(KINDS)})")
        groups.setdefault(file_kind, []).append(path)
    return groups


@contextlib.contextmanager
def _warehouse_busy_is_one_line(settings: Settings) -> Iterator[None]:
    try:
        yield
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            message = f"{settings.warehouse} is in use by a running pipeline; try again when it ends"
            raise click.ClickException(message) from exc
        raise


@click.command()
@home_option
@click.option("--full-refresh", is_flag=True, help="Rebuild incremental models from all history.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="How to print the outcome.",
)
@one_line_errors
def run(home: str | None, full_refresh: bool, fmt: str) -> None:
    """Run the nightly job now: ingest the inbox, check, dbt build, publish the serving copy.

    The run is recorded in the workspace's Dagster instance (see it with `make ui`). Its
    detailed log goes to <home>/logs/; on failure the serving copy stays as it was.

    \b
    Example: prodops run --home /srv/prodops
    """
    from metrics.summary import format_summary, read_summary
    from orchestration.runner import run_pipeline

    settings = load_settings(home)
    log = settings.home / "logs" / f"run-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    click.echo(f"Running the pipeline on {settings.home} (log: {log}) ...", err=True)
    terminal = click.get_text_stream("stderr")  # the real stderr, not the log the run writes to

    def say(line: str) -> None:
        click.echo(line, file=terminal)

    with log.open("w", buffering=1) as handle, contextlib.redirect_stdout(handle), contextlib.redirect_stderr(handle):
        outcome = run_pipeline(settings, full_refresh=full_refresh, progress=say)
    for warning in outcome.warnings:
        click.echo(f"warning: {warning}", err=True)
    if not outcome.success:
        for check in outcome.failed_checks:
            click.echo(f"check failed: {check}", err=True)
        for failure in outcome.failures:
            click.echo(f"failed: {failure}", err=True)
        raise click.ClickException(f"run {outcome.run_id} failed; the serving copy was not changed (log: {log})")
    summary = read_summary(settings.serving_db)
    if fmt == "json":
        payload = {"run_id": outcome.run_id, "success": True, "step_seconds": outcome.step_seconds, **summary.__dict__}
        click.echo(json.dumps(payload, default=str, indent=2))
        return
    click.echo(format_summary(summary))
    click.echo(
        f"\nWarehouse   {settings.warehouse}  (pipeline only)\n"
        f"Serving     {settings.serving_db}  (read-only; point BI tools here)\n"
        f"Report      {settings.report_html}\n"
        f'Ask         prodops sql "SELECT * FROM fct_daily_active ORDER BY metric_date DESC LIMIT 7"\n'
        f"Dagster UI  make ui  (then open http://127.0.0.1:3000)"
    )


@click.command()
@home_option
@format_option
@one_line_errors
def summary(home: str | None, fmt: str) -> None:
    """Print the headline metrics of the published data."""
    from metrics.summary import format_summary, read_summary

    data = read_summary(load_settings(home).serving_db)
    click.echo(json.dumps(data.__dict__, default=str, indent=2) if fmt == "json" else format_summary(data))
