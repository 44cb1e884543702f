"""Typing and row validation as one SQL statement over a batch.

The batch (a polars frame registered as ``batch``) holds text; this module turns it into
canonical typed columns plus ``_reason`` (NULL for a good row, else every problem found,
each naming its field) and ``_key`` (the exporter's id, else a hash of the row's text).
Everything is vectorised in DuckDB: no Python touches a row.
"""

from __future__ import annotations

import duckdb

from ingest.kinds import Column, KindSpec

_TYPE_WORDS = {"TIMESTAMP": "a timestamp", "DATE": "a date", "DOUBLE": "a number", "JSON": "JSON"}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _source_expr(column: Column, fmt: str, present: set[str], extras: tuple[str, ...] = ()) -> str:
    """The column's raw text (VARCHAR) as found in the batch, or NULL when absent.

    The JSON column (``properties`` or ``dimensions``) also takes the file's ``extras``:
    fields the canonical layout does not know are kept there, not dropped.
    """
    name = column.name
    if fmt == "jsonl":
        path = _quote(f'$."{name}"')
        if column.sql_type == "JSON":
            return _with_extras(f"CASE WHEN _is_object THEN json_extract(_raw, {path})::VARCHAR END", fmt, extras)
        return f"CASE WHEN _is_object THEN json_extract_string(_raw, {path}) END"
    text = f'"{name}"::VARCHAR' if name in present else "NULL::VARCHAR"
    return _with_extras(text, fmt, extras) if column.sql_type == "JSON" else text


def _with_extras(source: str, fmt: str, extras: tuple[str, ...]) -> str:
    if not extras:
        return source
    if fmt == "jsonl":
        values = [f"json_extract(_raw, {_quote(f'$.{chr(34)}{k}{chr(34)}')})" for k in extras]
    else:
        values = [f'"{k}"::VARCHAR' for k in extras]
    pairs = ", ".join(f"{_quote(k)}, {v}" for k, v in zip(extras, values, strict=True))
    merged = f"json_merge_patch(coalesce(({source}), '{{}}'), json_object({pairs}))::VARCHAR"
    return f"CASE WHEN ({source}) IS NULL OR json_valid(({source})) THEN {merged} ELSE ({source}) END"


def extra_fields(con: duckdb.DuckDBPyConnection, spec: KindSpec, fmt: str, present: set[str]) -> tuple[str, ...]:
    """Fields of the registered ``batch`` the canonical layout of ``spec`` does not name (schema drift)."""
    if fmt == "jsonl":
        present = {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT unnest(json_keys(_raw)) FROM batch "
                "WHERE _problem IS NULL AND json_valid(_raw) AND json_type(_raw) = 'OBJECT'"
            ).fetchall()
        }
    known = set(spec.column_names)
    return tuple(sorted(f for f in present if f not in known and not f.startswith("_")))


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


def typed_batch_sql(spec: KindSpec, fmt: str, present: set[str], extras: tuple[str, ...] = ()) -> str:
    """SELECT producing ``_line, _raw, <canonical columns>, _key, _reason`` from ``batch``.

    A row the reader could not decode (``_problem``) has that one reason.
    """
    source = ",\n    ".join(
        f"nullif(nullif(trim({_source_expr(c, fmt, present, extras)}), ''), 'null') AS \"{c.name}__s\""
        for c in spec.columns
    )
    typed = ",\n    ".join(f'{_typed_expr(c)} AS "{c.name}"' for c in spec.columns)
    reasons = [r for c in spec.columns for r in _column_reasons(c)]
    reasons += [f"CASE WHEN coalesce({rule.failing_sql}, false) THEN {rule.reason} END" for rule in spec.rules]
    reason = f"nullif(concat_ws('; ', {', '.join(reasons)}), '')"
    reason = f"CASE WHEN _is_object THEN {reason} ELSE _json_problem END"  # one reason for an unreadable row
    key = f'coalesce("{spec.key}", md5(_raw))' if spec.key else "md5(_raw)"
    json_problem = (
        "CASE WHEN NOT json_valid(_raw) THEN 'line is not valid JSON' "
        "WHEN json_type(_raw) <> 'OBJECT' THEN 'line is JSON but not an object' END"
        if fmt == "jsonl"
        else "NULL"
    )
    columns = ", ".join(f'"{c}"' for c in spec.column_names)
    return f"""
WITH checked AS (SELECT *, coalesce(_problem, {json_problem}) AS _json_problem FROM batch),
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
