"""What a failed ``dbt build`` means, in one line per failed node: test, file, rows, examples.

dbt reports a failed test as a count; the examples come from running the test's compiled
SQL again (read-only, a few rows) on the warehouse it failed on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

EXAMPLES = 3
_FAILED = ("fail", "error", "runtime error")


def describe_failures(run_results: dict[str, Any], manifest: dict[str, Any], warehouse: Path) -> list[str]:
    """One line per failed test or model of a ``dbt build`` (empty when nothing failed)."""
    nodes = manifest.get("nodes", {})
    lines = []
    for result in run_results.get("results", []):
        if str(result.get("status")) not in _FAILED:
            continue
        node = nodes.get(result["unique_id"], {})
        where = node.get("original_file_path", "?")
        if result["unique_id"].startswith("test.") and result.get("failures"):
            examples = _examples(warehouse, result.get("compiled_code") or "")
            text = f"dbt test {node.get('name', result['unique_id'])} ({where}): {result['failures']} failing row(s)"
            lines.append(text + (f"; e.g. {examples}" if examples else ""))
        else:
            message = (result.get("message") or "failed").strip().splitlines()[0]
            lines.append(f"dbt {result['unique_id'].split('.')[0]} {node.get('name', '?')} ({where}): {message}")
    return lines


def _examples(warehouse: Path, sql: str) -> str:
    if not sql.strip():
        return ""
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return ""
    try:
        cursor = con.execute(f"SELECT * FROM ({sql}) LIMIT {EXAMPLES}")
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    except duckdb.Error:
        return ""
    finally:
        con.close()
    return "; ".join(", ".join(f"{n}={v!r}" for n, v in zip(names, row, strict=True)) for row in rows)
