"""What the vendor layouts share: JSON lines of events, one SQL expression per field."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb

from ingest.formats.layout import Layout, iso_to_utc
from ingest.kinds import Column, KindSpec
from ingest.readers import ReadError


class VendorLayout(Layout):
    """An exporter's event layout: ``fields`` maps canonical fields to SQL over ``_raw``.

    Exporters do not always carry an insert id, so a row without one is keyed by its
    content (user, event, timestamp, properties) instead of being quarantined.
    """

    key_optional = True

    def __init__(self, name: str, fields: Mapping[str, str]) -> None:
        super().__init__("jsonl", name)
        self.fields = fields

    def text(self, column: Column, present: set[str]) -> str:
        return self.fields.get(column.name, "NULL::VARCHAR")

    def extra_fields(self, spec: KindSpec, present: set[str]) -> tuple[str, ...]:
        return ()  # the layout maps the exporter's fields itself (its properties, traits)

    def typed(self, column: Column, text: str) -> str:
        return iso_to_utc(text) if column.sql_type == "TIMESTAMP" else super().typed(column, text)

    def check(self, con: duckdb.DuckDBPyConnection, spec: KindSpec, present: set[str], path: Path) -> None:
        if spec.name != "events":
            raise ReadError(f"{path}: the {self.name} format holds events, not {spec.name}")
