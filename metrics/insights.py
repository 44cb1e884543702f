"""Ad-hoc insights on the serving copy: retention, stickiness, lifecycle and PES.

Each insight renders the same dbt macro the marts are built from (``metrics/sqlrender.py``)
over the published ``fct_events`` and runs it read-only. This module turns parameters into
macro arguments and rows into the contract's long format; it holds no metric logic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from metrics.sqlrender import render

PERIODS = ("hour", "day", "week", "month")
UNITS = ("user", "account")
GROUPS = ("plan", "segment", "account")
DEFAULT_INTERVALS = {"hour": 24, "day": 14, "week": 8, "month": 6}
PES_MART_WINDOW = 30  # the window of fct_pes_daily


@dataclass(frozen=True)
class Scope:
    """Who counts and how time is bucketed: shared by every insight."""

    unit: str = "user"
    tz: str = "UTC"
    week_start: str = "monday"


@dataclass(frozen=True)
class Range:
    """A date range in the report timezone; ``intervals`` periods ending with ``date_to``'s period."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    intervals: int | None = None


@dataclass(frozen=True)
class Result:
    """Rows in the contract's long format."""

    columns: list[str]
    rows: list[tuple[Any, ...]]


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _source(scope: Scope, since: dt.datetime | None = None) -> str:
    """The events an insight reads; ``since`` (local) drops the ones before a day ahead of it.

    A local time is at most 14 hours from UTC, so a day's margin keeps every event whose
    local time is at or after ``since``: the insight reads its range, not the history.
    """
    actor = "person_id" if scope.unit == "user" else "account_id"
    recent = f" and event_at >= TIMESTAMP '{since - dt.timedelta(days=1)}'" if since else ""
    return (
        f"(select {actor} as actor_id, event_name, is_activity, event_at, 1 as occurrences "
        f"from fct_events where {actor} is not null{recent})"
    )


def last_day(con: duckdb.DuckDBPyConnection, tz: str) -> dt.date:
    """The last day with events, in the report timezone (local time only for the latest event)."""
    row = con.execute(
        f"SELECT CAST(timezone({_lit(tz)}, timezone('UTC', max(event_at))) AS DATE) FROM fct_events"
    ).fetchone()
    if row[0] is None:
        raise ValueError("the serving copy holds no events yet")
    return row[0]


def _period_floor(day: dt.date, period: str, week_start: str) -> dt.datetime:
    start = dt.datetime.combine(day, dt.time())
    if period == "week":
        offset = day.weekday() if week_start == "monday" else (day.weekday() + 1) % 7
        return start - dt.timedelta(days=offset)
    if period == "month":
        return start.replace(day=1)
    return start


