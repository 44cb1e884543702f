"""Billing and NPS ingest without Dagster: Stripe exports, currencies, out-of-range scores."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ingest.currency import currency_problem
from ingest.load import ingest_file, ingest_paths
from ingest.readers import ReadError
from ingest.warehouse import connect
from settings import load_settings
from tests.workspaces import STRIPE_SUBSCRIPTION_HEADER, write_csv

D = dt.date


@pytest.fixture
def con(tmp_path: Path):
    with connect(tmp_path / "warehouse.duckdb") as connection:
        yield connection


def _stripe_row(**values: str) -> list[str]:
    return [values.get(column, "") for column in STRIPE_SUBSCRIPTION_HEADER]


STRIPE_ROWS = [
    # 2 seats at 49 a month, 20% off forever
    _stripe_row(id="sub_1", **{"Customer ID": "cus_A", "Plan": "pro", "Quantity": "2", "Currency": "usd"},
                Interval="month", Amount="49.00", Status="active", **{"Start Date (UTC)": "2026-01-03 10:00",
                "Current Period End (UTC)": "2026-03-03 10:00", "Percent Off": "20", "Coupon Duration": "forever"}),
    # every 3 months = a quarter; trial until Jan 24: paid from Jan 24
    _stripe_row(id="sub_2", **{"Customer ID": "cus_B", "Plan": "starter", "Currency": "usd", "Interval Count": "3"},
                Interval="month", Amount="90.00", Status="active", **{"Start Date (UTC)": "2026-01-10 08:00",
                "Current Period End (UTC)": "2026-04-24 08:00", "Trial End (UTC)": "2026-01-24 08:00"}),
    # cancelled during its trial: never paid, a zero-amount period
    _stripe_row(id="sub_3", **{"Customer ID": "cus_C", "Plan": "starter", "Currency": "usd"}, Interval="month",
                Amount="49.00", Status="canceled", **{"Start Date (UTC)": "2026-01-10 08:00",
                "Current Period End (UTC)": "2026-01-24 08:00", "Trial End (UTC)": "2026-01-24 08:00",
                "Canceled At (UTC)": "2026-01-20 08:00", "Ended At (UTC)": "2026-01-20 08:00"}),
    # cancelled at period end: runs until the current period ends; a one-time coupon is not MRR
    _stripe_row(id="sub_4", **{"Customer ID": "cus_D", "Plan": "pro", "Currency": "usd"}, Interval="year",
                Amount="1990.00", Status="active", **{"Start Date (UTC)": "2026-01-05 08:00",
                "Current Period End (UTC)": "2027-01-05 08:00", "Canceled At (UTC)": "2026-02-01 09:00",
                "Cancel At Period End": "true", "Percent Off": "50", "Coupon Duration": "once"}),
    # 2-week billing of 100 = 50 a week; 10 off (amount off) of a 100 line = 10%
    _stripe_row(id="sub_5", **{"Customer ID": "cus_E", "Plan": "team", "Currency": "usd", "Interval Count": "2"},
                Interval="week", Amount="100.00", Status="past_due", **{"Start Date (UTC)": "2026-02-01 00:00",
                "Current Period End (UTC)": "2026-02-15 00:00", "Amount Off": "10"}),
    # an unreadable start date and amount: quarantined, naming the canonical fields
    _stripe_row(id="sub_6", **{"Customer ID": "cus_F", "Plan": "pro", "Currency": "usd"}, Interval="month",
                Amount="abc", Status="active", **{"Start Date (UTC)": "2026-13-05 08:00",
                "Current Period End (UTC)": "2026-02-05 08:00"}),
]  # fmt: skip


def test_stripe_subscriptions_export_becomes_subscription_periods(con, tmp_path):
    path = write_csv(tmp_path / "subscriptions.csv", STRIPE_SUBSCRIPTION_HEADER, STRIPE_ROWS)
    result = ingest_file(con, path, "subscriptions", "r1")
    assert (result.input_format, result.read, result.loaded, result.quarantined) == ("stripe", 6, 5, 1)
    assert result.examples == [
        (
            7,
            "field 'start_date': cannot read '2026-13-05 08:00' as a date; "
            "field 'amount': cannot read 'abc' as a number",
        )
    ]
    rows = con.execute(
        """SELECT subscription_id, customer_id, plan, start_date, end_date, amount, "interval", currency,
        discount, quantity FROM raw.subscriptions ORDER BY subscription_id"""
    ).fetchall()
    assert rows == [
        ("sub_1", "cus_A", "pro", D(2026, 1, 3), None, 49.0, "month", "USD", 20.0, 2.0),
        ("sub_2", "cus_B", "starter", D(2026, 1, 24), None, 90.0, "quarter", "USD", None, 1.0),
        ("sub_3", "cus_C", "starter", D(2026, 1, 10), D(2026, 1, 20), 0.0, "month", "USD", None, 1.0),
        ("sub_4", "cus_D", "pro", D(2026, 1, 5), D(2027, 1, 5), 1990.0, "year", "USD", None, 1.0),
        ("sub_5", "cus_E", "team", D(2026, 2, 1), None, 50.0, "week", "USD", 10.0, 1.0),
    ]


def test_stripe_is_detected_by_header_or_forced(con, tmp_path):
    path = write_csv(tmp_path / "export.csv", STRIPE_SUBSCRIPTION_HEADER, STRIPE_ROWS[:1])
    assert ingest_file(con, path, "subscriptions", "r1", "stripe").loaded == 1
    forced_csv = write_csv(tmp_path / "plain.csv", STRIPE_SUBSCRIPTION_HEADER, STRIPE_ROWS[1:2])
    with pytest.raises(ReadError, match="required column"):  # read as canonical CSV, it lacks canonical columns
        ingest_file(con, forced_csv, "subscriptions", "r2", "csv")


def test_stripe_invoices_export(con, tmp_path):
    header = ["id", "Customer", "Subscription", "Status", "Date (UTC)", "Due Date (UTC)", "Amount Due",
              "Amount Paid", "Currency"]  # fmt: skip
    path = write_csv(
        tmp_path / "invoices.csv",
        header,
        [
            ["in_1", "cus_A", "sub_1", "paid", "2026-01-03 10:00", "2026-01-17 10:00", "78.40", "78.40", "usd"],
            ["in_2", "cus_A", "sub_1", "open", "2026-02-03 10:00", "2026-02-17 10:00", "78.40", "0.00", "usd"],
            ["in_3", "cus_B", "sub_2", "refunded", "2026-02-03 10:00", "", "90.00", "90.00", "usd"],
        ],
    )
    result = ingest_file(con, path, "invoices", "r1")
    assert (result.input_format, result.loaded, result.quarantined) == ("stripe", 2, 1)
    assert result.examples == [(4, "field 'status': refunded is not one of draft, open, paid, void, uncollectible")]
    assert con.execute("SELECT invoice_id, status, due_at, amount_paid FROM raw.invoices ORDER BY 1").fetchall() == [
        ("in_1", "paid", dt.datetime(2026, 1, 17, 10), 78.4),
        ("in_2", "open", dt.datetime(2026, 2, 17, 10), 0.0),
    ]
    with pytest.raises(ReadError, match="a Stripe invoices export cannot be loaded as subscriptions"):
        ingest_file(con, path, "subscriptions", "r2")


def test_nps_scores_outside_0_to_10_are_quarantined(con, tmp_path):
    path = write_csv(
        tmp_path / "nps.csv",
        ["response_id", "respondent_id", "score", "responded_at"],
        [["n1", "r1", "10", "2026-03-02T09:00:00Z"], ["n2", "r2", "11", "2026-03-02T09:00:00Z"],
         ["n3", "r3", "-1", "2026-03-02T09:00:00Z"], ["n4", "r4", "7.5", "2026-03-02T09:00:00Z"],
         ["n5", "r5", "0", "2026-03-02T09:00:00Z"]],
    )  # fmt: skip
    result = ingest_file(con, path, "nps", "r1")
    assert (result.read, result.loaded, result.quarantined) == (5, 2, 3)
    assert result.examples == [
        (3, "field 'score': 11.0 is not an integer from 0 to 10"),
        (4, "field 'score': -1.0 is not an integer from 0 to 10"),
        (5, "field 'score': 7.5 is not an integer from 0 to 10"),
    ]


def _subscriptions(path: Path, *currencies: str) -> Path:
    header = ["subscription_id", "customer_id", "start_date", "amount", "interval", "currency"]
    rows = [[f"s{i}", f"c{i}", "2026-01-01", "10", "month", c] for i, c in enumerate(currencies)]
    return write_csv(path, header, rows)


def test_mixed_currencies_need_exchange_rates(tmp_path):
    settings = load_settings(tmp_path)
    files = [_subscriptions(tmp_path / "usd.csv", "USD"), _subscriptions(tmp_path / "eur.csv", "EUR", "GBP")]
    report = ingest_paths(settings, "subscriptions", files, "r1")
    assert report.total("loaded") == 3
    assert report.errors == [
        f"subscriptions mix currencies EUR, GBP, USD and {settings.settings_file} has no exchange rate for EUR, GBP "
        "(reporting_currency: USD); add fx_rates: {EUR: <USD per 1 EUR>, GBP: <USD per 1 GBP>}"
    ]
    settings.settings_file.write_text("fx_rates: {EUR: 1.08, GBP: 1.27}\n")
    with connect(settings.warehouse) as con:
        assert currency_problem(con, load_settings(tmp_path)) is None


def test_one_currency_needs_no_rate(tmp_path):
    settings = load_settings(tmp_path)
    report = ingest_paths(settings, "subscriptions", [_subscriptions(tmp_path / "eur.csv", "EUR", "EUR")], "r1")
    assert report.errors == [] and report.total("loaded") == 2
