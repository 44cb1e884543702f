"""What starts the nightly job: a schedule in the workspace's timezone and an inbox sensor."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from ingest.load import inbox_files
from settings import KINDS, Settings

JOB_NAME = "prodops_nightly"


def inbox_fingerprints(inbox: Path) -> dict[str, str]:
    """``relative path -> size:mtime`` for every file waiting in the inbox."""
    prints = {}
    for kind in KINDS:
        for path in inbox_files(inbox, kind):
            stat = path.stat()
            prints[str(path.relative_to(inbox))] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return prints


def new_files(inbox: Path, cursor: str | None) -> tuple[list[str], str]:
    """Files that are new or changed since ``cursor``, and the cursor to store next."""
    seen = json.loads(cursor) if cursor else {}
    current = inbox_fingerprints(inbox)
    fresh = sorted(name for name, stamp in current.items() if seen.get(name) != stamp)
    return fresh, json.dumps(current, sort_keys=True)


def build_triggers(
    settings: Settings, job: dg.JobDefinition | UnresolvedAssetJobDefinition
) -> tuple[dg.ScheduleDefinition, dg.SensorDefinition]:
    """The nightly schedule and the inbox sensor for ``job`` (both running by default)."""
    schedule = dg.ScheduleDefinition(
        name="nightly",
        job=job,
        cron_schedule=settings.schedule_cron,
        execution_timezone=settings.timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="The nightly run: ingest the inbox, check, build and publish.",
    )

    @dg.sensor(
        name="inbox_sensor",
        job=job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Starts a run when a new or changed file lands in the inbox "
        "(files present when the sensor first ticks are left to the nightly run).",
    )
    def inbox_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        fresh, cursor = new_files(settings.inbox, context.cursor)
        if context.cursor is None:
            # first tick: what is already there is the baseline (the nightly run loads it)
            return dg.SensorResult(skip_reason=f"baseline of {len(fresh)} inbox file(s) recorded", cursor=cursor)
        if not fresh:
            return dg.SensorResult(skip_reason="no new files in the inbox", cursor=cursor)
        run_key = hashlib.sha256(cursor.encode()).hexdigest()[:16]
        return dg.SensorResult(
            run_requests=[dg.RunRequest(run_key=run_key, tags={"prodops/new_files": str(len(fresh))})],
            cursor=cursor,
        )

    return schedule, inbox_sensor
