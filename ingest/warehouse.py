"""The warehouse file: connections and the raw schema every later layer reads.

The pipeline is the warehouse's only writer, and no step keeps a connection open while
another process (``dbt build``) needs the file: open, write, close. Every read-write open
first takes back the rows of a load a crash cut short.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from ingest.kinds import SPECS

LEDGER_DDL = """
CREATE TABLE IF NOT EXISTS raw.load_ledger (
    file_path VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    input_format VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    rows_duplicate BIGINT NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    run_id VARCHAR NOT NULL,
    modified_at TIMESTAMP
)
"""

QUARANTINE_DDL = """
CREATE TABLE IF NOT EXISTS raw.quarantine (
    kind VARCHAR NOT NULL,
    file_path VARCHAR NOT NULL,
    line BIGINT NOT NULL,
    reason VARCHAR NOT NULL,
    raw VARCHAR,
    run_id VARCHAR NOT NULL,
    quarantined_at TIMESTAMP NOT NULL
)
"""

# Every `--full-refresh` build, recorded before dbt starts: days of incremental marts older
# than the look-back may have changed since, so the next publish copies them whole.
FULL_REFRESHES_DDL = """
CREATE TABLE IF NOT EXISTS raw.full_refreshes (run_id VARCHAR NOT NULL, started_at TIMESTAMP NOT NULL)
"""

# Every successful `dbt build`, by its start and end: the rows loaded before it started and the
# model rows written before it finished passed its tests, so the next build's uniqueness tests
# look only at rows loaded (event ids) or written (daily activity) since. finished_at is NULL
# for builds recorded before it existed: the tests then check every row. model_settings holds
# the settings the stored rows were computed with (JSON), so a change of them rebuilds all.
DBT_BUILDS_DDL = """
CREATE TABLE IF NOT EXISTS raw.dbt_builds (
    run_id VARCHAR NOT NULL, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP, model_settings VARCHAR
)
"""

# Files whose load started and has not ended (see ingest.load._load): taken back on the next open.
UNFINISHED_DDL = """
CREATE TABLE IF NOT EXISTS raw.unfinished_loads (
    kind VARCHAR NOT NULL, file_path VARCHAR NOT NULL, run_id VARCHAR NOT NULL
)
"""

# The bookkeeping tables by name: the DDL that creates one, and the columns added to it since
# (name -> type), which an older warehouse gets on its next open.
BOOKKEEPING_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "load_ledger": (LEDGER_DDL, {"modified_at": "TIMESTAMP"}),
    "quarantine": (QUARANTINE_DDL, {}),
    "full_refreshes": (FULL_REFRESHES_DDL, {}),
    "unfinished_loads": (UNFINISHED_DDL, {}),
    "dbt_builds": (DBT_BUILDS_DDL, {"finished_at": "TIMESTAMP", "model_settings": "VARCHAR"}),
}

LINEAGE_COLUMNS = (
    "_key VARCHAR NOT NULL, _file VARCHAR NOT NULL, _line BIGINT NOT NULL, "
    "_run_id VARCHAR NOT NULL, _loaded_at TIMESTAMP NOT NULL, _key_hash UBIGINT"
)

# `_key_hash`: the upper 64 bits of the key's MD5 (stable across DuckDB versions, unlike hash()).
# The nightly uniqueness test of event ids compares these numbers across the history first and
# reads the ids themselves only for a hash seen twice: 100M ids as strings took 6-12 s to scan.
KEY_HASH = "cast(md5_number(_key) >> 64 AS UBIGINT)"


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Everything in the block commits together, or nothing does (rolled back on any exception)."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


@contextmanager
def connect(path: Path, *, threads: int = 2, memory_limit: str = "8GB") -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived read-write connection with the raw schema in place; closed on exit."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), config={"threads": threads, "memory_limit": memory_limit})
    try:
        con.execute("SET TimeZone = 'UTC'")
        ensure_raw_schema(con)
        yield con
    finally:
        con.close()


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every raw table, so a workspace with only some kinds still builds empty marts.

    A canonical field added since the table was created is added to it (empty for old rows).
    The catalogue is read once and only what is missing is written: every read-write open
    comes here (a dozen a run), and the sixty no-op ``IF NOT EXISTS`` statements took a
    quarter of a second each time.
    """
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    present = _raw_columns(con)
    for spec in SPECS.values():
        name = spec.table.split(".")[1]
        columns = {c.name: c.sql_type for c in spec.columns}
        if name not in present:
            cols = ", ".join(f'"{column}" {sql_type}' for column, sql_type in columns.items())
            con.execute(f"CREATE TABLE {spec.table} ({cols}, {LINEAGE_COLUMNS})")
            continue
        _add_missing_columns(con, spec.table, columns, present[name])
        if "_key_hash" not in present[name]:
            _add_key_hash(con, spec.table)
    for name, (ddl, later_columns) in BOOKKEEPING_TABLES.items():
        if name not in present:
            con.execute(ddl)
        # a table just created has its later columns: its DDL names them
        _add_missing_columns(con, f"raw.{name}", later_columns, present.get(name, set(later_columns)))
    discard_unfinished(con)


