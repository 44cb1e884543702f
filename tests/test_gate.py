"""The gate: a failed blocking check (GX or dbt) fails the run and leaves the serving copy byte-identical."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.runner import RunOutcome, run_pipeline
from settings import Settings, load_settings
from tests.conftest import query

CORPUS = Path(__file__).parent / "corpus"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy_of_tiny(tiny, home: Path) -> Settings:
    settings, outcome = tiny
    assert outcome.success, outcome.failures
    shutil.copytree(settings.home, home)
    return load_settings(home)


def _run_status(settings: Settings, run_id: str) -> dg.DagsterRunStatus:
    with dg.DagsterInstance.from_config(str(settings.dagster_home)) as instance:
        return instance.get_run_by_id(run_id).status


def _blocked_run(settings: Settings) -> tuple[RunOutcome, str, str]:
    before = _sha256(settings.serving_db)
    outcome = run_pipeline(settings)
    return outcome, before, _sha256(settings.serving_db)


@pytest.fixture(scope="module")
def gx_blocked(tiny, tmp_path_factory):
    """The published tiny workspace, then a far-future event file in the inbox."""
    settings = _copy_of_tiny(tiny, tmp_path_factory.mktemp("gx") / "ws")
    shutil.copy(CORPUS / "events" / "far_future.jsonl", settings.inbox_dir("events"))
    return settings, *_blocked_run(settings)


def test_a_failed_gx_check_fails_the_run_and_keeps_serving(gx_blocked, tiny):
    settings, outcome, before, after = gx_blocked
    assert not outcome.success
    assert _run_status(settings, outcome.run_id) == dg.DagsterRunStatus.FAILURE
    assert after == before
    assert query(settings.serving_db, "SELECT run_id FROM publish_info") == [(tiny[1].run_id,)]
    # far_future.jsonl line 1 is in 2099; line 2 is an ordinary event
    assert outcome.failed_checks == [
        "events.timestamp_window (block): 1 failing row(s) in far_future.jsonl; "
        "e.g. far_future.jsonl:1 timestamp=2099-01-01T00:00:00"
    ]
    assert [f.split(":")[0] for f in outcome.failures] == ["events_quality_gate"]


def test_the_blocked_batch_is_loaded_but_not_accepted(gx_blocked):
    settings, *_ = gx_blocked
    assert query(
        settings.warehouse,
        """SELECT count(*) FROM raw.events
        WHERE _run_id NOT IN (SELECT run_id FROM raw.accepted_batches WHERE kind = 'events')""",
    ) == [(2,)]


@pytest.fixture(scope="module")
def dbt_blocked(tiny, tmp_path_factory):
    """The published tiny workspace with a row no batch check sees that breaks a dbt test.

    A second row for event id e1, written after the last build under an accepted load: the
    gate does not check it again, the uniqueness test of the new rows' ids (against the whole
    history) must.
    """
    settings = _copy_of_tiny(tiny, tmp_path_factory.mktemp("dbt") / "ws")
    con = duckdb.connect(str(settings.warehouse))
    try:
        con.execute(
            """INSERT INTO raw.events
            SELECT * REPLACE ('other_name' AS event_name, 'another-key' AS _key, 99 AS _line,
                              now()::TIMESTAMP AS _loaded_at)
            FROM raw.events WHERE event_id = 'e1'"""
        )
    finally:
        con.close()
    return settings, *_blocked_run(settings)


def test_a_failed_dbt_test_fails_the_run_and_keeps_serving(dbt_blocked, tiny):
    settings, outcome, before, after = dbt_blocked
    assert not outcome.success
    assert _run_status(settings, outcome.run_id) == dg.DagsterRunStatus.FAILURE
    assert after == before
    assert query(settings.serving_db, "SELECT run_id FROM publish_info") == [(tiny[1].run_id,)]
    assert outcome.failed_checks == []  # every GX check passed
    (failure,) = outcome.failures
    assert failure.startswith("dbt_models: dbt build failed:")
    assert (
        "dbt test source_unique_in_new_rows_raw_events_event_id (models/staging/_raw__sources.yml): 1 failing row(s); "
        "e.g. unique_field='e1', n_records=2" in failure
    )


@pytest.fixture(scope="module")
def rebuilt_day_blocked(tiny, tmp_path_factory):
    """The published tiny workspace with a daily-activity row written again after the last build.

    u1's Jan 5 row, repeated with a new `_built_at`: Jan 5 lies before the days a nightly run
    rebuilds (Jan 17 on), so the run keeps it, and the uniqueness test, which groups only the
    days holding rows written since the last successful build, must find it.
    """
    settings = _copy_of_tiny(tiny, tmp_path_factory.mktemp("rebuilt") / "ws")
    con = duckdb.connect(str(settings.warehouse))
    try:
        con.execute("SET TimeZone = 'UTC'")  # _built_at is naive UTC
        con.execute(
            """INSERT INTO intermediate.int_activity_daily
            SELECT * REPLACE (now()::TIMESTAMP AS _built_at) FROM intermediate.int_activity_daily
            WHERE person_id = 'u1' AND activity_date = DATE '2026-01-05'"""
        )
    finally:
        con.close()
    return settings, *_blocked_run(settings)


def test_a_repeat_written_since_the_last_build_fails_the_daily_uniqueness_test(rebuilt_day_blocked):
    _, outcome, before, after = rebuilt_day_blocked
    assert not outcome.success
    assert after == before
    (failure,) = outcome.failures
    assert "dbt test unique_combination_int_activity_daily_" in failure
    assert "1 failing row(s); e.g. person_id='u1', account_id='a1', feature='dashboard_viewed'" in failure
