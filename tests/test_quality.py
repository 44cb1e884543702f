"""Quality checks with GX on real DuckDB warehouses (no Dagster): verdicts, counts, severities, batches."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from ingest.load import ingest_paths
from ingest.warehouse import connect
from quality.batch import accept, ensure_table, pending_batch
from quality.gate import run_gate
from quality.runner import run_checks
from settings import Settings, SettingsError, load_settings
from tests.workspaces import event, write_jsonl

CORPUS = Path(__file__).parent / "corpus"
NOW = dt.datetime(2026, 1, 10, 12, 0)


def _load(settings: Settings, kind: str, paths: list[Path], run_id: str = "r1") -> None:
    report = ingest_paths(settings, kind, paths, run_id)
    assert not report.errors


def _by_name(outcomes) -> dict:
    return {o.name: o for o in outcomes}


def test_gx_still_needs_the_duckdb_shim(tmp_path):
    """Fails once GX's own execute_query returns rows on DuckDB: then remove quality/gx_duckdb.py."""
    from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine

    from quality import gx_duckdb

    gx_duckdb.install()
    engine = SqlAlchemyExecutionEngine(connection_string=f"duckdb:///{tmp_path / 'x.duckdb'}")
    query = sa.text("SELECT 42 AS answer")
    assert engine.execute_query(query).fetchall() == [(42,)]
    try:  # upstream hands back a result whose connection is closed: no rows
        assert engine.upstream_execute_query(query).fetchall() == [], "GX works on DuckDB now: remove the shim"
    finally:
        engine.engine.dispose()


@pytest.fixture(scope="module")
def corpus_batch(tmp_path_factory) -> Settings:
    """Corpus files the ingest accepts row by row but the gate must stop."""
    home = tmp_path_factory.mktemp("gate")
    (home / "prodops.yml").write_text("fx_rates: {GBP: 1.27, XYZ: 1.0}\n")  # billing may mix currencies here
    settings = load_settings(home)
    events = ["far_future.jsonl", "pre_1970.jsonl", "bad_event_name.jsonl", "duplicate_ids.jsonl"]
    _load(settings, "events", [CORPUS / "events" / f for f in events])
    _load(settings, "subscriptions", [CORPUS / "subscriptions" / "unknown_currency.csv"])
    return settings


def test_event_checks_on_the_corpus(corpus_batch):
    checks = _by_name(run_checks(corpus_batch, "events", now=NOW))
    # far_future.jsonl:1 is in 2099, pre_1970.jsonl:1 in 1969; the rest are 2026-01-05
    window = checks["timestamp_window"]
    assert (window.passed, window.failing_rows, window.severity) == (False, 2, "block")
    assert set(window.files) == {str(CORPUS / "events" / "far_future.jsonl"), str(CORPUS / "events" / "pre_1970.jsonl")}
    assert "far_future.jsonl:1 timestamp=2099-01-01T00:00:00" in window.examples
    # '{"oops": 1}' and '404' fail; $pageview, Order Completed, button_click, NextSong pass
    names = checks["event_name_pattern"]
    assert (names.passed, names.failing_rows) == (False, 2)
    assert names.examples == (
        "bad_event_name.jsonl:5 event_name='{\"oops\": 1}'",
        "bad_event_name.jsonl:6 event_name='404'",
    )
    for name in ("schema", "not_null", "unique_ids", "volume", "freshness"):
        assert checks[name].passed, checks[name].describe()
    # accounts acc_1 of the events is not among the billing customers acc_5..acc_7: a warning
    referential = checks["referential_accounts"]
    assert (referential.passed, referential.severity, referential.blocks) == (False, "warn", False)
    assert referential.failing_rows == 2 + 2 + 6 + 3


