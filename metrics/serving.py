"""The serving copy: what PMs and BI tools read, replaced whole, never written in place.

Publishing writes every mart into ``serving/analytics.duckdb.tmp`` (personal data hidden,
see ``metrics/pii.py``), fsyncs it and renames it over the old copy, so a reader sees either
the previous run or this one, never a mix. The day-by-day marts (``DayTables``) start from a
copy of the previous file, so a nightly publish costs the new days, not the history.
``publish_manifest`` in the same file lists every table with its row count and the run id,
so a reader can check that what it read is whole.
The same tables are also views in schema ``marts``: the names the dbt semantic models (and
so MetricFlow) use.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from metrics import pii

PUBLISHED_SCHEMAS = ("marts",)
METRICS_SCHEMA = "marts"


class ServingMissing(FileNotFoundError):
    """No run has published yet."""


@dataclass(frozen=True)
class DayTables:
    """Marts dbt rebuilds day by day (incremental, the day as unique key), and how far back.

    A run rebuilds only their days from the last one minus ``lookback_days`` on, so the
    previous serving copy already holds every older day, scrubbed: publishing copies that
    file and replaces only those days, instead of re-reading (and re-hashing) the history.
    """

    day_columns: Mapping[str, str]  # table -> its day column
    lookback_days: int


def publish(
    warehouse: Path,
    serving_db: Path,
    run_id: str,
    salt: str,
    *,
    threads: int = 2,
    memory_limit: str = "8GB",
    days: DayTables | None = None,
) -> dict[str, int]:
    """Write the marts to a new serving file and swap it into place; return rows per table.

    ``salt`` keys the hashes that stand for personal data (``metrics.pii.workspace_salt``);
    ``threads`` and ``memory_limit`` are the workspace's DuckDB settings, as for every writer.
    With ``days``, the day-by-day marts start from the previous copy when it can be trusted
    (same salt, no full refresh since); every other table is copied whole.
    """
    serving_db.parent.mkdir(parents=True, exist_ok=True)
    tmp = serving_db.with_name(serving_db.name + ".tmp")
    tmp.unlink(missing_ok=True)
    if days and serving_db.exists():
        shutil.copyfile(serving_db, tmp)
    counts: dict[str, int] = {}
    con = duckdb.connect(str(tmp), config={"threads": threads, "memory_limit": memory_limit})
    try:
        pii.prepare(con, salt)
        con.execute(f"ATTACH '{warehouse}' AS warehouse (READ_ONLY)")
        generation = _generation(con, salt)
        reuse = days if days and _previous_generation(con) == generation else None
        con.execute(f"DROP SCHEMA IF EXISTS {METRICS_SCHEMA} CASCADE")  # the views, written again below
        _drop_tables_except(con, set(reuse.day_columns) if reuse else set())
        for schema, table in _published_tables(con):
            source = f'warehouse."{schema}"."{table}"'
            column = reuse.day_columns.get(table) if reuse else None
            if column and _same_columns(con, table, source):
                counts[table] = _replace_days(con, table, source, column, reuse.lookback_days)
            else:
                con.execute(f'DROP TABLE IF EXISTS main."{table}"')
                counts[table] = con.execute(
                    f'CREATE TABLE main."{table}" AS SELECT {_published_select(con, source)} FROM {source}'
                ).fetchone()[0]
        _drop_tables_except(con, set(counts))  # marts the warehouse no longer has
        con.execute("DETACH warehouse")
        _write_manifest(con, run_id, counts, generation)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    _fsync(tmp)
    os.replace(tmp, serving_db)
    _fsync(serving_db.parent)
    return counts


def _published_select(con: duckdb.DuckDBPyConnection, source: str) -> str:
    """The columns a mart publishes: personal data hidden, dbt's bookkeeping left out."""
    return pii.scrub_select(con, source, bookkeeping=False)


def _published_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    schemas = ", ".join(f"'{s}'" for s in PUBLISHED_SCHEMAS)
    return con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        f"WHERE table_catalog = 'warehouse' AND table_schema IN ({schemas}) ORDER BY table_name"
    ).fetchall()


def _generation(con: duckdb.DuckDBPyConnection, salt: str) -> str:
    """What the previous copy must share to be reused: the salt and the last full refresh."""
    refreshes = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_catalog = 'warehouse' AND table_schema = 'raw' AND table_name = 'full_refreshes'"
    ).fetchone()[0]
    last = con.execute("SELECT max(started_at) FROM warehouse.raw.full_refreshes").fetchone()[0] if refreshes else None
    return f"{pii.pseudonym('prodops', salt)}|{last}"


