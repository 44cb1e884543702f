"""Readers: one file in, one polars frame out, with the line and the raw text of each row.

Every reader keeps ``_line`` (1-based line in the file; for CSV the line of the record,
counting the header as line 1) and ``_raw`` (the row as text) so a quarantined row can
be shown and replayed exactly as it came.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

FORMATS = ("jsonl", "csv", "parquet", "stripe")  # stripe: a Stripe Dashboard CSV export
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".parquet": "parquet"}


class ReadError(ValueError):
    """The file as a whole cannot be read; the message names the file."""


def detect_format(path: Path, forced: str | None = None) -> str:
    """The format named by ``forced`` (unless ``auto``), else by the file's suffix."""
    if forced and forced != "auto":
        if forced not in FORMATS:
            raise ReadError(f"{path}: unknown input format {forced!r}; expected auto or one of {', '.join(FORMATS)}")
        return forced
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in (".gz", ".gzip")]
    fmt = _SUFFIXES.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise ReadError(f"{path}: cannot tell the format from the name; pass --input-format")
    return fmt


def read_rows(path: Path, fmt: str) -> pl.DataFrame:
    """All non-blank rows of ``path`` with ``_line`` and ``_raw``; CSV/Parquet keep their columns."""
    try:
        if fmt == "jsonl":
            return _read_lines(path)
        if fmt in ("csv", "stripe"):
            return _read_csv(path)
        return _read_parquet(path)
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as exc:
        raise ReadError(f"{path}: cannot be read as {fmt}: {str(exc).splitlines()[0]}") from exc


def _read_lines(path: Path) -> pl.DataFrame:
    frame = pl.scan_lines(path, name="_raw", row_index_name="_line", row_index_offset=1).collect()
    return frame.filter(pl.col("_raw").str.strip_chars() != "").with_columns(pl.col("_line").cast(pl.Int64))


def _read_csv(path: Path) -> pl.DataFrame:
    frame = pl.read_csv(path, infer_schema=False, row_index_name="_line", row_index_offset=2)
    return _with_raw(frame)


def _read_parquet(path: Path) -> pl.DataFrame:
    frame = pl.read_parquet(path).with_row_index("_line", offset=1)
    as_text = [pl.col(c).cast(pl.String) for c in frame.columns if c != "_line"]
    return _with_raw(frame.with_columns(as_text))


def _with_raw(frame: pl.DataFrame) -> pl.DataFrame:
    columns = [c for c in frame.columns if c != "_line"]
    raw = pl.struct(columns).struct.json_encode() if columns else pl.lit("{}")
    return frame.with_columns(raw.alias("_raw"), pl.col("_line").cast(pl.Int64))
