"""Run a kind's checks with Great Expectations on DuckDB, pushed down as SQL.

GX is imported here, lazily, so the CLI and Dagster start without it. Each validation opens
its own read-only SQLAlchemy engine on the warehouse and disposes of it before returning:
no connection outlives the step (``dbt build`` needs the file next).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.warehouse import connect
from quality.batch import Batch, ensure_table, pending_batch
from quality.checks import ROW_INDEX, CheckDef, Params, checks_for, severity, validate_severity_names
from settings import Settings

EXAMPLES = 3
_MAP_FORMAT = {"result_format": "SUMMARY", "unexpected_index_column_names": ROW_INDEX, "partial_unexpected_count": 20}


@dataclass(frozen=True)
class CheckOutcome:
    """The verdict of one check on one kind: failing rows, the files they came from, examples."""

    name: str
    kind: str
    severity: str
    passed: bool
    failing_rows: int = 0
    files: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    observed: str = ""  # what was seen, for checks that could not run
    row_level: bool = True

    @property
    def blocks(self) -> bool:
        return not self.passed and self.severity == "block"

    def describe(self) -> str:
        """One line: the check, the count, the files and a few examples."""
        if self.passed:
            return f"{self.kind}.{self.name}: passed" + (f" ({self.observed})" if self.observed else "")
        where = f" in {', '.join(Path(f).name for f in self.files)}" if self.files else ""
        text = f"{self.kind}.{self.name} ({self.severity}): "
        if self.observed and not self.failing_rows:
            return text + self.observed
        text += f"{self.failing_rows} failing row(s){where}" if self.row_level else f"failed{where}"
        if self.examples:
            text += "; e.g. " + "; ".join(self.examples)
        return text


def run_checks(
    settings: Settings, kind: str, now: dt.datetime | None = None, batch: Batch | None = None
) -> list[CheckOutcome]:
    """Validate the kind's new batch (and, for whole-table checks, the table); one outcome per check.

    ``batch`` is the one the caller will accept (default: the loads pending now). Batch checks
    on an empty batch pass as "no new rows" without a query; GX starts only for the rest.
    """
    validate_severity_names(settings)
    with connect(settings.warehouse, threads=settings.duckdb_threads) as con:
        ensure_table(con)
        batch = batch or pending_batch(con, kind)
    checks = checks_for(kind)
    outcomes = {
        c.name: CheckOutcome(c.name, kind, severity(c, settings), passed=True, observed="no new rows")
        for c in checks
        if not c.whole_table and not batch.rows
    }
    groups = [
        (f"{kind}_batch", batch.sql, [c for c in checks if not c.whole_table and c.name not in outcomes]),
        (f"{kind}_table", f"SELECT * FROM raw.{kind}", [c for c in checks if c.whole_table]),
    ]
    if any(group for _, _, group in groups):
        outcomes.update(_validate_groups(settings, kind, groups, Params.from_settings(settings, now)))
    return [outcomes[c.name] for c in checks]


def _validate_groups(
    settings: Settings, kind: str, groups: list[tuple[str, str, list[CheckDef]]], params: Params
) -> dict[str, CheckOutcome]:
    """Outcomes of each (asset name, rows' SQL, checks) group, on one GX datasource."""
    outcomes: dict[str, CheckOutcome] = {}
    datasource = _gx_datasource(settings)
    try:
        for name, sql, group in groups:
            if group:
                results = _validate(datasource, name, sql, kind, group, params)
                outcomes.update(_outcomes(kind, group, results, settings))
    finally:  # GX keeps two engines (datasource and execution engine); both hold connections
        datasource.get_engine().dispose()
        datasource.get_execution_engine().engine.dispose()
    return outcomes


_gx_import: threading.Thread | None = None


def import_gx_in_background() -> None:
    """Start importing GX in a daemon thread, once per process, so the gates find it loaded.

    The import takes about 4 s and the first gate waited for all of it; started by the ingest
    steps, it runs while DuckDB loads the files (DuckDB releases the interpreter meanwhile).
    A second import of the same modules waits for this one and then finds them loaded. The
    check and start need no lock: the job's steps run one after another in one process
    (``in_process_executor``).
    """
    global _gx_import
    if _gx_import is None:
        _gx_import = threading.Thread(target=_import_gx, name="import-gx", daemon=True)
        _gx_import.start()


def _import_gx() -> Any:
    """Great Expectations, imported with its usage analytics off (a self-hosted pipeline sends nothing out)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations

    return great_expectations


def _gx_datasource(settings: Settings) -> Any:
    """GX's SQL datasource on the warehouse, read-only, with the workspace's DuckDB threads and
    memory limit (without them DuckDB takes 80% of the machine: a uniqueness check over a
    100M-row batch went past 8 GiB)."""
    gx = _import_gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    from quality import gx_duckdb

    gx_duckdb.install()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    config = {"threads": settings.duckdb_threads, "memory_limit": settings.duckdb_memory_limit}
    return context.data_sources.add_sql(
        "warehouse",
        connection_string=f"duckdb:///{settings.warehouse}",
        kwargs={"connect_args": {"read_only": True, "config": config}},
    )


def _validate(
    datasource: Any, name: str, sql: str, kind: str, checks: list[CheckDef], params: Params
) -> list[tuple[str, Any]]:
    """(check name, GX result) for every expectation of ``checks`` on the rows of ``sql``."""
    import great_expectations as gx

    batch = datasource.add_query_asset(name, query=sql).add_batch_definition_whole_table("all").get_batch()
    expectations = [(check.name, e) for check in checks for e in check.build(kind, params)]
    results = []
    for complete in (False, True):  # row-query expectations report their rows only with COMPLETE
        group = [(n, e) for n, e in expectations if _is_row_query(e) == complete]
        if not group:
            continue
        suite = gx.ExpectationSuite(f"{name}_{complete}")
        for check_name, expectation in group:
            expectation.meta = {"check": check_name}
            suite.add_expectation(expectation)
        validation = batch.validate(suite, result_format="COMPLETE" if complete else _MAP_FORMAT)
        results += [(r.expectation_config.meta["check"], r) for r in validation.results]
    return results


def _is_row_query(expectation: Any) -> bool:
    return hasattr(expectation, "unexpected_rows_query")


def _outcomes(
    kind: str, checks: list[CheckDef], results: list[tuple[str, Any]], settings: Settings
) -> dict[str, CheckOutcome]:
    by_check: dict[str, list[Any]] = defaultdict(list)
    for check_name, result in results:
        by_check[check_name].append(result)
    return {c.name: _outcome(kind, c, by_check[c.name], severity(c, settings)) for c in checks}


def _outcome(kind: str, check: CheckDef, results: list[Any], level: str) -> CheckOutcome:
    failing, files, examples, observed = 0, [], [], []
    for result in results:
        problems = _exceptions(result.exception_info or {})
        if problems:  # a check that cannot run fails; it never passes silently
            observed += [f"could not run: {p}" for p in problems[:1]]
            continue
        failed_rows = sorted(_failed_rows(result.result), key=lambda r: (str(r.get("_file")), r.get("_line") or 0))
        failing += _failing_count(result.result, failed_rows)
        files += [str(r["_file"]) for r in failed_rows if r.get("_file")]
        examples += [_example(r) for r in failed_rows]
        if "observed_value" in result.result and not _is_row_query_result(result) and not result.success:
            observed.append(f"{result.expectation_config.kwargs.get('column', '')} {result.result['observed_value']}")
    passed = all(r.success for r in results)
    return CheckOutcome(
        name=check.name,
        kind=kind,
        severity=level,
        passed=passed,
        failing_rows=failing,
        files=tuple(dict.fromkeys(files)),
        examples=tuple(dict.fromkeys(examples))[:EXAMPLES],
        observed="; ".join(dict.fromkeys(observed)),
        row_level=check.row_level,
    )


def _exceptions(info: dict[str, Any]) -> list[str]:
    """Messages of exceptions GX caught (flat, or one per metric for row queries)."""
    if "raised_exception" in info:
        return [str(info["exception_message"]).splitlines()[0]] if info["raised_exception"] else []
    return [m for nested in info.values() if isinstance(nested, dict) for m in _exceptions(nested)]


def _is_row_query_result(result: Any) -> bool:
    return result.expectation_config.type == "unexpected_rows_expectation"


def _failed_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    if "details" in result:
        return list(result["details"].get("unexpected_rows", []))
    return list(result.get("partial_unexpected_index_list") or [])


def _failing_count(result: dict[str, Any], rows: list[dict[str, Any]]) -> int:
    if "unexpected_count" in result:
        return int(result["unexpected_count"] or 0)
    if "details" in result:
        return int(result.get("observed_value") or 0)
    return 0


def _example(row: dict[str, Any]) -> str:
    where = f"{Path(str(row.get('_file'))).name}:{row['_line']}" if row.get("_line") is not None else ""
    values = ", ".join(f"{k}={_short(v)}" for k, v in row.items() if k not in ROW_INDEX)
    return f"{where} {values}".strip()


def _short(value: Any) -> str:
    text = value.isoformat() if isinstance(value, dt.date) else repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def blocking(outcomes: Iterable[CheckOutcome]) -> list[CheckOutcome]:
    """The outcomes that stop the run."""
    return [o for o in outcomes if o.blocks]
