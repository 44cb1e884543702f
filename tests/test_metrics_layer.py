"""The MetricFlow metrics answer what the marts say, through `prodops metrics` on the serving copy."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import query

PRODOPS = str(Path(sys.executable).with_name("prodops"))


def metrics_query(settings, *args: str) -> list[dict]:
    done = subprocess.run(
        [PRODOPS, "metrics", "query", "--home", str(settings.home), "--format", "json", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def by_key(rows: list[dict], *keys: str) -> dict[tuple, dict]:
    return {tuple(str(r[k]) for k in keys): r for r in rows}


def test_monthly_engagement_metrics_equal_the_marts(sample):
    settings, _ = sample
    got = by_key(
        metrics_query(
            settings,
            "--metrics",
            "daily_active_users,monthly_active_users,dau_mau,pes,pes_growth,new_users,dormant_users,quick_ratio",
            "--group-by",
            "metric_time__month",
        ),
        "metric_time__month",
    )
    db = settings.serving_db
    active = query(
        db,
        """SELECT date_trunc('month', metric_date)::DATE::VARCHAR, avg(dau), arg_max(mau, metric_date), avg(dau_mau)
           FROM fct_daily_active WHERE unit = 'user' GROUP BY 1""",
    )
    assert len(active) >= 2 and set(got) == {(m,) for m, *_ in active}
    for month, dau, mau, dau_mau in active:
        row = got[(month,)]
        assert row["daily_active_users"] == pytest.approx(dau)
        assert row["monthly_active_users"] == mau
        assert row["dau_mau"] == pytest.approx(dau_mau)
    pes = query(
        db,
        """SELECT date_trunc('month', as_of)::DATE::VARCHAR, arg_max(pes, as_of), arg_max(growth, as_of)
           FROM fct_pes_daily WHERE unit = 'user' AND dimension = 'all' GROUP BY 1""",
    )
    for month, score, growth in pes:
        assert (got[(month,)]["pes"], got[(month,)]["pes_growth"]) == (pytest.approx(score), pytest.approx(growth))
    lifecycle = query(
        db,
        """SELECT period_start::VARCHAR, new_actors, dormant_actors, quick_ratio FROM fct_lifecycle
           WHERE unit = 'user' AND period = 'month'""",
    )
    for month, new, dormant, ratio in lifecycle:
        row = got[(month,)]
        assert (row["new_users"], row["dormant_users"]) == (new, dormant)
        assert row["quick_ratio"] == (pytest.approx(ratio) if ratio is not None else None)


def test_adoption_and_retention_rates_equal_the_marts(sample):
    settings, _ = sample
    adoption = metrics_query(settings, "--metrics", "adoption_rate", "--group-by", "feature_adoption__feature")
    expected = query(
        settings.serving_db,
        "SELECT feature, adoption_rate FROM fct_feature_adoption WHERE unit = 'user' AND window_days = 30",
    )
    assert len(expected) >= 5
    assert {r["feature_adoption__feature"]: pytest.approx(r["adoption_rate"]) for r in adoption} == dict(expected)
    retention = by_key(
        metrics_query(
            settings,
            "--metrics",
            "weekly_retention_rate",
            "--group-by",
            "metric_time__week,retention_cohort__interval_index",
        ),
        "metric_time__week",
        "retention_cohort__interval_index",
    )
    cells = query(
        settings.serving_db,
        """SELECT cohort_start::VARCHAR, interval_index::VARCHAR, rate FROM fct_retention_cohorts
           WHERE unit = 'user' AND period = 'week' AND NOT is_cumulative""",
    )
    assert len(cells) > 20 and set(retention) == {(c, i) for c, i, _ in cells}
    for cohort, interval, rate in cells:
        assert retention[(cohort, interval)]["weekly_retention_rate"] == pytest.approx(rate)


def test_metrics_list_and_a_bad_metric_in_one_line(tiny):
    listed = subprocess.run(
        [PRODOPS, "metrics", "list", "--format", "json"], capture_output=True, text=True, check=True
    )
    names = {m["metric"] for m in json.loads(listed.stdout)}
    assert {"daily_active_users", "monthly_active_users", "dau_mau", "adoption_rate", "pes"} <= names
    done = subprocess.run(
        [PRODOPS, "metrics", "query", "--home", str(tiny[0].home), "--metrics", "dua"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1
    assert "does not exactly match any known metrics" in done.stderr and "(input: dua)" in done.stderr


def test_revenue_and_nps_metrics_equal_the_marts(sample):
    settings, _ = sample
    got = by_key(
        metrics_query(
            settings,
            "--metrics",
            "mrr,paying_customers,nrr,logo_churn_rate,nps,nps_respondents",
            "--group-by",
            "metric_time__month",
        ),
        "metric_time__month",
    )
    db = settings.serving_db
    revenue = query(
        db,
        """SELECT m.month_start::VARCHAR, m.mrr, m.paying_customers, r.nrr, r.logo_churn_rate
        FROM fct_mrr_movements m JOIN fct_revenue_retention r USING (month_start)""",
    )
    assert len(revenue) >= 2
    for month, mrr, paying, nrr, churn in revenue:
        row = got[(month,)]
        assert (row["mrr"], row["paying_customers"]) == (pytest.approx(float(mrr)), paying)
        assert row["nrr"] == (pytest.approx(nrr) if nrr is not None else None)
        assert row["logo_churn_rate"] == (pytest.approx(churn) if churn is not None else None)
    nps = query(
        db,
        """SELECT period_start::VARCHAR, nps, respondents FROM fct_nps
        WHERE period = 'month' AND dimension = 'all' AND respondents > 0""",
    )
    assert nps
    for month, score, respondents in nps:
        assert got[(month,)]["nps_respondents"] == respondents
        assert got[(month,)]["nps"] == pytest.approx(score)
