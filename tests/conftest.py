"""Shared workspaces, built once per session: two hand-made ones and a generated sample."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from orchestration.runner import RunOutcome, run_pipeline
from sample.generate import GenerateOptions, generate
from settings import Settings, load_settings
from tests.workspaces import tiny_workspace, voc_workspace

SAMPLE = GenerateOptions(events=40_000, days=60, seed=7, start=dt.date(2026, 3, 2))
WORKSPACES = ("sample", "tiny", "voc")  # the session workspaces below, the costliest first


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Group and order tests for ``pytest -n 2 --dist loadgroup --no-loadscope-reorder``
    (``make test``): every worker builds the session and module fixtures its tests use.

    The tests of one session workspace form one group, run by one worker (the workspace is
    built once, not once per worker); so do a module's other tests (its module fixtures are
    built once), a module using a single workspace joining that workspace's group. Groups
    with costly set-up go first, so no long group starts last while the other worker idles.
    """
    used = {item.nodeid: [name for name in WORKSPACES if name in item.fixturenames] for item in items}
    by_module: dict[str, set[str]] = {}
    for item in items:
        by_module.setdefault(_module(item), set()).update(used[item.nodeid])
    groups = {}
    for item in items:
        module_workspaces = by_module[_module(item)]
        if len(module_workspaces) == 1:
            groups[item.nodeid] = next(iter(module_workspaces))
        else:
            groups[item.nodeid] = (used[item.nodeid] or [_module(item)])[0]
        item.add_marker(pytest.mark.xdist_group(groups[item.nodeid]))
    items.sort(key=lambda item: _rank(item, groups[item.nodeid]))


def _module(item: pytest.Item) -> str:
    return item.nodeid.split("::")[0]


def _rank(item: pytest.Item, group: str) -> int:
    """Session workspaces first, then modules with module-scoped fixtures, then the rest."""
    if group in WORKSPACES:
        return WORKSPACES.index(group)
    fixtures = getattr(item, "_fixtureinfo", None)
    defs = fixtures.name2fixturedefs.values() if fixtures else []
    return len(WORKSPACES) + (0 if any(d[-1].scope == "module" for d in defs) else 1)


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, RunOutcome]:
    """The tiny workspace after one successful run."""
    settings = tiny_workspace(tmp_path_factory.mktemp("tiny"))
    return settings, run_pipeline(settings)


@pytest.fixture(scope="session")
def voc(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The hand-made NPS, feedback and billing workspace (tests/workspaces.py) after one
    successful run; tests that change it work on a copy."""
    settings = voc_workspace(tmp_path_factory.mktemp("voc"))
    outcome = run_pipeline(settings)
    assert outcome.success, outcome.failures
    return settings


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, RunOutcome]:
    """A generated sample workspace after one successful run."""
    settings = load_settings(tmp_path_factory.mktemp("sample"))
    generate(settings.inbox, SAMPLE)
    return settings, run_pipeline(settings)


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of ``sql`` on a DuckDB file opened read-only."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
