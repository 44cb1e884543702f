"""Run the nightly job now, in this process, recorded in the workspace's Dagster instance.

``prodops run`` and the tests use this; the schedule and the sensor launch the same job
through the daemon. Runs land in the same history, so the UI shows them all.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
from dagster._core.utils import make_new_run_id

from orchestration.build import build_definitions
from orchestration.progress import StepProgress
from orchestration.triggers import JOB_NAME
from settings import Settings

MANAGED = "# Written by prodops for this workspace. Delete this line to keep edits of your own.\n"
# What workspaces made before the event log storage got, upgraded like a managed file: keep it
# as written, it is also how such a file is recognised
FIRST_DAGSTER_YAML = """\
telemetry:
  enabled: false
run_coordinator:
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: 1
"""


def dagster_yaml(dagster_home: Path) -> str:
    """The instance's configuration: one run at a time, and the event log in Dagster's usual
    files through ``orchestration.event_log`` (an absolute path: the file is rewritten when
    the workspace moves)."""
    runs = json.dumps(str(dagster_home.resolve() / "history" / "runs"))
    return (
        MANAGED
        + FIRST_DAGSTER_YAML
        + f"""event_log_storage:
  module: orchestration.event_log
  class: KeptEnginesSqliteEventLogStorage
  config:
    base_dir: {runs}
"""
    )


@dataclass
class RunOutcome:
    """The run's id, whether it succeeded, one message per failed step and per failed check,
    and each step's seconds.

    ``failed_checks`` holds blocking failures first; ``warnings`` the checks that failed
    with severity warn (they did not stop the run).
    """

    run_id: str
    success: bool
    failures: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    step_seconds: dict[str, float] = field(default_factory=dict)


def prepare_instance(settings: Settings) -> dg.DagsterInstance:
    """The workspace's persistent Dagster instance (runs one job at a time: one warehouse writer).

    Its ``dagster.yaml`` is written when missing, and rewritten while it is prodops's own
    (first line ``MANAGED``, or the file of an older prodops); a file without it is kept."""
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    config = settings.dagster_home / "dagster.yaml"
    wanted = dagster_yaml(settings.dagster_home)
    current = config.read_text() if config.exists() else None
    if current is None or (current != wanted and (current.startswith(MANAGED) or current == FIRST_DAGSTER_YAML)):
        staged = config.with_name(f"{config.name}.{os.getpid()}.tmp")  # two processes may both write it
        staged.write_text(wanted)
        os.replace(staged, config)  # the webserver may read it at the same time
    return dg.DagsterInstance.from_config(str(settings.dagster_home))


def run_pipeline(
    settings: Settings, *, full_refresh: bool = False, progress: Callable[[str], None] | None = None
) -> RunOutcome:
    """Execute the whole graph once: ingest, dbt build (tests included), publish.

    ``progress`` gets one line per finished step while the run goes on.
    """
    job = build_definitions(settings).resolve_job_def(JOB_NAME)
    run_config = {
        "ops": {"dbt_models": {"config": {"full_refresh": full_refresh}}},
        "loggers": {"console": {"config": {"log_level": "INFO"}}},
    }
    run_id = make_new_run_id()
    with prepare_instance(settings) as instance:
        watcher = StepProgress(instance, run_id, len(job.graph.nodes), progress) if progress else None
        if watcher:
            watcher.start()
        try:
            result = job.execute_in_process(
                instance=instance,
                run_config=run_config,
                raise_on_error=False,
                run_id=run_id,
                tags={"prodops/trigger": "cli", "prodops/full_refresh": str(full_refresh).lower()},
            )
        finally:
            if watcher:
                watcher.stop()
    failures = [_failure_text(event) for event in result.all_events if event.is_step_failure]
    seconds = {
        event.step_key: event.event_specific_data.duration_ms / 1000
        for event in result.all_events
        if event.is_step_success and event.step_key
    }
    evaluations = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION and not e.asset_check_evaluation_data.passed
    ]
    return RunOutcome(
        run_id=result.run_id,
        success=result.success,
        failures=failures,
        failed_checks=[_check_text(e) for e in evaluations if e.severity == dg.AssetCheckSeverity.ERROR],
        warnings=[_check_text(e) for e in evaluations if e.severity != dg.AssetCheckSeverity.ERROR],
        step_seconds=seconds,
    )


def _check_text(evaluation: dg.AssetCheckEvaluation) -> str:
    if evaluation.description:
        return evaluation.description
    name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
    count = evaluation.metadata.get("dagster_dbt/failed_row_count")
    return f"{name}: {count.value} failing row(s)" if count is not None else f"{name}: failed"


def _failure_text(event: dg.DagsterEvent) -> str:
    data = event.step_failure_data
    message = data.user_failure_data.description if data and data.user_failure_data else None
    if not message and data and data.error:
        message = data.error.message.strip()
    return f"{event.step_key}: {message or 'failed'}"
