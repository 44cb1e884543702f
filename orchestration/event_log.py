"""The workspace's Dagster event log: Dagster's SQLite storage, with its database engines kept.

Dagster's ``SqliteEventLogStorage`` builds a new SQLAlchemy engine for every statement batch
it runs: every event a run stores opens one for the run's file, and a materialization or a
check result one more for the index. A run stores about 500 events (a planned event, an
output and a materialization or check result per dbt model and test), at about 10 ms each.
Keeping the engines of the last few files open stores a materialization in about 3.6 ms
(200 in a row, measured on this machine). Same files, same schema, same locking: a workspace
can go back to Dagster's own class in its ``dagster.yaml``.
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine


class KeptEnginesSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` that keeps an engine (one pooled connection) per recent file.

    At most ``MAX_ENGINES`` files stay open, the least recently used closed first, so a
    long-lived process (the webserver, the daemon) reading many runs holds few files.
    """

    MAX_ENGINES = 8

    def __init__(self, base_dir: str, inst_data: Any = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data: Any, config_value: Any) -> KeptEnginesSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextlib.contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _engine(self, shard: str) -> Engine:
        """The shard's engine, made on first use; called with ``_db_lock`` held."""
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard), connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}
            )
        self._engines[shard] = engine
        while len(self._engines) > self.MAX_ENGINES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    def _dispose_engines(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def wipe(self) -> None:
        self._dispose_engines()  # the files are deleted: no connection may outlive them
        super().wipe()

    def dispose(self) -> None:
        super().dispose()
        self._dispose_engines()
