"""An incremental run after a new day (and a late event) publishes exactly what a full refresh does."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from orchestration.runner import run_pipeline
from settings import load_settings
from tests.conftest import SAMPLE, query
from tests.workspaces import event, write_jsonl

LAST_DAY = SAMPLE.start + dt.timedelta(days=SAMPLE.days - 1)


def _next_day_events() -> list[dict]:
    """A new day for three sampled users, one brand-new user, and a late event two days back."""
    day, late = LAST_DAY + dt.timedelta(days=1), LAST_DAY - dt.timedelta(days=2)
    rows = [event(f"next-{i}", "report_shared", f"{day}T1{i}:00:00Z", f"u_000000{i}", None, None) for i in range(3)]
    rows.append(event("next-new", "dashboard_viewed", f"{day}T20:00:00Z", "u_new", "anon_new", "acc_00000"))
    rows.append(event("late-1", "invite_sent", f"{late}T23:30:00Z", "u_0000001", None, None))
    return rows


def _value(v):
    """Floats to 12 significant digits: summing in another order moves the last bits."""
    return float(f"{v:.12g}") if isinstance(v, float) else v


def _tables(db) -> dict[str, list[tuple]]:
    """Every metric table (the load reports name files and runs, which differ by design)."""
    names = [
        r[0]
        for r in query(
            db,
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_name LIKE 'fct_%' OR table_name LIKE 'dim_%' ORDER BY 1",
        )
    ]
    return {
        name: sorted((tuple(map(_value, r)) for r in query(db, f'SELECT * FROM "{name}"')), key=repr) for name in names
    }


@pytest.fixture(scope="module")
def both(sample, tmp_path_factory):
    incremental = load_settings(shutil.copytree(sample[0].home, tmp_path_factory.mktemp("inc") / "ws"))
    full = load_settings(shutil.copytree(sample[0].home, tmp_path_factory.mktemp("full") / "ws"))
    for settings in (incremental, full):
        write_jsonl(settings.inbox_dir("events") / "next_day.jsonl", _next_day_events())
    assert run_pipeline(incremental).success
    assert run_pipeline(full, full_refresh=True).success
    return incremental, full


def test_incremental_equals_full_refresh(both):
    incremental, full = both
    got, expected = _tables(incremental.serving_db), _tables(full.serving_db)
    assert got.keys() == expected.keys() and len(expected) >= 12
    for name in expected:
        assert got[name] == expected[name], name


def test_the_new_day_and_the_late_event_arrived(both):
    incremental, _ = both
    day = LAST_DAY + dt.timedelta(days=1)
    assert query(incremental.serving_db, "SELECT max(metric_date) FROM fct_daily_active") == [(day,)]
    late = query(
        incremental.warehouse,
        "SELECT events FROM intermediate.int_activity_daily WHERE person_id = "
        "'u_0000001' AND feature = 'invite_sent' AND activity_date = ?",
        [LAST_DAY - dt.timedelta(days=2)],
    )
    assert late and late[0][0] >= 1