def test_subscription_checks_on_the_corpus(corpus_batch):
    checks = _by_name(run_checks(corpus_batch, "subscriptions", now=NOW))
    currency = checks["currency_known"]
    assert (currency.passed, currency.failing_rows, currency.examples) == (
        False,
        1,
        ("unknown_currency.csv:2 currency='XYZ'",),
    )
    assert currency.describe() == (
        "subscriptions.currency_known (block): 1 failing row(s) in unknown_currency.csv; "
        "e.g. unknown_currency.csv:2 currency='XYZ'"
    )
    assert all(checks[n].passed for n in ("schema", "not_null", "timestamp_window", "amount_non_negative"))


def test_severity_comes_from_the_settings(corpus_batch, monkeypatch):
    monkeypatch.setenv("PRODOPS_CHECK_SEVERITY", "currency_known=warn")
    settings = load_settings(corpus_batch.home)
    currency = _by_name(run_checks(settings, "subscriptions", now=NOW))["currency_known"]
    assert (currency.passed, currency.severity, currency.blocks) == (False, "warn", False)
    monkeypatch.setenv("PRODOPS_CHECK_SEVERITY", "currencies_known=warn")
    with pytest.raises(SettingsError, match="unknown check\\(s\\) currencies_known"):
        run_checks(load_settings(corpus_batch.home), "subscriptions", now=NOW)


def test_a_blocked_batch_stays_new_until_it_passes(corpus_batch, tmp_path, monkeypatch):
    home = tmp_path / "ws"
    shutil.copytree(corpus_batch.home, home)
    settings = load_settings(home)
    first = run_gate(settings, "subscriptions", "run-1")
    assert [o.name for o in first.blocked] == ["currency_known"]
    assert (first.new_rows, first.accepted_rows) == (2, 0)
    again = run_gate(settings, "subscriptions", "run-2")  # the next run sees the same batch
    assert (again.new_rows, [o.name for o in again.blocked]) == (2, ["currency_known"])
    monkeypatch.setenv("PRODOPS_CURRENCIES", "GBP,XYZ")  # the user declares the currency
    fixed = run_gate(load_settings(home), "subscriptions", "run-3")
    assert (fixed.blocked, fixed.accepted_rows) == ([], 2)
    with connect(settings.warehouse) as con:
        assert pending_batch(con, "subscriptions").rows == 0


def test_the_gate_accepts_the_loads_it_checked_not_one_that_came_meanwhile(tmp_path):
    settings = load_settings(tmp_path / "ws")
    days = [dt.date(2026, 1, 5)]
    _load(settings, "events", [_daily_events(tmp_path / "a.jsonl", "a", days, 3)], run_id="load-a")
    with connect(settings.warehouse) as con:
        ensure_table(con)
        checked = pending_batch(con, "events")
    _load(settings, "events", [_daily_events(tmp_path / "b.jsonl", "b", days, 2)], run_id="load-b")
    with connect(settings.warehouse) as con:
        assert (checked.run_ids, checked.rows) == (("load-a",), 3)
        assert con.execute(f"SELECT count(*) FROM ({checked.sql})").fetchone()[0] == 3
        accept(con, checked, "run-1")
        waiting = pending_batch(con, "events")
    assert (waiting.run_ids, waiting.rows) == (("load-b",), 2)


def test_counts_and_examples_do_not_depend_on_how_many_rows_gx_buffers(tmp_path, monkeypatch):
    """GX buffers a bounded head of each result (a failing warn check once pulled 26M rows into
    memory): 30 failing rows through a buffer of 5 are still counted as 30, with examples."""
    from quality import gx_duckdb

    monkeypatch.setattr(gx_duckdb, "BUFFERED_ROWS", 5)
    settings = load_settings(tmp_path / "ws")
    rows = [event(f"e{i}", f"{i}", f"2026-01-05T10:{i:02d}:00Z", "u1") for i in range(30)]  # names are numbers
    _load(settings, "events", [write_jsonl(tmp_path / "numbers.jsonl", rows)])
    names = _by_name(run_checks(settings, "events", now=NOW))["event_name_pattern"]
    assert (names.passed, names.failing_rows) == (False, 30)
    assert len(set(names.examples)) == 3  # some of the buffered rows, each with its file, line and value
    for example in names.examples:
        line = int(example.split(":")[1].split()[0])
        assert example == f"numbers.jsonl:{line} event_name='{line - 1}'"


