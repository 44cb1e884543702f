"""The Parquet lake: raw tables copied for Spark, events by UTC day, only changed days rewritten."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from ingest.lake import sync_lake
from ingest.load import inbox_files, ingest_paths
from ingest.warehouse import connect
from settings import KINDS
from tests.workspaces import event, tiny_workspace, write_jsonl

D = dt.date


def _sync(settings) -> dict[str, int]:
    with connect(settings.warehouse) as con:
        return sync_lake(con, settings.lake_dir)


def _day_files(lake, day: dt.date) -> dict[str, int]:
    """Each file of a day partition and its inode: a rewritten day gets a new file."""
    return {p.name: p.stat().st_ino for p in (lake / "raw" / "events" / f"event_date={day}").glob("*.parquet")}


def _lake_days(lake) -> dict[dt.date, int]:
    files = str(lake / "raw" / "events" / "*" / "*.parquet")
    sql = "SELECT event_date, count(*) FROM read_parquet(?, hive_partitioning = true) GROUP BY 1"
    return dict(duckdb.connect().execute(sql, [files]).fetchall())


@pytest.fixture
def loaded(tmp_path):
    settings = tiny_workspace(tmp_path / "ws")
    for kind in KINDS:
        ingest_paths(settings, kind, inbox_files(settings.inbox, kind), "run-1")
    return settings


def test_first_sync_writes_every_day_and_table(loaded):
    written = _sync(loaded)
    # TINY_EVENTS: e1..e8 load (e8 is 15:00+02:00 = 13:00 UTC on Jan 20); two lines are
    # quarantined and one is a duplicate. Days are UTC days.
    assert written["raw.events"] == 8
    assert _lake_days(loaded.lake_dir) == {
        D(2026, 1, 5): 2,
        D(2026, 1, 6): 1,
        D(2026, 1, 12): 2,
        D(2026, 1, 13): 1,
        D(2026, 1, 14): 1,
        D(2026, 1, 20): 1,
    }
    assert written["raw.accounts"] == 2 and written["raw.quarantine"] == 2 and written["raw.load_ledger"] == 2
    assert written["raw.nps"] == 0 and (loaded.lake_dir / "raw" / "nps" / "data.parquet").exists()
    con = duckdb.connect()
    lake_events = str(loaded.lake_dir / "raw" / "events" / "*" / "*.parquet")
    assert con.execute(
        "SELECT event_id, \"timestamp\" FROM read_parquet(?, hive_partitioning = true) WHERE event_id = 'e8'",
        [lake_events],
    ).fetchall() == [("e8", dt.datetime(2026, 1, 20, 13, 0))]


def test_a_second_sync_rewrites_only_the_days_that_changed(loaded):
    _sync(loaded)
    before = {day: _day_files(loaded.lake_dir, day) for day in (D(2026, 1, 5), D(2026, 1, 14))}
    assert set(_sync(loaded).values()) == {0}  # nothing new: nothing written
    write_jsonl(
        loaded.inbox_dir("events") / "more.jsonl",
        [
            event("m1", "report_shared", "2026-01-14T18:00:00Z", "u1"),
            event("m2", "page_viewed", "2026-01-21T01:00:00Z", "u2"),
        ],
    )
    ingest_paths(loaded, "events", [loaded.inbox_dir("events") / "more.jsonl"], "run-2")
    written = _sync(loaded)
    # Jan 14 is rewritten whole (1 old + 1 new row), Jan 21 is new; the ledger has a third file
    assert written["raw.events"] == 3 and written["raw.load_ledger"] == 3 and written["raw.accounts"] == 0
    assert _lake_days(loaded.lake_dir)[D(2026, 1, 14)] == 2 and _lake_days(loaded.lake_dir)[D(2026, 1, 21)] == 1
    assert _day_files(loaded.lake_dir, D(2026, 1, 5)) == before[D(2026, 1, 5)]
    assert _day_files(loaded.lake_dir, D(2026, 1, 14)) != before[D(2026, 1, 14)]


def test_the_lake_is_off_by_default(tiny):
    settings, outcome = tiny
    assert outcome.success and not settings.lake_export
    assert not settings.lake_dir.exists()
