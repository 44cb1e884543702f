"""`prodops quarantine list|replay`: rows keep file, line, reason and text; a replay never counts twice."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.warehouse import connect
from orchestration.cli import main
from settings import load_settings
from tests.conftest import query
from tests.workspaces import event

CORPUS = Path(__file__).parent / "corpus"
LEGACY = "/exports/legacy.jsonl"


def cli(*args: str) -> list[dict]:
    done = CliRunner().invoke(main, [*args, "--format", "json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


def _ledger(warehouse: Path) -> dict[str, tuple]:
    rows = query(
        warehouse, "SELECT file_path, rows_read, rows_loaded, rows_quarantined, rows_duplicate FROM raw.load_ledger"
    )
    return {Path(r[0]).name: r[1:] for r in rows}


def _quarantine_a_legacy_load(warehouse: Path) -> None:
    """Two rows an older, stricter rule set aside: a new event and a copy of one loaded since (m1)."""
    now = dt.datetime(2026, 1, 1)
    rows = [
        json.dumps(event("L1", "page_viewed", "2026-01-05T10:00:00Z", "u9")),
        json.dumps(event("m1", "x", "2026-01-05T09:00:00Z", "u1")),
    ]
    with connect(warehouse) as con:
        con.execute(
            "INSERT INTO raw.load_ledger VALUES (?, 'events', 'jsonl', 'abc', 10, 2, 0, 2, 0, ?, 'old-run', NULL)",
            [LEGACY, now],
        )
        for line, raw in enumerate(rows, start=1):
            con.execute(
                "INSERT INTO raw.quarantine VALUES ('events', ?, ?, 'an older rule', ?, 'old-run', ?)",
                [LEGACY, line, raw, now],
            )


@pytest.fixture
def workspace(tmp_path):
    home = str(tmp_path)
    files = [str(CORPUS / "nps" / "out_of_range.csv"), str(CORPUS / "events" / "mixed_timestamps.jsonl")]
    assert CliRunner().invoke(main, ["ingest", "--home", home, *files]).exit_code == 0
    warehouse = load_settings(home).warehouse
    _quarantine_a_legacy_load(warehouse)
    return home, warehouse


def test_list_shows_file_line_reason_and_raw_text(workspace):
    home, _ = workspace
    rows = cli("quarantine", "list", "--home", home, "--kind", "nps")
    assert [(Path(r["file"]).name, r["line"], r["reason"]) for r in rows] == [
        ("out_of_range.csv", 2, "field 'score': 11.0 is not an integer from 0 to 10"),
        ("out_of_range.csv", 3, "field 'score': -1.0 is not an integer from 0 to 10"),
        ("out_of_range.csv", 4, "field 'score': 7.5 is not an integer from 0 to 10"),
        ("out_of_range.csv", 5, "field 'score': cannot read 'N/A' as a number"),
    ]
    assert json.loads(rows[0]["raw"]) == {
        "response_id": "r1",
        "respondent_id": "p1",
        "score": "11",
        "responded_at": "2026-01-05T09:00:00Z",
    }


def test_replay_loads_what_now_passes_and_keeps_the_ledger_exact(workspace):
    home, warehouse = workspace
    before = _ledger(warehouse)
    results = {Path(r["file"]).name: r for r in cli("quarantine", "replay", "--home", home)}
    assert {n: (r["replayed"], r["loaded"], r["duplicate"], r["still_quarantined"]) for n, r in results.items()} == {
        "legacy.jsonl": (2, 1, 1, 0),
        "mixed_timestamps.jsonl": (2, 0, 0, 2),
        "out_of_range.csv": (4, 0, 0, 4),
    }
    after = _ledger(warehouse)
    assert after["legacy.jsonl"] == (2, 1, 0, 1)  # read 2 = loaded 1 + quarantined 0 + duplicate 1
    assert after["out_of_range.csv"] == before["out_of_range.csv"] == (6, 2, 4, 0)
    assert query(warehouse, "SELECT count(*) FROM raw.quarantine WHERE file_path = ?", [LEGACY]) == [(0,)]
    assert query(warehouse, "SELECT _file, _line, _run_id LIKE 'replay-%' FROM raw.events WHERE event_id = 'L1'") == [
        (LEGACY, 1, True)
    ]
    # the reason of a row still quarantined is today's reason
    assert query(warehouse, "SELECT DISTINCT reason LIKE 'field%' FROM raw.quarantine") == [(True,)]
    cli("quarantine", "replay", "--home", home)  # a second replay changes nothing
    assert _ledger(warehouse) == after
    assert query(warehouse, "SELECT count(*), count(DISTINCT event_id) FROM raw.events") == [(6, 6)]
