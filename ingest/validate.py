"""Typing and row validation as one SQL statement over a batch, whatever its layout.

The batch (a polars frame registered as ``batch``) holds text; the file's layout says
where each canonical field's text is and how its timestamps read. This module turns that
into canonical typed columns plus ``_reason`` (NULL for a good row, else every problem
found, each naming its field) and ``_key``: the exporter's id, else a hash of the row's
canonical content (for events: user, event, timestamp and properties), so the same event
delivered twice, in one export or two, is loaded once. Everything is vectorised in
DuckDB: no Python touches a row.
"""

from __future__ import annotations

import re

import duckdb

from ingest.formats.layout import Layout, quote
from ingest.kinds import Column, KindSpec

_TYPE_WORDS = {"TIMESTAMP": "a timestamp", "DATE": "a date", "DOUBLE": "a number", "JSON": "JSON"}


def _typed_expr(column: Column, layout: Layout, extras: str | None) -> str:
    text = f'"{column.name}__s"'
    if column.sql_type == "VARCHAR":
        return text
    typed = layout.typed(column, text)
    if extras is None:
        return typed
    return f"""CASE WHEN "_extras" IS NULL THEN {typed} WHEN {text} IS NULL THEN "_extras"
        WHEN {typed} IS NOT NULL THEN json_merge_patch({typed}, "_extras") END"""


def _column_reasons(column: Column, layout: Layout, key_optional: bool) -> list[str]:
    text, reasons, label = f'"{column.name}__s"', [], layout.label(column)
    if column.required and not key_optional:
        reasons.append(f"CASE WHEN {text} IS NULL THEN {quote(f'field {label} is missing')} END")
    if column.sql_type != "VARCHAR":
        word = _TYPE_WORDS[column.sql_type]
        reasons.append(
            f'CASE WHEN {text} IS NOT NULL AND "{column.name}" IS NULL THEN '
            f"{quote(f'field {label}: cannot read ')} || {quote(chr(39))} || left({text}, 60) "
            f"|| {quote(chr(39) + ' as ' + word)} END"
        )
    return reasons


def typed_batch_sql(spec: KindSpec, layout: Layout, present: set[str]) -> str:
    """SELECT producing ``_line, _raw, <canonical columns>, _key, _reason`` from ``batch``.

    ``_raw`` is kept for the quarantine only, so it is NULL on a good row: copying every line
    into the staged batch cost a tenth of the typing.

    A row the reader could not decode (``_problem``, e.g. bytes that are not UTF-8) has that
    one reason.
    """
    jsonl = layout.container == "jsonl"
    key_optional = layout.key_optional and spec.key is not None

    def guarded(sql: str) -> str:  # JSON paths only on lines that are JSON objects
        return f"CASE WHEN _is_object THEN {sql} END" if jsonl else sql

    source = ",\n    ".join(
        f"nullif(nullif(trim({guarded(layout.text(c, present))}), ''), 'null') AS \"{c.name}__s\"" for c in spec.columns
    )
    extras = layout.extras(spec, present)
    extras_sql = f"json_merge_patch('{{}}', {guarded(extras)})" if extras else "NULL::JSON"
    source, lists = _parsed_once(f'{source},\n    {extras_sql} AS "_extras"')
    typed = ",\n    ".join(
        f'{_typed_expr(c, layout, extras if c.name == spec.extras_column else None)} AS "{c.name}"'
        for c in spec.columns
    )
    reasons = [r for c in spec.columns for r in _column_reasons(c, layout, key_optional and c.name == spec.key)]
    reasons += [f"CASE WHEN coalesce({rule.failing_sql}, false) THEN {rule.reason} END" for rule in spec.rules]
    reason = f"nullif(concat_ws('; ', {', '.join(reasons)}), '')"
    reason = f"CASE WHEN _is_object THEN {reason} ELSE _json_problem END"  # an unreadable row: one reason
    content = "md5(json_array(" + ", ".join(f'"{c}"' for c in spec.content_columns) + ")::VARCHAR)"
    # hashed only where there is no exporter id: md5 of every row cost a third of the typing
    key = f'coalesce("{spec.key}", {content})' if spec.key else content
    json_problem = (  # one parse: try() makes a line that is not JSON a NULL type
        "CASE WHEN try(json_type(_raw)) IS NULL THEN 'line is not valid JSON' "
        "WHEN try(json_type(_raw)) <> 'OBJECT' THEN 'line is JSON but not an object' END"
        if jsonl
        else "NULL"
    )
    columns = ", ".join(f'_key AS "{c}"' if key_optional and c == spec.key else f'"{c}"' for c in spec.column_names)
    return f"""
WITH checked AS (SELECT *, coalesce(_problem, {json_problem}) AS _json_problem FROM batch),
parsed AS (SELECT *, _json_problem IS NULL AS _is_object FROM checked),
extracted AS (SELECT *{lists} FROM parsed),
source AS (
  SELECT _line, _raw, _is_object, _json_problem,
    {source}
  FROM extracted
),
typed AS (
  SELECT *,
    {typed}
  FROM source
),
keyed AS (SELECT *, {key} AS _key FROM typed),
reasoned AS (SELECT *, {reason} AS _reason FROM keyed)
SELECT _line, CASE WHEN _reason IS NOT NULL THEN _raw END AS _raw, {columns}, _key, _reason
FROM reasoned
"""


_PATH_CALL = re.compile(r"json_extract(_string)?\(_raw, ('\$\.\"(?:[^']|'')*')\)")


def _parsed_once(sql: str) -> tuple[str, str]:
    """``sql`` with each ``json_extract[_string](_raw, <path>)`` replaced by an element of a
    list that one call extracts for every path (``, <list> AS _texts, <list> AS _values``).

    Each call parses the line again; the list form parses it once, which made typing a JSON
    line a third cheaper. Only the calls ``json_text``/``json_value`` write (a plain
    ``$."key"`` path) are gathered; any other JSON expression is left as it is.
    """
    paths: dict[str, list[str]] = {"_texts": [], "_values": []}

    def element(match: re.Match[str]) -> str:
        found = paths["_texts" if match.group(1) else "_values"]
        if match.group(2) not in found:
            found.append(match.group(2))
        return f"{'_texts' if match.group(1) else '_values'}[{found.index(match.group(2)) + 1}]"

    sql = _PATH_CALL.sub(element, sql)
    lists = "".join(
        f", CASE WHEN _is_object THEN json_extract{'_string' if name == '_texts' else ''}(_raw, [{', '.join(found)}]) "
        f"END AS {name}"
        for name, found in paths.items()
        if found
    )
    return sql, lists


def json_keys_of(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The top-level keys of the registered ``batch``'s JSON lines: the file's fields.

    One parse per line: try() gives NULL for a line that is not JSON, and arrays or scalars
    have no keys.
    """
    rows = con.execute("SELECT DISTINCT unnest(try(json_keys(_raw))) FROM batch WHERE _problem IS NULL").fetchall()
    return {row[0] for row in rows}
