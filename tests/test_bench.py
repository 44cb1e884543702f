"""The benchmark's accounting: every step of a real run lands in the stage it belongs to."""

from __future__ import annotations

import pytest

from benchmarks.run import _stages

# Each step a run of the sample executes, and the stage the benchmark's table must count it in.
STAGE_OF_STEP = {
    **{f"raw__{kind}": "ingest" for kind in ("accounts", "events", "feedback", "invoices", "nps", "subscriptions")},
    "load_ledger": "ingest",
    **{
        f"{kind}_quality_gate": "gates"
        for kind in ("accounts", "events", "feedback", "invoices", "nps", "subscriptions")
    },
    "dbt_models": "dbt build",
    "serving__analytics": "publish",
    "serving__report": "publish",
}


def test_every_step_of_a_run_is_counted_once_in_its_stage(sample):
    _, outcome = sample
    steps = outcome.step_seconds
    assert set(steps) == set(STAGE_OF_STEP)  # a new step needs a stage here first
    expected = {stage: 0.0 for stage in ("ingest", "gates", "dbt build", "publish")}
    for step, seconds in steps.items():
        expected[STAGE_OF_STEP[step]] += seconds
    assert _stages(steps) == pytest.approx(expected)
    assert all(seconds > 0 for seconds in expected.values())
