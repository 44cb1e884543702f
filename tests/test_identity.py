"""Identity stitching end to end, from a Segment export: numbers by hand.

u9 browses anonymously (anon-9) on Mon Jan 5 and Tue Jan 6, is identified on Jan 6 and comes
back on Jan 13. u7 joins account acc-A (group call) on Jan 5, moves to acc-B on Jan 14 and is
active on Jan 15. Every day is UTC (the report timezone).
"""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest

from orchestration.runner import prepare_instance, run_pipeline
from settings import load_settings
from tests.conftest import query
from tests.workspaces import write_csv, write_jsonl

D, T = dt.date, dt.datetime


def _call(message_id: str, kind: str, ts: str, **fields) -> dict:
    return {"messageId": message_id, "type": kind, "timestamp": ts, **fields}


CALLS = [
    _call("m1", "page", "2026-01-05T09:00:00Z", anonymousId="anon-9", name="Home"),
    _call("m2", "group", "2026-01-05T08:00:00Z", userId="u7", groupId="acc-A", traits={"created_at": "2024-06-01"}),
    _call("m3", "track", "2026-01-05T12:00:00Z", userId="u7", event="dashboard_viewed"),
    _call("m4", "track", "2026-01-06T09:00:00Z", anonymousId="anon-9", event="report_created"),
    _call(
        "m5",
        "identify",
        "2026-01-06T10:00:00Z",
        userId="u9",
        anonymousId="anon-9",
        traits={"email": "u9@example.com", "createdAt": "2025-12-01T00:00:00Z"},
    ),
    _call("m6", "track", "2026-01-06T11:00:00Z", userId="u9", event="report_created"),
    _call("m7", "track", "2026-01-13T09:00:00Z", userId="u9", event="dashboard_viewed"),
    _call("m8", "group", "2026-01-14T08:00:00Z", userId="u7", groupId="acc-B"),
    _call("m9", "track", "2026-01-15T12:00:00Z", userId="u7", event="dashboard_viewed"),
]


@pytest.fixture(scope="module")
def stitched(tmp_path_factory):
    settings = load_settings(tmp_path_factory.mktemp("identity"))
    write_jsonl(settings.inbox_dir("events") / "segment" / "calls.jsonl", CALLS)
    write_csv(
        settings.inbox_dir("accounts") / "accounts.csv",
        ["account_id", "name", "created_at"],
        [["acc-B", "Beta", "2025-03-01T00:00:00Z"], ["acc-C", "Gamma", "2025-04-01T00:00:00Z"]],
    )
    outcome = run_pipeline(settings)
    assert outcome.success, outcome.failures
    return settings


def test_anonymous_activity_counts_for_the_person_it_was_identified_as(stitched):
    rows = {
        r[0]: r[1:]
        for r in query(
            stitched.serving_db, "SELECT metric_date, dau, wau, mau FROM fct_daily_active WHERE unit = 'user'"
        )
    }
    # Jan 5: anon-9 (= u9) and u7; Jan 6: u9 anonymous and identified is one person
    assert rows[D(2026, 1, 5)] == (2, 2, 2)
    assert rows[D(2026, 1, 6)] == (1, 2, 2)
    assert rows[D(2026, 1, 13)] == (1, 1, 2)
    assert rows[D(2026, 1, 15)] == (1, 2, 2)
    persons = query(stitched.warehouse, "SELECT DISTINCT person_id FROM intermediate.int_events ORDER BY 1")
    assert persons == [("u7",), ("u9",)]


def test_retention_cohort_holds_the_stitched_person_once(stitched):
    rows = query(
        stitched.serving_db,
        """SELECT cohort_start, interval_index, cohort_size, retained FROM fct_retention_cohorts
        WHERE unit = 'user' AND period = 'week' AND NOT is_cumulative ORDER BY 1, 2""",
    )
    assert rows == [(D(2026, 1, 5), 0, 2, 2), (D(2026, 1, 5), 1, 2, 2)]


def test_a_user_who_moves_accounts_counts_for_each_account_in_its_time(stitched):
    days = query(
        stitched.warehouse,
        "SELECT actor_id, activity_date FROM intermediate.int_actor_days WHERE unit = 'account' ORDER BY 2",
    )
    assert days == [("acc-A", D(2026, 1, 5)), ("acc-B", D(2026, 1, 15))]
    memberships = query(
        stitched.warehouse,
        "SELECT user_id, account_id, valid_from, valid_to FROM intermediate.int_user_accounts ORDER BY started_at",
    )
    assert memberships == [("u7", "acc-A", None, T(2026, 1, 14, 8)), ("u7", "acc-B", T(2026, 1, 14, 8), None)]


def test_created_at_comes_from_traits_else_the_first_event(stitched):
    rows = query(
        stitched.warehouse, "SELECT unit, actor_id, created_at FROM intermediate.int_actor_created ORDER BY 1, 2"
    )
    assert rows == [
        ("account", "acc-A", T(2024, 6, 1)),  # group traits
        ("account", "acc-B", T(2025, 3, 1)),  # the accounts export
        ("account", "acc-C", T(2025, 4, 1)),  # the accounts export, no events
        ("user", "u7", T(2026, 1, 5, 8)),  # no trait: the first event (the group call)
        ("user", "u9", T(2025, 12, 1)),  # identify trait createdAt
    ]


def test_raw_asset_metadata_names_the_detected_format(stitched):
    with prepare_instance(stitched) as instance:
        event = instance.get_latest_materialization_event(dg.AssetKey(["raw", "events"]))
    formats = event.asset_materialization.metadata["formats"].value
    assert formats == {"segment": {"files": 1, "read": 9, "loaded": 9, "quarantined": 0, "duplicate": 0}}
