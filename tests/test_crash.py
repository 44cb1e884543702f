"""Crash safety: `prodops run` killed with SIGKILL mid-ingest, mid-dbt and mid-publish.

After each kill the warehouse, once opened again, holds whole files or nothing of them (a
load cut short mid-file is taken back on that open), serving is the old copy
or the new one, and the next run completes with every input row counted exactly once.
Expected totals come from reading the inbox files directly, not from the warehouse.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.warehouse import connect
from metrics.pii import workspace_salt
from metrics.serving import publish
from orchestration.runner import run_pipeline
from sample.generate import GenerateOptions, generate
from settings import Settings, load_settings
from tests.conftest import query
from tests.workspaces import event, write_jsonl

PRODOPS = str(Path(sys.executable).with_name("prodops"))


def _log_says(settings: Settings, text: str) -> Callable[[], bool]:
    def seen() -> bool:
        return any(text in log.read_text(errors="replace") for log in (settings.home / "logs").glob("*.log"))

    return seen


def _killed_run(settings: Settings, when: Callable[[], bool], timeout: float = 120) -> bool:
    """Start `prodops run`, SIGKILL its whole process group once ``when()`` holds; True if it was killed."""
    for log in (settings.home / "logs").glob("*.log"):
        log.unlink()
    process = subprocess.Popen(
        [PRODOPS, "run", "--home", str(settings.home)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if when():
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.005)
    process.kill()
    process.wait()
    return False


def _inbox_ids(settings: Settings) -> set[str]:
    ids = set()
    for path in (settings.inbox / "events").glob("*.jsonl"):
        ids |= {json.loads(line)["event_id"] for line in path.read_text().splitlines() if line.strip()}
    return ids


def _inbox_lines(settings: Settings) -> dict[str, int]:
    """Rows per inbox file, counted from the files themselves (CSV: records after the header)."""
    counts = {}
    for path in settings.inbox.rglob("*.*"):
        lines = [line for line in path.read_text().splitlines() if line.strip()]
        counts[str(path)] = len(lines) - (1 if path.suffix == ".csv" else 0)
    return counts


def _assert_whole_files_only(settings: Settings) -> None:
    """Once the warehouse is opened again (the WAL a killed writer left replayed, a load it cut
    short taken back): every ledger row matches the rows of its file in the tables; no event
    twice; no file twice; nothing unfinished."""
    if not settings.warehouse.exists():
        return
    with connect(settings.warehouse) as con:
        assert con.execute("SELECT count(*) FROM raw.unfinished_loads").fetchone() == (0,)
        ledger = con.execute("SELECT kind, file_path, rows_loaded, rows_quarantined FROM raw.load_ledger").fetchall()
        for kind, path, loaded, quarantined in ledger:
            assert con.execute(f"SELECT count(*) FROM raw.{kind} WHERE _file = ?", [path]).fetchone()[0] == loaded
            assert con.execute("SELECT count(*) FROM raw.quarantine WHERE file_path = ?", [path]).fetchone()[0] == (
                quarantined
            )
        files = [row[1] for row in ledger]
        assert len(files) == len(set(files))
        orphans = "SELECT count(*) FROM raw.events WHERE _file NOT IN (SELECT file_path FROM raw.load_ledger)"
        assert con.execute(orphans).fetchone() == (0,)
        assert con.execute("SELECT count(*) = count(DISTINCT event_id) FROM raw.events").fetchone() == (True,)


def _sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Settings:
    settings = load_settings(tmp_path_factory.mktemp("crash"))
    generate(settings.inbox, GenerateOptions(events=4_000, days=75, seed=11, start=dt.date(2026, 1, 1)))
    assert len(list((settings.inbox / "events").glob("*.jsonl"))) >= 3
    return settings


def test_sigkill_mid_ingest_mid_dbt_and_mid_publish(workspace):
    settings = workspace
    kills = []
    # 1. during ingest: right after the first events file was committed, before the next ones
    kills.append(_killed_run(settings, _log_says(settings, "events_2026_01.jsonl: read")))
    _assert_whole_files_only(settings)
    # 2. during dbt build: once dbt has created its first model
    kills.append(_killed_run(settings, _log_says(settings, "OK created sql view model")))
    _assert_whole_files_only(settings)
    assert not settings.serving_db.exists()  # nothing was published yet
    salt = workspace_salt(settings.pii_salt_file)
    publish(settings.warehouse, settings.serving_db, "before-the-kill", salt)  # an old copy to protect
    old = _sha256(settings.serving_db)
    # 3. during publish: while the new copy is being written next to the old one
    write_jsonl(
        settings.inbox_dir("events") / "late.jsonl", [event("late-1", "page_viewed", "2026-03-10T10:00Z", "u1")]
    )
    tmp = settings.serving_db.with_name(settings.serving_db.name + ".tmp")
    kills.append(_killed_run(settings, tmp.exists))
    _assert_whole_files_only(settings)
    published = query(settings.serving_db, "SELECT run_id FROM publish_info")
    assert _sha256(settings.serving_db) == old or published != [("before-the-kill",)]  # old copy, or a whole new one
    assert kills == [True, True, True]

    final = run_pipeline(settings)
    assert final.success, final.failures
    _assert_whole_files_only(settings)
    expected_ids = _inbox_ids(settings)
    assert query(settings.warehouse, "SELECT count(*), count(DISTINCT event_id) FROM raw.events") == [
        (len(expected_ids), len(expected_ids))
    ]
    accounted = "rows_read = rows_loaded + rows_quarantined + rows_duplicate"
    ledger = dict(query(settings.warehouse, f"SELECT file_path, rows_read FROM raw.load_ledger WHERE {accounted}"))
    assert ledger == _inbox_lines(settings)  # every file once, every row accounted for
    assert query(settings.serving_db, "SELECT run_id FROM publish_info") == [(final.run_id,)]
    assert not tmp.exists()
