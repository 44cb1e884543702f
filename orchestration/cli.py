"""``prodops``: the command line on top of every room (nothing imports this module).

Each area's commands live in ``orchestration/commands/``; this module only assembles them.
"""

from __future__ import annotations

import sys

import click

from orchestration.commands import docs, insights, metrics, pipeline, quarantine, query, server, voc


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
def main() -> None:
    """prodops: product analytics warehouse. Exports in, trusted metrics out.

    \b
    Typical session:
      prodops generate            # sample exports into data/inbox (or bring your own)
      prodops run                 # ingest -> quality gates -> dbt build -> publish
      prodops sql "SELECT * FROM fct_daily_active ORDER BY metric_date DESC LIMIT 7"
    """


for command in (
    pipeline.generate,
    pipeline.ingest,
    pipeline.run,
    pipeline.summary,
    quarantine.quarantine,
    query.sql,
    insights.retention,
    insights.stickiness,
    insights.lifecycle,
    insights.pes,
    voc.nps,
    metrics.metrics,
    server.ui,
    server.serve,
    docs.docs,
):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
