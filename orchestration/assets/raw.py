"""One raw asset per input kind: load the kind's new inbox files into ``raw.<kind>``."""

from pathlib import Path
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext

from ingest.lake import sync_lake
from ingest.load import FileResult, IngestReport, inbox_files, ingest_paths
from metrics.catalog import describe_tables
from metrics.pii import workspace_salt
from orchestration.assets.catalog import facts_metadata
from orchestration.resources import WorkspaceResource
from quality.runner import import_gx_in_background
from settings import KINDS, Settings

OWNER = "team:product-ops"
LEDGER_KEY = dg.AssetKey(["raw", "load_ledger"])
QUARANTINE_KEY = dg.AssetKey(["raw", "quarantine"])


def _metadata(report: IngestReport) -> dict[str, dg.MetadataValue]:
    loaded = [r for r in report.results if r.status == "loaded"]
    rows = [
        f"| {r.path.name} | {r.input_format} | {r.read} | {r.loaded} | {r.quarantined} | {r.duplicate} "
        f"| {', '.join(r.new_fields)} |"
        for r in loaded
    ]
    table = "| file | format | read | loaded | quarantined | duplicate | new fields |\n|---|---|---|---|---|---|---|\n"
    return {
        "formats": dg.MetadataValue.json(_by_format(loaded)),
        "files_loaded": dg.MetadataValue.int(len(loaded)),
        "files_skipped": dg.MetadataValue.int(len(report.results) - len(loaded)),
        "rows_read": dg.MetadataValue.int(report.total("read")),
        "rows_loaded": dg.MetadataValue.int(report.total("loaded")),
        "rows_quarantined": dg.MetadataValue.int(report.total("quarantined")),
        "rows_duplicate": dg.MetadataValue.int(report.total("duplicate")),
        "new_fields": dg.MetadataValue.text(", ".join(sorted({f for r in loaded for f in r.new_fields}))),
        "files": dg.MetadataValue.md(table + "\n".join(rows) if rows else "no new files"),
    }


def _by_format(results: list[FileResult]) -> dict[str, dict[str, int]]:
    """Files and rows per detected input format (canonical ``jsonl``/``csv``, ``segment``, ...)."""
    out: dict[str, dict[str, int]] = {}
    for r in results:
        counts = out.setdefault(r.input_format, {"files": 0, "read": 0, "loaded": 0, "quarantined": 0, "duplicate": 0})
        counts["files"] += 1
        for name in ("read", "loaded", "quarantined", "duplicate"):
            counts[name] += getattr(r, name)
    return out


def _log_file(context: AssetExecutionContext, path: Path, r: FileResult | None) -> None:
    if r is None:
        context.log.warning(f"{path.name}: could not be loaded")
    elif r.skipped_as:
        context.log.info(f"{r.path.name}: skipped, same content as {r.skipped_as}")
    else:
        context.log.info(
            f"{r.path.name}: read {r.read}, loaded {r.loaded}, quarantined {r.quarantined}, duplicate {r.duplicate}"
            + (f"; new field(s) kept in {r.kept_in}: {', '.join(r.new_fields)}" if r.new_fields else "")
        )


def _table_metadata(settings: Settings, relation: str) -> dict[str, Any]:
    """Row count, column types and a preview of the raw table, once ingest has closed the warehouse."""
    facts = describe_tables(settings.warehouse, [relation], workspace_salt(settings.pii_salt_file))
    return facts_metadata(facts[relation]) if relation in facts else {}


def raw_asset(kind: str) -> dg.AssetsDefinition:
    """The ingest asset of one kind; an unreadable file fails it after the others are loaded."""

    @dg.asset(
        key=dg.AssetKey(["raw", kind]),
        group_name="raw",
        owners=[OWNER],
        kinds={"duckdb", "polars"},
        description=f"New `inbox/{kind}/` files loaded into `raw.{kind}` whatever their format (canonical, "
        "exporters' layouts, mapping files): typed, validated, deduplicated; bad rows go to "
        "`raw.quarantine`, every file to `raw.load_ledger`. Metadata: counts per detected format.",
    )
    def _ingest(context: AssetExecutionContext, workspace: WorkspaceResource) -> dg.MaterializeResult:
        import_gx_in_background()  # the quality gates come next
        settings = workspace.settings()
        report = ingest_paths(
            settings,
            kind,
            inbox_files(settings.inbox, kind),
            context.run_id,
            on_file=lambda path, r: _log_file(context, path, r),
        )
        for result in report.results:
            for line, reason in result.examples:
                context.log.warning(f"{result.path}:{line}: {reason}")
        if report.errors:
            raise dg.Failure(
                description=f"{len(report.errors)} problem(s) loading {kind}:\n" + "\n".join(report.errors),
                metadata=_metadata(report),
            )
        return dg.MaterializeResult(metadata={**_metadata(report), **_table_metadata(settings, f"raw.{kind}")})

    return _ingest


RAW_ASSETS = [raw_asset(kind) for kind in KINDS]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            LEDGER_KEY,
            deps=[a.key for a in RAW_ASSETS],
            group_name="raw",
            owners=[OWNER],
            description="One row per loaded file: SHA-256, size, rows read/loaded/quarantined/duplicate.",
        ),
        dg.AssetSpec(
            QUARANTINE_KEY,
            deps=[a.key for a in RAW_ASSETS],
            group_name="raw",
            owners=[OWNER],
            description="Rows that failed typing or validation, with file, line, reason and raw text.",
        ),
    ],
)
def load_ledger(workspace: WorkspaceResource):
    """Report the ledger and quarantine totals once every kind has loaded.

    With ``lake_export`` on, the raw tables are then synced to the Parquet lake, before any
    dbt model (on Spark, the models read the lake) runs.
    """
    import duckdb

    settings = workspace.settings()
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        files, read, quarantined = con.execute(
            "SELECT count(*), coalesce(sum(rows_read), 0), coalesce(sum(rows_quarantined), 0) FROM raw.load_ledger"
        ).fetchone()
        lake = sync_lake(con, settings.lake_dir) if settings.lake_export else None
    finally:
        con.close()
    metadata = {"files": files, "rows_read": read}
    if lake is not None:
        metadata["lake_rows_written"] = dg.MetadataValue.json(lake)
    yield dg.MaterializeResult(asset_key=LEDGER_KEY, metadata=metadata)
    yield dg.MaterializeResult(asset_key=QUARANTINE_KEY, metadata={"rows_quarantined": quarantined})
