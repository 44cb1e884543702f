"""The Dagster event log's SQLite files: written without an fsync and a checkpoint per event.

Dagster's SQLite storage writes every event (about 500 a run: a materialization and a check
per dbt model and test) in its own transaction on a connection of its own, in WAL mode with
SQLite's default ``synchronous = FULL``. Each commit waited on an fsync, and each close, the
file's last connection, checkpointed the WAL into the file and deleted it: 5 to 7 s of a run.
So every SQLite connection this process opens gets ``synchronous = NORMAL`` (SQLite's advice
for WAL: consistent after a crash; only the last commits before a power cut may be lost,
and a run's outcome lives in the warehouse and the serving copy anyway), and the first
connection to each file is kept open for the process's life: the others' closes are no
longer the last, and SQLite checkpoints as the WAL grows and once at exit.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_kept: dict[str, sqlite3.Connection] = {}


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.execute("PRAGMA synchronous = NORMAL")
    path = dbapi_connection.execute("PRAGMA database_list").fetchone()[2]
    if path and path not in _kept:
        _kept[path] = sqlite3.connect(path, check_same_thread=False)


def relax_event_log_sync() -> None:
    """Install the setting for every SQLite connection this process opens (idempotent)."""
    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)
