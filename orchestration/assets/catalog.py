"""Row counts, column types and previews on materializations, read after the writer is done."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import dagster as dg

from metrics.catalog import TableFacts, describe_tables
from metrics.pii import workspace_salt
from settings import Settings


def facts_metadata(facts: TableFacts, descriptions: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Dagster metadata for one table, with column descriptions (from dbt yml) where there are some."""
    descriptions = descriptions or {}
    schema = dg.TableSchema(
        columns=[dg.TableColumn(name, type_, description=descriptions.get(name)) for name, type_ in facts.columns]
    )
    metadata: dict[str, Any] = {"dagster/column_schema": dg.MetadataValue.table_schema(schema)}
    if facts.rows is not None:
        metadata["dagster/row_count"] = dg.MetadataValue.int(facts.rows)
    if facts.preview is not None:
        preview_schema = dg.TableSchema(columns=[dg.TableColumn(name, "text") for name, _ in facts.columns])
        records = [dg.TableRecord(row) for row in facts.preview]
        metadata["preview"] = dg.MetadataValue.table(records, schema=preview_schema)
    return metadata


def with_table_facts(events: Iterable[Any], settings: Settings, manifest: Mapping[str, Any]) -> Iterator[Any]:
    """Pass dbt's events on, each model's materialization enriched with its table's facts.

    dbt holds the warehouse while it runs, so the events are collected first and the tables
    read once dbt has exited. If dbt fails, the events so far go out unchanged and the error
    follows.
    """
    buffered: list[Any] = []
    try:
        buffered.extend(events)
    except Exception:
        yield from buffered
        raise
    nodes = {id(e): node for e in buffered if (node := _node(e, manifest))}
    relations = sorted({_relation(node) for node in nodes.values()})
    facts = describe_tables(settings.warehouse, relations, workspace_salt(settings.pii_salt_file))
    for event in buffered:
        node = nodes.get(id(event))
        if node and _relation(node) in facts:
            descriptions = {name: c.get("description") for name, c in node.get("columns", {}).items()}
            event = event.with_metadata({**event.metadata, **facts_metadata(facts[_relation(node)], descriptions)})
        yield event


def _node(event: Any, manifest: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The dbt node a materialization is for (from its ``unique_id``)."""
    if not isinstance(event, dg.Output | dg.AssetMaterialization):
        return None
    unique_id = getattr((event.metadata or {}).get("unique_id"), "value", None)
    return manifest.get("nodes", {}).get(unique_id)


def _relation(node: Mapping[str, Any]) -> str:
    return f"{node['schema']}.{node['alias']}"
