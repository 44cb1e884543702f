"""What a table holds, for the asset catalog: row count, column types and a few rows.

Read with one short read-only connection once the writer is done (never while dbt runs).
Preview rows pass through the same personal-data scrubbing as the serving copy, so the
catalog shows no more than a BI tool would. A view gets its columns only: counting or
previewing it would run its whole query (int_events stitches every event) on every run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from metrics import pii

PREVIEW_ROWS = 5


@dataclass(frozen=True)
class TableFacts:
    rows: int | None  # None for a view
    columns: list[tuple[str, str]]  # (name, DuckDB type)
    preview: list[dict[str, str | None]] | None  # the first rows, values as text; None for a view


def describe_tables(db: Path, relations: list[str], salt: str) -> dict[str, TableFacts]:
    """Facts about each relation (``schema.table`` or ``catalog.schema.table``) that exists in ``db``."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        pii.prepare(con, salt)
        kinds = {relation: _kind(con, relation) for relation in relations}
        return {relation: _facts(con, relation, kind) for relation, kind in kinds.items() if kind}
    finally:
        con.close()


def _quoted(relation: str) -> str:
    return ".".join(f'"{part}"' for part in relation.split(".")[-2:])


def _kind(con: duckdb.DuckDBPyConnection, relation: str) -> str | None:
    """BASE TABLE, VIEW, or None when the relation does not exist."""
    schema, table = relation.split(".")[-2:]
    found = con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_schema = ? AND table_name = ?", [schema, table]
    ).fetchone()
    return found[0] if found else None


def _facts(con: duckdb.DuckDBPyConnection, relation: str, kind: str) -> TableFacts:
    name = _quoted(relation)
    columns = [(c[0], str(c[1])) for c in con.execute(f"DESCRIBE {name}").fetchall()]
    if kind == "VIEW":
        return TableFacts(rows=None, columns=columns, preview=None)
    (rows,) = con.execute(f"SELECT count(*) FROM {name}").fetchone()
    cursor = con.execute(f"SELECT {pii.scrub_select(con, name)} FROM {name} LIMIT {PREVIEW_ROWS}")
    preview = [
        {c: None if v is None else str(v) for (c, _), v in zip(columns, row, strict=True)} for row in cursor.fetchall()
    ]
    return TableFacts(rows=rows, columns=columns, preview=preview)
