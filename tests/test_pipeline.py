"""End to end on the tiny workspace: Dagster job -> warehouse -> serving, numbers by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import query

D = dt.date


@pytest.fixture(scope="module")
def serving(tiny):
    settings, outcome = tiny
    assert outcome.success, outcome.failures
    return settings.serving_db


def test_row_accounting_in_the_ledger(tiny):
    settings, _ = tiny
    rows = query(
        settings.warehouse,
        "SELECT kind, rows_read, rows_loaded, rows_quarantined, rows_duplicate FROM raw.load_ledger ORDER BY kind",
    )
    # 11 lines: 8 good, line 9 is not JSON, line 10 repeats e3, line 11 has no usable timestamp
    assert rows == [("accounts", 2, 2, 0, 0), ("events", 11, 8, 2, 1)]
    reasons = query(settings.warehouse, "SELECT line, reason FROM raw.quarantine ORDER BY line")
    assert reasons == [
        (9, "line is not valid JSON"),
        (11, "field 'timestamp': cannot read 'yesterday' as a timestamp"),
    ]


def test_offset_timestamps_are_stored_in_utc(tiny):
    settings, _ = tiny
    assert query(settings.warehouse, "SELECT timestamp FROM raw.events WHERE event_id = 'e8'") == [
        (dt.datetime(2026, 1, 20, 13, 0),)
    ]


def test_daily_active_users_by_hand(serving):
    rows = dict(
        (r[0], r[1:])
        for r in query(serving, "SELECT metric_date, dau, wau, mau FROM fct_daily_active WHERE unit = 'user'")
    )
    assert min(rows) == D(2026, 1, 5) and max(rows) == D(2026, 1, 20) and len(rows) == 16
    # u3's anonymous page view on Jan 12 counts for u3 (identified the same day)
    assert rows[D(2026, 1, 5)] == (2, 2, 2)
    assert rows[D(2026, 1, 8)] == (0, 2, 2)  # a day with nobody active is present, zero
    assert rows[D(2026, 1, 12)] == (1, 2, 3)
    assert rows[D(2026, 1, 20)] == (1, 2, 3)
    ratio = query(
        serving, "SELECT dau_mau, dau_wau FROM fct_daily_active WHERE unit='user' AND metric_date='2026-01-20'"
    )
    assert ratio == [(pytest.approx(1 / 3), pytest.approx(1 / 2))]


def test_daily_active_accounts_by_hand(serving):
    rows = query(
        serving,
        "SELECT metric_date, dau, mau FROM fct_daily_active WHERE unit = 'account' AND dau > 0 ORDER BY metric_date",
    )
    # a1: Jan 5, 6, 13, 20 · a2 (u3, also the anonymous event): Jan 12, 14
    assert rows == [
        (D(2026, 1, 5), 1, 1),
        (D(2026, 1, 6), 1, 1),
        (D(2026, 1, 12), 1, 2),
        (D(2026, 1, 13), 1, 2),
        (D(2026, 1, 14), 1, 2),
        (D(2026, 1, 20), 1, 2),
    ]


def test_weekly_user_retention_by_hand(serving):
    rows = query(
        serving,
        """SELECT is_cumulative, cohort_start, interval_index, cohort_size, retained
        FROM fct_retention_cohorts WHERE unit = 'user' AND period = 'week'
        ORDER BY is_cumulative, cohort_start, interval_index""",
    )
    w1, w2 = D(2026, 1, 5), D(2026, 1, 12)
    assert rows == [
        (False, w1, 0, 2, 2),
        (False, w1, 1, 2, 1),
        (False, w1, 2, 2, 1),
        (False, w2, 0, 1, 1),
        (False, w2, 1, 1, 0),
        (True, w1, 0, 2, 2),
        (True, w1, 1, 2, 2),
        (True, w1, 2, 2, 1),
        (True, w2, 0, 1, 1),
        (True, w2, 1, 1, 0),
    ]


def test_feature_adoption_by_hand(serving):
    rows = query(
        serving,
        """SELECT window_days, feature, adopters, active_actors, adoption_rate
        FROM fct_feature_adoption WHERE unit = 'user' AND window_days IN (7, 30) ORDER BY 1, 2""",
    )
    assert rows == [
        (7, "dashboard_viewed", 1, 2, 0.5),
        (7, "report_created", 1, 2, 0.5),
        (30, "dashboard_viewed", 3, 3, 1.0),
        (30, "page_viewed", 1, 3, pytest.approx(1 / 3)),
        (30, "report_created", 2, 3, pytest.approx(2 / 3)),
    ]


def test_feature_usage_is_zero_filled(serving):
    rows = query(serving, "SELECT count(*), sum(events), sum(users) FROM fct_feature_usage_daily")
    # 3 features x 16 days; 7 activity events (identify is not activity)
    assert rows == [(48, 7, 7)]


def test_absent_kinds_give_empty_tables_not_failures(serving):
    assert query(serving, "SELECT count(*) FROM rpt_quarantine_summary") == [(2,)]
    assert query(serving, "SELECT run_id IS NOT NULL FROM publish_info") == [(True,)]
