"""The new batch of a kind: raw rows whose load has not yet passed the gate.

Every raw row carries the ``_run_id`` of the load that wrote it (a pipeline run, a
``prodops ingest`` or a quarantine replay). A load is *accepted* for a kind once that kind's
blocking checks pass on it. Until then its rows stay in the batch, so a blocked batch
blocks every later run too, until its data or the settings are fixed: a bad batch never
reaches the published metrics by waiting for the next run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Batch:
    """The loads of a kind pending when the gate looked: their run ids, rows and earliest load time.

    The batch is fixed when it is found, so what is accepted is exactly what was checked: a
    load committed meanwhile (a ``prodops ingest`` beside the run) waits for the next gate.
    """

    kind: str
    run_ids: tuple[str, ...] = ()
    rows: int = 0
    since: dt.datetime | None = None  # the earliest ``_loaded_at`` among its rows

    @property
    def sql(self) -> str:
        """SELECT of the batch's rows (the table name is a canonical kind, not input).

        Raw tables are appended in load order, so the ``_loaded_at`` bound lets DuckDB skip
        every row group of the history: checking a night's batch costs the batch, not the
        100M rows before it (a scan of ``_run_id`` alone took 6 s there, per GX query).
        """
        if not self.run_ids:
            return f"SELECT * FROM raw.{self.kind} WHERE false"
        runs = ", ".join(_quoted(r) for r in self.run_ids)
        return (
            f"SELECT * FROM raw.{self.kind} "
            f"WHERE _loaded_at >= TIMESTAMP '{self.since:%Y-%m-%d %H:%M:%S.%f}' AND _run_id IN ({runs})"
        )


def pending_batch(con: duckdb.DuckDBPyConnection, kind: str) -> Batch:
    """The kind's loads not yet accepted (one scan of two columns)."""
    loads = con.execute(
        f"""SELECT _run_id, count(*), min(_loaded_at) FROM raw.{kind}
        WHERE _run_id NOT IN (SELECT run_id FROM {ACCEPTED} WHERE kind = ?) GROUP BY _run_id ORDER BY _run_id""",
        [kind],
    ).fetchall()
    if not loads:
        return Batch(kind)
    return Batch(kind, tuple(r[0] for r in loads), sum(r[1] for r in loads), min(r[2] for r in loads))


def accept(con: duckdb.DuckDBPyConnection, batch: Batch, by_run: str) -> int:
    """Record the batch's loads as accepted by ``by_run``; return the rows accepted."""
    con.execute(
        f"INSERT INTO {ACCEPTED} SELECT ?, _run_id, count(*), ?, ? FROM ({batch.sql}) GROUP BY _run_id",
        [batch.kind, dt.datetime.now(dt.UTC).replace(tzinfo=None), by_run],
    )
    return batch.rows
