"""The generated sample, its first month exported by Segment and its second by Mixpanel (a team
moving from one tool to the other), gives the same metrics as the canonical export.

Same seed and arguments as the session's canonical ``sample`` workspace; only the events'
layout differs, one vendor per calendar month, so every metric must be equal, number for
number, and identities must link across the two layouts. (Amplitude's layout is compared
with the canonical one row by row in tests/test_formats.py.)
"""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from orchestration.runner import run_pipeline
from sample.generate import generate
from settings import load_settings
from tests.conftest import SAMPLE, query

DAILY = "SELECT metric_date, unit, dau, wau, mau FROM fct_daily_active ORDER BY 1, 2"
RETENTION = """SELECT unit, period, is_cumulative, cohort_start, interval_index, cohort_size, retained
FROM fct_retention_cohorts ORDER BY 1, 2, 3, 4, 5"""
MONTHS = {"segment": "2026_03", "mixpanel": "2026_04"}  # the sample's two months


@pytest.fixture(scope="module")
def vendors(tmp_path_factory):
    """A workspace whose events are the sample's, each month in another vendor's layout."""
    settings = load_settings(tmp_path_factory.mktemp("vendors"))
    generate(settings.inbox, SAMPLE)  # accounts, NPS and billing as canonical CSV
    events = settings.inbox_dir("events")
    shutil.rmtree(events)
    events.mkdir()
    for layout, month in MONTHS.items():
        export = tmp_path_factory.mktemp(layout)
        generate(export, dataclasses.replace(SAMPLE, layout=layout))
        (file,) = (export / "events").glob(f"{layout}_{month}.*")
        shutil.move(file, events / file.name)
    outcome = run_pipeline(settings)
    assert outcome.success, outcome.failures
    return settings


def test_every_event_file_was_read_in_its_layout(vendors):
    """Each file in the layout its name starts with, every row loaded."""
    rows = query(vendors.warehouse, "SELECT file_path, input_format FROM raw.load_ledger WHERE kind = 'events'")
    assert sorted((path.rsplit("/", 1)[1].split("_")[0], layout) for path, layout in rows) == sorted(
        (layout, layout) for layout in MONTHS
    )
    assert query(vendors.warehouse, "SELECT sum(rows_quarantined + rows_duplicate) FROM raw.load_ledger") == [(0,)]


def test_metrics_equal_the_canonical_layout(vendors, sample):
    canonical, outcome = sample
    assert outcome.success, outcome.failures
    daily = query(vendors.serving_db, DAILY)
    assert len(daily) > 100
    assert daily == query(canonical.serving_db, DAILY)
    assert query(vendors.serving_db, RETENTION) == query(canonical.serving_db, RETENTION)
