"""The dbt documentation site of the workspace: models, columns, tests, lineage, metrics."""

from __future__ import annotations

import json
import os
import subprocess

import click

from orchestration.commands.common import home_option, one_line_errors
from settings import DBT_PROJECT_DIR, load_settings

DOCS_TARGET = "target/docs"  # inside the dbt project, apart from the pipeline's manifest


@click.command()
@home_option
@click.option("--serve", is_flag=True, help="Serve the site after building it (dbt docs serve).")
@click.option("--port", default=8080, show_default=True, help="Port for --serve.")
@one_line_errors
def docs(home: str | None, serve: bool, port: int) -> None:
    """Build the dbt docs site for the workspace (reads the warehouse: not while a run is going on).

    Writes dbt_project/target/docs/: index.html (needs a web server: --serve) and
    static_index.html (one file that opens offline).

    \b
    Examples:
      prodops docs                    # or: make docs
      prodops docs --serve --port 8080
    """
    from orchestration.dbt_project import DBT_EXECUTABLE, write_profile

    settings = load_settings(home)
    common = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(write_profile(settings))]
    common += ["--target-path", DOCS_TARGET]
    generate = [str(DBT_EXECUTABLE), "docs", "generate", "--static", *common]
    generate += ["--vars", json.dumps(settings.dbt_vars(), sort_keys=True)]
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    done = subprocess.run(generate, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        lines = [line for line in (done.stdout + done.stderr).splitlines() if "rror" in line or "lock" in line]
        raise click.ClickException("dbt docs generate failed: " + (lines[-1].strip() if lines else "see dbt's log"))
    site = DBT_PROJECT_DIR / DOCS_TARGET
    click.echo(f"Docs built in {site}: open {site / 'static_index.html'}, or serve them: prodops docs --serve")
    if serve:
        os.execve(
            str(DBT_EXECUTABLE),
            [str(DBT_EXECUTABLE), "docs", "serve", "--no-browser", "--port", str(port), *common],
            env,
        )
