"""Mapping files: any other layout, described in YAML, read into the canonical fields.

```yaml
kind: events                  # optional; must agree with the folder or --kind
format: jsonl                 # csv | jsonl | parquet (default: the file's suffix)
columns: {event_name: page, timestamp: ts, user_id: userId}
timestamp_format: epoch_ms    # epoch_s | epoch_ms | iso | a strftime pattern, or a list tried in order
timezone: UTC                 # zone of timestamps without an offset
properties: [level, song]     # extra columns kept (events: properties; other kinds: dimensions)
```

Fields not listed under ``columns`` are read from a column of their own name. A mapping
file named ``_mapping.yml`` in an inbox folder applies to the files next to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import yaml

from ingest.formats.layout import Layout, epoch_to_utc, iso_to_utc, json_path, quote
from ingest.kinds import SPECS, Column, KindSpec
from ingest.readers import CONTAINERS, ReadError

MAPPING_NAMES = ("_mapping.yml", "_mapping.yaml")
_KEYS = {"kind", "format", "columns", "timestamp_format", "timezone", "properties", "dimensions"}
_EPOCH_DIVISORS = {"epoch_s": 1, "epoch_ms": 1000}
_OFFSET = r"\d:\d\d(:\d\d(\.\d+)?)?\s*([zZ]|[+-]\d\d(:?\d\d)?)$"


class MappingError(ReadError):
    """A mapping file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Mapping:
    """A parsed, checked mapping file."""

    source: Path
    kind: str | None = None
    container: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    timestamp_formats: tuple[str, ...] = ("iso",)
    timezone: str = "UTC"
    extras: tuple[str, ...] = ()


