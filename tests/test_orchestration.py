"""The Dagster code location: definitions, schedule, sensor, re-runs and the dbt command."""

from __future__ import annotations

import json
import shutil

import dagster as dg
import pytest

from orchestration.build import build_definitions
from orchestration.dbt_project import dbt_build_args
from orchestration.runner import run_pipeline
from orchestration.triggers import JOB_NAME
from settings import load_settings
from tests.conftest import query
from tests.workspaces import event, write_jsonl


@pytest.fixture(scope="module")
def defs(tiny) -> dg.Definitions:
    return build_definitions(tiny[0])


def test_definitions_load_with_every_layer(defs):
    graph = defs.resolve_asset_graph()
    groups = {graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups == {"raw", "staging", "intermediate", "marts", "serving"}
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"raw/events", "raw/nps", "marts/fct_daily_active", "serving/analytics"} <= keys
    assert defs.resolve_job_def(JOB_NAME) is not None


def test_schedule_runs_nightly_in_the_workspace_timezone(tmp_path, monkeypatch):
    monkeypatch.setenv("PRODOPS_TIMEZONE", "Europe/Berlin")
    schedule = build_definitions(load_settings(tmp_path)).resolve_schedule_def("nightly")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 2 * * *", "Europe/Berlin")
    assert schedule.job_name == JOB_NAME
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_sensor_fires_for_new_files_only(tmp_path):
    settings = load_settings(tmp_path)
    write_jsonl(settings.inbox_dir("events") / "old.jsonl", [event("a", "x", "2026-01-01T00:00:00Z", "u")])
    sensor = build_definitions(settings).resolve_sensor_def("inbox_sensor")
    with dg.instance_for_test() as instance:
        first = sensor(dg.build_sensor_context(instance=instance))
        assert not first.run_requests  # the first tick records what is there as the baseline
        quiet = sensor(dg.build_sensor_context(instance=instance, cursor=first.cursor))
        assert not quiet.run_requests
        write_jsonl(settings.inbox_dir("events") / "new.jsonl", [event("b", "x", "2026-01-01T00:00:00Z", "u")])
        fresh = sensor(dg.build_sensor_context(instance=instance, cursor=quiet.cursor))
        assert len(fresh.run_requests) == 1
        assert fresh.run_requests[0].tags["prodops/new_files"] == "1"
        (settings.inbox_dir("events") / "old.jsonl").write_text("{}\n")  # a changed file is new too
        changed = sensor(dg.build_sensor_context(instance=instance, cursor=fresh.cursor))
        assert len(changed.run_requests) == 1


def test_dbt_build_args_carry_the_workspace_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("PRODOPS_WEEK_START", "sunday")
    settings = load_settings(tmp_path)
    args = dbt_build_args(settings, full_refresh=True)
    assert args[0] == "build" and args[-1] == "--full-refresh"
    assert args[3:5] == ["--exclude-resource-type", "unit_test"]
    assert '"week_start": "sunday"' in args[2] and '"timezone": "UTC"' in args[2]
    assert "--full-refresh" not in dbt_build_args(settings)


@pytest.fixture(scope="module")
def rerun(tiny, tmp_path_factory):
    """A copy of the tiny workspace, run again on the same inbox, then with one more file."""
    home = tmp_path_factory.mktemp("rerun") / "ws"
    shutil.copytree(tiny[0].home, home)
    settings = load_settings(home)
    again = run_pipeline(settings)
    counts_after_rerun = query(
        settings.warehouse, "SELECT (SELECT count(*) FROM raw.events), (SELECT count(*) FROM raw.load_ledger)"
    )
    write_jsonl(
        settings.inbox_dir("events") / "late.jsonl",
        [
            event("e10", "dashboard_viewed", "2026-01-21T09:00:00Z", "u1", "d1", "a1"),
            event("e11", "report_shared", "2026-01-21T09:05:00Z", "u1", "d1", "a1"),
            event("e7", "dashboard_viewed", "2026-01-14T12:00:00Z", "u3", "anon3", "a2"),  # already loaded
        ],
    )
    added = run_pipeline(settings)
    return settings, again, counts_after_rerun, added


def test_rerun_on_the_same_inbox_loads_nothing(rerun):
    _, again, counts, _ = rerun
    assert again.success
    assert counts == [(8, 2)]


def test_a_second_file_adds_exactly_its_new_rows(rerun):
    settings, _, _, added = rerun
    assert added.success
    assert query(
        settings.warehouse,
        "SELECT rows_read, rows_loaded, rows_duplicate FROM raw.load_ledger WHERE file_path LIKE '%late.jsonl'",
    ) == [(3, 2, 1)]
    assert query(
        settings.serving_db,
        "SELECT dau, wau, mau FROM fct_daily_active WHERE unit = 'user' AND metric_date = '2026-01-21'",
    ) == [(1, 2, 3)]
    run_ids = query(settings.serving_db, "SELECT run_id FROM publish_info")
    assert run_ids == [(added.run_id,)]


def test_runs_are_recorded_in_the_workspace_instance(rerun):
    settings, again, _, added = rerun
    with dg.DagsterInstance.from_config(str(settings.dagster_home)) as instance:
        recorded = {r.run_id for r in instance.get_runs()}
    assert {again.run_id, added.run_id} <= recorded


def test_builds_keep_one_target_folder_in_the_workspace(rerun):
    """dbt's artifacts land in the workspace (not a new folder under dbt_project/ per run), and
    the second build of the same workspace starts from the first one's parse state."""
    settings = rerun[0]
    results = json.loads((settings.dbt_target_dir / "run_results.json").read_text())
    statuses = {r["unique_id"]: r["status"] for r in results["results"]}
    assert statuses["model.prodops.fct_daily_active"] == "success"
    log = [json.loads(line) for line in (settings.dbt_target_dir / "dbt.log").read_text().splitlines() if line]
    invocation = log[-1]["info"]["invocation_id"]
    last = [entry["info"]["name"] for entry in log if entry["info"]["invocation_id"] == invocation]
    assert "PartialParsingEnabled" in last and "UnableToPartialParse" not in last
