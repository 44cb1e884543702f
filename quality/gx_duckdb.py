"""The one shim GX 1.x needs to validate DuckDB tables through SQL (duckdb-engine).

``SqlAlchemyExecutionEngine.execute_query`` returns its result after the ``with`` block has
closed the connection; duckdb-engine's cursor is gone by then, so ``fetchall()`` sees no rows
and metric resolution fails (``IndexError`` in ``resolve_metric_bundle``, GX issue #11579).
Buffering the result while the connection is open fixes it and keeps the work in DuckDB.
The upstream method stays reachable as ``upstream_execute_query``; ``tests/test_quality.py``
fails once it works on DuckDB, so the shim can be removed then.

The buffer holds at most BUFFERED_ROWS rows. GX reads a row query's first
``MAX_RESULT_RECORDS`` (200) rows and counts its rows with a separate ``COUNT(*)``; buffering
every row instead pulled a warn check's 26 million failing rows into Python (12.6 GiB at
100M events).
"""

from __future__ import annotations

from typing import Any

_PATCHED = "_prodops_buffered_results"
BUFFERED_ROWS = 10_000  # 50x what GX reads of any result; no GX metric needs more rows


def install() -> None:
    """Make GX's SQL engine buffer each query result inside its connection (idempotent)."""
    from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine
    from sqlalchemy.engine.result import IteratorResult, SimpleResultMetaData

    if getattr(SqlAlchemyExecutionEngine, _PATCHED, False):
        return

    def execute_query(self: SqlAlchemyExecutionEngine, query: Any) -> Any:
        with self.get_connection() as connection:
            result = self._execute_query_with_recovery(connection, query)
            rows = result.fetchmany(BUFFERED_ROWS)
            return IteratorResult(SimpleResultMetaData(list(result.keys())), iter(rows))

    SqlAlchemyExecutionEngine.upstream_execute_query = SqlAlchemyExecutionEngine.execute_query
    SqlAlchemyExecutionEngine.execute_query = execute_query
    setattr(SqlAlchemyExecutionEngine, _PATCHED, True)
