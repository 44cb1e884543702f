"""The workspace as a Dagster resource: a path, nothing more (no open connections); and dbt's."""

from functools import cached_property
from importlib.metadata import version as installed_version
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliResource
from packaging import version

from settings import Settings, load_settings


class WorkspaceResource(dg.ConfigurableResource):
    """Points every asset at one workspace folder; settings are read from its prodops.yml."""

    home: str

    def settings(self) -> Settings:
        return load_settings(self.home)


class LocalDbtCliResource(DbtCliResource):
    """``DbtCliResource`` for the dbt installed beside Dagster, without two costs per build.

    Before each ``dbt build`` the resource ran ``dbt --version`` in a subprocess (2.9 s) and
    loaded dbt's DuckDB adapter into this process (about 2 s) for row counts and column
    metadata fetched through dbt, which the assets do not use: they describe the tables
    themselves once dbt is done (``orchestration/assets/catalog.py``). The executable is the
    one of the installed ``dbt-core`` package, so its version is read from the package.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Any) -> None:
        return None
