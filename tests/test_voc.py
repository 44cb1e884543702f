"""NPS, feedback, revenue and account health end to end on a hand-made workspace.

tests/workspaces.py:voc_workspace describes the data; every expected number below is worked
out by hand from it in the comments.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from tests.conftest import query
from tests.test_cli import prodops

D = dt.date


def _nps(voc, *args: str) -> list[dict]:
    done = prodops("nps", "--home", str(voc.home), "--format", "json", *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _row(start: str | None, n: int, promoters: int, passives: int, detractors: int, nps: float | None) -> dict:
    row = {"respondents": n, "promoters": promoters, "passives": passives, "detractors": detractors, "nps": nps}
    return row if start is None else {"period_start": start, **row}


def test_monthly_nps_latest_answer_per_respondent(voc):
    # January: r1's latest is 4 (not 10), r2 8, the anonymous answer 9: 1 P, 1 Pa, 1 D -> 0.
    # February: nobody answered -> 0 respondents and NPS null, not 0.
    # March: r3 9, r2 10, r4 9 -> 3 promoters -> 100.
    assert _nps(voc, "--period", "month") == [
        _row("2026-01-01", 3, 1, 1, 1, 0.0),
        _row("2026-02-01", 0, 0, 0, 0, None),
        _row("2026-03-01", 3, 3, 0, 0, 100.0),
    ]


def test_dedup_first_and_all(voc):
    # first: r1 counts with 10 -> January 10, 8, 9: 2 P, 1 Pa -> 66.67
    first = _nps(voc, "--period", "month", "--dedup", "first")
    assert first[0] == _row("2026-01-01", 3, 2, 1, 0, pytest.approx(200 / 3))
    # all: 10, 4, 8, 9 -> 2 P, 1 Pa, 1 D -> 25
    assert _nps(voc, "--period", "month", "--dedup", "all")[0] == _row("2026-01-01", 4, 2, 1, 1, 25.0)


def test_nps_by_an_extra_column_of_the_export(voc):
    # all time, each respondent's latest answer: r1 4 (in_app), r2 10 (in_app), anonymous 9 (in_app),
    # r3 9 (email), r4 9 (email)
    assert _nps(voc, "--by", "channel", "--period", "all") == [
        {"channel": "email", **_row(None, 2, 2, 0, 0, 100.0)},
        {"channel": "in_app", **_row(None, 3, 2, 0, 1, pytest.approx(100 / 3))},
    ]


def test_account_nps_weighted_and_mean(voc):
    # a1: r1 4, r2 10 -> 0 (2 respondents); a2: 9, 9, 9 -> 100 (3 respondents)
    rows = query(
        voc.serving_db,
        "SELECT accounts, respondents, nps_respondent_weighted, nps_account_mean FROM fct_nps_accounts "
        "WHERE period = 'all'",
    )
    assert rows == [(2, 5, 60.0, 50.0)]


def test_mrr_from_stripe_exports(voc):
    # a1: 100 a month from Jan 5. a2: 1200 a year = 100 a month, paid from Jan 24 (trial), ended Mar 18.
    # a3: cancelled during its trial: never in the table. March is measured on Mar 20 (last day with data).
    rows = query(
        voc.serving_db,
        "SELECT customer_id, month_start, mrr, movement FROM fct_mrr_customers ORDER BY customer_id, month_start",
    )
    hundred, zero = Decimal("100"), Decimal("0")
    assert rows == [
        ("a1", D(2026, 1, 1), hundred, "new"),
        ("a1", D(2026, 2, 1), hundred, "unchanged"),
        ("a1", D(2026, 3, 1), hundred, "unchanged"),
        ("a2", D(2026, 1, 1), hundred, "new"),
        ("a2", D(2026, 2, 1), hundred, "unchanged"),
        ("a2", D(2026, 3, 1), zero, "churn"),
    ]
    retention = query(
        voc.serving_db,
        "SELECT month_start, logo_churn_rate, grr, nrr FROM fct_revenue_retention ORDER BY month_start",
    )
    assert retention == [
        (D(2026, 1, 1), None, None, None),
        (D(2026, 2, 1), 0.0, 1.0, 1.0),
        (D(2026, 3, 1), 0.5, 0.5, 0.5),  # (200 - 100) / 200
    ]


def test_account_health_by_hand(voc):
    rows = query(
        voc.serving_db,
        """SELECT account_id, week_start, usage_score, adoption_score, nps_score, billing_score, feedback_score,
        health_score, band, is_partial, is_at_risk FROM fct_account_health
        WHERE week_start >= DATE '2026-03-09' ORDER BY account_id, week_start""",
    )
    assert rows == [
        # u1 daily, u2 in the last 30 days: DAU/MAU 1/2; 2 of 4 core events; NPS (4 -> -100, 10 -> 100) = 0 -> 50;
        # MRR flat; one open bug -> 75.  (50x40 + 50x20 + 50x15 + 100x15 + 75x10) / 100 = 60
        ("a1", D(2026, 3, 9), 50.0, 50.0, 50.0, 100, 75, 60.0, "yellow", False, False),
        # the invoice due Mar 15 is still open: billing 100 - 50 = 50 -> 52.5
        ("a1", D(2026, 3, 16), 50.0, 50.0, 50.0, 50, 75, 52.5, "yellow", False, False),
        # u3 active 5 of 7 days (DAU/MAU 1 or 0): usage 500/7; 3 of 4 core events; NPS 100 -> 100;
        # (500/7 x 40 + 75x20 + 100x15 + 100x15 + 100x10) / 100 = 83.57 -> green
        ("a2", D(2026, 3, 9), pytest.approx(500 / 7), 75.0, 100.0, 100, 100, pytest.approx(83.5714, abs=1e-4), "green",
         False, False),
        # inactive, MRR 0 since Mar 18: (0 + 1500 + 1500 + 0 + 1000) / 100 = 40 -> red, fell from green
        ("a2", D(2026, 3, 16), 0.0, 75.0, 100.0, 0, 100, 40.0, "red", False, True),
    ]  # fmt: skip
    at_risk = query(voc.serving_db, "SELECT account_id, account_name, reason FROM rpt_accounts_at_risk")
    assert [(a, r) for a, _, r in at_risk] == [("a2", "red, fell from green")]
    assert at_risk[0][1] != "Globex"  # names never reach the serving copy in clear


def test_feedback_next_to_feature_adoption(voc):
    # 30-day adoption as of Mar 20: report_created by u2 and u3 of the 3 active users
    rows = query(
        voc.serving_db,
        """SELECT feature, feedback_type, items, feature_adopters_30d, feature_adoption_rate_30d
        FROM fct_feedback_volume WHERE period = 'month' ORDER BY feature""",
    )
    assert rows == [
        ("dashboard_viewed", "praise", 1, 2, pytest.approx(2 / 3)),
        ("report_created", "bug", 1, 2, pytest.approx(2 / 3)),
        ("report_shared", "request", 1, 1, pytest.approx(1 / 3)),
    ]


def test_summary_shows_nps_revenue_and_health(voc):
    done = prodops("summary", "--home", str(voc.home))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "NPS                quarter of 2026-01-01 +60.0 (n=5: 4 promoters, 0 passives, 1 detractors)" in lines
    assert "MRR                100.00 USD on 2026-03-20 · ARR 1,200.00 · 1 paying · ARPA 100.00" in lines
    assert (
        "MRR movements      2026-03: new +0.00 · expansion +0.00 · contraction +0.00 · churn -100.00 · "
        "reactivation +0.00 (net -100.00)"
    ) in lines
    assert "Revenue retention  2026-03: GRR 50.0% · NRR 50.0% · logo churn 50.0%" in lines
    assert (
        "Account health     week of 2026-03-16: 0 green · 1 yellow · 1 red (0 partial); 1 at risk "
        "(see rpt_accounts_at_risk)"
    ) in lines


def test_nps_errors_are_one_line(voc):
    done = prodops("nps", "--home", str(voc.home), "--by", "plan;drop")
    assert done.returncode == 2 and "is not a dimension name" in done.stderr


def test_nps_explains_itself():
    done = prodops("nps", "--help")
    assert done.returncode == 0 and all(flag in done.stdout for flag in ("--by", "--period", "--dedup", "--home"))
