"""The `prodops` command as a user runs it: real processes, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.workspaces import event, write_jsonl

PRODOPS = str(Path(sys.executable).with_name("prodops"))


def prodops(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PRODOPS, *args], capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("command", ["generate", "ingest", "run", "sql", "summary", "ui", "serve", "docs"])
def test_every_command_explains_itself(command):
    done = prodops(command, "--help")
    assert done.returncode == 0 and "--home" in done.stdout


def test_help_lists_every_command():
    """Each command the CLI names imports and describes itself (`prodops --help` loads them all)."""
    done = prodops("--help")
    assert done.returncode == 0, done.stderr
    listed = {line.split()[0] for line in done.stdout.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == {
        "generate", "ingest", "run", "summary", "quarantine", "sql", "retention", "stickiness",
        "lifecycle", "pes", "nps", "metrics", "ui", "serve", "docs",
    }  # fmt: skip


@pytest.mark.parametrize("command", ["retention", "stickiness", "lifecycle", "pes", "nps", "sql"])
def test_a_query_command_loads_neither_the_readers_nor_dagster(command):
    """A quick answer does not pay for the pipeline's imports (polars, Dagster: a fifth of
    `prodops retention` at 10M events)."""
    code = (
        "import sys; from orchestration.cli import main; "
        f"main([{command!r}, '--help'], standalone_mode=False); "
        "assert not {'polars', 'dagster', 'great_expectations'} & set(sys.modules), sys.modules.keys()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-500:]


def test_sql_reads_the_serving_copy_as_json(tiny):
    settings, _ = tiny
    done = prodops(
        "sql",
        "--home",
        str(settings.home),
        "--format",
        "json",
        "SELECT metric_date, dau, mau FROM fct_daily_active WHERE unit = 'user' AND metric_date = DATE '2026-01-12'",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"metric_date": "2026-01-12", "dau": 1, "mau": 3}]


def test_sql_csv_output(tiny):
    done = prodops(
        "sql",
        "--home",
        str(tiny[0].home),
        "--format",
        "csv",
        "SELECT feature, adopters FROM fct_feature_adoption WHERE unit='user' AND window_days=7 ORDER BY 1",
    )
    assert done.stdout.splitlines() == ["feature,adopters", "dashboard_viewed,1", "report_created,1"]


def test_sql_refuses_writes_in_one_line(tiny):
    done = prodops("sql", "--home", str(tiny[0].home), "DELETE FROM fct_daily_active")
    assert done.returncode == 1
    assert done.stderr.strip() == "Error: prodops sql is read-only: the serving copy cannot be changed"


def test_errors_are_one_line_with_non_zero_exit(tmp_path):
    done = prodops("sql", "--home", str(tmp_path), "SELECT 1")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"Error: {tmp_path / 'serving' / 'analytics.duckdb'} does not exist yet: run `prodops run` first"
    ]


def test_ingest_prints_counts_per_file(tmp_path):
    path = write_jsonl(
        tmp_path / "events" / "x.jsonl",
        [
            event("a", "x", "2026-01-01T00:00:00Z", "u"),
            event("a", "x", "2026-01-01T00:00:00Z", "u"),
            "oops",
        ],
    )
    done = prodops("ingest", "--home", str(tmp_path / "ws"), "--format", "json", str(path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        {
            "file": str(path),
            "kind": "events",
            "status": "loaded",
            "read": 3,
            "loaded": 1,
            "quarantined": 1,
            "duplicate": 1,
            "new_fields": "",
        }
    ]
    # progress goes to stderr, one line per file, so stdout stays the JSON above
    assert done.stderr.splitlines() == [f"[1/1] {path}: 3 read, 1 loaded, 1 quarantined, 1 duplicate"]
    again = prodops("ingest", "--home", str(tmp_path / "ws"), "--format", "json", str(path))
    assert json.loads(again.stdout)[0]["status"] == "skipped"
    assert again.stderr.splitlines() == [f"[1/1] {path}: skipped (already loaded as {path})"]


def test_ingest_of_unreadable_file_fails_with_its_name(tmp_path):
    path = tmp_path / "nps" / "survey.csv"
    path.parent.mkdir()
    path.write_text("who,rating\np,9\n")
    done = prodops("ingest", "--home", str(tmp_path / "ws"), str(path))
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"[1/1] {path}: could not be read",
        f"error: {path}: required column(s) score, responded_at missing (found: rating, who)",
        "Error: 1 problem(s) while loading; see the errors above",
    ]


def test_generate_if_empty_leaves_a_full_inbox_alone(tmp_path):
    first = prodops("generate", "--home", str(tmp_path), "--events", "2000", "--days", "20", "--format", "json")
    assert first.returncode == 0
    assert {row["kind"] for row in json.loads(first.stdout)} == {
        "events",
        "accounts",
        "nps",
        "feedback",
        "subscriptions",
        "invoices",
    }
    second = prodops("generate", "--home", str(tmp_path), "--if-empty")
    assert second.returncode == 0 and "already holds files" in second.stderr
