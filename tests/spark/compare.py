"""Reading a table from each engine into comparable rows, and comparing them.

DuckDB tables come from the warehouse file; Spark tables are read as the Parquet files Spark
wrote under its warehouse directory (so the test needs no second Spark session). Rows are
normalised (timestamps as naive UTC, decimals as floats), put in one order, and compared
column by column: exactly, except floating-point values (1e-9 relative).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

REL_TOL = 1e-9
ABS_TOL = 1e-12  # values that are 0 on one engine may be a rounding error away on the other
BUILD_TIME = "_built_at"  # when each engine wrote the row: never the same, so not compared


def duckdb_rows(warehouse: Path, schema: str, table: str) -> tuple[list[str], list[tuple]]:
    """Column names and normalised rows of a DuckDB table."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return _read(con, f'"{schema}"."{table}"')
    finally:
        con.close()


def spark_rows(spark_dir: Path, schema: str, table: str, columns: list[str]) -> list[tuple]:
    """Normalised rows of a table Spark wrote, with ``columns`` in that order."""
    folder = spark_dir / "warehouse" / f"{schema}.db" / table
    files = sorted(folder.rglob("*.parquet"))
    assert files, f"{table}: Spark wrote no Parquet files in {folder}"
    con = duckdb.connect()
    try:
        relation = f"read_parquet({[str(f) for f in files]}, hive_partitioning = true)"
        names, rows = _read(con, relation)
    finally:
        con.close()
    assert sorted(names) == sorted(columns), f"{table}: columns differ: Spark {names}, DuckDB {columns}"
    order = [names.index(c) for c in columns]
    return sorted((tuple(row[i] for i in order) for row in rows), key=_order)


def _read(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[list[str], list[tuple]]:
    con.execute("SET TimeZone = 'UTC'")
    described = [r for r in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall() if r[0] != BUILD_TIME]
    names = [r[0] for r in described]
    select = ", ".join(
        f'cast("{name}" AS TIMESTAMP)' if kind.startswith("TIMESTAMP WITH TIME ZONE") else f'"{name}"'
        for name, kind in ((r[0], r[1]) for r in described)
    )
    rows = con.execute(f"SELECT {select} FROM {relation}").fetchall()
    return names, sorted((tuple(_value(v) for v in row) for row in rows), key=_order)  # DuckDB's column order


def _value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _order(row: tuple) -> tuple:
    """One order for both engines: floats rounded, so a last-digit difference cannot reorder rows."""
    key = []
    for value in row:
        if value is None:
            key.append((0, ""))
        elif isinstance(value, bool | int | float):
            key.append((1, float(f"{value:.6g}") if isinstance(value, float) else value))
        else:
            key.append((2, str(value)))
    return tuple(key)


def assert_same_rows(table: str, columns: list[str], expected: list[tuple], got: list[tuple]) -> None:
    """Same number of rows, and every cell equal (floats to 1e-9 relative)."""
    assert len(got) == len(expected), f"{table}: {len(got)} rows on Spark, {len(expected)} on DuckDB"
    for index, (want, have) in enumerate(zip(expected, got, strict=True)):
        for column, a, b in zip(columns, want, have, strict=True):
            assert _same(a, b), f"{table} row {index} column {column}: DuckDB {a!r}, Spark {b!r}\n{want}\n{have}"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        if isinstance(a, bool) or isinstance(b, bool):
            return False
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return type(a) is type(b) and a == b if a is not None and b is not None else a is b
