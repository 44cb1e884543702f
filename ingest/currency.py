"""Billing in several currencies is summed only through exchange rates, never silently."""

from __future__ import annotations

import duckdb

from settings import Settings


def currency_problem(con: duckdb.DuckDBPyConnection, settings: Settings) -> str | None:
    """A one-line error when loaded subscriptions mix currencies that have no rate; else None.

    One currency needs no rate (MRR is reported in it). With several, every currency other
    than ``reporting_currency`` needs an entry in ``fx_rates`` in prodops.yml.
    """
    found = [row[0] for row in con.execute("SELECT DISTINCT currency FROM raw.subscriptions ORDER BY 1").fetchall()]
    missing = [c for c in found if c != settings.reporting_currency and c not in settings.fx_rates]
    if len(found) < 2 or not missing:
        return None
    example = ", ".join(f"{c}: <{settings.reporting_currency} per 1 {c}>" for c in missing)
    return (
        f"subscriptions mix currencies {', '.join(found)} and {settings.settings_file} has no exchange rate for "
        f"{', '.join(missing)} (reporting_currency: {settings.reporting_currency}); add fx_rates: {{{example}}}"
    )
