"""The workspace as a Dagster resource: a path, nothing more (no open connections)."""

import dagster as dg

from settings import Settings, load_settings


class WorkspaceResource(dg.ConfigurableResource):
    """Points every asset at one workspace folder; settings are read from its prodops.yml."""

    home: str

    def settings(self) -> Settings:
        return load_settings(self.home)
