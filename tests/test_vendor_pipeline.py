"""The generated sample, exported as Segment or Mixpanel would, gives the same metrics as canonical.

Same seed and arguments as the session's canonical ``sample`` workspace; only the events'
layout differs, so every metric must be equal, number for number.
"""

from __future__ import annotations

import dataclasses

import pytest

from orchestration.runner import run_pipeline
from sample.generate import generate
from settings import load_settings
from tests.conftest import SAMPLE, query

DAILY = "SELECT metric_date, unit, dau, wau, mau FROM fct_daily_active ORDER BY 1, 2"
RETENTION = """SELECT unit, period, is_cumulative, cohort_start, interval_index, cohort_size, retained
FROM fct_retention_cohorts ORDER BY 1, 2, 3, 4, 5"""


@pytest.fixture(scope="module", params=["segment", "mixpanel"])
def vendor(request, tmp_path_factory):
    settings = load_settings(tmp_path_factory.mktemp(request.param))
    generate(settings.inbox, dataclasses.replace(SAMPLE, layout=request.param))
    outcome = run_pipeline(settings)
    assert outcome.success, outcome.failures
    return request.param, settings


def test_every_event_file_was_read_in_its_layout(vendor):
    layout, settings = vendor
    rows = query(settings.warehouse, "SELECT DISTINCT input_format FROM raw.load_ledger WHERE kind = 'events'")
    assert rows == [(layout,)]
    assert query(settings.warehouse, "SELECT sum(rows_quarantined + rows_duplicate) FROM raw.load_ledger") == [(0,)]


def test_metrics_equal_the_canonical_layout(vendor, sample):
    _, settings = vendor
    canonical, outcome = sample
    assert outcome.success, outcome.failures
    daily = query(settings.serving_db, DAILY)
    assert len(daily) > 100
    assert daily == query(canonical.serving_db, DAILY)
    assert query(settings.serving_db, RETENTION) == query(canonical.serving_db, RETENTION)
