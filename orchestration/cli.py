"""``prodops``: the command line on top of every room (nothing imports this module).

Each area's commands live in ``orchestration/commands/``; this module only names them. A
command's module is imported when that command runs: ``prodops retention`` never loads the
readers (polars) nor Dagster, which would cost a quick answer a fifth of its time.
"""

from __future__ import annotations

import importlib
import sys

import click

COMMANDS = {
    "generate": "pipeline",
    "ingest": "pipeline",
    "run": "pipeline",
    "summary": "pipeline",
    "quarantine": "quarantine",
    "sql": "query",
    "retention": "insights",
    "stickiness": "insights",
    "lifecycle": "insights",
    "pes": "insights",
    "nps": "voc",
    "metrics": "metrics",
    "ui": "server",
    "serve": "server",
    "docs": "docs",
}


class LazyGroup(click.Group):
    """A group whose commands are imported from ``orchestration.commands.<module>`` on use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return None
        return getattr(importlib.import_module(f"orchestration.commands.{module}"), cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
def main() -> None:
    """prodops: product analytics warehouse. Exports in, trusted metrics out.

    \b
    Typical session:
      prodops generate            # sample exports into data/inbox (or bring your own)
      prodops run                 # ingest -> quality gates -> dbt build -> publish
      prodops sql "SELECT * FROM fct_daily_active ORDER BY metric_date DESC LIMIT 7"
    """


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
