"""Property-based: the metric macros (as the CLI renders them) equal tests/reference.py.

Random small event logs, random parameters; the SQL runs on an in-memory DuckDB table with
the columns of the published fct_events.
"""

from __future__ import annotations

import datetime as dt

import duckdb
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from metrics import insights
from metrics.sqlrender import render
from tests import reference

START = dt.datetime(2026, 2, 23)  # a Monday, close to a DST change in New York (Mar 8)
ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]

events_strategy = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "c", "d"]),
        st.sampled_from(["x", "y", "identify"]),
        st.one_of(st.integers(0, 21 * 86400 - 1), st.integers(0, 2 * 86400 - 1)),
    ),
    min_size=3,
    max_size=40,
)


def _events(raw):
    return [(actor, name, name != "identify", START + dt.timedelta(seconds=s)) for actor, name, s in raw]


def _run(events, macro, *args, **kwargs):
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE ev (actor_id VARCHAR, event_name VARCHAR, is_activity BOOLEAN, "
        "event_at TIMESTAMP, occurrences INTEGER)"
    )
    con.executemany("INSERT INTO ev VALUES (?, ?, ?, ?, 1)", events)
    con.execute("CREATE TABLE created AS SELECT actor_id, min(event_at) AS created_at FROM ev GROUP BY 1")
    return con.execute(render(macro, "ev", *args, **kwargs)).fetchall()


def _range(data, draw_from, draw_to, tz):
    days = sorted({reference.to_local(e[3], tz).date() for e in data})
    return (
        (None, None)
        if draw_from is None
        else (
            days[min(draw_from, len(days) - 1)],
            days[max(min(draw_to, len(days) - 1), min(draw_from, len(days) - 1))],
        )
    )


PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RANGE = st.one_of(st.none(), st.integers(0, 10))


@PROPERTY
@given(
    raw=events_strategy,
    period=st.sampled_from(["hour", "day", "week", "month"]),
    tz=st.sampled_from(ZONES),
    week_start=st.sampled_from(["monday", "sunday"]),
    start=st.sampled_from([None, "x"]),
    ret=st.sampled_from([None, "y", "x"]),
    kind=st.sampled_from(["recurring", "first_time"]),
    cumulative=st.booleans(),
    window=st.sampled_from(["calendar", "24h"]),
    min_occ=st.sampled_from([1, 2]),
    lo=RANGE,
    hi=st.integers(0, 40),
)
def test_retention_matches_the_reference(
    raw, period, tz, week_start, start, ret, kind, cumulative, window, min_occ, lo, hi
):
    data = _events(raw)
    if period == "hour":
        data = [e for e in data if e[3] < START + dt.timedelta(days=2)] or data[:1]  # keep hour grids small
    date_from, date_to = _range(data, lo, hi, tz)
    params = dict(
        period=period,
        tz=tz,
        week_start=week_start,
        start_event=start,
        return_event=ret,
        retention_type=kind,
        cumulative=cumulative,
        window=window,
        min_occurrences=min_occ,
    )
    expected = reference.ref_retention(data, date_from=date_from, date_to=date_to, **params)
    rows = _run(
        data,
        "retention",
        range_from=f"DATE '{date_from}'" if date_from else None,
        range_to=f"DATE '{date_to}'" if date_to else None,
        **params,
    )
    assert {(c, k): (size, kept) for c, k, size, kept, _ in rows} == expected


@PROPERTY
@given(
    raw=events_strategy,
    period=st.sampled_from(["day", "week", "month"]),
    tz=st.sampled_from(ZONES),
    week_start=st.sampled_from(["monday", "sunday"]),
    event=st.sampled_from([None, "x"]),
    count=st.sampled_from([1, 2, 3]),
    cumulative=st.booleans(),
    criteria=st.sampled_from([("gte", 1), ("gte", 2), ("lte", 1), ("exact", 2)]),
    lo=RANGE,
    hi=st.integers(0, 40),
)
def test_stickiness_matches_the_reference(raw, period, tz, week_start, event, count, cumulative, criteria, lo, hi):
    data = _events(raw)
    if not [e for e in data if reference._matches(e, event)]:
        return
    date_from, date_to = _range(data, lo, hi, tz)
    params = dict(period=period, tz=tz, week_start=week_start, event=event, interval_count=count, cumulative=cumulative)
    expected = reference.ref_stickiness(
        data, date_from=date_from, date_to=date_to, criteria=criteria[0], criteria_n=criteria[1], **params
    )
    rows = _run(
        data,
        "stickiness_distribution",
        range_from=f"DATE '{date_from}'" if date_from else None,
        range_to=f"DATE '{date_to}'" if date_to else None,
        criteria=criteria[0],
        criteria_n=criteria[1],
        **params,
    )
    assert dict(rows) == expected


