"""The next nights' exports restate changing records: the latest version counts.

A copy of the hand-made voc workspace (tests/workspaces.py) after its first run. The second night's exports
restate every record with invoice in_2 (due Mar 15) paid and bug f1 fixed; the third night's
with sub_a1 cancelled on Mar 10. The other rows are exact duplicates, and a file equal to one
loaded before is skipped. On the third night only the cancellation reaches the week of Mar 9
(the events' look-back starts on Mar 17), so account health must find it. Every expected
number is worked out by hand below (weights: usage 40, adoption 20, NPS 15, billing 15,
feedback 10).
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal

import pytest

from orchestration.runner import run_pipeline
from settings import load_settings
from tests.conftest import query
from tests.workspaces import VOC_FEEDBACK, VOC_INVOICES, VOC_SUBSCRIPTIONS, write_voc_snapshots

D = dt.date


@pytest.fixture(scope="module")
def restated(voc, tmp_path_factory):
    settings = load_settings(shutil.copytree(voc.home, tmp_path_factory.mktemp("restated") / "ws"))
    paid = {"in_2": [*VOC_INVOICES["in_2"][:3], "paid", *VOC_INVOICES["in_2"][4:7], "100.00", "usd"]}
    fixed = {"f1": [*VOC_FEEDBACK["f1"][:5], '{"status": "fixed"}']}
    cancelled = {"sub_a1": {**VOC_SUBSCRIPTIONS["sub_a1"], "Status": "canceled", "Ended At (UTC)": "2026-03-10 12:00"}}
    for night, restatements in (("_night2", {}), ("_night3", {"subscriptions": cancelled})):
        write_voc_snapshots(settings, night, invoices=paid, feedback=fixed, **restatements)
        outcome = run_pipeline(settings)
        assert outcome.success, outcome.failures
    return settings


def test_restated_rows_load_and_equal_rows_are_duplicates(restated):
    rows = query(
        restated.serving_db,
        "SELECT regexp_extract(file_path, '[a-z_]+_night[0-9]', 0), rows_read, rows_loaded, rows_quarantined, "
        "rows_duplicate FROM rpt_load_ledger WHERE file_path LIKE '%_night%' ORDER BY 1",
    )
    assert rows == [
        ("feedback_night2", 3, 1, 0, 2),
        ("stripe_invoices_night2", 3, 1, 0, 2),
        ("stripe_subscriptions_night3", 3, 1, 0, 2),
    ]


def test_a_cancelled_subscription_stops_its_mrr(restated):
    # a1 paid 100 a month from Jan 5 and now ended Mar 10: March (measured on Mar 20) is churn.
    rows = query(
        restated.serving_db,
        "SELECT month_start, mrr, movement FROM fct_mrr_customers WHERE customer_id = 'a1' ORDER BY month_start",
    )
    assert rows == [
        (D(2026, 1, 1), Decimal("100"), "new"),
        (D(2026, 2, 1), Decimal("100"), "unchanged"),
        (D(2026, 3, 1), Decimal("0"), "churn"),
    ]
    # both customers (200) churned in March
    march = query(
        restated.serving_db,
        "SELECT logo_churn_rate, grr, nrr FROM fct_revenue_retention WHERE month_start = DATE '2026-03-01'",
    )
    assert march == [(1.0, 0.0, 0.0)]


def test_health_takes_the_paid_invoice_the_fixed_bug_and_the_cancellation(restated):
    rows = query(
        restated.serving_db,
        """SELECT week_start, billing_score, feedback_score, health_score, band, previous_band, is_at_risk
        FROM fct_account_health WHERE account_id = 'a1' AND week_start >= DATE '2026-03-02' ORDER BY week_start""",
    )
    assert rows == [
        # MRR 100 on Mar 8 and Feb 8, nothing overdue; f1 (Mar 10) not yet in the window; usage, adoption
        # and NPS 50 as in tests/test_voc.py: (50x40 + 50x20 + 50x15 + 100x15 + 100x10) / 100 = 62.5.
        # The week before (Feb 23, one day: Mar 1) was green: u1 and u2 active (usage 100), NPS of
        # r1's 4 and r2's 8 = -50 -> 25: (4000 + 1000 + 375 + 1500 + 1000) / 100 = 78.75
        (D(2026, 3, 2), 100, 100, 62.5, "yellow", "green", True),
        # MRR 0 from Mar 10 and in_2 paid: billing 0 (not 0 - 50); f1 fixed: feedback 100;
        # (2000 + 1000 + 750 + 0 + 1000) / 100 = 47.5, red, fell from yellow
        (D(2026, 3, 9), 0, 100, 47.5, "red", "yellow", True),
        (D(2026, 3, 16), 0, 100, 47.5, "red", "red", True),
    ]