def _previous_generation(con: duckdb.DuckDBPyConnection) -> str | None:
    """The generation the copied file was published with (None: no copy, or an older format)."""
    found = con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_catalog = current_database() "
        "AND table_schema = 'main' AND table_name = 'publish_info' AND column_name = 'generation'"
    ).fetchone()[0]
    return con.execute("SELECT generation FROM main.publish_info").fetchone()[0] if found else None


def _drop_tables_except(con: duckdb.DuckDBPyConnection, keep: set[str]) -> None:
    """Drop every table of the file's ``main`` schema that is not in ``keep``."""
    tables = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() "
        "AND table_schema = 'main'"
    ).fetchall()
    for (table,) in tables:
        if table not in keep:
            con.execute(f'DROP TABLE main."{table}"')


def _same_columns(con: duckdb.DuckDBPyConnection, table: str, source: str) -> bool:
    """The kept table has the source's columns, in order, with the scrubbed types."""
    try:
        kept = con.execute(f'DESCRIBE main."{table}"').fetchall()
    except duckdb.CatalogException:
        return False
    fresh = con.execute(f"DESCRIBE SELECT {_published_select(con, source)} FROM {source}").fetchall()
    return [(c[0], c[1]) for c in kept] == [(c[0], c[1]) for c in fresh]


def _replace_days(con: duckdb.DuckDBPyConnection, table: str, source: str, column: str, lookback_days: int) -> int:
    """Replace the days a run may have rebuilt: from the copy's last day minus the look-back."""
    target = f'main."{table}"'
    last = con.execute(f'SELECT max("{column}") FROM {target}').fetchone()[0]
    if last is not None:
        since = last - dt.timedelta(days=lookback_days)
        con.execute(f'DELETE FROM {target} WHERE "{column}" >= ?', [since])
        con.execute(
            f'INSERT INTO {target} SELECT {_published_select(con, source)} FROM {source} WHERE "{column}" >= ?', [since]
        )
    else:
        con.execute(f"INSERT INTO {target} SELECT {_published_select(con, source)} FROM {source}")
    return con.execute(f"SELECT count(*) FROM {target}").fetchone()[0]


def _write_manifest(con: duckdb.DuckDBPyConnection, run_id: str, counts: dict[str, int], generation: str) -> None:
    """``publish_info`` (one row) and ``publish_manifest`` (one row per table), plus the views."""
    published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute(
        "CREATE TABLE main.publish_info AS SELECT ? AS run_id, ? AS published_at, ? AS tables, ? AS generation",
        [run_id, published_at, len(counts), generation],
    )
    con.execute(
        "CREATE TABLE main.publish_manifest (table_name VARCHAR PRIMARY KEY, row_count BIGINT, run_id VARCHAR, "
        "published_at TIMESTAMP)"
    )
    con.executemany(
        "INSERT INTO main.publish_manifest VALUES (?, ?, ?, ?)",
        [[table, rows, run_id, published_at] for table, rows in counts.items()],
    )
    con.execute(f"CREATE SCHEMA {METRICS_SCHEMA}")
    for table in counts:
        con.execute(f'CREATE VIEW {METRICS_SCHEMA}."{table}" AS SELECT * FROM main."{table}"')


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def read_serving(serving_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the serving copy; a clear error if nothing is published yet."""
    if not serving_db.exists():
        raise ServingMissing(f"{serving_db} does not exist yet: run `prodops run` first")
    con = _open_read_only(serving_db)
    try:
        yield con
    finally:
        con.close()


OPEN_ATTEMPTS = 5


def _open_read_only(serving_db: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection, opened again when a publish swapped the file while DuckDB opened it.

    DuckDB opens the file by its path three times while connecting: a rename between those
    opens reads one copy's header against the other's blocks, and the connect fails (an
    IOException or a SerializationException; 3 connects in 1,037 while another process
    swapped two copies in a loop, 1 in 763 in the serving test's publishes). Each copy is
    whole and a swap takes microseconds, so opening again reads one copy; a lasting error
    is the last attempt's.
    """
    for attempt in range(1, OPEN_ATTEMPTS):
        try:
            return duckdb.connect(str(serving_db), read_only=True)
        except duckdb.Error:
            time.sleep(0.02 * attempt)
    return duckdb.connect(str(serving_db), read_only=True)
