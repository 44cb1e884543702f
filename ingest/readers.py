"""Readers: one file in, one polars frame out, with the line and the raw text of each row.

Every reader keeps ``_line`` (1-based line in the file; for CSV the line where the record
starts, counting the header as line 1, so a quoted newline moves later records down),
``_raw`` (the row as text) so a quarantined row can be shown and replayed exactly as it
came, and ``_problem`` (why the row could not even be read, e.g. bytes that are not UTF-8;
NULL for a readable row). A byte-order mark is dropped; CRLF line ends are accepted.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from pathlib import Path

import polars as pl

CONTAINERS = ("jsonl", "csv", "parquet")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".parquet": "parquet"}


class ReadError(ValueError):
    """The file as a whole cannot be read; the message names the file."""


def container_of(path: Path) -> str:
    """The container format named by the file's suffix (``.gz`` looked through)."""
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in (".gz", ".gzip")]
    fmt = _SUFFIXES.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise ReadError(f"{path}: cannot tell the format from the name; pass --input-format")
    return fmt


def read_rows(path: Path, fmt: str) -> pl.DataFrame:
    """All rows of a CSV or Parquet file (or an empty file) with ``_line``, ``_raw``, ``_problem``
    and the file's own columns; JSON lines are read by ``iter_rows``."""
    try:
        if path.stat().st_size == 0:
            frame = pl.DataFrame(schema={"_line": pl.Int64, "_raw": pl.String})
        elif fmt == "csv":
            frame = _read_csv(path)
        else:
            frame = _read_parquet(path)
    except (pl.exceptions.PolarsError, OSError, EOFError, gzip.BadGzipFile) as exc:
        raise ReadError(f"{path}: cannot be read as {fmt}: {str(exc).splitlines()[0]}") from exc
    return _with_problem(frame)


BATCH_ROWS = 1_000_000  # lines per batch of a large JSON-lines file: memory stays bounded


def iter_rows(path: Path, fmt: str, batch_rows: int | None = None) -> Iterator[pl.DataFrame]:
    """``read_rows`` in batches: JSON lines stream ``batch_rows`` lines at a time, other
    formats come as one frame. Line numbers are the file's whatever the batch."""
    if fmt != "jsonl" or path.stat().st_size == 0:
        yield read_rows(path, fmt)
        return
    last_line = 0
    try:
        lines = pl.scan_lines(path, name="_raw", row_index_name="_line", row_index_offset=1)
        for batch in lines.collect_batches(chunk_size=batch_rows or BATCH_ROWS):
            last_line = int(batch["_line"][-1]) if batch.height else last_line
            yield _with_problem(_clean_lines(batch))
    except pl.exceptions.ComputeError as exc:
        if not _is_utf8_error(exc):
            raise ReadError(f"{path}: cannot be read as {fmt}: {str(exc).splitlines()[0]}") from exc
        decoded = _decode_lines(_file_bytes(path))  # only the lines not yielded yet
        yield _clean_lines(decoded.filter(pl.col("_line") > last_line))
    except (pl.exceptions.PolarsError, OSError, EOFError, gzip.BadGzipFile) as exc:
        raise ReadError(f"{path}: cannot be read as {fmt}: {str(exc).splitlines()[0]}") from exc


def _with_problem(frame: pl.DataFrame) -> pl.DataFrame:
    if "_problem" in frame.columns:
        return frame
    return frame.with_columns(pl.lit(None, pl.String).alias("_problem"))


def _clean_lines(frame: pl.DataFrame) -> pl.DataFrame:
    """Without a byte-order mark, CR line ends and blank lines; 64-bit line numbers."""
    frame = frame.with_columns(pl.col("_raw").str.strip_prefix("\ufeff").str.strip_suffix("\r"))
    return frame.filter(pl.col("_raw").str.strip_chars() != "").with_columns(pl.col("_line").cast(pl.Int64))


def _is_utf8_error(exc: Exception) -> bool:
    return "utf" in str(exc).lower()


def _decode_lines(data: bytes) -> pl.DataFrame:
    """Line by line, so only the lines that are not UTF-8 are lost to quarantine, not the file."""
    lines, raws, problems = [], [], []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            raws.append(line.decode("utf-8"))
            problems.append(None)
        except UnicodeDecodeError as exc:
            raws.append(line.decode("utf-8", errors="replace"))
            problems.append(f"line is not valid UTF-8 (byte 0x{line[exc.start]:02x} at column {exc.start + 1})")
        lines.append(number)
    return pl.DataFrame({"_line": lines, "_raw": raws, "_problem": problems}, schema_overrides={"_problem": pl.String})


def _file_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _read_csv(path: Path) -> pl.DataFrame:
    problem = None
    try:
        frame = pl.read_csv(path, infer_schema=False, row_index_name="_line", row_index_offset=2)
    except pl.exceptions.ComputeError as exc:
        if not _is_utf8_error(exc):
            raise
        frame = pl.read_csv(path, infer_schema=False, row_index_name="_line", row_index_offset=2, encoding="utf8-lossy")
        problem = "row is not valid UTF-8"
    frame = frame.rename({c: c.removeprefix("\ufeff") for c in frame.columns})
    starts = _record_start_lines(path, frame.height)
    if starts is not None:
        frame = frame.with_columns(pl.Series("_line", starts, dtype=pl.Int64))
    frame = _with_raw(frame)
    if problem:
        bad = pl.col("_raw").str.contains("\ufffd", literal=True)
        frame = frame.with_columns(pl.when(bad).then(pl.lit(problem)).otherwise(None).alias("_problem"))
    return frame


def _record_start_lines(path: Path, records: int) -> list[int] | None:
    """The line each record starts on, when a quoted field holds a newline (else None: line = index + 2)."""
    data = _file_bytes(path)
    if data.count(b"\n") <= records + 1:
        return None
    reader = csv.reader(io.StringIO(data.decode("utf-8", errors="replace"), newline=""))
    starts, line = [], 1
    for row in reader:
        if row:
            starts.append(line)
        line = reader.line_num + 1
    return starts[1:] if len(starts) == records + 1 else None


def _read_parquet(path: Path) -> pl.DataFrame:
    frame = pl.read_parquet(path).with_row_index("_line", offset=1)
    as_text = [pl.col(c).cast(pl.String) for c in frame.columns if c != "_line"]
    return _with_raw(frame.with_columns(as_text))


def _with_raw(frame: pl.DataFrame) -> pl.DataFrame:
    columns = [c for c in frame.columns if c not in ("_line", "_problem")]
    raw = pl.struct(columns).struct.json_encode() if columns else pl.lit("{}")
    return frame.with_columns(raw.alias("_raw"), pl.col("_line").cast(pl.Int64))
