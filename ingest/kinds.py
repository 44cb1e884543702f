"""The canonical layout of every input kind: columns, types and row rules.

One declaration per kind drives the reader, the typing SQL, the quarantine reasons and
the raw table's DDL, so adding a column is a one-line change.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """A canonical field: its SQL type and whether a row without it is quarantined."""

    name: str
    sql_type: str = "VARCHAR"
    required: bool = False


@dataclass(frozen=True)
class Rule:
    """A row rule: rows for which ``failing_sql`` is true are quarantined with ``reason``.

    Both are SQL over the typed columns; ``reason`` may concatenate values.
    """

    failing_sql: str
    reason: str


@dataclass(frozen=True)
class KindSpec:
    """How one kind of input looks once it is canonical.

    Extra fields a source carries are kept, not dropped: in ``properties`` (events) or
    ``dimensions`` (accounts, nps, feedback, subscriptions), both JSON objects.
    """

    name: str
    columns: tuple[Column, ...]
    key: str | None = None  # the exporter's id; rows without one are keyed by their content
    rules: tuple[Rule, ...] = ()
    content: tuple[str, ...] = ()  # what the content key hashes (default: every column)

    @property
    def content_columns(self) -> tuple[str, ...]:
        """The fields that make two rows without an exporter id the same row."""
        return self.content or self.column_names

    @property
    def extras_column(self) -> str | None:
        """The JSON column that keeps a source's extra fields, if the kind has one."""
        return next((c for c in ("properties", "dimensions") if c in self.column_names), None)

    @property
    def table(self) -> str:
        return f"raw.{self.name}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


_CURRENCY = "currency IS NOT NULL AND NOT regexp_full_match(currency, '[A-Z]{3}')"

SPECS: dict[str, KindSpec] = {
    spec.name: spec
    for spec in (
        KindSpec(
            "events",
            (
                Column("event_id", required=True),
                Column("event_name", required=True),
                Column("timestamp", "TIMESTAMP", required=True),
                Column("user_id"),
                Column("anonymous_id"),
                Column("account_id"),
                Column("session_id"),
                Column("properties", "JSON"),
                Column("traits", "JSON"),
            ),
            key="event_id",
            content=("user_id", "anonymous_id", "event_name", "timestamp", "properties"),
            rules=(
                Rule(
                    "user_id IS NULL AND anonymous_id IS NULL",
                    "'fields ''user_id'' and ''anonymous_id'' are both empty: the event has no actor'",
                ),
            ),
        ),
        KindSpec(
            "accounts",
            (
                Column("account_id", required=True),
                Column("name"),
                Column("plan"),
                Column("segment"),
                Column("country"),
                Column("created_at", "TIMESTAMP"),
                Column("dimensions", "JSON"),
            ),
        ),
        KindSpec(
            "nps",
            (
                Column("response_id"),
                Column("respondent_id"),
                Column("account_id"),
                Column("score", "DOUBLE", required=True),
                Column("responded_at", "TIMESTAMP", required=True),
                Column("survey"),
                Column("comment"),
                Column("dimensions", "JSON"),
            ),
            key="response_id",
            rules=(
                Rule(
                    "score IS NOT NULL AND (score <> floor(score) OR score < 0 OR score > 10)",
                    "'field ''score'': ' || score || ' is not an integer from 0 to 10'",
                ),
            ),
        ),
        KindSpec(
            "feedback",
            (
                Column("feedback_id"),
                Column("user_id"),
                Column("account_id"),
                Column("created_at", "TIMESTAMP", required=True),
                Column("type", required=True),
                Column("feature"),
                Column("title"),
                Column("dimensions", "JSON"),
            ),
            rules=(
                Rule(
                    "\"type\" IS NOT NULL AND lower(\"type\") NOT IN ('request', 'bug', 'praise')",
                    "'field ''type'': ' || \"type\" || ' is not one of request, bug, praise'",
                ),
            ),
        ),
        KindSpec(
            "subscriptions",
            (
                Column("subscription_id", required=True),
                Column("customer_id", required=True),
                Column("plan"),
                Column("start_date", "DATE", required=True),
                Column("end_date", "DATE"),
                Column("amount", "DOUBLE", required=True),
                Column("interval", required=True),
                Column("currency", required=True),
                Column("discount", "DOUBLE"),
                Column("quantity", "DOUBLE"),
                Column("dimensions", "JSON"),
            ),
            rules=(
                Rule("amount < 0", "'field ''amount'': ' || amount || ' is negative'"),
                Rule("quantity < 0", "'field ''quantity'': ' || quantity || ' is negative'"),
                Rule(
                    "lower(\"interval\") NOT IN ('day', 'week', 'month', 'quarter', 'year')",
                    "'field ''interval'': ' || \"interval\" || ' is not one of day, week, month, quarter, year'",
                ),
                Rule(_CURRENCY, "'field ''currency'': ' || currency || ' is not a 3-letter ISO code'"),
                Rule(
                    "discount IS NOT NULL AND (discount < 0 OR discount > 100)",
                    "'field ''discount'': ' || discount || ' is not a percentage from 0 to 100'",
                ),
                Rule(
                    "end_date IS NOT NULL AND end_date < start_date",
                    "'field ''end_date'': ' || end_date || ' is before start_date ' || start_date",
                ),
            ),
        ),
        KindSpec(
            "invoices",
            (
                Column("invoice_id", required=True),
                Column("customer_id", required=True),
                Column("subscription_id"),
                Column("status", required=True),
                Column("invoiced_at", "TIMESTAMP", required=True),
                Column("due_at", "TIMESTAMP"),
                Column("amount_due", "DOUBLE"),
                Column("amount_paid", "DOUBLE"),
                Column("currency", required=True),
            ),
            rules=(
                Rule(
                    "lower(status) NOT IN ('draft', 'open', 'paid', 'void', 'uncollectible')",
                    "'field ''status'': ' || status || ' is not one of draft, open, paid, void, uncollectible'",
                ),
                Rule(_CURRENCY, "'field ''currency'': ' || currency || ' is not a 3-letter ISO code'"),
            ),
        ),
    )
}


def spec_for(kind: str) -> KindSpec:
    """The spec of ``kind``, or a clear error listing the kinds there are."""
    try:
        return SPECS[kind]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(SPECS)}") from None