@PROPERTY
@given(
    raw=events_strategy,
    period=st.sampled_from(["day", "week", "month"]),
    tz=st.sampled_from(ZONES),
    week_start=st.sampled_from(["monday", "sunday"]),
    event=st.sampled_from([None, "x"]),
    lo=RANGE,
    hi=st.integers(0, 40),
)
def test_lifecycle_matches_the_reference(raw, period, tz, week_start, event, lo, hi):
    data = _events(raw)
    if not [e for e in data if reference._matches(e, event)]:
        return
    date_from, date_to = _range(data, lo, hi, tz)
    params = dict(period=period, tz=tz, week_start=week_start, event=event)
    expected = reference.ref_lifecycle(data, date_from=date_from, date_to=date_to, **params)
    rows = _run(
        data,
        "lifecycle",
        "created",
        range_from=f"DATE '{date_from}'" if date_from else None,
        range_to=f"DATE '{date_to}'" if date_to else None,
        **params,
    )
    assert {(p, s): n for p, s, n in rows} == expected


def _serving(events) -> duckdb.DuckDBPyConnection:
    """An in-memory stand-in for the serving copy: fct_events and dim_actors of the events."""
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE fct_events (person_id VARCHAR, account_id VARCHAR, event_name VARCHAR, "
        "is_activity BOOLEAN, event_at TIMESTAMP)"
    )
    con.executemany("INSERT INTO fct_events VALUES (?, NULL, ?, ?, ?)", events)
    con.execute(
        "CREATE TABLE dim_actors AS SELECT 'user' AS unit, person_id AS actor_id, min(event_at) AS created_at "
        "FROM fct_events GROUP BY person_id"
    )
    return con


def _naive(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).replace(tzinfo=None)


COMMAND = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@COMMAND
@given(
    raw=events_strategy,
    period=st.sampled_from(["day", "week"]),
    tz=st.sampled_from(ZONES),
    start=st.sampled_from([None, "x"]),
    kind=st.sampled_from(["recurring", "first_time"]),
    window=st.sampled_from(["calendar", "24h"]),
    lo=st.integers(0, 10),
    hi=st.integers(0, 40),
)
# a first seen ten days before the range: not a first-time cohort of the range, however far back
@example(
    raw=[("a", "x", 0), ("a", "x", 10 * 86400), ("b", "x", 10 * 86400)],
    period="day",
    tz="UTC",
    start=None,
    kind="first_time",
    window="calendar",
    lo=1,
    hi=1,
)
def test_the_commands_read_only_their_range_and_still_match(raw, period, tz, start, kind, window, lo, hi):
    """`prodops retention|stickiness|lifecycle` skip events before their range (and, for
    lifecycle, the period before it): the answers stay the reference's."""
    data = _events(raw)
    date_from, date_to = _range(data, lo, hi, tz)
    con = _serving(data)
    scope, rng = insights.Scope(tz=tz), insights.Range(date_from=date_from, date_to=date_to)
    common = dict(period=period, tz=tz, week_start="monday", date_from=date_from, date_to=date_to)
    got = insights.retention(con, scope, rng, period=period, start_event=start, retention_type=kind, window=window)
    expected = reference.ref_retention(
        data,
        start_event=start,
        return_event=None,
        retention_type=kind,
        cumulative=False,
        window=window,
        min_occurrences=1,
        **common,
    )
    assert {(_naive(c), k): (size, kept) for c, k, size, kept, _ in got.rows} == expected
    if [e for e in data if e[2]]:
        got = insights.stickiness(con, scope, rng, period=period)
        expected = reference.ref_stickiness(
            data, event=None, interval_count=1, cumulative=False, criteria="gte", criteria_n=1, **common
        )
        assert dict(got.rows) == expected
        got = insights.lifecycle(con, scope, rng, period=period)
        assert {(_naive(p), s): n for p, s, n in got.rows} == reference.ref_lifecycle(data, event=None, **common)
