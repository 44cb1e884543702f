"""Stripe Dashboard exports as canonical rows: subscriptions become subscription periods.

A Stripe subscriptions CSV holds one row per subscription in its current state (trial,
price, quantity, cancellation). Each row becomes one canonical subscription period:

- the paid period starts when the trial ends (``Trial End (UTC)``), else at ``Start Date (UTC)``;
  a subscription that ended before its trial did, or never completed its first payment
  (``incomplete``, ``incomplete_expired``), becomes a zero-amount period (it adds no MRR);
- it ends at ``Ended At (UTC)``, else ``Cancel At (UTC)``, else, when cancelled at period end,
  at ``Current Period End (UTC)``; still running otherwise;
- ``Interval`` with ``Interval Count`` 3 (months) is a quarter and 12 a year; other counts
  divide the amount (two weeks at 100 = 50 a week, the same MRR);
- a coupon with ``Percent Off`` (or ``Amount Off``, turned into a percent of the line) is a
  recurring discount unless its ``Coupon Duration`` is ``once``.

An invoices CSV maps column by column. Values stay text: typing and validation are the same
SQL as for every other file (``ingest/validate.py``), so a bad value is quarantined with the
canonical field's name.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ingest.formats.layout import Layout
from ingest.kinds import KindSpec
from ingest.readers import ReadError

STRIPE = "stripe"
_SUBSCRIPTION_HEADERS = {"id", "Customer ID", "Status", "Interval", "Amount", "Current Period End (UTC)"}
_INVOICE_HEADERS = {"id", "Status", "Amount Due", "Date (UTC)"}
_TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")
_NEVER_PAID = ("incomplete", "incomplete_expired")


class StripeLayout(Layout):
    """A Stripe Dashboard CSV: turned into canonical text columns, then typed like any CSV."""

    def __init__(self) -> None:
        super().__init__("csv", STRIPE)

    def prepare(self, frame: pl.DataFrame, spec: KindSpec, path: Path) -> pl.DataFrame:
        return to_canonical(frame, spec.name, path)


LAYOUT = StripeLayout()


def sniff_stripe(path: Path) -> bool:
    """Whether a CSV's header is a Stripe Dashboard export's."""
    try:
        return stripe_kind(pl.read_csv(path, n_rows=0, infer_schema=False).columns) is not None
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError):
        return False  # the reader reports an unreadable file with its own message


def stripe_kind(columns: list[str]) -> str | None:
    """``subscriptions`` or ``invoices`` when the header is a Stripe Dashboard export's, else None."""
    present = set(columns)
    if present >= _SUBSCRIPTION_HEADERS:
        return "subscriptions"
    if present >= _INVOICE_HEADERS and present & {"Customer", "Customer ID"}:
        return "invoices"
    return None


def to_canonical(frame: pl.DataFrame, kind: str, path: Path) -> pl.DataFrame:
    """The export's rows as canonical text columns (plus ``_line`` and ``_raw``) for ``kind``."""
    found = stripe_kind(frame.columns)
    if found is None:
        expected = _SUBSCRIPTION_HEADERS if kind == "subscriptions" else _INVOICE_HEADERS
        raise ReadError(f"{path}: not a Stripe {kind} export (expected columns {', '.join(sorted(expected))})")
    if found != kind:
        raise ReadError(f"{path}: a Stripe {found} export cannot be loaded as {kind}; use --kind {found}")
    canonical = _subscriptions(frame) if kind == "subscriptions" else _invoices(frame)
    return frame.select("_line", "_raw", "_problem", *canonical)


def _text(frame: pl.DataFrame, *names: str) -> pl.Expr:
    """The first of ``names`` the export has, blank as null; null when it has none."""
    for name in names:
        if name in frame.columns:
            return pl.col(name).str.strip_chars().replace("", None)
    return pl.lit(None, dtype=pl.String)


def _number(frame: pl.DataFrame, *names: str) -> pl.Expr:
    return _text(frame, *names).str.replace_all(",", "").cast(pl.Float64, strict=False)


def _timestamp(text: pl.Expr) -> pl.Expr:
    return pl.coalesce([text.str.to_datetime(f, strict=False) for f in _TIMESTAMP_FORMATS])


