"""Publish: swap a fresh read-only serving copy into place once everything upstream passed, then draw the report."""

import dagster as dg
from dagster import AssetExecutionContext

from metrics.pii import workspace_salt
from metrics.report import write_report
from metrics.serving import DayTables, publish
from orchestration.resources import WorkspaceResource

SERVING_KEY = dg.AssetKey(["serving", "analytics"])
REPORT_KEY = dg.AssetKey(["serving", "report"])


def build_publish_asset(upstream: dg.AssetsDefinition, days: DayTables) -> dg.AssetsDefinition:
    """The publish asset, downstream of every dbt model (so a failed test prevents it).

    ``days``: the marts dbt rebuilds day by day, whose older days are taken from the previous copy.
    """

    @dg.asset(
        key=SERVING_KEY,
        deps=list(upstream.keys),
        group_name="serving",
        owners=["team:product-ops"],
        kinds={"duckdb"},
        description="`serving/analytics.duckdb`: every mart written to a new file, fsynced and renamed "
        "over the previous copy (the day-by-day marts start from the previous copy and replace their "
        "last days). BI tools and `prodops` commands read only this file.",
    )
    def serving_analytics(context: AssetExecutionContext, workspace: WorkspaceResource) -> dg.MaterializeResult:
        settings = workspace.settings()
        counts = publish(
            settings.warehouse,
            settings.serving_db,
            context.run_id,
            workspace_salt(settings.pii_salt_file),
            threads=settings.duckdb_threads,
            memory_limit=settings.duckdb_memory_limit,
            days=days,
        )
        table = "| table | rows |\n|---|---|\n" + "\n".join(f"| {t} | {n} |" for t, n in counts.items())
        return dg.MaterializeResult(metadata={"path": str(settings.serving_db), "tables": dg.MetadataValue.md(table)})

    return serving_analytics


@dg.asset(
    key=REPORT_KEY,
    deps=[SERVING_KEY],
    group_name="serving",
    owners=["team:product-ops"],
    kinds={"html"},
    description="`serving/report.html`: one self-contained page (inline SVG charts, no network) drawn from "
    "the serving copy: activity, stickiness, retention, adoption, lifecycle, PES, NPS, MRR, health, data quality.",
)
def serving_report(workspace: WorkspaceResource) -> dg.MaterializeResult:
    """Redraw the report from the copy just published."""
    settings = workspace.settings()
    sections = write_report(settings.serving_db, settings.report_html)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(settings.report_html)),
            "sections": dg.MetadataValue.json(sections),
        }
    )
