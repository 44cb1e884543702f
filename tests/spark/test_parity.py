"""The same dbt project on Spark (local[2]) and on DuckDB gives the same marts, table by table.

A small generated workspace (report timezone with daylight saving, weeks starting Sunday) is
run through the pipeline with the Parquet lake on; `dbt build --target spark` then builds
every model on Spark from the lake. Every model in models/marts is compared: ids, counts,
dates and timestamps exactly, ratios to 1e-9 relative. Then a new day and a late event
arrive: the DuckDB run is incremental (delete+insert by day), so is the Spark one
(insert_overwrite of day partitions), and the incremental table matches too.

Run by `make test-spark` (needs the `spark` extra and Java 17); excluded from `make test`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest

from orchestration.dbt_project import DBT_EXECUTABLE, dbt_build_args
from orchestration.runner import run_pipeline
from sample.generate import GenerateOptions, generate
from settings import DBT_PROJECT_DIR, DEFAULT_SETTINGS_TEXT, Settings, load_settings
from tests.spark.compare import assert_same_rows, duckdb_rows, spark_rows
from tests.workspaces import event, write_jsonl

pytestmark = pytest.mark.spark

OPTIONS = GenerateOptions(events=4_000, days=50, seed=11, start=dt.date(2026, 2, 20))
LAST_DAY = OPTIONS.start + dt.timedelta(days=OPTIONS.days - 1)
MARTS = sorted(p.stem for p in (DBT_PROJECT_DIR / "models" / "marts").rglob("*.sql"))


def _workspace(home: Path) -> Settings:
    text = DEFAULT_SETTINGS_TEXT.replace("lake_export: false", "lake_export: true")
    text = text.replace("timezone: UTC", "timezone: America/New_York").replace(
        "week_start: monday", "week_start: sunday"
    )
    home.mkdir(parents=True, exist_ok=True)
    (home / "prodops.yml").write_text(text)
    settings = load_settings(home)
    assert settings.lake_export and settings.timezone == "America/New_York"
    generate(settings.inbox, OPTIONS)
    # two bad lines, so that the quarantine report has rows to compare
    write_jsonl(
        settings.inbox_dir("events") / "broken.jsonl", ["{not json", event("bad-1", "page_viewed", "soon", "u1")]
    )
    return settings


def spark_build(settings: Settings, *args: str) -> dict:
    """`dbt build --target spark` on the workspace; the manifest of that run."""
    target_path = settings.home / "spark-target"
    command = [
        str(DBT_EXECUTABLE),
        *dbt_build_args(settings),
        "--target",
        "spark",
        "--profiles-dir",
        str(settings.dbt_profiles_dir),
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target_path),
        "--log-path",
        str(settings.home / "logs"),
        *args,
    ]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
    )
    tail = "\n".join(done.stdout.splitlines()[-40:])
    assert done.returncode == 0, f"dbt build --target spark failed:\n{tail}\n{done.stderr[-2000:]}"
    return json.loads((target_path / "manifest.json").read_text())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, dict]:
    """The workspace after a DuckDB pipeline run and a full Spark build of every model."""
    settings = _workspace(tmp_path_factory.mktemp("parity") / "ws")
    outcome = run_pipeline(settings)
    assert outcome.success, outcome.failures
    return settings, spark_build(settings)


@pytest.fixture(scope="module")
def marts(built) -> dict[str, tuple[list[str], list[tuple], list[tuple]]]:
    """Every mart read from both engines before the incremental step changes them."""
    settings, _ = built
    out = {}
    for name in MARTS:
        columns, expected = duckdb_rows(settings.warehouse, "marts", name)
        out[name] = (columns, expected, spark_rows(settings.spark_dir, "marts", name, columns))
    return out


def test_every_mart_is_built_on_spark(built):
    _, manifest = built
    on_spark = {
        node["alias"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["original_file_path"].startswith("models/marts/")
    }
    assert on_spark == set(MARTS) and len(MARTS) >= 15


@pytest.mark.parametrize("name", MARTS)
def test_mart_equals_duckdb(marts, name):
    columns, expected, got = marts[name]
    assert expected, f"{name} is empty on DuckDB: the comparison would prove nothing"
    assert_same_rows(name, columns, expected, got)


def test_lake_is_what_duckdb_loaded(built):
    """DuckDB reads the lake too: one partition per UTC day, every raw event once."""
    import duckdb

    settings, _ = built
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        files = str(settings.lake_dir / "raw" / "events" / "*" / "*.parquet")
        lake = con.execute(
            "SELECT count(*), count(DISTINCT event_id), "
            'count(*) FILTER (WHERE event_date <> cast("timestamp" AS date)) '
            "FROM read_parquet(?, hive_partitioning = true)",
            [files],
        ).fetchone()
        raw = con.execute("SELECT count(*) FROM raw.events").fetchone()[0]
    finally:
        con.close()
    assert lake == (raw, raw, 0) and raw > 3_000


def _next_day(settings: Settings) -> None:
    """Three known users on a new day, and a late event two days back (inside the look-back)."""
    day, late = LAST_DAY + dt.timedelta(days=1), LAST_DAY - dt.timedelta(days=2)
    users = [f"u_000000{i}" for i in range(3)]
    known = {r[1] for r in duckdb_rows(settings.warehouse, "marts", "dim_actors")[1] if r[0] == "user"}
    assert set(users) <= known
    rows = [event(f"next-{i}", "report_shared", f"{day}T1{i}:00:00Z", user) for i, user in enumerate(users)]
    rows.append(event("late-1", "invite_sent", f"{late}T23:30:00Z", users[1]))
    write_jsonl(settings.inbox_dir("events") / "next_day.jsonl", rows)


def _partition_files(settings: Settings, day: dt.date) -> set[str]:
    folder = settings.spark_dir / "warehouse" / "intermediate.db" / "int_activity_daily" / f"activity_date={day}"
    return {p.name for p in folder.glob("*.parquet")}


def test_incremental_day_rebuild_equals_duckdb(built, marts):
    """Both engines rebuild only the look-back days; the incremental table stays equal."""
    settings, _ = built
    old_day, late = OPTIONS.start + dt.timedelta(days=1), LAST_DAY - dt.timedelta(days=2)
    before = {day: _partition_files(settings, day) for day in (old_day, late)}
    assert all(before.values())
    _next_day(settings)
    outcome = run_pipeline(settings)
    assert outcome.success, outcome.failures
    spark_build(settings, "--select", "+int_activity_daily")
    columns, expected = duckdb_rows(settings.warehouse, "intermediate", "int_activity_daily")
    got = spark_rows(settings.spark_dir, "intermediate", "int_activity_daily", columns)
    assert_same_rows("int_activity_daily", columns, expected, got)
    assert any(r[0] == "u_0000001" and r[2] == "invite_sent" and r[3] == late for r in got)
    assert {r[3] for r in got} >= {LAST_DAY + dt.timedelta(days=1)}
    # an old day's partition is left as it was; the late day's is written over
    assert _partition_files(settings, old_day) == before[old_day]
    assert _partition_files(settings, late).isdisjoint(before[late])
