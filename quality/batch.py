"""The new batch of a kind: raw rows whose load has not yet passed the gate.

Every raw row carries the ``_run_id`` of the load that wrote it (a pipeline run, a
``prodops ingest`` or a quarantine replay). A load is *accepted* for a kind once that kind's
blocking checks pass on it. Until then its rows stay in the batch, so a blocked batch
blocks every later run too, until its data or the settings are fixed: a bad batch never
reaches the published metrics by waiting for the next run.
"""

from __future__ import annotations

import datetime as dt

import duckdb

ACCEPTED = "raw.accepted_batches"
ACCEPTED_DDL = f"""
CREATE TABLE IF NOT EXISTS {ACCEPTED} (
    kind VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    rows BIGINT NOT NULL,
    accepted_at TIMESTAMP NOT NULL,
    accepted_by VARCHAR NOT NULL
)
"""


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create the table of accepted loads (the warehouse's raw schema exists already)."""
    con.execute(ACCEPTED_DDL)


def batch_sql(kind: str) -> str:
    """SELECT of the kind's rows not yet accepted (the table name is a canonical kind, not input)."""
    return f"SELECT * FROM raw.{kind} WHERE _run_id NOT IN (SELECT run_id FROM {ACCEPTED} WHERE kind = '{kind}')"


def pending_rows(con: duckdb.DuckDBPyConnection, kind: str) -> int:
    """How many rows of ``kind`` wait for the gate."""
    return con.execute(f"SELECT count(*) FROM ({batch_sql(kind)})").fetchone()[0]


def accept(con: duckdb.DuckDBPyConnection, kind: str, by_run: str) -> int:
    """Record every pending load of ``kind`` as accepted by ``by_run``; return the rows accepted."""
    rows = pending_rows(con, kind)
    con.execute(
        f"INSERT INTO {ACCEPTED} SELECT ?, _run_id, count(*), ?, ? FROM ({batch_sql(kind)}) GROUP BY _run_id",
        [kind, dt.datetime.now(dt.UTC).replace(tzinfo=None), by_run],
    )
    return rows
