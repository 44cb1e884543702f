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
