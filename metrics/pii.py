"""Personal data never leaves the warehouse in clear: what the serving copy gets instead.

Exports carry emails and names (account names, Segment ``identify`` traits, survey columns,
user ids that are email addresses). The warehouse keeps them, because the pipeline needs
them to stitch identities; everything published passes through :func:`scrub_select`:

- a column named like personal data (``email``, ``name``, ``first_name``, ``phone``, ...)
  is replaced by a salted hash of its value;
- any text value that *is* an email address is replaced by the same salted hash, so ids
  that happen to be emails still join across tables; an email *inside* a text (a comment,
  a quarantine reason) is replaced by ``[email]``;
- JSON values get the same treatment key by key.

The salt is random, generated once per workspace (``<home>/.pii_salt``, readable by its
owner only) and never leaves it; hashes therefore differ between workspaces.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from pathlib import Path
from typing import Any

import duckdb

EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
_EMAIL = re.compile(EMAIL)
# Column or JSON key names that hold personal data whatever their values look like.
PII_NAME = re.compile(
    r"(^|_)(e_?mail|phone|mobile|telephone)(_|$)"
    r"|^(name|full_?name|first_?name|last_?name|given_?name|family_?name|display_?name|user_?name"
    r"|contact_?name|account_?name|company_?name|customer_?name)$",
    re.IGNORECASE,
)
HASH_PREFIX = "pii_"
REDACTED = "[email]"
_SALT_VARIABLE = "prodops_pii_salt"
_JSON_UDF = "prodops_scrub_json"
# Text a JSON value must contain for the scrubber to change it: an email's "@", or a key with
# a part every PII_NAME alternative has (DuckDB writes a key's letters unescaped). Other values
# skip the per-row Python call (a night's NPS responses at 100M events spent 1.1 s in it).
_MAYBE_PII_JSON = r'@|"[^"]*(mail|phone|mobile|telephone|name)[^"]*"\s*:'
_TEXT = ("VARCHAR",)
_NESTED = ("JSON", "STRUCT", "MAP", "[]", "UNION")


def workspace_salt(path: Path) -> str:
    """The workspace's salt, created on first use (random, 256 bits, owner-only file)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def pseudonym(value: str, salt: str) -> str:
    """The salted hash that stands for ``value`` (same as the SQL in :func:`scrub_select`)."""
    digest = hashlib.sha256((salt + value.strip(" ").lower()).encode()).hexdigest()
    return HASH_PREFIX + digest[:16]


def is_pii_name(name: str) -> bool:
    return bool(PII_NAME.search(name))


def prepare(con: duckdb.DuckDBPyConnection, salt: str) -> None:
    """Give ``con`` the salt (a session variable, never stored) and the JSON scrubber."""
    con.execute(f"SET VARIABLE {_SALT_VARIABLE} = ?", [salt])
    con.create_function(
        _JSON_UDF,
        lambda text: None if text is None else _compact(_scrub_value(json.loads(text), salt, False)),
        ["VARCHAR"],
        "VARCHAR",
        null_handling="special",
        side_effects=False,
    )


def scrub_select(con: duckdb.DuckDBPyConnection, relation: str, *, bookkeeping: bool = True) -> str:
    """A ``SELECT`` list over ``relation`` that hides personal data column by column.

    ``bookkeeping=False`` leaves out the columns named with a leading underscore (when dbt
    wrote a row), which say nothing about the data.
    """
    columns = con.execute(f"DESCRIBE {relation}").fetchall()
    return ", ".join(
        f'{_scrub_column(name, str(dtype))} AS "{name}"'
        for name, dtype, *_ in columns
        if bookkeeping or not name.startswith("_")
    )


def _scrub_column(name: str, dtype: str) -> str:
    column = f'"{name}"'
    if dtype in _TEXT:
        if is_pii_name(name):
            return _hash_sql(column)
        return (
            f"CASE WHEN strpos({column}, '@') = 0 THEN {column} "
            f"WHEN regexp_full_match(trim({column}), '{EMAIL}') THEN {_hash_sql(column)} "
            f"ELSE regexp_replace({column}, '{EMAIL}', '{REDACTED}', 'g') END"
        )
    if any(marker in dtype for marker in _NESTED):
        text = f"CAST(to_json({column}) AS VARCHAR)"
        maybe_pii = f"regexp_matches({text}, '{_MAYBE_PII_JSON}', 'i')"
        scrubbed = f"CASE WHEN {maybe_pii} THEN {_JSON_UDF}({text}) ELSE {text} END"
        return f"CAST({_hash_sql(column)} AS VARCHAR)" if is_pii_name(name) else f"CAST({scrubbed} AS JSON)"
    return f"CAST({_hash_sql(column)} AS VARCHAR)" if is_pii_name(name) else column


def _hash_sql(column: str) -> str:
    text = f"lower(trim(CAST({column} AS VARCHAR)))"
    return f"'{HASH_PREFIX}' || left(sha256(getvariable('{_SALT_VARIABLE}') || {text}), 16)"


def _compact(value: Any) -> str:
    """JSON text as DuckDB writes it (no spaces, characters unescaped): scrubbed values look
    like the ones that skip the scrubber."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _scrub_value(value: Any, salt: str, sensitive: bool) -> Any:
    if isinstance(value, dict):
        return {k: _scrub_value(v, salt, sensitive or is_pii_name(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_value(v, salt, sensitive) for v in value]
    if value is None or isinstance(value, bool):
        return value
    if sensitive:
        return pseudonym(str(value), salt)
    if isinstance(value, str) and "@" in value:
        return pseudonym(value, salt) if _EMAIL.fullmatch(value.strip(" ")) else _EMAIL.sub(REDACTED, value)
    return value
