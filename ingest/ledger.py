"""The load ledger: which file was loaded when, with what hash and what happened to its rows."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb


def file_sha256(path: Path) -> str:
    """The file's SHA-256, read in 1 MiB blocks so large exports never sit in memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def loaded_as(con: duckdb.DuckDBPyConnection, kind: str, sha256: str) -> str | None:
    """The path under which identical content of ``kind`` was loaded before, if any."""
    row = con.execute(
        "SELECT file_path FROM raw.load_ledger WHERE kind = ? AND sha256 = ? ORDER BY loaded_at LIMIT 1",
        [kind, sha256],
    ).fetchone()
    return row[0] if row else None
