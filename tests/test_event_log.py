"""The workspace's Dagster instance: its dagster.yaml, and the event log that keeps its engines."""

from __future__ import annotations

import time

import dagster as dg
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from orchestration.event_log import KeptEnginesSqliteEventLogStorage
from orchestration.runner import FIRST_DAGSTER_YAML, MANAGED, prepare_instance
from settings import load_settings


def _log(run_id: str, text: str) -> EventLogEntry:
    return EventLogEntry(
        error_info=None,
        level=20,
        user_message=text,
        run_id=run_id,
        timestamp=time.time(),
        step_key=None,
        job_name=None,
        dagster_event=None,
    )


def test_a_new_workspace_stores_its_events_through_the_kept_engines(tmp_path):
    settings = load_settings(tmp_path)
    with prepare_instance(settings) as instance:
        assert type(instance.event_log_storage) is KeptEnginesSqliteEventLogStorage
        instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=["marts", "t"], metadata={"rows": 7}))
        latest = instance.get_latest_materialization_event(dg.AssetKey(["marts", "t"]))
        assert latest.asset_materialization.metadata["rows"].value == 7
    assert (settings.dagster_home / "dagster.yaml").read_text().startswith(MANAGED)
    assert (settings.dagster_home / "history" / "runs" / "index.db").exists()  # Dagster's own layout


def test_an_older_prodops_file_is_upgraded_and_a_file_of_ones_own_kept(tmp_path):
    settings = load_settings(tmp_path)
    config = settings.dagster_home / "dagster.yaml"
    config.parent.mkdir(parents=True)
    config.write_text(FIRST_DAGSTER_YAML)
    with prepare_instance(settings) as instance:
        assert type(instance.event_log_storage) is KeptEnginesSqliteEventLogStorage
    own = FIRST_DAGSTER_YAML + "# mine\n"
    config.write_text(own)
    with prepare_instance(settings) as instance:
        assert type(instance.event_log_storage) is SqliteEventLogStorage
    assert config.read_text() == own


def test_a_moved_workspace_gets_its_event_log_path_again(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    prepare_instance(load_settings(first)).dispose()
    second.mkdir()
    (first / ".dagster").rename(second / ".dagster")
    with prepare_instance(load_settings(second)) as instance:
        instance.event_log_storage.store_event(_log("moved", "here"))
    assert (second / ".dagster" / "history" / "runs" / "moved.db").exists()
    assert not (first / ".dagster").exists()


def test_more_runs_than_engines_kept_read_back_whole(tmp_path):
    storage = KeptEnginesSqliteEventLogStorage(str(tmp_path / "runs"))
    runs = [f"run{i}" for i in range(storage.MAX_ENGINES + 4)]
    for round_ in range(2):
        for run_id in runs:
            storage.store_event(_log(run_id, f"{run_id}/{round_}"))
    assert len(storage._engines) <= storage.MAX_ENGINES
    for run_id in runs:
        assert [e.user_message for e in storage.get_logs_for_run(run_id)] == [f"{run_id}/0", f"{run_id}/1"]
    storage.dispose()
    assert not storage._engines
