"""Typing and row validation as one SQL statement over a batch.

The batch (a polars frame registered as ``batch``) holds text; this module turns it into
canonical typed columns plus ``_reason`` (NULL for a good row, else every problem found,
each naming its field) and ``_key`` (the exporter's id, else a hash of the row's text).
Everything is vectorised in DuckDB: no Python touches a row.
"""

from __future__ import annotations

from ingest.kinds import Column, KindSpec

_TYPE_WORDS = {"TIMESTAMP": "a timestamp", "DATE": "a date", "DOUBLE": "a number", "JSON": "JSON"}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _source_expr(column: Column, fmt: str, present: set[str]) -> str:
    """The column's raw text (VARCHAR) as found in the batch, or NULL when absent."""
    name = column.name
    if fmt == "jsonl":
        path = _quote(f'$."{name}"')
        if column.sql_type == "JSON":
            return f"CASE WHEN _is_object THEN json_extract(_raw, {path})::VARCHAR END"
        return f"CASE WHEN _is_object THEN json_extract_string(_raw, {path}) END"
    return f'"{name}"::VARCHAR' if name in present else "NULL::VARCHAR"


def _typed_expr(column: Column) -> str:
    text = f'"{column.name}__s"'
    if column.sql_type == "VARCHAR":
        return text
    if column.sql_type == "TIMESTAMP":
        return f"timezone('UTC', TRY_CAST({text} AS TIMESTAMPTZ))"
    return f"TRY_CAST({text} AS {column.sql_type})"


def _column_reasons(column: Column) -> list[str]:
    text, reasons = f'"{column.name}__s"', []
    if column.required:
        reasons.append(f"CASE WHEN {text} IS NULL THEN {_quote(f'field {column.name!r} is missing')} END")
    if column.sql_type != "VARCHAR":
        word = _TYPE_WORDS[column.sql_type]
        reasons.append(
            f'CASE WHEN {text} IS NOT NULL AND "{column.name}" IS NULL THEN '
            f"{_quote(f'field {column.name!r}: cannot read ')} || {_quote(chr(39))} || left({text}, 60) "
            f"|| {_quote(chr(39) + ' as ' + word)} END"
        )
    return reasons


def typed_batch_sql(spec: KindSpec, fmt: str, present: set[str]) -> str:
    """SELECT producing ``_line, _raw, <canonical columns>, _key, _reason`` from ``batch``."""
    source = ",\n    ".join(
        f"nullif(nullif(trim({_source_expr(c, fmt, present)}), ''), 'null') AS \"{c.name}__s\"" for c in spec.columns
    )
    typed = ",\n    ".join(f'{_typed_expr(c)} AS "{c.name}"' for c in spec.columns)
    reasons = [r for c in spec.columns for r in _column_reasons(c)]
    reasons += [f"CASE WHEN coalesce({rule.failing_sql}, false) THEN {rule.reason} END" for rule in spec.rules]
    reason = f"nullif(concat_ws('; ', {', '.join(reasons)}), '')"
    if fmt == "jsonl":  # an unreadable line has one reason, not one per missing field
        reason = f"CASE WHEN _is_object THEN {reason} ELSE _json_problem END"
    key = f'coalesce("{spec.key}", md5(_raw))' if spec.key else "md5(_raw)"
    json_problem = (
        "CASE WHEN NOT json_valid(_raw) THEN 'line is not valid JSON' "
        "WHEN json_type(_raw) <> 'OBJECT' THEN 'line is JSON but not an object' END"
        if fmt == "jsonl"
        else "NULL"
    )
    columns = ", ".join(f'"{c}"' for c in spec.column_names)
    return f"""
WITH checked AS (SELECT *, {json_problem} AS _json_problem FROM batch),
parsed AS (SELECT *, _json_problem IS NULL AS _is_object FROM checked),
source AS (
  SELECT _line, _raw, _is_object, _json_problem,
    {source}
  FROM parsed
),
typed AS (
  SELECT *,
    {typed}
  FROM source
)
SELECT _line, _raw, {columns}, {key} AS _key,
       {reason} AS _reason
FROM typed
"""