def _raw_columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """The column names (lower case) of each table of the raw schema, by table name."""
    rows = con.execute(
        "SELECT table_name, lower(column_name) FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = 'raw'"
    ).fetchall()
    present: dict[str, set[str]] = {}
    for table, column in rows:
        present.setdefault(table, set()).add(column)
    return present


def _add_missing_columns(
    con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str], present: set[str]
) -> None:
    for column, sql_type in columns.items():
        if column.lower() not in present:
            con.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {sql_type}')


def _add_key_hash(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Give a table from before ``_key_hash`` existed the column, filled for every row, at once."""
    with transaction(con):
        con.execute(f"ALTER TABLE {table} ADD COLUMN _key_hash UBIGINT")
        con.execute(f"UPDATE {table} SET _key_hash = {KEY_HASH}")


def discard_unfinished(con: duckdb.DuckDBPyConnection) -> None:
    """Take back the rows of every load that did not end (no ledger row): the file is read
    again whole by the next ingest. Run on every read-write open, before anything else."""
    unfinished = con.execute("SELECT kind, file_path, run_id FROM raw.unfinished_loads").fetchall()
    if not unfinished:
        return
    with transaction(con):
        for kind, file_path, run_id in unfinished:
            con.execute(f"DELETE FROM {SPECS[kind].table} WHERE _file = ? AND _run_id = ?", [file_path, run_id])
            con.execute("DELETE FROM raw.quarantine WHERE file_path = ? AND run_id = ?", [file_path, run_id])
            con.execute("DELETE FROM raw.unfinished_loads WHERE file_path = ? AND run_id = ?", [file_path, run_id])


def settle(path: Path) -> None:
    """Open and close the warehouse: the raw schema in place, unfinished loads taken back.

    For readers that open the file themselves (``dbt build``), so a build after a crashed
    ingest never sees part of a file.
    """
    with connect(path):
        pass


def record_build(path: Path, run_id: str, started_at: dt.datetime, model_settings: dict[str, Any]) -> None:
    """Note that a ``dbt build`` started at ``started_at`` (naive UTC) with ``model_settings``
    succeeded, and ended now."""
    with connect(path) as con:
        con.execute(
            "INSERT INTO raw.dbt_builds (run_id, started_at, finished_at, model_settings) "
            "VALUES (?, ?, now()::TIMESTAMP, ?)",
            [run_id, started_at, json.dumps(model_settings, sort_keys=True)],
        )


def changed_model_settings(path: Path, model_settings: dict[str, Any]) -> list[str]:
    """The names of the settings that differ from those of the last successful build; none
    when there was no build, or it was recorded before the settings were."""
    with connect(path) as con:
        row = con.execute("SELECT model_settings FROM raw.dbt_builds ORDER BY started_at DESC LIMIT 1").fetchone()
    if not row or row[0] is None:
        return []
    before = json.loads(row[0])
    now = json.loads(json.dumps(model_settings, sort_keys=True))
    return sorted(name for name in before.keys() | now.keys() if before.get(name) != now.get(name))


def record_full_refresh(path: Path, run_id: str) -> None:
    """Note that a full rebuild of the dbt models starts now (see FULL_REFRESHES_DDL)."""
    with connect(path) as con:
        con.execute("INSERT INTO raw.full_refreshes VALUES (?, now()::TIMESTAMP)", [run_id])
