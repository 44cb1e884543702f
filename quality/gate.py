"""The gate on one kind: run its checks on the new batch, accept the batch if nothing blocks."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.warehouse import connect
from quality.batch import accept, ensure_table, pending_batch
from quality.runner import CheckOutcome, run_checks
from settings import Settings


@dataclass
class GateReport:
    """The outcomes of one kind's checks and how many new rows they covered and accepted."""

    kind: str
    new_rows: int
    accepted_rows: int = 0
    outcomes: list[CheckOutcome] = field(default_factory=list)

    @property
    def blocked(self) -> list[CheckOutcome]:
        return [o for o in self.outcomes if o.blocks]


def run_gate(settings: Settings, kind: str, run_id: str) -> GateReport:
    """Check ``kind``'s rows not yet accepted; accept them under ``run_id`` unless a check blocks."""
    with _warehouse(settings) as con:
        ensure_table(con)  # before the first count of a fresh warehouse
        batch = pending_batch(con, kind)
    report = GateReport(kind=kind, new_rows=batch.rows)
    report.outcomes = run_checks(settings, kind, batch=batch)
    if report.new_rows and not report.blocked:
        with _warehouse(settings) as con:
            report.accepted_rows = accept(con, batch, run_id)
    return report


def _warehouse(settings: Settings):
    return connect(settings.warehouse, threads=settings.duckdb_threads, memory_limit=settings.duckdb_memory_limit)