def _date_or_text(text: pl.Expr, when: pl.Expr) -> pl.Expr:
    """The UTC date of ``when``; the original text if it does not parse (validation reports it)."""
    return pl.when(when.is_not_null()).then(when.dt.date().cast(pl.String)).otherwise(text)


def _subscriptions(frame: pl.DataFrame) -> list[pl.Expr]:
    status = _text(frame, "Status").str.to_lowercase()
    start_text = _text(frame, "Start Date (UTC)", "Start (UTC)", "Created (UTC)")
    start, trial_end = _timestamp(start_text), _timestamp(_text(frame, "Trial End (UTC)"))
    at_period_end = _text(frame, "Cancel At Period End").str.to_lowercase().is_in(["true", "1", "yes"])
    end_text = pl.coalesce(
        _text(frame, "Ended At (UTC)"),
        _text(frame, "Cancel At (UTC)"),
        pl.when(at_period_end).then(_text(frame, "Current Period End (UTC)")),
        pl.when(status == "canceled").then(_text(frame, "Canceled At (UTC)")),
    )
    end = _timestamp(end_text)
    never_paid = status.is_in(_NEVER_PAID) | (trial_end.is_not_null() & end.is_not_null() & (end <= trial_end))
    paid_from = pl.when(~never_paid & (trial_end > start)).then(trial_end).otherwise(start)
    interval = _text(frame, "Interval").str.to_lowercase()
    count = _number(frame, "Interval Count").fill_null(1.0)
    named = (
        pl.when((interval == "month") & (count == 3))
        .then(pl.lit("quarter"))
        .when((interval == "month") & (count == 12))
        .then(pl.lit("year"))
        .otherwise(interval)
    )
    per_named = pl.when(named == interval).then(count).otherwise(1.0)
    amount, quantity = _number(frame, "Amount"), _number(frame, "Quantity").fill_null(1.0)
    return [
        _text(frame, "id").alias("subscription_id"),
        _text(frame, "Customer ID").alias("customer_id"),
        _text(frame, "Plan", "Plan Name", "Product").alias("plan"),
        _date_or_text(start_text, paid_from).alias("start_date"),
        _date_or_text(end_text, end).alias("end_date"),
        pl.when(never_paid)
        .then(pl.lit("0"))
        .when(amount.is_not_null())
        .then((amount / per_named).cast(pl.String))
        .otherwise(_text(frame, "Amount"))
        .alias("amount"),
        named.alias("interval"),
        _text(frame, "Currency").str.to_uppercase().alias("currency"),
        _discount(frame, amount * quantity).cast(pl.String).alias("discount"),
        pl.coalesce(_text(frame, "Quantity"), pl.lit("1")).alias("quantity"),
    ]


def _discount(frame: pl.DataFrame, line_total: pl.Expr) -> pl.Expr:
    """A recurring coupon as a percent of the line; one-time coupons are not MRR."""
    percent = _number(frame, "Percent Off", "Coupon Percent Off", "Discount Percent")
    amount_off = _number(frame, "Amount Off", "Coupon Amount Off")
    from_amount = pl.when(line_total > 0).then(100 * amount_off / line_total)
    recurring = _text(frame, "Coupon Duration").str.to_lowercase().fill_null("forever") != "once"
    return pl.when(recurring).then(pl.coalesce(percent, from_amount))


def _invoices(frame: pl.DataFrame) -> list[pl.Expr]:
    return [
        _text(frame, "id").alias("invoice_id"),
        _text(frame, "Customer ID", "Customer").alias("customer_id"),
        _text(frame, "Subscription").alias("subscription_id"),
        _text(frame, "Status").str.to_lowercase().alias("status"),
        _text(frame, "Date (UTC)", "Created (UTC)").alias("invoiced_at"),
        _text(frame, "Due Date (UTC)").alias("due_at"),
        _text(frame, "Amount Due").str.replace_all(",", "").alias("amount_due"),
        _text(frame, "Amount Paid").str.replace_all(",", "").alias("amount_paid"),
        _text(frame, "Currency").str.to_uppercase().alias("currency"),
    ]
