"""Load files into the warehouse: every row ends loaded, quarantined or counted as duplicate.

A file's rows and quarantine are written batch by batch and count once its ledger row is
written; a load that fails or is cut short by a crash is taken back, so a file counts whole or
not at all, and identical content is never loaded twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from ingest.currency import currency_problem
from ingest.formats import Layout, resolve_layout
from ingest.formats.mapping import Mapping, load_mapping, mapping_next_to
from ingest.kinds import KindSpec, spec_for
from ingest.ledger import (
    file_sha256,
    loaded_as,
    modified_at,
    remember_modified,
    same_size_loaded,
    unchanged_since_load,
)
from ingest.readers import ReadError, iter_rows
from ingest.validate import json_keys_of, typed_batch_sql
from ingest.warehouse import KEY_HASH, connect, discard_unfinished, transaction
from settings import Settings

_IGNORED_PREFIXES = (".", "_", "~")
_IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload")


@dataclass
class FileResult:
    """What happened to one file; ``read == loaded + quarantined + duplicate`` always."""

    path: Path
    kind: str
    input_format: str
    read: int = 0
    loaded: int = 0
    quarantined: int = 0
    duplicate: int = 0
    skipped_as: str | None = None  # loaded before under this path (same SHA-256)
    examples: list[tuple[int, str]] = field(default_factory=list)  # (line, reason) of quarantined rows
    new_fields: tuple[str, ...] = ()  # fields outside the canonical layout, kept in properties/dimensions

    @property
    def status(self) -> str:
        return "skipped" if self.skipped_as else "loaded"

    @property
    def kept_in(self) -> str:
        """Where new fields go: the kind's JSON column."""
        return "properties" if self.kind == "events" else "dimensions"


def inbox_files(inbox: Path, kind: str) -> list[Path]:
    """Files waiting in ``inbox/<kind>/`` (recursively), oldest name first; temp files ignored."""
    folder = inbox / kind
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(_IGNORED_PREFIXES) and not p.name.endswith(_IGNORED_SUFFIXES)
    )


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    kind: str,
    run_id: str,
    input_format: str | None = None,
    mapping: Mapping | None = None,
) -> FileResult:
    """Load one file (unless identical content was loaded before); raise ReadError if unreadable.

    Without ``mapping``, a ``_mapping.yml`` next to the file applies to it.
    """
    spec = spec_for(kind)
    if mapping is None and (beside := mapping_next_to(path)) is not None:
        mapping = load_mapping(beside)
    layout = resolve_layout(path, input_format, mapping)
    result = FileResult(path=path, kind=kind, input_format=layout.name)
    result.skipped_as = unchanged_since_load(con, kind, path)
    if not result.skipped_as and same_size_loaded(con, kind, path):
        sha256 = file_sha256(path)
        result.skipped_as = loaded_as(con, kind, sha256)
        if result.skipped_as == str(path):  # touched, or loaded before the quick check existed
            remember_modified(con, kind, path, sha256)
    if not result.skipped_as:
        _load(con, spec, layout, path, run_id, result)
    return result


