"""The load ledger: which file was loaded when, with what hash and what happened to its rows."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb

from ingest.readers import hash_file

_EPOCH = dt.datetime(1970, 1, 1)


def file_sha256(path: Path) -> str:
    """The file's SHA-256, read in 1 MiB blocks so large exports never sit in memory."""
    digest = hashlib.sha256()
    hash_file(path, digest)
    return digest.hexdigest()


def same_size_loaded(con: duckdb.DuckDBPyConnection, kind: str, path: Path) -> bool:
    """Whether a file of ``kind`` and of this file's size was loaded before.

    Only then can its content be loaded already, so only then is it hashed before it is read;
    any other file is hashed as it is read (``ingest.readers.iter_rows``), in the same pass.
    """
    row = con.execute(
        "SELECT 1 FROM raw.load_ledger WHERE kind = ? AND size_bytes = ? LIMIT 1", [kind, path.stat().st_size]
    ).fetchall()
    return bool(row)


def loaded_as(con: duckdb.DuckDBPyConnection, kind: str, sha256: str) -> str | None:
    """The path under which identical content of ``kind`` was loaded before, if any."""
    row = con.execute(
        "SELECT file_path FROM raw.load_ledger WHERE kind = ? AND sha256 = ? ORDER BY loaded_at LIMIT 1",
        [kind, sha256],
    ).fetchone()
    return row[0] if row else None


def modified_at(path: Path) -> dt.datetime:
    """The file's modification time as naive UTC, to the microsecond."""
    return _EPOCH + dt.timedelta(microseconds=path.stat().st_mtime_ns // 1000)


def unchanged_since_load(con: duckdb.DuckDBPyConnection, kind: str, path: Path) -> str | None:
    """The path itself when it was loaded before with the same size and modification time.

    The quick check rsync and make use: a nightly run over an inbox that keeps a year of
    exports then reads only the new files, instead of hashing the whole history again. Any
    other file is hashed, so new content under an old name, or old content under a new name,
    is still told apart by its SHA-256.
    """
    stat = path.stat()
    row = con.execute(
        "SELECT file_path FROM raw.load_ledger WHERE kind = ? AND file_path = ? AND size_bytes = ? AND modified_at = ? "
        "LIMIT 1",
        [kind, str(path), stat.st_size, modified_at(path)],
    ).fetchone()
    return row[0] if row else None


def remember_modified(con: duckdb.DuckDBPyConnection, kind: str, path: Path, sha256: str) -> None:
    """Record the current modification time of a file whose content was found loaded already."""
    con.execute(
        "UPDATE raw.load_ledger SET modified_at = ? WHERE kind = ? AND file_path = ? AND sha256 = ?",
        [modified_at(path), kind, str(path), sha256],
    )
