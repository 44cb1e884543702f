"""Ad-hoc engagement insights for PMs: retention, stickiness, lifecycle and PES."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import click

from metrics import insights
from metrics.serving import read_serving
from orchestration.commands.common import format_option, home_option, one_line_errors
from orchestration.output import render
from settings import PES_RATIOS, load_settings

DATE = click.DateTime(["%Y-%m-%d"])


def _scope_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option(
            "--unit",
            type=click.Choice(insights.UNITS),
            default="user",
            show_default=True,
            help="Count people (user) or accounts.",
        ),
        click.option("--tz", default=None, help="Report timezone (default: the workspace's)."),
        click.option(
            "--week-start",
            type=click.Choice(["monday", "sunday"]),
            default=None,
            help="First day of a week (default: the workspace's).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _range_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--date-from", type=DATE, default=None, help="First day of the range."),
        click.option("--date-to", type=DATE, default=None, help="Last day of the range (default: last day with data)."),
        click.option(
            "--intervals",
            type=int,
            default=None,
            help="Instead of --date-from: this many periods ending with the one containing --date-to.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _run(
    home: str | None,
    fmt: str,
    unit: str,
    tz: str | None,
    week_start: str | None,
    query: Callable[[Any, insights.Scope], insights.Result],
) -> None:
    settings = load_settings(home)
    scope = insights.Scope(unit=unit, tz=tz or settings.timezone, week_start=week_start or settings.week_start)
    with read_serving(settings.serving_db) as con:
        result = query(con, scope)
    click.echo(render(result.columns, result.rows, fmt))


def _range(date_from: dt.datetime | None, date_to: dt.datetime | None, intervals: int | None) -> insights.Range:
    return insights.Range(
        date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None,
        intervals=intervals,
    )


@click.command()
@home_option
@click.option("--start-event", default=None, help="Event that puts an actor in a cohort (default: any activity).")
@click.option("--return-event", default=None, help="Event that counts as a return (default: any activity).")
@click.option("--period", type=click.Choice(insights.PERIODS), default="week", show_default=True)
@_range_options
@click.option(
    "--type",
    "retention_type",
    type=click.Choice(["recurring", "first_time"]),
    default="recurring",
    show_default=True,
    help="recurring: every active period opens a cohort row; first_time: only the first.",
)
@click.option("--cumulative", is_flag=True, help="Count returns in interval k or later ('on or after').")
@click.option(
    "--window",
    type=click.Choice(["calendar", "24h"]),
    default="calendar",
    show_default=True,
    help="calendar periods, or 24-hour multiples from each actor's start event.",
)
@click.option(
    "--min-occurrences", type=int, default=1, show_default=True, help="Return events needed in an interval to count."
)
@_scope_options
@format_option
@one_line_errors
def retention(
    home: str | None,
    start_event: str | None,
    return_event: str | None,
    period: str,
    date_from: dt.datetime | None,
    date_to: dt.datetime | None,
    intervals: int | None,
    retention_type: str,
    cumulative: bool,
    window: str,
    min_occurrences: int,
    unit: str,
    tz: str | None,
    week_start: str | None,
    fmt: str,
) -> None:
    """Cohort retention: of the actors who did the start event in a period, how many came back.

    \b
    Examples:
      prodops retention --period week --intervals 8
      prodops retention --start-event report_created --return-event report_shared --type first_time
      prodops retention --period day --window 24h --cumulative --unit account --format json
    """
    _run(
        home,
        fmt,
        unit,
        tz,
        week_start,
        lambda con, scope: insights.retention(
            con,
            scope,
            _range(date_from, date_to, intervals),
            period=period,
            start_event=start_event,
            return_event=return_event,
            retention_type=retention_type,
            cumulative=cumulative,
            window=window,
            min_occurrences=min_occurrences,
        ),
    )


def _criteria(_: Any, __: Any, value: str) -> tuple[str, int]:
    op, _sep, number = value.partition(":")
    if op not in ("gte", "lte", "exact") or not number.isdigit():
        raise click.BadParameter("use gte:N, lte:N or exact:N, e.g. gte:3")
    return op, int(number)


@click.command()
@home_option
@click.option("--event", default=None, help="Event that counts (default: any activity).")
@click.option("--period", type=click.Choice(insights.PERIODS), default="day", show_default=True)
@_range_options
@click.option("--interval-count", type=int, default=1, show_default=True, help="Periods grouped into one interval.")
@click.option("--cumulative", is_flag=True, help="Actors active in at least k intervals instead of exactly k.")
@click.option(
    "--criteria",
    default="gte:1",
    show_default=True,
    callback=_criteria,
    help="When an interval counts as active: gte:N, lte:N or exact:N events in it.",
)
@_scope_options
@format_option
@one_line_errors
def stickiness(
    home: str | None,
    event: str | None,
    period: str,
    date_from: dt.datetime | None,
    date_to: dt.datetime | None,
    intervals: int | None,
    interval_count: int,
    cumulative: bool,
    criteria: tuple[str, int],
    unit: str,
    tz: str | None,
    week_start: str | None,
    fmt: str,
) -> None:
    """Stickiness: how many actors were active in exactly k of the range's intervals.

    \b
    Examples:
      prodops stickiness --period day --intervals 30
      prodops stickiness --event report_created --period week --intervals 12 --criteria gte:2 --cumulative
    """
    _run(
        home,
        fmt,
        unit,
        tz,
        week_start,
        lambda con, scope: insights.stickiness(
            con,
            scope,
            _range(date_from, date_to, intervals),
            period=period,
            event=event,
            interval_count=interval_count,
            cumulative=cumulative,
            criteria=criteria,
        ),
    )


@click.command()
@home_option
@click.option("--event", default=None, help="Event that counts as active (default: any activity).")
@click.option("--period", type=click.Choice(["day", "week", "month"]), default="week", show_default=True)
@_range_options
@_scope_options
@format_option
@one_line_errors
def lifecycle(
    home: str | None,
    event: str | None,
    period: str,
    date_from: dt.datetime | None,
    date_to: dt.datetime | None,
    intervals: int | None,
    unit: str,
    tz: str | None,
    week_start: str | None,
    fmt: str,
) -> None:
    """Lifecycle: new, returning, resurrecting and dormant actors per period.

    \b
    Example: prodops lifecycle --period month --intervals 6 --unit account
    """
    _run(
        home,
        fmt,
        unit,
        tz,
        week_start,
        lambda con, scope: insights.lifecycle(
            con,
            scope,
            _range(date_from, date_to, intervals),
            period=period,
            event=event,
        ),
    )


@click.command()
@home_option
@click.option("--as-of", type=DATE, default=None, help="Day scored (default: the last day with data).")
@click.option("--window-days", type=int, default=30, show_default=True, help="Length of the scoring window.")
@click.option(
    "--ratio", type=click.Choice(PES_RATIOS), default="dau/mau", show_default=True, help="The stickiness ratio."
)
@click.option(
    "--unit",
    type=click.Choice(insights.UNITS),
    default="user",
    show_default=True,
    help="Score people (user) or accounts.",
)
@click.option(
    "--by",
    type=click.Choice(insights.GROUPS),
    default=None,
    help="One score per plan, segment or account (users of that group).",
)
@format_option
@one_line_errors
def pes(
    home: str | None, as_of: dt.datetime | None, window_days: int, ratio: str, unit: str, by: str | None, fmt: str
) -> None:
    """Product Engagement Score (Pendo): (adoption + stickiness + growth) / 3.

    \b
    Examples:
      prodops pes
      prodops pes --as-of 2026-06-30 --ratio wau/mau --by plan
    """
    published_ratio = load_settings(home).pes_ratio  # fct_pes_daily's, in the workspace's timezone
    _run(
        home,
        fmt,
        unit,
        None,
        None,
        lambda con, scope: insights.pes(
            con,
            scope,
            as_of=as_of.date() if as_of else None,
            window_days=window_days,
            ratio=ratio,
            by=by,
            published_ratio=published_ratio,
        ),
    )
