"""Everything Dagster knows about one workspace, built by one function.

Tests, the CLI and the code location (``orchestration.definitions``) all call
:func:`build_definitions`, so there is exactly one job and one code path for every run.
"""

from __future__ import annotations

import dagster as dg

from orchestration.assets.dbt import build_dbt_assets
from orchestration.assets.publish import build_publish_asset, serving_report
from orchestration.assets.raw import RAW_ASSETS, load_ledger
from orchestration.checks import quality_gates
from orchestration.dbt_project import DBT_EXECUTABLE, day_tables, ensure_manifest
from orchestration.resources import LocalDbtCliResource, WorkspaceResource
from orchestration.triggers import JOB_NAME, build_triggers
from settings import DBT_PROJECT_DIR, Settings


def build_definitions(settings: Settings) -> dg.Definitions:
    """Assets, the whole-graph job, its schedule and sensor, and resources for ``settings``."""
    manifest = ensure_manifest(settings)
    dbt_models = build_dbt_assets(manifest)
    publish_asset = build_publish_asset(dbt_models, day_tables(manifest, settings))
    job = dg.define_asset_job(
        JOB_NAME,
        selection=dg.AssetSelection.all(),
        # one warehouse writer at a time: every step runs in this one process, in order
        executor_def=dg.in_process_executor,
        description="Ingest the inbox, build and test the dbt project, publish the serving copy.",
    )
    schedule, sensor = build_triggers(settings, job)
    return dg.Definitions(
        assets=[*RAW_ASSETS, load_ledger, dbt_models, publish_asset, serving_report],
        asset_checks=quality_gates(settings),
        jobs=[job],
        schedules=[schedule],
        sensors=[sensor],
        resources={
            "workspace": WorkspaceResource(home=str(settings.home)),
            "dbt": LocalDbtCliResource(
                project_dir=str(DBT_PROJECT_DIR),
                profiles_dir=str(settings.dbt_profiles_dir),
                dbt_executable=str(DBT_EXECUTABLE),
            ),
        },
    )
