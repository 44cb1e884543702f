"""Parquet copies of the raw tables: what a distributed engine (Spark) reads instead of DuckDB.

``<lake>/raw/events/event_date=YYYY-MM-DD/`` holds the events of one UTC day; every other raw
table is one file, ``<lake>/raw/<table>/data.parquet``. DuckDB reads the same files with
``read_parquet('<lake>/raw/events/*/*.parquet', hive_partitioning = true)``.

Raw tables only ever grow (rows are appended, never changed), so a day or a table whose row
count matches the warehouse is up to date: a sync rewrites only the days (or small tables)
whose counts differ, and it heals a lake left behind by an interrupted run or by files
loaded with ``prodops ingest`` while the export was off. Each part is written beside its
target and renamed into place, so a reader sees a day's old or new file, never half of one.
"""

from __future__ import annotations

import datetime as dt
import glob
import shutil
from pathlib import Path

import duckdb

from ingest.kinds import SPECS

EVENTS = "raw.events"
PARTITION = "event_date"
DAY_SQL = 'cast("timestamp" as date)'
# The raw tables a dbt build reads, besides the events.
WHOLE_TABLES = (*(spec.table for spec in SPECS.values() if spec.table != EVENTS), "raw.load_ledger", "raw.quarantine")


def table_dir(lake: Path, table: str) -> Path:
    """Where a raw table lives in the lake: ``raw.events`` -> ``<lake>/raw/events``."""
    schema, name = table.split(".")
    return lake / schema / name


def sync_lake(con: duckdb.DuckDBPyConnection, lake: Path) -> dict[str, int]:
    """Bring the lake up to date with the warehouse; return the rows written per table."""
    written = {EVENTS: _sync_events(con, table_dir(lake, EVENTS))}
    for table in WHOLE_TABLES:
        written[table] = _sync_whole(con, table, table_dir(lake, table))
    return written


def _sync_events(con: duckdb.DuckDBPyConnection, root: Path) -> int:
    """Rewrite the day partitions whose row count (or columns) differ from ``raw.events``."""
    wanted = dict(con.execute(f"SELECT {DAY_SQL}, count(*) FROM {EVENTS} GROUP BY 1").fetchall())
    files = str(root / "*" / "*.parquet")
    have = _lake_day_counts(con, files) if _columns_match(con, EVENTS, files) else {}
    stale = sorted(day for day, n in wanted.items() if have.get(day) != n)
    for day in stale:
        _write_day(con, root, day)
    for day in set(have) - set(wanted):  # only after a rebuilt warehouse
        shutil.rmtree(root / f"{PARTITION}={day}", ignore_errors=True)
    return sum(wanted[day] for day in stale)


def _lake_day_counts(con: duckdb.DuckDBPyConnection, files: str) -> dict[dt.date, int]:
    sql = f"SELECT {PARTITION}, count(*) FROM read_parquet(?, hive_partitioning = true) GROUP BY 1"
    return dict(con.execute(sql, [files]).fetchall())


def _write_day(con: duckdb.DuckDBPyConnection, root: Path, day: dt.date) -> None:
    target = root / f"{PARTITION}={day}"
    staging = root / f".{PARTITION}={day}.tmp"
    staging.mkdir(parents=True, exist_ok=True)
    select = f"SELECT * FROM {EVENTS} WHERE {DAY_SQL} = DATE '{day}' ORDER BY \"timestamp\", _key"
    con.execute(f"COPY ({select}) TO {_literal(staging / 'data.parquet')} (FORMAT parquet)")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)


def _sync_whole(con: duckdb.DuckDBPyConnection, table: str, root: Path) -> int:
    """Rewrite a small table's one file when its row count or columns differ."""
    target = root / "data.parquet"
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    count_sql = "SELECT count(*) FROM read_parquet(?)"
    if _columns_match(con, table, str(target)) and con.execute(count_sql, [str(target)]).fetchone()[0] == rows:
        return 0
    root.mkdir(parents=True, exist_ok=True)
    staging = root / ".data.parquet.tmp"
    con.execute(f"COPY (SELECT * FROM {table}) TO {_literal(staging)} (FORMAT parquet)")
    staging.replace(target)
    return rows


def _columns_match(con: duckdb.DuckDBPyConnection, table: str, files: str) -> bool:
    """Files exist and have the table's columns (a column added to a raw table rewrites its copy)."""
    if not glob.glob(files):
        return False
    schema, name = table.split(".")
    sql = (
        "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? "
        "ORDER BY ordinal_position"
    )
    wanted = [r[0] for r in con.execute(sql, [schema, name]).fetchall()]
    got = [
        r[0]
        for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?, hive_partitioning = false)", [files]).fetchall()
    ]
    return got == wanted


def _literal(path: Path) -> str:
    """A path as a SQL string literal (COPY ... TO takes no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"
