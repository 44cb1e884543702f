"""NPS and MRR movements on the generated sample equal independent plain-Python references."""

from __future__ import annotations

import json

import pytest

from tests import reference_voc
from tests.conftest import query
from tests.test_cli import prodops


@pytest.fixture(scope="module")
def published(sample):
    settings, outcome = sample
    assert outcome.success, outcome.failures
    return settings


def test_mrr_movements_equal_the_reference(published):
    last_event_day = query(published.warehouse, "SELECT max(timestamp)::DATE FROM raw.events")[0][0]
    as_of = reference_voc.last_day_with_data(published.inbox, last_event_day)
    expected = reference_voc.mrr_movements(published.inbox / "subscriptions" / "subscriptions.csv", as_of)
    rows = query(
        published.serving_db,
        """SELECT month_start, mrr, new_mrr, expansion_mrr, contraction_mrr, churn_mrr, reactivation_mrr
        FROM fct_mrr_movements ORDER BY month_start""",
    )
    actual = {
        month: dict(zip(("mrr", *reference_voc.MOVEMENTS), map(float, values), strict=True)) for month, *values in rows
    }
    assert actual.keys() == expected.keys()
    for month, values in expected.items():
        assert actual[month] == pytest.approx(values, abs=1e-3), month
    # the 60-day sample has upgrades and downgrades (churn and reactivation: tests/test_voc.py, dbt unit tests)
    assert all(any(v[kind] != 0 for v in expected.values()) for kind in ("new", "expansion", "contraction"))


def test_quarterly_nps_equals_the_reference_in_mart_and_cli(published):
    expected = reference_voc.quarterly_nps(published.inbox / "nps" / "nps_responses.csv")
    mart = query(
        published.serving_db,
        """SELECT period_start, respondents, promoters, passives, detractors, nps FROM fct_nps
        WHERE period = 'quarter' AND dimension = 'all' ORDER BY period_start""",
    )
    assert {q: tuple(r) for q, *r, _ in mart} == expected
    for q, n, promoters, _, detractors, nps in mart:
        assert nps == pytest.approx(100 * (promoters - detractors) / n), q
    done = prodops("nps", "--home", str(published.home), "--period", "quarter", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert [tuple(r.values()) for r in json.loads(done.stdout)] == [(str(q), *rest) for q, *rest in mart]


def test_cli_and_mart_agree_by_dimension(published):
    done = prodops("nps", "--home", str(published.home), "--by", "plan", "--period", "month", "--format", "json")
    cli = {(r["plan"], r["period_start"]): tuple(r.values())[2:] for r in json.loads(done.stdout) if r["plan"]}
    mart = query(
        published.serving_db,
        """SELECT dimension_value, period_start, respondents, promoters, passives, detractors, nps FROM fct_nps
        WHERE period = 'month' AND dimension = 'plan'""",
    )
    assert cli == {(plan, str(start)): tuple(rest) for plan, start, *rest in mart}
    assert len(cli) >= 4