def _minus_periods(start: dt.datetime, period: str, n: int) -> dt.datetime:
    if period == "month":
        months = start.year * 12 + start.month - 1 - n
        return start.replace(year=months // 12, month=months % 12 + 1)
    step = {"hour": dt.timedelta(hours=1), "day": dt.timedelta(days=1), "week": dt.timedelta(weeks=1)}[period]
    return start - n * step


def resolve_range(
    con: duckdb.DuckDBPyConnection, rng: Range, period: str, scope: Scope
) -> tuple[str, str, dt.datetime]:
    """SQL expressions for the first and last day (explicit dates, or N periods ending at
    date_to), and the local start of the range's first period (what older events cannot change)."""
    date_to = rng.date_to or last_day(con, scope.tz)
    if rng.date_from and rng.intervals:
        raise ValueError("give either --date-from or --intervals, not both")
    if rng.date_from:
        if rng.date_from > date_to:
            raise ValueError(f"--date-from {rng.date_from} is after --date-to {date_to}")
        start = _period_floor(rng.date_from, period, scope.week_start)
        return f"DATE '{rng.date_from}'", f"DATE '{date_to}'", start
    count = rng.intervals or DEFAULT_INTERVALS[period]
    if count < 1:
        raise ValueError("--intervals must be at least 1")
    last = _period_floor(date_to, period, scope.week_start)
    if period == "hour":
        last = dt.datetime.combine(date_to, dt.time(23))
    first = _minus_periods(last, period, count - 1)
    return f"TIMESTAMP '{first}'", f"DATE '{date_to}'", first


def _localise(value: Any, tz: str) -> Any:
    """A local naive timestamp as ISO 8601 with the report timezone's UTC offset."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=ZoneInfo(tz)).isoformat()
    return value


def retention(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    rng: Range,
    *,
    period: str = "week",
    start_event: str | None = None,
    return_event: str | None = None,
    retention_type: str = "recurring",
    cumulative: bool = False,
    window: str = "calendar",
    min_occurrences: int = 1,
) -> Result:
    """Cohort retention: one row per cohort period and interval (0 = the cohort itself)."""
    if min_occurrences < 1:
        raise ValueError("--min-occurrences must be at least 1")
    first, last, start = resolve_range(con, rng, period, scope)
    # first-time cohorts are each actor's first start event ever: they need the whole history
    sql = render(
        "retention",
        _source(scope, start if retention_type == "recurring" else None),
        period=period,
        tz=scope.tz,
        week_start=scope.week_start,
        start_event=start_event,
        return_event=return_event,
        retention_type=retention_type,
        cumulative=cumulative,
        window=window,
        min_occurrences=min_occurrences,
        range_from=first,
        range_to=last,
    )
    rows = con.execute(f"SELECT * FROM ({sql}) ORDER BY cohort_start, interval_index").fetchall()
    columns = ["cohort_start", "interval", "cohort_size", "retained", "rate"]
    return Result(columns, [(_localise(r[0], scope.tz), *r[1:]) for r in rows])


def stickiness(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    rng: Range,
    *,
    period: str = "day",
    event: str | None = None,
    interval_count: int = 1,
    cumulative: bool = False,
    criteria: tuple[str, int] = ("gte", 1),
) -> Result:
    """How many actors were active in exactly (or at least) k intervals of the range."""
    if interval_count < 1:
        raise ValueError("--interval-count must be at least 1")
    first, last, start = resolve_range(con, rng, period, scope)
    sql = render(
        "stickiness_distribution",
        _source(scope, start),
        period=period,
        tz=scope.tz,
        week_start=scope.week_start,
        event=event,
        range_from=first,
        range_to=last,
        interval_count=interval_count,
        cumulative=cumulative,
        criteria=criteria[0],
        criteria_n=criteria[1],
    )
    rows = con.execute(f"SELECT * FROM ({sql}) ORDER BY active_intervals").fetchall()
    return Result(["active_intervals", "actors"], rows)


def lifecycle(
    con: duckdb.DuckDBPyConnection, scope: Scope, rng: Range, *, period: str = "week", event: str | None = None
) -> Result:
    """New, returning, resurrecting and dormant actors per period."""
    first, last, start = resolve_range(con, rng, period, scope)
    created = f"(select actor_id, created_at from dim_actors where unit = {_lit(scope.unit)})"
    sql = render(
        "lifecycle",
        _source(scope, _minus_periods(start, period, 1)),  # the period before tells returning from new
        created,
        period=period,
        tz=scope.tz,
        week_start=scope.week_start,
        event=event,
        range_from=first,
        range_to=last,
    )
    order = "CASE status WHEN 'new' THEN 1 WHEN 'returning' THEN 2 WHEN 'resurrecting' THEN 3 ELSE 4 END"
    rows = con.execute(f"SELECT * FROM ({sql}) ORDER BY period_start, {order}").fetchall()
    return Result(["period_start", "status", "actors"], [(_localise(r[0], scope.tz), *r[1:]) for r in rows])


def pes(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    *,
    as_of: dt.date | None = None,
    window_days: int = 30,
    ratio: str = "dau/mau",
    by: str | None = None,
    published_ratio: str | None = None,
) -> Result:
    """The Product Engagement Score and its components on one day, overall or per group.

    ``published_ratio``: the ratio ``fct_pes_daily`` was built with, in ``scope.tz``. The
    overall score with the mart's window and ratio is read from the mart (the same macro over
    the same activity); any other question is computed from ``fct_events``.
    """
    if window_days < 1:
        raise ValueError("--window-days must be at least 1")
    day = as_of or last_day(con, scope.tz)
    if by is None and window_days == PES_MART_WINDOW and ratio == published_ratio:
        row = con.execute(
            "SELECT as_of, adoption, stickiness, growth, pes FROM fct_pes_daily "
            "WHERE as_of = ? AND unit = ? AND dimension = 'all'",
            [day, scope.unit],
        ).fetchall()
        if row:
            return Result(["as_of", "adoption", "stickiness", "growth", "pes"], row)
    actor = "e.person_id" if scope.unit == "user" else "e.account_id"
    group = f"a.{by}" if by in ("plan", "segment") else ("e.account_id" if by == "account" else "'all'")
    accounts = "left join dim_accounts as a on a.account_id = e.account_id " if by in ("plan", "segment") else ""
    local_date = "e.event_at" if scope.tz == "UTC" else f"timezone({_lit(scope.tz)}, timezone('UTC', e.event_at))"

    def activity(since: dt.date | None) -> str:  # a day's margin: local days are within 14 h of UTC ones
        recent = f" and e.event_at >= TIMESTAMP '{since - dt.timedelta(days=1)}'" if since else ""
        return (
            f"(select {group} as grp, {actor} as actor_id, e.feature, cast({local_date} as date) as activity_date "
            f"from fct_events as e {accounts}"
            f"where e.is_activity and {actor} is not null and {group} is not null{recent})"
        )

    # every count looks back at most 2W + 30 days; only "new" needs each actor's first day ever
    recent = activity(day - dt.timedelta(days=2 * window_days + 30))
    firsts = f"(select grp, actor_id, min(activity_date) as activity_date from {activity(None)} group by grp, actor_id)"
    core = f"(select * from {recent} where feature in (select feature from dim_features where is_core))"
    n_core = con.execute("SELECT count(*) FROM dim_features WHERE is_core").fetchone()[0]
    sql = render(
        "pes",
        recent,
        core,
        n_core,
        window_days=window_days,
        ratio=ratio,
        as_of_from=f"DATE '{day}'",
        as_of_to=f"DATE '{day}'",
        firsts=firsts,
    )
    rows = con.execute(f"SELECT grp, as_of, adoption, stickiness, growth, pes FROM ({sql}) ORDER BY grp").fetchall()
    columns = ["as_of", "adoption", "stickiness", "growth", "pes"]
    if by:
        return Result([by, *columns], rows)
    return Result(columns, [r[1:] for r in rows])
