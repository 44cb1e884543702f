"""The serving copy: what PMs and BI tools read, replaced whole, never written in place.

Publishing copies every mart into ``serving/analytics.duckdb.tmp``, fsyncs it and renames
it over the old copy, so a reader sees either the previous run or this one, never a mix.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("marts",)


class ServingMissing(FileNotFoundError):
    """No run has published yet."""


def publish(warehouse: Path, serving_db: Path, run_id: str) -> dict[str, int]:
    """Copy the marts into a fresh serving file and swap it into place; return rows per table."""
    serving_db.parent.mkdir(parents=True, exist_ok=True)
    tmp = serving_db.with_name(serving_db.name + ".tmp")
    tmp.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    con = duckdb.connect(str(tmp))
    try:
        con.execute(f"ATTACH '{warehouse}' AS warehouse (READ_ONLY)")
        schemas = ", ".join(f"'{s}'" for s in PUBLISHED_SCHEMAS)
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            f"WHERE table_catalog = 'warehouse' AND table_schema IN ({schemas}) ORDER BY table_name"
        ).fetchall()
        for schema, table in tables:
            counts[table] = con.execute(
                f'CREATE TABLE main."{table}" AS SELECT * FROM warehouse."{schema}"."{table}"'
            ).fetchone()[0]
        con.execute(
            "CREATE TABLE main.publish_info AS SELECT ? AS run_id, ? AS published_at, ? AS tables",
            [run_id, dt.datetime.now(dt.UTC).replace(tzinfo=None), len(counts)],
        )
        con.execute("DETACH warehouse")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    _fsync(tmp)
    os.replace(tmp, serving_db)
    _fsync(serving_db.parent)
    return counts


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
