"""The serving copy: what PMs and BI tools read, replaced whole, never written in place.

Publishing copies every mart into ``serving/analytics.duckdb.tmp`` (personal data hidden,
see ``metrics/pii.py``), fsyncs it and renames it over the old copy, so a reader sees either
the previous run or this one, never a mix. ``publish_manifest`` in the same file lists every
table with its row count and the run id, so a reader can check that what it read is whole.
The same tables are also views in schema ``marts``: the names the dbt semantic models (and
so MetricFlow) use.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from metrics import pii

PUBLISHED_SCHEMAS = ("marts",)
METRICS_SCHEMA = "marts"


class ServingMissing(FileNotFoundError):
    """No run has published yet."""


def publish(
    warehouse: Path, serving_db: Path, run_id: str, salt: str, *, threads: int = 2, memory_limit: str = "8GB"
) -> dict[str, int]:
    """Copy the marts into a fresh serving file and swap it into place; return rows per table.

    ``salt`` keys the hashes that stand for personal data (``metrics.pii.workspace_salt``);
    ``threads`` and ``memory_limit`` are the workspace's DuckDB settings, as for every writer.
    """
    serving_db.parent.mkdir(parents=True, exist_ok=True)
    tmp = serving_db.with_name(serving_db.name + ".tmp")
    tmp.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    con = duckdb.connect(str(tmp), config={"threads": threads, "memory_limit": memory_limit})
    try:
        pii.prepare(con, salt)
        con.execute(f"ATTACH '{warehouse}' AS warehouse (READ_ONLY)")
        schemas = ", ".join(f"'{s}'" for s in PUBLISHED_SCHEMAS)
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            f"WHERE table_catalog = 'warehouse' AND table_schema IN ({schemas}) ORDER BY table_name"
        ).fetchall()
        for schema, table in tables:
            source = f'warehouse."{schema}"."{table}"'
            counts[table] = con.execute(
                f'CREATE TABLE main."{table}" AS SELECT {pii.scrub_select(con, source)} FROM {source}'
            ).fetchone()[0]
        con.execute("DETACH warehouse")
        _write_manifest(con, run_id, counts)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    _fsync(tmp)
    os.replace(tmp, serving_db)
    _fsync(serving_db.parent)
    return counts


def _write_manifest(con: duckdb.DuckDBPyConnection, run_id: str, counts: dict[str, int]) -> None:
    """``publish_info`` (one row) and ``publish_manifest`` (one row per table), plus the views."""
    published_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute(
        "CREATE TABLE main.publish_info AS SELECT ? AS run_id, ? AS published_at, ? AS tables",
        [run_id, published_at, len(counts)],
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
    con = duckdb.connect(str(serving_db), read_only=True)
    try:
        yield con
    finally:
        con.close()
