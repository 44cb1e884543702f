"""Options and error handling every `prodops` command shares."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import click
import duckdb

from orchestration.output import FORMATS
from settings import SettingsError

HOME_HELP = "Workspace folder (default: $PRODOPS_HOME, else data/ in the repository)."


def home_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--home", type=click.Path(file_okay=False), default=None, help=HOME_HELP)(func)


def format_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="How to print the result.",
    )(func)


def one_line_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Known failures become a one-line message and exit status 1, never a stack trace."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (SettingsError, FileNotFoundError, ValueError, duckdb.Error) as exc:
            raise click.ClickException(str(exc).strip().splitlines()[0]) from exc

    return wrapper
