"""The Dagster UI for a desk and the always-on deployment for a server."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from orchestration.commands.common import home_option, one_line_errors
from settings import Settings, load_settings


def _dagster_env(settings: Settings) -> dict[str, str]:

    from orchestration.runner import prepare_instance

    prepare_instance(settings).dispose()
    return {**os.environ, "DAGSTER_HOME": str(settings.dagster_home), "PRODOPS_HOME": str(settings.home)}


@click.command()
@home_option
@click.option("--port", default=3000, show_default=True, help="Port of the web UI.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@one_line_errors
def ui(home: str | None, port: int, host: str) -> None:
    """Start the Dagster UI and daemon (`dagster dev`) on the workspace, for a desk.

    The schedule and the inbox sensor fire while it runs; runs started by `prodops run`
    show up in its history too.
    """

    settings = load_settings(home)
    dagster = str(Path(sys.executable).with_name("dagster"))
    command = [dagster, "dev", "-m", "orchestration.definitions", "-h", host, "-p", str(port)]
    os.execve(dagster, command, _dagster_env(settings))


@click.command()
@home_option
@click.option("--port", default=3000, show_default=True, help="Port of the web UI.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@one_line_errors
def serve(home: str | None, port: int, host: str) -> None:
    """Always-on deployment: `dagster-webserver` and `dagster-daemon` with the workspace's Dagster home.

    Keep this running (systemd, tmux, a container) so the nightly schedule really fires.
    Stops both processes when either exits.
    """
    from orchestration.deploy import serve_forever

    settings = load_settings(home)
    sys.exit(serve_forever(_dagster_env(settings), host=host, port=port))
