"""The catalogue of quality checks: what each one asserts, on which kinds, how severe by default.

A check is one named rule (the Dagster asset check's name) made of one or more GX
expectations over the batch. Row rules that ingest already enforces (a required field, a
parseable value, NPS 0-10, a 3-letter currency) quarantine single rows at load time; the
checks here are the gate on what was loaded, so a batch that slipped past ingest (older
code, a replay, a relaxed setting) or is wrong as a whole (volume, freshness) stops the run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ingest.kinds import SPECS
from quality.currencies import ISO_4217
from settings import SEVERITIES, Settings, SettingsError

# the time column each kind is checked on (subscriptions' end_date may lie in the future)
TIME_COLUMN = {
    "events": "timestamp",
    "accounts": "created_at",
    "nps": "responded_at",
    "feedback": "created_at",
    "subscriptions": "start_date",
    "invoices": "invoiced_at",
}
AMOUNTS = {"subscriptions": ("amount",), "invoices": ("amount_due", "amount_paid")}
ROW_INDEX = ["_file", "_line"]  # how GX names a failing row: file and line


@dataclass(frozen=True)
class Params:
    """Settings resolved for one validation (``now`` fixed once, naive UTC)."""

    now: dt.datetime
    earliest: dt.datetime
    latest: dt.datetime
    event_name_pattern: str
    currencies: tuple[str, ...]
    volume_min_share: float
    volume_window_days: int
    freshness_floor: dt.datetime

    @classmethod
    def from_settings(cls, settings: Settings, now: dt.datetime | None = None) -> Params:
        now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
        try:
            earliest = dt.datetime.fromisoformat(settings.earliest_timestamp)
        except ValueError as exc:
            raise SettingsError(f"earliest_timestamp {settings.earliest_timestamp!r} is not an ISO date") from exc
        return cls(
            now=now,
            earliest=earliest.replace(tzinfo=None),
            latest=now + dt.timedelta(hours=settings.future_tolerance_hours),
            event_name_pattern=settings.event_name_pattern,
            currencies=tuple(sorted(settings.currencies or ISO_4217)),
            volume_min_share=settings.volume_min_share,
            volume_window_days=settings.volume_window_days,
            freshness_floor=now - dt.timedelta(hours=settings.freshness_max_age_hours),
        )


Builder = Callable[[str, Params], list[Any]]  # (kind, params) -> GX expectations


@dataclass(frozen=True)
class CheckDef:
    """One named check: the kinds it applies to, its default severity and its expectations."""

    name: str
    kinds: tuple[str, ...]
    default_severity: str
    description: str
    build: Builder
    whole_table: bool = False  # validates the whole raw table instead of the new batch
    row_level: bool = True  # False: the check judges the batch or table as a whole


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _braces(text: str) -> str:
    """GX formats row queries with ``str.format``: literal braces must be doubled."""
    return text.replace("{", "{{").replace("}", "}}")


def _schema(kind: str, p: Params) -> list[Any]:
    # GX cannot reflect column types through duckdb-engine: DuckDB's typeof() reports them
    import great_expectations.expectations as gxe

    spec = SPECS[kind]
    present = [gxe.ExpectColumnToExist(column=c.name) for c in spec.columns]
    probes = " UNION ALL ".join(
        f"(SELECT '{c.name}' AS column_name, typeof(\"{c.name}\") AS found, '{c.sql_type}' AS expected "
        "FROM {batch} LIMIT 1)"
        for c in spec.columns
    )
    query = f"SELECT NULL AS _file, NULL AS _line, * FROM ({probes}) WHERE found <> expected"
    return [*present, gxe.UnexpectedRowsExpectation(unexpected_rows_query=query)]


def _not_null(kind: str, p: Params) -> list[Any]:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToNotBeNull(column=name) for name in SPECS[kind].required]


def _timestamp_window(kind: str, p: Params) -> list[Any]:
    import great_expectations.expectations as gxe

    column = TIME_COLUMN[kind]
    is_date = next(c for c in SPECS[kind].columns if c.name == column).sql_type == "DATE"
    low, high = (p.earliest.date(), p.latest.date()) if is_date else (p.earliest, p.latest)
    return [gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high)]


def _nps_score(kind: str, p: Params) -> list[Any]:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToBeInSet(column="score", value_set=[float(s) for s in range(11)])]


def _amount(kind: str, p: Params) -> list[Any]:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0) for column in AMOUNTS[kind]]


def _currency(kind: str, p: Params) -> list[Any]:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToBeInSet(column="currency", value_set=list(p.currencies))]


def _unique_ids(kind: str, p: Params) -> list[Any]:
    import great_expectations.expectations as gxe

    return [gxe.ExpectColumnValuesToBeUnique(column=SPECS[kind].key)]


def _event_names(kind: str, p: Params) -> list[Any]:
    # expect_column_values_to_match_regex does not compile on DuckDB: use its own regex
    import great_expectations.expectations as gxe

    query = (
        "SELECT _file, _line, event_name FROM {batch} "
        f"WHERE event_name IS NOT NULL AND NOT regexp_matches(event_name, {_braces(_sql_text(p.event_name_pattern))})"
    )
    return [gxe.UnexpectedRowsExpectation(unexpected_rows_query=query)]


def _referential_accounts(kind: str, p: Params) -> list[Any]:
    import great_expectations.expectations as gxe

    query = """SELECT _file, _line, account_id FROM {batch}
        WHERE account_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM raw.subscriptions)
          AND account_id NOT IN (SELECT customer_id FROM raw.subscriptions)"""
    return [gxe.UnexpectedRowsExpectation(unexpected_rows_query=query)]


def _volume(kind: str, p: Params) -> list[Any]:
    import great_expectations.expectations as gxe

    from quality.batch import ACCEPTED

    query = f"""WITH batch_days AS (
          SELECT CAST("timestamp" AS DATE) AS day, count(*) AS n, min(_file) AS _file FROM {{batch}} GROUP BY 1),
        history AS (
          SELECT CAST("timestamp" AS DATE) AS day, count(*) AS n FROM raw.events
          WHERE _run_id IN (SELECT run_id FROM {ACCEPTED} WHERE kind = 'events') GROUP BY 1),
        trail AS (
          SELECT median(n) AS median_per_day FROM history
          WHERE day > (SELECT max(day) FROM history) - {int(p.volume_window_days)})
        SELECT min(_file) AS _file, NULL AS _line,
               round(sum(n) / count(*), 1) AS batch_per_day, any_value(median_per_day) AS trailing_median
        FROM batch_days, trail
        HAVING any_value(median_per_day) IS NOT NULL
           AND sum(n) / count(*) < {float(p.volume_min_share)} * any_value(median_per_day)"""
    return [gxe.UnexpectedRowsExpectation(unexpected_rows_query=query)]


def _freshness(kind: str, p: Params) -> list[Any]:
    # a row query rather than expect_column_max_to_be_between: an empty table is not stale
    import great_expectations.expectations as gxe

    query = f"""SELECT NULL AS _file, NULL AS _line, max("timestamp") AS newest_event FROM {{batch}}
        HAVING max("timestamp") < TIMESTAMP '{p.freshness_floor:%Y-%m-%d %H:%M:%S}'"""
    return [gxe.UnexpectedRowsExpectation(unexpected_rows_query=query)]


ALL_KINDS = tuple(SPECS)
CHECKS: tuple[CheckDef, ...] = (
    CheckDef("schema", ALL_KINDS, "block", "Every canonical column exists with its type.", _schema),
    CheckDef("not_null", ALL_KINDS, "block", "Ids and timestamps the kind requires are never empty.", _not_null),
    CheckDef(
        "timestamp_window",
        ALL_KINDS,
        "block",
        "Times lie between `earliest_timestamp` and now + `future_tolerance_hours`.",
        _timestamp_window,
    ),
    CheckDef("unique_ids", ("events", "nps"), "block", "The exporter's ids are unique.", _unique_ids),
    CheckDef("nps_score", ("nps",), "block", "Scores are integers from 0 to 10.", _nps_score),
    CheckDef("amount_non_negative", tuple(AMOUNTS), "block", "Amounts are not negative.", _amount),
    CheckDef("currency_known", tuple(AMOUNTS), "block", "Currencies are known ISO 4217 codes.", _currency),
    CheckDef("event_name_pattern", ("events",), "block", "Event names match `event_name_pattern`.", _event_names),
    CheckDef(
        "referential_accounts",
        ("events",),
        "warn",
        "Events' accounts are billing customers (when billing was loaded; free accounts have none).",
        _referential_accounts,
    ),
    CheckDef(
        "volume",
        ("events",),
        "warn",
        "The batch's events per day are at least `volume_min_share` of the trailing daily median.",
        _volume,
        row_level=False,
    ),
    CheckDef(
        "freshness",
        ("events",),
        "warn",
        "The newest event is at most `freshness_max_age_hours` old.",
        _freshness,
        whole_table=True,
        row_level=False,
    ),
)


def checks_for(kind: str) -> tuple[CheckDef, ...]:
    """The checks that apply to ``kind``, in catalogue order."""
    return tuple(c for c in CHECKS if kind in c.kinds)


def severity(check: CheckDef, settings: Settings) -> str:
    """``block`` or ``warn``: the workspace's choice, else the check's default."""
    return settings.check_severity.get(check.name, check.default_severity)


def validate_severity_names(settings: Settings) -> None:
    """A severity for a check that does not exist is a typo: say which names there are."""
    known = {c.name for c in CHECKS}
    unknown = sorted(set(settings.check_severity) - known)
    if unknown:
        raise SettingsError(
            f"{settings.settings_file}: check_severity names unknown check(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(known))} (each {' or '.join(SEVERITIES)})"
        )
