"""The dbt project as assets: ``dbt build``, so every dbt test is a blocking asset check."""

import datetime as dt
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from ingest.warehouse import changed_model_settings, record_build, record_full_refresh, settle
from orchestration.assets.catalog import with_table_facts
from orchestration.dbt_project import dbt_build_args
from orchestration.resources import WorkspaceResource
from quality.dbt_tests import describe_failures
from settings import Settings

LAYERS = ("staging", "intermediate", "marts")


class DbtRunConfig(dg.Config):
    """``full_refresh`` rebuilds incremental models from all history instead of the look-back."""

    full_refresh: bool = False


class LayeredTranslator(DagsterDbtTranslator):
    """Groups models by layer folder and keys sources as ``raw/<table>`` (the ingest assets)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        layer = next((part for part in fqn if part in LAYERS), None)
        return layer or super().get_group_name(dbt_resource_props)

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return ["team:product-ops"]


def build_dbt_assets(manifest: Path) -> dg.AssetsDefinition:
    """The ``@dbt_assets`` definition for a prepared manifest."""

    @dbt_assets(
        manifest=manifest,
        dagster_dbt_translator=LayeredTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
    )
    def dbt_models(
        context: AssetExecutionContext, dbt: DbtCliResource, workspace: WorkspaceResource, config: DbtRunConfig
    ) -> Iterator[Any]:
        settings = workspace.settings()
        settle(settings.warehouse)
        full_refresh = config.full_refresh or _settings_changed(context, settings)
        if full_refresh:
            record_full_refresh(settings.warehouse, context.run_id)
        args = dbt_build_args(settings, full_refresh=full_refresh)
        started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        invocation = dbt.cli(args, context=context, raise_on_error=False, target_path=settings.dbt_target_dir)
        yield from with_table_facts(invocation.stream(), settings, invocation.manifest)
        if invocation.is_successful():
            record_build(settings.warehouse, context.run_id, started, settings.model_settings())
        else:
            results, manifest = (invocation.get_artifact(a) for a in ("run_results.json", "manifest.json"))
            failures = describe_failures(results, manifest, settings.warehouse)
            raise dg.Failure(description="dbt build failed:\n" + "\n".join(failures or ["see the run's log"]))

    return dbt_models


def _settings_changed(context: AssetExecutionContext, settings: Settings) -> bool:
    """Whether settings the stored rows were computed with changed since the last build: the
    incremental models then rebuild from all history, or their old days would keep the old
    timezone, weeks, catalogue or weights beside the new."""
    changed = changed_model_settings(settings.warehouse, settings.model_settings())
    if changed:
        names = ", ".join(changed)
        context.log.warning(f"settings changed since the last build ({names}): rebuilding from all history")
    return bool(changed)
