"""Read-only SQL on the serving copy."""

from __future__ import annotations

import click
import duckdb

from orchestration.commands.common import format_option, home_option, one_line_errors
from orchestration.output import render
from settings import load_settings


@click.command()
@home_option
@click.argument("query")
@format_option
@one_line_errors
def sql(home: str | None, query: str, fmt: str) -> None:
    """Run read-only SQL on the serving copy (writes are refused).

    \b
    Example: prodops sql "SELECT feature, adoption_rate FROM fct_feature_adoption WHERE window_days = 30"
    """
    from metrics.serving import read_serving

    with read_serving(load_settings(home).serving_db) as con:
        try:
            cursor = con.execute(query)
        except duckdb.InvalidInputException as exc:
            if "read-only" in str(exc):
                raise click.ClickException("prodops sql is read-only: the serving copy cannot be changed") from exc
            raise
        columns = [d[0] for d in cursor.description] if cursor.description else []
        rows = cursor.fetchall() if columns else []
    click.echo(render(columns, rows, fmt))
