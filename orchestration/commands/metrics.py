"""The metrics layer for PMs: list the MetricFlow metrics and query them on the serving copy."""

from __future__ import annotations

import click

from orchestration.commands.common import format_option, home_option, one_line_errors
from orchestration.output import render
from settings import load_settings


def _names(_: object, __: object, value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


@click.group()
def metrics() -> None:
    """The metrics layer (dbt semantic models + MetricFlow) on the published data.

    \b
    Examples:
      prodops metrics list
      prodops metrics query --metrics monthly_active_users,dau_mau --group-by metric_time__month
      prodops metrics query --metrics adoption_rate --group-by feature_adoption__feature --order -adoption_rate
    """


@metrics.command("list")
@format_option
@one_line_errors
def list_(fmt: str) -> None:
    """Every metric with its type and description.

    \b
    Example: prodops metrics list --format json
    """
    from metrics.metricflow import list_metrics

    rows = [[m.name, m.type, m.label, m.description] for m in list_metrics()]
    click.echo(render(["metric", "type", "label", "description"], rows, fmt))


@metrics.command()
@home_option
@click.option("--metrics", "names", required=True, callback=_names, help="Comma-separated metric names.")
@click.option(
    "--group-by",
    default="metric_time__month",
    show_default=True,
    callback=_names,
    help="Comma-separated: metric_time__day|week|month|quarter|year and dimensions such as feature_adoption__feature.",
)
@click.option(
    "--where", default=None, help="A MetricFlow filter, e.g. \"{{ TimeDimension('metric_time') }} >= '2026-01-01'\"."
)
@click.option("--order", default=None, callback=_names, help="Comma-separated; a leading - sorts descending.")
@click.option("--limit", type=int, default=None, help="At most this many rows.")
@format_option
@one_line_errors
def query(
    home: str | None,
    names: list[str],
    group_by: list[str],
    where: str | None,
    order: list[str],
    limit: int | None,
    fmt: str,
) -> None:
    """Query metrics with MetricFlow (`mf query`) on the read-only serving copy.

    \b
    Examples:
      prodops metrics query --metrics daily_active_users,monthly_active_users,dau_mau
      prodops metrics query --metrics weekly_retention_rate \\
          --group-by metric_time__week,retention_cohort__interval_index
      prodops metrics query --metrics pes,pes_adoption,pes_stickiness,pes_growth --format csv
    """
    from metrics.metricflow import MetricFlowError
    from metrics.metricflow import query as mf_query

    try:
        columns, rows = mf_query(load_settings(home), names, group_by, where, order or None, limit)
    except MetricFlowError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(render(columns, [[_typed(v) for v in row] for row in rows], fmt))


def _typed(text: str) -> object:
    """MetricFlow's CSV is text: numbers back to numbers, empty to NULL."""
    if text == "":
        return None
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            continue
    return text.removesuffix(" 00:00:00")