def _load(
    con: duckdb.DuckDBPyConnection,
    spec: KindSpec,
    layout: Layout,
    path: Path,
    run_id: str,
    result: FileResult,
) -> None:
    """Every batch of the file into its tables as it comes, then the ledger row with the
    SHA-256 of the bytes read.

    Batches are committed one by one (DuckDB holds a transaction's uncommitted appends in
    memory: a 23M-line file written inside one transaction grew to 8.5 GiB), between a mark
    that the file's load started and the ledger row that ends it, written in one transaction
    with the mark's removal. A load that fails is taken back at once; one cut short by a crash
    is taken back when the warehouse is next opened (``ingest.warehouse.discard_unfinished``),
    so a file counts whole or not at all. Written once, not staged and copied: the copy was a
    sixth of the ingest.
    """
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    modified = modified_at(path)
    con.execute("INSERT INTO raw.unfinished_loads VALUES (?, ?, ?)", [spec.name, str(path), run_id])
    sha256 = hashlib.sha256()
    try:
        batches = 0
        for batches, frame in enumerate(iter_rows(path, layout.container, sha256), start=1):
            fields = stage_typed(con, spec, layout, frame, path, check=batches == 1)
            result.new_fields = tuple(sorted({*result.new_fields, *fields}))
            _write_batch(con, spec, path, run_id, now, result)
        if batches > 1:
            result.loaded -= _drop_repeats_across_batches(con, spec, path, run_id, now)
        result.duplicate = result.read - result.quarantined - result.loaded
        with transaction(con):
            con.execute(
                "INSERT INTO raw.load_ledger VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    str(path),
                    spec.name,
                    result.input_format,
                    sha256.hexdigest(),
                    path.stat().st_size,
                    result.read,
                    result.loaded,
                    result.quarantined,
                    result.duplicate,
                    now,
                    run_id,
                    modified,
                ],
            )
            con.execute("DELETE FROM raw.unfinished_loads WHERE file_path = ? AND run_id = ?", [str(path), run_id])
    except BaseException:
        discard_unfinished(con)
        raise
    finally:
        con.execute("DROP TABLE IF EXISTS typed")


def stage_typed(
    con: duckdb.DuckDBPyConnection,
    spec: KindSpec,
    layout: Layout,
    frame: pl.DataFrame,
    path: Path,
    *,
    check: bool = True,
) -> tuple[str, ...]:
    """Type and validate ``frame`` (as read from ``path``) into the temp table ``typed``.

    ``check`` tests the file's columns (the first batch of a file speaks for it). Returns
    the fields the kind does not name (kept in properties/dimensions).
    """
    frame = layout.prepare(frame, spec, path)
    present = set(frame.columns)
    # Arrow string views share polars' buffers; the default export copies every line into
    # large strings, a tenth of a file's load
    con.register("batch", frame.to_arrow(compat_level=pl.CompatLevel.newest()))
    try:
        if layout.container == "jsonl":
            present |= json_keys_of(con)
        if check:
            layout.check(con, spec, present, path)
        con.execute(f"CREATE OR REPLACE TEMP TABLE typed AS {typed_batch_sql(spec, layout, present)}")
    finally:
        con.unregister("batch")
    return layout.extra_fields(spec, present)


def _write_batch(
    con: duckdb.DuckDBPyConnection,
    spec: KindSpec,
    path: Path,
    run_id: str,
    now: dt.datetime,
    result: FileResult,
) -> None:
    """Write the batch's bad rows to the quarantine and its good ones whose key is new (to the
    rows loaded before this file, and to the batch's earlier lines) to the kind's table; add
    up the counts. Repeats of the file's earlier batches go at the end of the file.

    The batch's own duplicates go by an anti-join on an earlier line with the same key: a
    window (``QUALIFY row_number() ...``) groups every column by key and cost four times as much.
    """
    columns = ", ".join(f'"{c}"' for c in spec.column_names)
    con.execute(
        "INSERT INTO raw.quarantine SELECT ?, ?, _line, _reason, _raw, ?, ? FROM typed WHERE _reason IS NOT NULL",
        [spec.name, str(path), run_id, now],
    )
    window = _same_time_window(con, spec)
    result.loaded += con.execute(
        f"""INSERT INTO {spec.table} ({columns}, _key, _file, _line, _run_id, _loaded_at, _key_hash)
        SELECT {columns}, _key, ?, _line, ?, ?, {KEY_HASH} FROM typed t
        WHERE _reason IS NULL
          AND NOT EXISTS (SELECT 1 FROM {spec.table} r WHERE r._key = t._key AND r._loaded_at <> ?{window})
          AND NOT EXISTS (SELECT 1 FROM typed e WHERE e._key = t._key AND e._line < t._line AND e._reason IS NULL)""",
        [str(path), run_id, now, now],
    ).fetchone()[0]
    read, quarantined = con.execute("SELECT count(*), count(_reason) FROM typed").fetchone()
    result.read += read
    result.quarantined += quarantined
    if len(result.examples) < 3:
        result.examples += con.execute(
            "SELECT _line, _reason FROM typed WHERE _reason IS NOT NULL ORDER BY _line LIMIT ?",
            [3 - len(result.examples)],
        ).fetchall()


