"""The one shim GX 1.x needs to validate DuckDB tables through SQL (duckdb-engine).

``SqlAlchemyExecutionEngine.execute_query`` returns its result after the ``with`` block has
closed the connection; duckdb-engine's cursor is gone by then, so ``fetchall()`` sees no rows
and metric resolution fails (``IndexError`` in ``resolve_metric_bundle``, GX issue #11579).
Buffering the result while the connection is open fixes it and keeps the work in DuckDB.
The upstream method stays reachable as ``upstream_execute_query``; ``tests/test_quality.py``
fails once it works on DuckDB, so the shim can be removed then.
"""

from __future__ import annotations

from typing import Any

_PATCHED = "_prodops_buffered_results"


def install() -> None:
    """Make GX's SQL engine buffer each query result inside its connection (idempotent)."""
    from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine

    if getattr(SqlAlchemyExecutionEngine, _PATCHED, False):
        return

    def execute_query(self: SqlAlchemyExecutionEngine, query: Any) -> Any:
        with self.get_connection() as connection:
            return self._execute_query_with_recovery(connection, query).freeze()()

    SqlAlchemyExecutionEngine.upstream_execute_query = SqlAlchemyExecutionEngine.execute_query
    SqlAlchemyExecutionEngine.execute_query = execute_query
    setattr(SqlAlchemyExecutionEngine, _PATCHED, True)