def mapping_next_to(path: Path) -> Path | None:
    """The mapping file in the folder of ``path``, if there is one."""
    return next((path.parent / n for n in MAPPING_NAMES if (path.parent / n).is_file()), None)


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; every problem is a MappingError naming file and key."""
    try:
        raw = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"{path}: not a readable YAML mapping ({str(exc).splitlines()[0]})") from exc
    if not isinstance(raw, dict):
        raise MappingError(f"{path}: expected a YAML mapping with keys {', '.join(sorted(_KEYS))}")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise MappingError(f"{path}: unknown key(s) {', '.join(unknown)}; expected {', '.join(sorted(_KEYS))}")
    mapping = Mapping(
        source=path,
        kind=_choice(path, raw, "kind", tuple(SPECS)),
        container=_choice(path, raw, "format", CONTAINERS),
        columns=_columns(path, raw.get("columns") or {}),
        timestamp_formats=_strings(path, raw, "timestamp_format") or ("iso",),
        timezone=str(raw.get("timezone") or "UTC"),
        extras=_strings(path, raw, "properties") + _strings(path, raw, "dimensions"),
    )
    _check_timezone(mapping)
    _check_timestamp_formats(mapping)
    if mapping.kind:
        check_fields(mapping, SPECS[mapping.kind])
    return mapping


def check_fields(mapping: Mapping, spec: KindSpec) -> None:
    """Every mapped name must be a field of ``spec``, and extras need a place to go."""
    unknown = sorted(set(mapping.columns) - set(spec.column_names))
    if unknown:
        raise MappingError(
            f"{mapping.source}: columns: {', '.join(unknown)} not field(s) of {spec.name} "
            f"(fields: {', '.join(spec.column_names)})"
        )
    if mapping.kind and mapping.kind != spec.name:
        raise MappingError(f"{mapping.source}: maps kind {mapping.kind}, but the files are loaded as {spec.name}")
    if mapping.extras and spec.extras_column is None:
        raise MappingError(f"{mapping.source}: {spec.name} keeps no extra columns; remove properties/dimensions")


def _choice(path: Path, raw: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str | None:
    value = raw.get(key)
    if value is not None and value not in allowed:
        raise MappingError(f"{path}: {key}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _columns(path: Path, value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str | int) for v in value.values()):
        raise MappingError(f"{path}: columns: expected 'canonical field: column in the file' pairs")
    return {str(k): str(v) for k, v in value.items()}


def _strings(path: Path, raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str | int) for i in items):
        raise MappingError(f"{path}: {key}: expected a name or a list of names")
    return tuple(str(i) for i in items)


def _check_timezone(mapping: Mapping) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(mapping.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise MappingError(f"{mapping.source}: timezone: {mapping.timezone!r} is not a known IANA zone") from exc


def _check_timestamp_formats(mapping: Mapping) -> None:
    con = duckdb.connect()
    try:
        for fmt in mapping.timestamp_formats:
            if fmt in ("iso", *_EPOCH_DIVISORS):
                continue
            if "%" not in fmt:
                raise MappingError(
                    f"{mapping.source}: timestamp_format: {fmt!r} is not epoch_s, epoch_ms, iso or a strftime pattern"
                )
            try:
                con.execute("SELECT try_strptime('', ?)", [fmt])
            except duckdb.Error as exc:
                raise MappingError(f"{mapping.source}: timestamp_format: {fmt!r}: {exc}") from exc
    finally:
        con.close()


class MappingLayout(Layout):
    """A file read through a mapping; rows without the exporter's id are keyed by content."""

    key_optional = True

    def __init__(self, mapping: Mapping, container: str) -> None:
        super().__init__(container, f"{container}+mapping")
        self.mapping = mapping

    def source(self, column: Column) -> str:
        return self.mapping.columns.get(column.name, column.name)

    def _read(self, name: str, as_json: bool = False) -> str:
        if self.container == "jsonl":
            fn = "json_extract" if as_json else "json_extract_string"
            return f"{fn}(_raw, {json_path(name)})" + ("::VARCHAR" if as_json else "")
        return f'"{name}"::VARCHAR'

    def text(self, column: Column, present: set[str]) -> str:
        name = self.source(column)
        if self.container != "jsonl" and name not in present:
            return "NULL::VARCHAR"
        return self._read(name, column.sql_type == "JSON")

    def typed(self, column: Column, text: str) -> str:
        if column.sql_type not in ("TIMESTAMP", "DATE"):
            return super().typed(column, text)
        parsed = "coalesce(" + ", ".join(self._timestamp(fmt, text) for fmt in self.mapping.timestamp_formats) + ")"
        return f"CAST({parsed} AS DATE)" if column.sql_type == "DATE" else parsed

    def _timestamp(self, fmt: str, text: str) -> str:
        """One format's reading of ``text`` as naive UTC (NULL when it does not fit)."""
        zone = quote(self.mapping.timezone)
        if fmt in _EPOCH_DIVISORS:
            return epoch_to_utc(text, _EPOCH_DIVISORS[fmt])
        if fmt == "iso":
            return f"""CASE WHEN regexp_matches({text}, {quote(_OFFSET)}) THEN {iso_to_utc(text)}
                ELSE timezone('UTC', timezone({zone}, TRY_CAST({text} AS TIMESTAMP))) END"""
        parsed = f"try_strptime({text}, {quote(fmt)})"
        return (
            f"timezone('UTC', {parsed})"
            if "%z" in fmt or "%Z" in fmt
            else f"timezone('UTC', timezone({zone}, {parsed}))"
        )

    def label(self, column: Column) -> str:
        name = self.source(column)
        return repr(column.name) if name == column.name else f"{column.name!r} (column {name!r})"

    def extras(self, spec: KindSpec, present: set[str]) -> str | None:
        if not self.mapping.extras:
            return None
        pairs = ", ".join(f"{quote(name)}, {self._extra_value(name)}" for name in self.mapping.extras)
        return f"json_object({pairs})"

    def _extra_value(self, name: str) -> str:
        return f"json_extract(_raw, {json_path(name)})" if self.container == "jsonl" else f'"{name}"'

    def check(self, con: duckdb.DuckDBPyConnection, spec: KindSpec, present: set[str], path: Path) -> None:
        check_fields(self.mapping, spec)
        needed = [c for c in spec.columns if c.name in self.mapping.columns or (c.required and c.name != spec.key)]
        named = {self.source(c): c.name for c in needed}
        if self.container != "jsonl":  # a JSON line may leave out an extra field; a header may not
            named.update({name: f"kept in {spec.extras_column}" for name in self.mapping.extras})
        found = self._found(con, present, list(named))
        missing = [name for name in named if name not in found]
        if missing:
            shown = ", ".join(f"{name!r} (for {named[name]})" for name in missing)
            listed = ", ".join(sorted(c for c in present if not c.startswith("_"))) or "none"
            where = "" if self.container == "jsonl" else f" (found: {listed})"
            raise ReadError(f"{path}: column(s) {shown} named by {self.mapping.source.name} not in the file{where}")

    def _found(self, con: duckdb.DuckDBPyConnection, present: set[str], names: list[str]) -> set[str]:
        """The named columns the file has: CSV/Parquet headers, or keys of any JSON line."""
        if self.container != "jsonl" or not names:
            return present & set(names)
        checks = ", ".join(f"coalesce(bool_or(json_exists(_raw, {json_path(n)})), false)" for n in names)
        flags = con.execute(
            f"SELECT {checks} FROM batch WHERE json_valid(_raw) AND json_type(_raw) = 'OBJECT'"
        ).fetchall()[0]
        return {name for name, flag in zip(names, flags, strict=True) if flag}
