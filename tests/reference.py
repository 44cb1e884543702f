"""Independent, straightforward polars implementations of the metric definitions.

Written from METRICS.md without looking at the SQL: brute force over days and actors, so
the tests compare two different computations of the same definition.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

NON_ACTIVITY = ("identify", "alias", "group", "invoice_paid")


def load_events(inbox: Path) -> pl.DataFrame:
    """Every event file of the inbox, first occurrence of each event id, with stitched person."""
    frames = [pl.read_ndjson(p, infer_schema_length=None) for p in sorted((inbox / "events").glob("*.jsonl"))]
    events = (
        pl.concat(
            [f.select("event_id", "event_name", "timestamp", "user_id", "anonymous_id", "account_id") for f in frames]
        )
        .unique("event_id", keep="first", maintain_order=True)
        .with_columns(pl.col("timestamp").str.to_datetime(time_zone="UTC").alias("ts"))
    )
    identified = (
        events.filter(pl.col("user_id").is_not_null() & pl.col("anonymous_id").is_not_null())
        .sort("ts")
        .group_by("anonymous_id")
        .agg(pl.col("user_id").first().alias("mapped_user"))
    )
    return events.join(identified, on="anonymous_id", how="left").with_columns(
        pl.coalesce("user_id", "mapped_user", "anonymous_id").alias("person"),
        pl.col("ts").dt.date().alias("day"),
    )


def user_days(events: pl.DataFrame) -> pl.DataFrame:
    return events.filter(~pl.col("event_name").is_in(NON_ACTIVITY)).select("person", "day").unique()


def active_counts(days: pl.DataFrame) -> dict[dt.date, tuple[int, int, int]]:
    """DAU, WAU (7 days ending d), MAU (30 days ending d) for every day from first to last."""
    first, last = days["day"].min(), days["day"].max()
    out = {}
    day = first
    while day <= last:

        def distinct(width: int, end: dt.date = day) -> int:
            start = end - dt.timedelta(days=width - 1)
            return days.filter(pl.col("day").is_between(start, end))["person"].n_unique()

        out[day] = (distinct(1), distinct(7), distinct(30))
        day += dt.timedelta(days=1)
    return out


def weekly_first_time_retention(days: pl.DataFrame) -> dict[tuple[dt.date, int], tuple[int, int]]:
    """(cohort week, k) -> (cohort size, actors active in week cohort+k), Monday weeks."""
    weeks = (
        days.with_columns((pl.col("day") - pl.duration(days=pl.col("day").dt.weekday() - 1)).alias("week"))
        .select("person", "week")
        .unique()
    )
    cohort = weeks.group_by("person").agg(pl.col("week").min().alias("cohort"))
    last_week = weeks["week"].max()
    joined = weeks.join(cohort, on="person").with_columns(
        ((pl.col("week") - pl.col("cohort")).dt.total_days() // 7).alias("k")
    )
    sizes = dict(cohort.group_by("cohort").len().iter_rows())
    hits = {(c, k): n for c, k, n in joined.group_by("cohort", "k").len().iter_rows()}
    out = {}
    for c, size in sizes.items():
        for k in range((last_week - c).days // 7 + 1):
            out[(c, k)] = (size, hits.get((c, k), 0))
    return out


# ---------------------------------------------------------------------------------------------
# Insights (retention, stickiness distribution, lifecycle) on a small event log, written from
# METRICS.md with Python sets and loops: slow, obvious, and independent of the SQL macros.
# An event is (actor, name, is_activity, ts) with ts a naive UTC datetime.

PERIOD_SECONDS = {"hour": 3600, "day": 86400, "week": 7 * 86400, "month": 30 * 86400}


def to_local(ts: dt.datetime, tz: str) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return ts.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def floor(local: dt.datetime, period: str, week_start: str = "monday") -> dt.datetime:
    if period == "hour":
        return local.replace(minute=0, second=0, microsecond=0)
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "day":
        return day
    if period == "week":
        back = day.weekday() if week_start == "monday" else (day.weekday() + 1) % 7
        return day - dt.timedelta(days=back)
    return day.replace(day=1)


def periods(a: dt.datetime, b: dt.datetime, period: str) -> int:
    """Whole periods from period start a to period start b."""
    if period == "month":
        return (b.year - a.year) * 12 + b.month - a.month
    return round((b - a).total_seconds()) // PERIOD_SECONDS[period]


def next_period(p: dt.datetime, period: str, n: int = 1) -> dt.datetime:
    if period == "month":
        months = p.year * 12 + p.month - 1 + n
        return p.replace(year=months // 12, month=months % 12 + 1)
    return p + dt.timedelta(seconds=PERIOD_SECONDS[period] * n)


def _matches(event, name):
    return event[2] if name is None else event[1] == name


def _range(events, period, tz, week_start, date_from, date_to):
    locals_ = [to_local(e[3], tz) for e in events]
    first = floor(dt.datetime.combine(date_from, dt.time()) if date_from else min(locals_), period, week_start)
    last_local = dt.datetime.combine(date_to, dt.time(23, 59, 59)) if date_to else max(locals_)
    return first, floor(last_local, period, week_start)


def ref_retention(
    events,
    *,
    period,
    tz,
    week_start,
    start_event,
    return_event,
    retention_type,
    cumulative,
    window,
    min_occurrences,
    date_from,
    date_to,
):
    """{(cohort_start, k): (cohort_size, retained)}"""
    first, last = _range(events, period, tz, week_start, date_from, date_to)
    end = next_period(last, period)
    starts = sorted((e[3], e[0]) for e in events if _matches(e, start_event))
    cohorts = {}  # (actor, cohort_start) -> t0
    if retention_type == "first_time":
        for ts, actor in starts:
            if all(a != actor for a, _ in cohorts):
                cohorts[(actor, floor(to_local(ts, tz), period, week_start))] = ts
    else:
        for ts, actor in starts:
            cohorts.setdefault((actor, floor(to_local(ts, tz), period, week_start)), ts)
    cohorts = {key: t0 for key, t0 in cohorts.items() if first <= key[1] <= last}
    returns = [e for e in events if _matches(e, return_event) and to_local(e[3], tz) < end]
    out = {}
    for cohort in sorted({c for _, c in cohorts}):
        members = [(a, t0) for (a, c), t0 in cohorts.items() if c == cohort]
        kmax = periods(cohort, last, period)
        reached = {}
        for actor, t0 in members:
            counts = {}
            for e in returns:
                if e[0] != actor:
                    continue
                if window == "24h":
                    if e[3] < t0:
                        continue
                    k = int((e[3] - t0).total_seconds() // PERIOD_SECONDS[period])
                else:
                    local = to_local(e[3], tz)
                    if local < cohort:
                        continue
                    k = periods(cohort, floor(local, period, week_start), period)
                if 1 <= k <= kmax:
                    counts[k] = counts.get(k, 0) + 1
            reached[actor] = {k for k, n in counts.items() if n >= min_occurrences}
        for k in range(kmax + 1):
            if k == 0:
                kept = len(members)
            elif cumulative:
                kept = sum(1 for ks in reached.values() if ks and max(ks) >= k)
            else:
                kept = sum(1 for ks in reached.values() if k in ks)
            out[(cohort, k)] = (len(members), kept)
    return out


def ref_stickiness(
    events, *, period, tz, week_start, event, date_from, date_to, interval_count, cumulative, criteria, criteria_n
):
    """{k: actors} for k = 1..n"""
    first, last = _range([e for e in events if _matches(e, event)], period, tz, week_start, date_from, date_to)
    end = next_period(last, period)
    n = periods(first, last, period) // interval_count + 1
    counts = {}
    for e in events:
        local = to_local(e[3], tz)
        if _matches(e, event) and first <= local < end:
            index = periods(first, floor(local, period, week_start), period) // interval_count
            counts[(e[0], index)] = counts.get((e[0], index), 0) + 1
    test = {"gte": lambda c: c >= criteria_n, "lte": lambda c: c <= criteria_n, "exact": lambda c: c == criteria_n}
    active = {}
    for (actor, _), c in counts.items():
        if c >= 1 and test[criteria](c):
            active[actor] = active.get(actor, 0) + 1
    return {k: sum(1 for v in active.values() if (v >= k if cumulative else v == k)) for k in range(1, n + 1)}


def ref_lifecycle(events, *, period, tz, week_start, event, date_from, date_to):
    """{(period_start, status): actors}; creation = the actor's first event of any kind."""
    matching = [e for e in events if _matches(e, event)]
    first, last = _range(matching, period, tz, week_start, date_from, date_to)
    created = {}
    for e in events:
        created[e[0]] = min(created.get(e[0], e[3]), e[3])
    active = {(e[0], floor(to_local(e[3], tz), period, week_start)) for e in matching}
    out, p = {}, first
    while p <= last:
        for status in ("new", "returning", "resurrecting", "dormant"):
            out[(p, status)] = 0
        previous = next_period(p, period, -1)
        for actor in created:
            now, before = (actor, p) in active, (actor, previous) in active
            born = floor(to_local(created[actor], tz), period, week_start) == p
            status = (
                ("new" if born else "returning" if before else "resurrecting")
                if now
                else ("dormant" if before else None)
            )
            if status:
                out[(p, status)] += 1
        p = next_period(p, period)
    return out
