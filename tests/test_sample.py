"""The generated sample: deterministic, realistic, and its metrics equal an independent reference."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter

import pytest

from sample.generate import GenerateOptions, generate, generate_days
from tests import reference
from tests.conftest import SAMPLE, query


def _digest(folder) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    options = GenerateOptions(events=3_000, days=30, seed=1, start=dt.date(2026, 1, 1))
    generate(tmp_path / "a", options)
    generate(tmp_path / "b", options)
    generate(tmp_path / "c", GenerateOptions(events=3_000, days=30, seed=2, start=dt.date(2026, 1, 1)))
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b") != _digest(tmp_path / "c")


def _lines(folder) -> list[str]:
    return [line for path in sorted(folder.glob("*.jsonl")) for line in path.read_text().splitlines()]


def _events(folder) -> list[dict]:
    return [json.loads(line) for line in _lines(folder)]


def test_generated_days_are_the_range_s_days_and_the_days_after_it(tmp_path):
    options = GenerateOptions(events=3_000, days=30, seed=1, start=dt.date(2026, 1, 1))
    generate(tmp_path / "year", options)
    year = _events(tmp_path / "year" / "events")
    # a day inside the range: exactly that day's lines of the range's files
    assert generate_days(tmp_path / "inside", options, first_day=20) > 0
    inside = (tmp_path / "inside" / "events_2026_01_21.jsonl").read_text().splitlines()
    day = [
        line for line in _lines(tmp_path / "year" / "events") if json.loads(line)["timestamp"].startswith("2026-01-21")
    ]
    assert sorted(inside) == sorted(day)
    # the day after the range: the range's users on their own accounts, none new or anonymous
    generate_days(tmp_path / "after", options, first_day=30)
    after = _events(tmp_path / "after")
    accounts = {e["user_id"]: e["account_id"] for e in year if e["user_id"]}
    assert after and {e["user_id"] for e in after} <= set(accounts)
    assert all(e["account_id"] == accounts[e["user_id"]] for e in after)
    assert not {e["event_id"] for e in after} & {e["event_id"] for e in year}
    assert not [e for e in after if e["event_name"] == "identify"]
    daily_users = Counter(day for day, _ in {(e["timestamp"][:10], e["user_id"]) for e in year if e["user_id"]})
    assert {e["timestamp"][:10] for e in after} == {"2026-01-31"}
    assert len({e["user_id"] for e in after}) <= max(daily_users.values())


@pytest.fixture(scope="module")
def published(sample):
    settings, outcome = sample
    assert outcome.success, outcome.failures
    return settings


def test_every_line_of_every_file_is_accounted_for(published):
    ledger = query(
        published.warehouse,
        "SELECT file_path, rows_read, rows_loaded + rows_quarantined + rows_duplicate FROM raw.load_ledger",
    )
    assert len(ledger) == len(list(published.inbox.rglob("*.*")))
    for path, read, accounted in ledger:
        with open(path) as handle:
            lines = sum(1 for line in handle if line.strip())
        header = 1 if path.endswith(".csv") else 0
        assert read == accounted == lines - header, path


def test_sample_tells_a_realistic_story(published):
    w = published.warehouse
    assert query(w, "SELECT count(DISTINCT plan) FROM raw.accounts") == [(4,)]
    anonymous, identified = query(
        w,
        """SELECT count(*) FILTER (WHERE user_id IS NULL),
        count(DISTINCT anonymous_id) FILTER (WHERE event_name = 'identify') FROM raw.events""",
    )[0]
    assert anonymous > 0 and identified > 0
    features = query(w, "SELECT count(DISTINCT event_name) FROM raw.events")[0][0]
    assert features >= 8
    # more than one period per subscription: upgrades, downgrades, cancellations, trials
    assert query(w, "SELECT count(*) > 0 FROM raw.subscriptions WHERE amount = 0")[0] == (True,)
    assert query(w, "SELECT count(DISTINCT plan) FROM raw.subscriptions")[0][0] == 3
    # NPS follows engagement: respondents' scores spread over the whole scale
    low, high = query(w, "SELECT count(*) FILTER (WHERE score <= 6), count(*) FILTER (WHERE score >= 9) FROM raw.nps")[
        0
    ]
    assert low > 0 and high > 0


@pytest.fixture(scope="module")
def ref_days(published):
    return reference.user_days(reference.load_events(published.inbox))


def test_daily_active_users_equal_the_reference(published, ref_days):
    expected = reference.active_counts(ref_days)
    actual = {
        d: (dau, wau, mau)
        for d, dau, wau, mau in query(
            published.serving_db, "SELECT metric_date, dau, wau, mau FROM fct_daily_active WHERE unit = 'user'"
        )
    }
    assert actual == expected
    assert len(actual) == SAMPLE.days


def test_weekly_retention_equals_the_reference(published, ref_days):
    expected = reference.weekly_first_time_retention(ref_days)
    actual = {
        (c, k): (size, kept)
        for c, k, size, kept in query(
            published.serving_db,
            """
        SELECT cohort_start, interval_index, cohort_size, retained FROM fct_retention_cohorts
        WHERE unit = 'user' AND period = 'week' AND NOT is_cumulative""",
        )
    }
    assert actual == expected
