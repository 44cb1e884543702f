"""Voice of the customer: `prodops nps` on the published serving copy.

The NPS definition (category, points, one response per respondent per period) lives in the
mart ``fct_nps_responses``; this command only filters it by the dedup flag of the period and
counts and averages, exactly as the mart ``fct_nps`` does, so both always agree.
"""

from __future__ import annotations

import re
from typing import Any

import click

from orchestration.commands.common import format_option, home_option, one_line_errors
from orchestration.output import render
from settings import NPS_DEDUP_RULES, load_settings

PERIODS = ("day", "week", "month", "quarter", "all")
# dimensions that are columns of fct_nps_responses; any other name is a key of `dimensions`
_COLUMNS = {"survey": "survey", "plan": "plan", "segment": "segment", "country": "country", "account": "account_id"}
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_ .-]*")
_AGGREGATES = """count(*) AS respondents,
       count(*) FILTER (WHERE category = 'promoter') AS promoters,
       count(*) FILTER (WHERE category = 'passive') AS passives,
       count(*) FILTER (WHERE category = 'detractor') AS detractors,
       avg(nps_points) AS nps"""


def nps_query(by: tuple[str, ...], period: str, dedup: str) -> tuple[str, list[Any]]:
    """SQL and parameters for NPS per ``period`` and ``by`` dimensions over fct_nps_responses."""
    params: list[Any] = []
    selected = []
    for name in by:
        if not _NAME.fullmatch(name):
            raise click.BadParameter(f"{name!r} is not a dimension name", param_hint="--by")
        if name in _COLUMNS:
            selected.append(f'{_COLUMNS[name]} AS "{name}"')
        else:
            selected.append(f'json_extract_string(dimensions, ?) AS "{name}"')
            params.append(f'$."{name}"')
    if period != "all":
        selected.append(f"{period}_start AS period_start")
    keep = "true" if dedup == "all" else f"is_{dedup}_{period}"
    keys = ", ".join(str(i + 1) for i in range(len(selected)))
    grouped = f"""SELECT {", ".join([*selected, _AGGREGATES])}
FROM fct_nps_responses WHERE {keep}
{"GROUP BY " + keys if keys else ""}"""
    if by or period == "all":
        return grouped + (f"\nORDER BY {keys}" if keys else ""), params
    # one row per period from the first to the last response: a period without answers is NULL, not 0
    calendar = "SELECT period_start FROM fct_nps WHERE dimension = 'all' AND period = ?"
    sql = f"""WITH counted AS ({grouped}), calendar AS ({calendar})
SELECT c.period_start, coalesce(n.respondents, 0) AS respondents, coalesce(n.promoters, 0) AS promoters,
       coalesce(n.passives, 0) AS passives, coalesce(n.detractors, 0) AS detractors, n.nps
FROM calendar AS c LEFT JOIN counted AS n USING (period_start)
ORDER BY c.period_start"""
    return sql, [*params, period]


@click.command()
@home_option
@click.option(
    "--by",
    "by",
    multiple=True,
    help="Group by a dimension: survey, plan, segment, country, account, or any extra column of the "
    "NPS export (kept in `dimensions`). Repeat for several.",
)
@click.option("--period", type=click.Choice(PERIODS), default="month", show_default=True, help="Reporting period.")
@click.option(
    "--dedup",
    type=click.Choice(NPS_DEDUP_RULES),
    default=None,
    help="Which answer counts when a respondent answers twice in a period (default: nps_dedup in prodops.yml, "
    "latest unless changed).",
)
@format_option
@one_line_errors
def nps(home: str | None, by: tuple[str, ...], period: str, dedup: str | None, fmt: str) -> None:
    """NPS = 100 x (promoters - detractors) / respondents per period (and dimension).

    Promoters score 9-10, passives 7-8, detractors 0-6. A response without a respondent id is
    its own respondent. A period without responses shows 0 respondents and no NPS.

    \b
    Examples:
      prodops nps --period quarter
      prodops nps --by plan --by country --period all --format json
    """
    from metrics.serving import read_serving

    settings = load_settings(home)
    sql, params = nps_query(by, period, dedup or settings.nps_dedup)
    with read_serving(settings.serving_db) as con:
        cursor = con.execute(sql, params)
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    click.echo(render(columns, rows, fmt))
