"""Quarantined rows: list them, and replay them through the current rules after a fix.

A replay re-validates each quarantined row's stored text with today's kinds, rules and
settings. Rows that now pass are loaded (or counted as duplicates when their key is already
loaded) and leave the quarantine; the others stay, with today's reason. The file's ledger
row moves the same counts from quarantined to loaded/duplicate in the same transaction,
so ``rows_read = rows_loaded + rows_quarantined + rows_duplicate`` keeps holding and no
row is ever counted twice. Rows whose bytes were not UTF-8 cannot pass again: only a
corrected file fixes them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from ingest.formats import VENDORS, Layout
from ingest.formats.mapping import MappingLayout, load_mapping, mapping_next_to
from ingest.kinds import KindSpec, spec_for
from ingest.load import stage_typed
from ingest.warehouse import KEY_HASH, transaction

UNREADABLE = ("line is not valid UTF-8", "row is not valid UTF-8")


@dataclass
class ReplayResult:
    """What one replay did to one file's quarantined rows."""

    kind: str
    file_path: str
    replayed: int = 0
    loaded: int = 0
    duplicate: int = 0
    still_quarantined: int = 0


def list_rows(
    con: duckdb.DuckDBPyConnection, kind: str | None = None, file: str | None = None, limit: int = 100
) -> list[tuple]:
    """(kind, file, line, reason, raw) of quarantined rows, oldest file first."""
    return con.execute(
        """SELECT kind, file_path, line, reason, raw FROM raw.quarantine
        WHERE (? IS NULL OR kind = ?) AND (? IS NULL OR file_path = ?)
        ORDER BY quarantined_at, file_path, line LIMIT ?""",
        [kind, kind, file, file, limit],
    ).fetchall()


def replay(
    con: duckdb.DuckDBPyConnection, run_id: str, kind: str | None = None, file: str | None = None
) -> list[ReplayResult]:
    """Re-validate quarantined rows (optionally of one kind or file), one transaction per file load."""
    groups = con.execute(
        """SELECT DISTINCT q.kind, q.file_path, q.run_id, coalesce(l.input_format, 'jsonl')
        FROM raw.quarantine q LEFT JOIN raw.load_ledger l
          ON l.kind = q.kind AND l.file_path = q.file_path AND l.run_id = q.run_id
        WHERE (? IS NULL OR q.kind = ?) AND (? IS NULL OR q.file_path = ?)
        ORDER BY 1, 2, 3""",
        [kind, kind, file, file],
    ).fetchall()
    return [_replay_load(con, run_id, *group) for group in groups]


def _replay_load(
    con: duckdb.DuckDBPyConnection, run_id: str, kind: str, file_path: str, load_run: str, fmt: str
) -> ReplayResult:
    spec = spec_for(kind)
    rows = con.execute(
        "SELECT line, raw, reason FROM raw.quarantine WHERE kind = ? AND file_path = ? AND run_id = ? ORDER BY line",
        [kind, file_path, load_run],
    ).fetchall()
    layout = _layout(fmt, file_path)
    stage_typed(con, spec, layout, _frame(rows, layout.container), Path(file_path))
    result = ReplayResult(kind=kind, file_path=file_path, replayed=len(rows))
    try:
        with transaction(con):
            _apply(con, spec, file_path, load_run, run_id, result)
    finally:
        con.execute("DROP TABLE IF EXISTS typed")
    return result


def _layout(fmt: str, file_path: str) -> Layout:
    """The layout the file was loaded with (its ledger ``input_format``); a mapping is looked up
    next to the file again, so a corrected ``_mapping.yml`` applies to the replay."""
    if fmt in VENDORS:
        return VENDORS[fmt]
    container, _, how = fmt.partition("+")
    if how == "mapping" and (beside := mapping_next_to(Path(file_path))) is not None:
        mapping = load_mapping(beside)
        return MappingLayout(mapping, mapping.container or container)
    return Layout("jsonl" if container == "jsonl" else "csv")


def _frame(rows: list[tuple], fmt: str) -> pl.DataFrame:
    """The stored rows as a reader would have produced them (CSV/Parquet rows are stored as JSON)."""
    problems = [reason if reason.startswith(UNREADABLE) else None for _, _, reason in rows]
    base = {"_line": [r[0] for r in rows], "_raw": [r[1] for r in rows], "_problem": problems}
    frame = pl.DataFrame(base, schema={"_line": pl.Int64, "_raw": pl.String, "_problem": pl.String})
    if fmt == "jsonl":
        return frame
    pairs = zip(base["_raw"], problems, strict=True)
    records = [json.loads(raw) if raw and problem is None else {} for raw, problem in pairs]
    columns = sorted({k for r in records for k in r})
    values = {c: [None if r.get(c) is None else str(r[c]) for r in records] for c in columns}
    return frame.with_columns(pl.DataFrame(values, schema=dict.fromkeys(columns, pl.String)))


def _apply(
    con: duckdb.DuckDBPyConnection, spec: KindSpec, file_path: str, load_run: str, run_id: str, result: ReplayResult
) -> None:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    columns = ", ".join(f'"{c}"' for c in spec.column_names)
    result.loaded = con.execute(
        f"""INSERT INTO {spec.table} ({columns}, _key, _file, _line, _run_id, _loaded_at, _key_hash)
        SELECT {columns}, _key, ?, _line, ?, ?, {KEY_HASH} FROM typed t
        WHERE _reason IS NULL AND NOT EXISTS (SELECT 1 FROM {spec.table} r WHERE r._key = t._key)
        QUALIFY row_number() OVER (PARTITION BY _key ORDER BY _line) = 1""",
        [file_path, run_id, now],
    ).fetchone()[0]
    passed = con.execute("SELECT count(*) FROM typed WHERE _reason IS NULL").fetchone()[0]
    result.duplicate = passed - result.loaded
    result.still_quarantined = result.replayed - passed
    key = [spec.name, file_path, load_run]
    con.execute(
        """DELETE FROM raw.quarantine WHERE kind = ? AND file_path = ? AND run_id = ?
        AND line IN (SELECT _line FROM typed WHERE _reason IS NULL)""",
        key,
    )
    con.execute(
        """UPDATE raw.quarantine q SET reason = t._reason FROM typed t
        WHERE q.kind = ? AND q.file_path = ? AND q.run_id = ? AND q.line = t._line""",
        key,
    )
    con.execute(
        """UPDATE raw.load_ledger SET rows_loaded = rows_loaded + ?, rows_duplicate = rows_duplicate + ?,
            rows_quarantined = rows_quarantined - ? WHERE kind = ? AND file_path = ? AND run_id = ?""",
        [result.loaded, result.duplicate, passed, *key],
    )
