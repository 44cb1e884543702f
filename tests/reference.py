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
