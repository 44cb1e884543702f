"""A layout: how the rows of one file become the canonical fields of a kind, as SQL.

The reader gives a frame of text (``_raw`` per JSON line, or one column per CSV/Parquet
column); a layout says, per canonical field, which SQL expression over that frame yields
the field's text and how a timestamp in it is read. Typing, validation, quarantine and
keys stay in ``ingest.validate``, the same for every layout.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from ingest.kinds import Column, KindSpec
from ingest.readers import ReadError


def quote(text: str) -> str:
    """``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def json_path(*keys: str) -> str:
    """A quoted JSON path literal for nested ``keys`` (``$."a"."b"``)."""
    return quote("$" + "".join('."' + key.replace('"', '\\"') + '"' for key in keys))


def json_text(*keys: str) -> str:
    """The string value at ``keys`` of the line (numbers and booleans as text)."""
    return f"json_extract_string(_raw, {json_path(*keys)})"


def json_value(*keys: str) -> str:
    """The JSON value at ``keys`` of the line, as JSON text."""
    return f"json_extract(_raw, {json_path(*keys)})::VARCHAR"


def iso_to_utc(text: str) -> str:
    """An ISO 8601 timestamp as naive UTC; without an offset it is UTC already."""
    return f"timezone('UTC', TRY_CAST({text} AS TIMESTAMPTZ))"


def epoch_to_utc(text: str, per_second: int) -> str:
    """Epoch time in ``text`` (``per_second`` units per second) as naive UTC; NULL if not a
    number or beyond year 5138, so one wild value cannot fail the whole batch."""
    number = f"TRY_CAST({text} AS DOUBLE)"
    return (
        f"CASE WHEN abs({number}) < 1e11 * {per_second} THEN timezone('UTC', to_timestamp({number} / {per_second})) END"
    )


class Layout:
    """The canonical layout of a container format (``jsonl``, ``csv``, ``parquet``)."""

    key_optional = False  # True: a row without the exporter's id is keyed by its content

    def __init__(self, container: str, name: str | None = None) -> None:
        self.container = container
        self.name = name or container

    def text(self, column: Column, present: set[str]) -> str:
        """SQL for the field's text (JSON text for JSON columns); NULL when absent."""
        if self.container == "jsonl":
            return json_value(column.name) if column.sql_type == "JSON" else json_text(column.name)
        return f'"{column.name}"::VARCHAR' if column.name in present else "NULL::VARCHAR"

    def typed(self, column: Column, text: str) -> str:
        """SQL turning the field's text into its canonical type (timestamps: naive UTC)."""
        if column.sql_type == "TIMESTAMP":
            return iso_to_utc(text)
        return f"TRY_CAST({text} AS {column.sql_type})"

    def label(self, column: Column) -> str:
        """How reasons name the field: the canonical name, plus the file's name if it differs."""
        return repr(column.name)

    def extra_fields(self, spec: KindSpec, present: set[str]) -> tuple[str, ...]:
        """The file's fields the kind does not name (schema drift): kept, and reported."""
        if spec.extras_column is None:
            return ()
        return tuple(sorted(c for c in present if c not in spec.column_names and not c.startswith("_")))

    def extras(self, spec: KindSpec, present: set[str]) -> str | None:
        """SQL for a JSON object of the extra fields kept in ``properties``/``dimensions``."""
        others = self.extra_fields(spec, present)
        if not others:
            return None
        if self.container == "jsonl":
            return "json_object(" + ", ".join(f"{quote(c)}, json_extract(_raw, {json_path(c)})" for c in others) + ")"
        return "json_object(" + ", ".join(f'{quote(c)}, "{c}"' for c in others) + ")"

    def prepare(self, frame: pl.DataFrame, spec: KindSpec, path: Path) -> pl.DataFrame:
        """The frame as read, turned into the fields ``text`` reads (an export's own columns)."""
        return frame

    def check(self, con: duckdb.DuckDBPyConnection, spec: KindSpec, present: set[str], path: Path) -> None:
        """Raise ReadError for a file that cannot be this kind as a whole (a missing column)."""
        if self.container == "jsonl":
            return  # JSON lines name their fields per row; a missing field quarantines that row
        missing = [c for c in spec.required if c not in present]
        if missing:
            found = [c for c in present if not c.startswith("_")]
            hint = next((f"; is it delimited by {d!r}?" for d in ";\t|" if len(found) == 1 and d in found[0]), "")
            listed = ", ".join(sorted(found)) or "none"
            raise ReadError(f"{path}: required column(s) {', '.join(missing)} missing (found: {listed}){hint}")