def _daily_events(path: Path, prefix: str, days: list[dt.date], per_day: int) -> Path:
    rows = [
        event(f"{prefix}{d:%m%d}-{i}", "page_viewed", f"{d}T10:00:00Z", f"u{i}") for d in days for i in range(per_day)
    ]
    return write_jsonl(path, rows)


def test_volume_anomaly_against_the_trailing_median(tmp_path, monkeypatch):
    monkeypatch.setenv("PRODOPS_CHECK_SEVERITY", "volume=block")
    settings = load_settings(tmp_path)
    first_days = [dt.date(2026, 1, 1) + dt.timedelta(days=i) for i in range(10)]
    _load(settings, "events", [_daily_events(tmp_path / "h.jsonl", "h", first_days, 20)], "r1")
    no_history = run_gate(settings, "events", "r1")  # nothing accepted before: no anomaly
    assert no_history.accepted_rows == 200 and not no_history.blocked
    # median 20 a day, share 0.1: 1 event on a day is an anomaly, 2 a day is not
    _load(settings, "events", [_daily_events(tmp_path / "thin.jsonl", "t", [dt.date(2026, 1, 11)], 1)], "r2")
    volume = _by_name(run_checks(settings, "events", now=NOW))["volume"]
    assert (volume.passed, volume.blocks) == (False, True)
    assert volume.describe() == (
        "events.volume (block): failed in thin.jsonl; e.g. batch_per_day=1.0, trailing_median=20.0"
    )
    _load(settings, "events", [_daily_events(tmp_path / "more.jsonl", "m", [dt.date(2026, 1, 11)], 1)], "r3")
    assert _by_name(run_checks(settings, "events", now=NOW))["volume"].passed  # 2 events on the one new day


def test_freshness_warns_about_old_data(tmp_path):
    settings = load_settings(tmp_path)
    _load(settings, "events", [_daily_events(tmp_path / "e.jsonl", "e", [dt.date(2026, 1, 5)], 1)])
    fresh = _by_name(run_checks(settings, "events", now=dt.datetime(2026, 1, 6, 12)))["freshness"]
    stale = _by_name(run_checks(settings, "events", now=dt.datetime(2026, 1, 7, 12)))["freshness"]
    assert fresh.passed  # newest event 26 hours old, limit 48
    assert (stale.passed, stale.severity, stale.blocks) == (False, "warn", False)  # 50 hours old
    assert stale.examples == ("newest_event=2026-01-05T10:00:00",)


def test_definitions_and_cli_load_without_great_expectations():
    """GX is imported only when a check runs: the UI and `prodops --help` start fast."""
    code = "import sys, orchestration.build, orchestration.cli; assert 'great_expectations' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_gx_queries_run_under_the_workspace_memory_limit(tmp_path, monkeypatch):
    """GX opens its own DuckDB connection; without the workspace's limit it may take 80% of RAM."""
    from quality.runner import _gx_datasource

    monkeypatch.setenv("PRODOPS_DUCKDB_MEMORY_LIMIT", "300MB")
    settings = load_settings(tmp_path / "ws")
    _load(settings, "events", [_daily_events(tmp_path / "a.jsonl", "a", [dt.date(2026, 1, 5)], 1)])
    datasource = _gx_datasource(settings)
    try:
        engine = datasource.get_execution_engine()
        seen = engine.execute_query(sa.text("SELECT current_setting('memory_limit')")).scalar()
    finally:
        datasource.get_engine().dispose()
        datasource.get_execution_engine().engine.dispose()
    with duckdb.connect() as reference:
        reference.execute("SET memory_limit = '300MB'")
        assert seen == reference.execute("SELECT current_setting('memory_limit')").fetchone()[0]
