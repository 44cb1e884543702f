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
import mmap
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

import polars as pl

CONTAINERS = ("jsonl", "csv", "parquet")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".parquet": "parquet"}


class Digest(Protocol):
    """A running hash (``hashlib.sha256()``): fed the file's bytes as they are read."""

    def update(self, data: bytes, /) -> None: ...


_T = TypeVar("_T")


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


BATCH_BYTES = 128 << 20  # bytes of a JSON-lines file parsed at a time: memory stays bounded by it


def iter_rows(path: Path, fmt: str, digest: Digest | None = None) -> Iterator[pl.DataFrame]:
    """``read_rows`` in batches: JSON lines stream in blocks of about ``BATCH_BYTES`` that
    end at a line end, other formats come as one frame. Line numbers are the file's
    whatever the batch, and memory holds two blocks, however large the file.

    ``digest`` is fed the file's bytes, each once: a plain JSON-lines file as its blocks are
    read (the ledger's hash then costs no second pass over a file that may not fit in the
    page cache), any other file in one pass before its rows.
    """
    if digest is not None and (fmt != "jsonl" or _is_gzip(path)):
        hash_file(path, digest)
        digest = None
    if fmt != "jsonl" or path.stat().st_size == 0:
        yield read_rows(path, fmt)
        return
    try:
        yield from _read_ahead(_frames(path, digest))
    except (pl.exceptions.PolarsError, OSError, EOFError, zlib.error) as exc:
        raise ReadError(f"{path}: cannot be read as {fmt}: {str(exc).splitlines()[0]}") from exc


def _frames(path: Path, digest: Digest | None) -> Iterator[pl.DataFrame]:
    """The file's blocks as frames of numbered lines, ``digest`` fed each block's bytes."""
    first_line = 1
    for block in _line_blocks(path):
        if digest is not None:
            digest.update(block)
        frame = _lines_of(block, first_line)
        first_line += frame.height
        yield _with_problem(_clean_lines(frame))


def _read_ahead(items: Iterator[_T]) -> Iterator[_T]:
    """``items``, the next one made in a thread while the caller works on the one before.

    Reading a block (mapping, hashing, splitting lines) then overlaps with typing and writing
    the block before it in DuckDB, instead of leaving a core idle while Python reads. One item
    is made ahead, no more, so memory holds two. Exceptions reach the caller as raised.
    """
    with closing(items), ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead") as pool:
        done = object()
        pending = pool.submit(next, items, done)
        while (item := pending.result()) is not done:
            pending = pool.submit(next, items, done)
            yield item  # type: ignore[misc]


def _line_blocks(path: Path) -> Iterator[bytes]:
    """The file's bytes (gzip looked through) in blocks of whole lines, each about BATCH_BYTES.

    A plain file is mapped and each block copied out of it once: reading a block and then
    appending the rest of its last line copied it twice (0.7 s against 0.4 s for 600 MB).
    The pages of a block are released once it is copied: they count in the process's memory
    while mapped (a 6 GB file read to its end held 6.6 GiB).
    """
    with _open_bytes(path) as handle:
        if isinstance(handle, gzip.GzipFile):
            while block := handle.read(BATCH_BYTES):
                yield block if block.endswith(b"\n") else block + handle.readline()
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            start = 0
            while start < len(mapped):
                end = mapped.find(b"\n", min(start + BATCH_BYTES, len(mapped)) - 1)
                end = len(mapped) if end < 0 else end + 1
                yield mapped[start:end]
                start = end
                mapped.madvise(mmap.MADV_DONTNEED, 0, start - start % mmap.PAGESIZE)


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as probe:
        return probe.read(2) == b"\x1f\x8b"


def _open_bytes(path: Path) -> BinaryIO:
    return gzip.open(path, "rb") if _is_gzip(path) else path.open("rb")


def hash_file(path: Path, digest: Digest) -> None:
    """Feed ``digest`` the file's bytes, 1 MiB at a time so large exports never sit in memory."""
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)


def _lines_of(block: bytes, first_line: int) -> pl.DataFrame:
    """Every line of a block (blank ones too) with its number; a block with bytes that are not
    UTF-8 goes line by line, so only those lines are lost to quarantine, not the block."""
    try:
        return pl.scan_lines(block, name="_raw", row_index_name="_line", row_index_offset=first_line).collect()
    except pl.exceptions.ComputeError as exc:
        if not _is_utf8_error(exc):
            raise
        return _decode_lines(block.removesuffix(b"\n"), first_line)


def _with_problem(frame: pl.DataFrame) -> pl.DataFrame:
    if "_problem" in frame.columns:
        return frame
    return frame.with_columns(pl.lit(None, pl.String).alias("_problem"))


def _clean_lines(frame: pl.DataFrame) -> pl.DataFrame:
    """Without a byte-order mark, CR line ends and blank lines; 64-bit line numbers.

    A block whose every line starts with ``{`` and none ends with CR (the usual export) has
    none of them: checking costs a third of cleaning, which copies every line twice.
    """
    raw = pl.col("_raw")
    if not frame.select(raw.str.starts_with("{").all() & ~raw.str.ends_with("\r").any()).item():
        frame = frame.with_columns(raw.str.strip_prefix("\ufeff").str.strip_suffix("\r"))
        frame = frame.filter(raw.str.strip_chars() != "")
    return frame.with_columns(pl.col("_line").cast(pl.Int64))


def _is_utf8_error(exc: Exception) -> bool:
    return "utf" in str(exc).lower()


def _decode_lines(data: bytes, first_line: int) -> pl.DataFrame:
    """Line by line, so only the lines that are not UTF-8 are lost to quarantine, not the file."""
    lines, raws, problems = [], [], []
    for number, line in enumerate(data.split(b"\n"), start=first_line):
        try:
            raws.append(line.decode("utf-8"))
            problems.append(None)
        except UnicodeDecodeError as exc:
            raws.append(line.decode("utf-8", errors="replace"))
            problems.append(f"line is not valid UTF-8 (byte 0x{line[exc.start]:02x} at column {exc.start + 1})")
        lines.append(number)
    return pl.DataFrame({"_line": lines, "_raw": raws, "_problem": problems}, schema_overrides={"_problem": pl.String})


def _file_bytes(path: Path) -> bytes:
    with _open_bytes(path) as handle:
        return handle.read()


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
