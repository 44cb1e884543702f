"""Load files into the warehouse: every row ends loaded, quarantined or counted as duplicate.

A file is loaded in one transaction (rows, quarantine and ledger together), so a crash
leaves either the whole file or none of it, and identical content is never loaded twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingest.formats import resolve_layout
from ingest.formats.mapping import Mapping, load_mapping, mapping_next_to
from ingest.kinds import KindSpec, spec_for
from ingest.ledger import file_sha256, loaded_as
from ingest.readers import ReadError, read_rows
from ingest.validate import typed_batch_sql
from ingest.warehouse import connect
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

    @property
    def status(self) -> str:
        return "skipped" if self.skipped_as else "loaded"


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
    sha256 = file_sha256(path)
    result.skipped_as = loaded_as(con, kind, sha256)
    if result.skipped_as:
        return result
    frame = read_rows(path, layout.container)
    present = set(frame.columns)
    con.register("batch", frame)
    try:
        layout.check(con, spec, present, path)
        con.execute(f"CREATE OR REPLACE TEMP TABLE typed AS {typed_batch_sql(spec, layout, present)}")
    finally:
        con.unregister("batch")
    _write(con, spec, path, run_id, sha256, result)
    return result


def _write(
    con: duckdb.DuckDBPyConnection, spec: KindSpec, path: Path, run_id: str, sha256: str, result: FileResult
) -> None:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    columns = ", ".join(f'"{c}"' for c in spec.column_names)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "INSERT INTO raw.quarantine SELECT ?, ?, _line, _reason, _raw, ?, ? FROM typed WHERE _reason IS NOT NULL",
            [spec.name, str(path), run_id, now],
        )
        result.loaded = con.execute(
            f"""INSERT INTO {spec.table} ({columns}, _key, _file, _line, _run_id, _loaded_at)
            SELECT {columns}, _key, ?, _line, ?, ? FROM typed t
            WHERE _reason IS NULL
              AND NOT EXISTS (SELECT 1 FROM {spec.table} r WHERE r._key = t._key)
            QUALIFY row_number() OVER (PARTITION BY _key ORDER BY _line) = 1""",
            [str(path), run_id, now],
        ).fetchone()[0]
        result.read, result.quarantined = con.execute("SELECT count(*), count(_reason) FROM typed").fetchone()
        result.duplicate = result.read - result.quarantined - result.loaded
        result.examples = con.execute(
            "SELECT _line, _reason FROM typed WHERE _reason IS NOT NULL ORDER BY _line LIMIT 3"
        ).fetchall()
        con.execute(
            "INSERT INTO raw.load_ledger VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                str(path),
                spec.name,
                result.input_format,
                sha256,
                path.stat().st_size,
                result.read,
                result.loaded,
                result.quarantined,
                result.duplicate,
                now,
                run_id,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.execute("DROP TABLE IF EXISTS typed")


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

    An unreadable file is reported and the others still load; the caller decides whether
    the errors fail the run. ``on_file`` hears about each file as it is done (None: unreadable).
    """
    report = IngestReport()
    with connect(settings.warehouse, threads=settings.duckdb_threads, memory_limit=settings.duckdb_memory_limit) as con:
        for path in paths:
            result = None
            try:
                result = ingest_file(con, path, kind, run_id, input_format, mapping)
                report.results.append(result)
            except ReadError as exc:
                report.errors.append(str(exc))
            if on_file:
                on_file(path, result)
    return report
