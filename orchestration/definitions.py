"""The Dagster code location: ``dagster dev -m orchestration.definitions`` loads ``defs``.

The workspace comes from ``PRODOPS_HOME`` (default: ``data/`` in the repository).
"""

from orchestration.build import build_definitions
from settings import load_settings

defs = build_definitions(load_settings())