def _drop_repeats_across_batches(
    con: duckdb.DuckDBPyConnection, spec: KindSpec, path: Path, run_id: str, now: dt.datetime
) -> int:
    """Delete this load's rows whose key an earlier line of the file has (in an earlier batch);
    return how many.

    One pass over the file's rows once it is written: checking each batch against the file's
    earlier batches cost the square of the file (the last of a 23M-line file's 46 batches
    scanned the 22M rows before it, since a file's batches span the same time range).
    """
    return con.execute(
        f"""DELETE FROM {spec.table} AS e USING (
              SELECT _key, min(_line) AS first_line FROM {spec.table}
              WHERE _loaded_at = ? AND _file = ? AND _run_id = ?
              GROUP BY _key HAVING count(*) > 1
            ) AS d
            WHERE e._key = d._key AND e._line > d.first_line
              AND e._loaded_at = ? AND e._file = ? AND e._run_id = ?""",
        [now, str(path), run_id, now, str(path), run_id],
    ).fetchone()[0]


def _same_time_window(con: duckdb.DuckDBPyConnection, spec: KindSpec) -> str:
    """For events, look for an earlier copy only among events of the batch's time range.

    A re-delivered event carries the same time (an exporter's id, or the content key that
    includes the time), and raw.events is stored roughly in time order, so DuckDB skips every
    row group outside the range: checking a batch costs its own size, not the history's.
    An id re-sent with another time is loaded again and stopped by the history-wide unique
    test on raw.events (a blocking dbt test).
    """
    if spec.name != "events":
        return ""
    low, high = con.execute('SELECT min("timestamp"), max("timestamp") FROM typed WHERE _reason IS NULL').fetchone()
    if low is None:
        return ""
    return f""" AND r."timestamp" BETWEEN TIMESTAMP '{low}' AND TIMESTAMP '{high}'"""


@dataclass
class IngestReport:
    """Per-file results of one ingest call, and one line per file that could not be read."""

    results: list[FileResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def total(self, attribute: str) -> int:
        return sum(getattr(r, attribute) for r in self.results)


def ingest_paths(
    settings: Settings,
    kind: str,
    paths: list[Path],
    run_id: str,
    input_format: str | None = None,
    mapping: Mapping | None = None,
    on_file: Callable[[Path, FileResult | None], None] | None = None,
) -> IngestReport:
    """Load ``paths`` as ``kind`` with one short-lived warehouse connection.

    An unreadable file is reported and the others still load; so is billing that mixes
    currencies without exchange rates. The caller decides whether the errors fail the run.
    ``on_file`` hears about each file once it is done (committed; None: unreadable).
    """
    report = IngestReport()
    with connect(settings.warehouse, threads=settings.duckdb_threads, memory_limit=settings.duckdb_memory_limit) as con:
        # every thread types and writes its share of a batch (a fifth faster); nothing reads
        # the raw tables in storage order: what is listed is ordered by file and line
        con.execute("SET preserve_insertion_order = false")
        for path in paths:
            result = None
            try:
                result = ingest_file(con, path, kind, run_id, input_format, mapping)
                report.results.append(result)
            except ReadError as exc:
                report.errors.append(str(exc))
            if on_file:
                on_file(path, result)
        if kind == "subscriptions" and (problem := currency_problem(con, settings)):
            report.errors.append(problem)
    return report
