"""Incremental runs after new days (and late events) publish exactly what a full refresh does.

Two nights: the first brings a new day, a late event, accounts created before the data
starts, 56 days back and on no known day (a full build gives it every week from the data's
first), and a subscription that ended before the data starts; the second moves a first use
earlier (a late event of a feature first used the night before) and identifies an anonymous
visitor of the night before, so the firsts tables (``int_*_firsts``) lose a key and move
another, and links two anonymous ids of the night before to other users, one earlier than
its link and one later (the identity map, rebuilt from the rows loaded since the last build,
must move the first and keep the second). The second night also brings NPS, feedback,
billing and an account dated up to 50 days back, and moves the first night's account's
creation to 10 days back: account health
(rebuilt from the first week new rows can change, never before the data's first) must drop
that account's weeks before it, which no other row reaches.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from orchestration.runner import run_pipeline
from settings import load_settings
from tests.conftest import SAMPLE, query
from tests.workspaces import event, write_csv, write_jsonl

LAST_DAY = SAMPLE.start + dt.timedelta(days=SAMPLE.days - 1)


def _next_day_events() -> list[dict]:
    """A new day for three sampled users, one brand-new user, and a late event two days back."""
    day, late = LAST_DAY + dt.timedelta(days=1), LAST_DAY - dt.timedelta(days=2)
    rows = [event(f"next-{i}", "report_shared", f"{day}T1{i}:00:00Z", f"u_000000{i}", None, None) for i in range(3)]
    rows.append(event("next-new", "dashboard_viewed", f"{day}T20:00:00Z", "u_new", "anon_new", "acc_00000"))
    rows.append(event("late-1", "invite_sent", f"{late}T23:30:00Z", "u_0000001", None, None))
    rows.append(event("next-first", "alert_configured", f"{day}T09:00:00Z", "u_first", None, "acc_00001"))
    rows.append(event("next-anon", "dashboard_viewed", f"{day}T21:00:00Z", None, "anon_later", None))
    rows.append(event("next-link", "identify", f"{day}T22:00:00Z", "u_first", "anon_first", None))
    return rows


def _second_night_events() -> list[dict]:
    """A first use moved a day earlier by a late event; the anonymous visitor identified; the
    first night's anon_new seen with another user an hour before its link (that user wins),
    and its anon_first with another user after its link (the link stands)."""
    day, previous = LAST_DAY + dt.timedelta(days=2), LAST_DAY + dt.timedelta(days=1)
    return [
        event("second-late", "alert_configured", f"{previous}T08:00:00Z", "u_first", None, "acc_00001"),
        event("second-late-2", "alert_configured", f"{LAST_DAY}T08:00:00Z", "u_first", None, "acc_00001"),
        event("second-identify", "identify", f"{day}T08:00:00Z", "u_later", "anon_later", None),
        event("second-day", "report_shared", f"{day}T10:00:00Z", "u_0000002", None, None),
        event("second-relink", "identify", f"{previous}T19:00:00Z", "u_relinked", "anon_new", None),
        event("second-anon", "dashboard_viewed", f"{day}T11:00:00Z", None, "anon_new", None),
        event("second-intruder", "identify", f"{day}T09:00:00Z", "u_intruder", "anon_first", None),
        event("second-anon-2", "dashboard_viewed", f"{day}T12:00:00Z", None, "anon_first", None),
    ]


def _ago(days: int) -> dt.date:
    """The day ``days`` before the sample's last."""
    return LAST_DAY - dt.timedelta(days=days)


def _write_accounts(settings, name: str, rows: list[tuple[str, dt.date | None]]) -> None:
    """Accounts (id, creation day or none) without events."""
    write_csv(
        settings.inbox_dir("accounts") / name,
        ["account_id", "name", "plan", "segment", "country", "created_at"],
        [[account, account, "pro", "smb", "FR", f"{day}T09:00:00Z" if day else ""] for account, day in rows],
    )


def _write_first_night_rows(settings) -> None:
    """Accounts created before the data, 56 days back and on no known day; a subscription that
    ended before the data."""
    _write_accounts(
        settings,
        "first_night_accounts.csv",
        [("acc_older", _ago(SAMPLE.days + 20)), ("acc_moved", _ago(56)), ("acc_undated", None)],
    )
    write_csv(
        settings.inbox_dir("subscriptions") / "first_night_subscriptions.csv",
        ["subscription_id", "customer_id", "plan", "start_date", "end_date", "amount", "interval", "currency"],
        [["sub_older", "acc_00005", "pro", _ago(SAMPLE.days + 30), _ago(SAMPLE.days + 10), 300.0, "month", "USD"]],
    )


def _write_late_rows(settings) -> None:
    """Rows of every other kind dated weeks before the events' look-back (see the docstring)."""
    write_csv(
        settings.inbox_dir("nps") / "late_nps.csv",
        ["response_id", "respondent_id", "account_id", "score", "responded_at"],
        [["late-nps", "r_late", "acc_00002", 0, f"{_ago(40)}T10:00:00Z"]],
    )
    write_csv(
        settings.inbox_dir("feedback") / "late_feedback.csv",
        ["feedback_id", "user_id", "account_id", "created_at", "type", "title", "dimensions"],
        [["late-fb", "u_0000003", "acc_00003", f"{_ago(40)}T11:00:00Z", "bug", "Broken", '{"status": "open"}']],
    )
    write_csv(
        settings.inbox_dir("subscriptions") / "late_subscriptions.csv",
        ["subscription_id", "customer_id", "plan", "start_date", "end_date", "amount", "interval", "currency"],
        [["sub_late", "acc_00004", "pro", _ago(50), _ago(30), 500.0, "month", "USD"]],
    )
    write_csv(
        settings.inbox_dir("invoices") / "late_invoices.csv",
        ["invoice_id", "customer_id", "subscription_id", "status", "invoiced_at", "due_at", "currency"],
        [["in_late", "acc_00004", "sub_late", "open", f"{_ago(45)}T10:00:00Z", f"{_ago(40)}T10:00:00Z", "USD"]],
    )
    _write_accounts(
        settings,
        "late_accounts.csv",
        [("acc_late", _ago(50)), ("acc_moved", _ago(10))],
    )


def _value(v):
    """Floats to 12 significant digits: summing in another order moves the last bits."""
    return float(f"{v:.12g}") if isinstance(v, float) else v


def _tables(db, where: str = "table_name LIKE 'fct_%' OR table_name LIKE 'dim_%'") -> dict[str, list[tuple]]:
    """Every metric table (the load reports name files and runs, which differ by design)."""
    names = [
        (r[0], r[1])
        for r in query(db, f"SELECT table_schema, table_name FROM information_schema.tables WHERE {where} ORDER BY 2")
    ]
    return {
        name: sorted((tuple(map(_value, r)) for r in query(db, f'SELECT * FROM "{schema}"."{name}"')), key=repr)
        for schema, name in names
    }


@pytest.fixture(scope="module")
def both(sample, tmp_path_factory):
    incremental = load_settings(shutil.copytree(sample[0].home, tmp_path_factory.mktemp("inc") / "ws"))
    full = load_settings(shutil.copytree(sample[0].home, tmp_path_factory.mktemp("full") / "ws"))
    for settings in (incremental, full):
        write_jsonl(settings.inbox_dir("events") / "next_day.jsonl", _next_day_events())
        _write_first_night_rows(settings)
    assert run_pipeline(incremental).success
    for settings in (incremental, full):
        write_jsonl(settings.inbox_dir("events") / "second_night.jsonl", _second_night_events())
        _write_late_rows(settings)
    assert run_pipeline(incremental).success
    assert run_pipeline(full, full_refresh=True).success
    return incremental, full


def test_incremental_equals_full_refresh(both):
    incremental, full = both
    assert query(incremental.warehouse, "SELECT count(*) FROM raw.full_refreshes") == [(0,)]  # both nights incremental
    got, expected = _tables(incremental.serving_db), _tables(full.serving_db)
    assert got.keys() == expected.keys() and len(expected) >= 12
    for name in expected:
        assert got[name] == expected[name], name


def test_identity_map_equals_full_refresh(both):
    incremental, full = both
    sql = "SELECT anonymous_id, user_id, identified_at FROM intermediate.int_identity_map ORDER BY 1"
    got = query(incremental.warehouse, sql)
    assert got == query(full.warehouse, sql)
    links = {anonymous: user for anonymous, user, _ in got}
    assert (links["anon_new"], links["anon_first"], links["anon_later"]) == ("u_relinked", "u_first", "u_later")


def test_incremental_firsts_equal_full_refresh(both):
    """The firsts tables kept by deleting and appending keys, not rebuilt: the same rows."""
    incremental, full = both
    firsts = "table_schema = 'intermediate' AND table_name LIKE 'int_%firsts'"
    got, expected = _tables(incremental.warehouse, firsts), _tables(full.warehouse, firsts)
    assert len(expected) == 3
    assert got == expected
    moved = query(
        incremental.warehouse,
        "SELECT first_date FROM intermediate.int_actor_feature_firsts "
        "WHERE unit = 'user' AND actor_id = 'u_first' AND feature = 'alert_configured'",
    )
    assert moved == [(LAST_DAY,)]
    assert not query(incremental.warehouse, "SELECT * FROM intermediate.int_actor_firsts WHERE actor_id = 'anon_later'")


def test_the_new_day_and_the_late_event_arrived(both):
    incremental, _ = both
    day = LAST_DAY + dt.timedelta(days=2)
    assert query(incremental.serving_db, "SELECT max(metric_date) FROM fct_daily_active") == [(day,)]
    late = query(
        incremental.warehouse,
        "SELECT events FROM intermediate.int_activity_daily WHERE person_id = "
        "'u_0000001' AND feature = 'invite_sent' AND activity_date = ?",
        [LAST_DAY - dt.timedelta(days=2)],
    )
    assert late and late[0][0] >= 1


def _week(day: dt.date) -> dt.date:
    """The Monday starting ``day``'s week (the default week_start)."""
    return day - dt.timedelta(days=day.weekday())


@pytest.mark.parametrize(
    ("account", "first_day"),
    [
        ("acc_late", _ago(50)),  # created 50 days back, loaded on the second night
        ("acc_older", SAMPLE.start),  # created before the data: from the data's first week
        ("acc_undated", SAMPLE.start),  # no creation date, no events: every week of the data
        ("acc_moved", _ago(10)),  # created 56 days back, then re-exported as created 10 days back
    ],
)
def test_late_rows_of_other_kinds_reached_account_health(both, account, first_day):
    """Each account's health starts at the week a full refresh gives it, none earlier."""
    incremental, _ = both
    sql = "SELECT min(week_start) FROM fct_account_health WHERE account_id = ?"
    assert query(incremental.serving_db, sql, [account]) == [(_week(first_day),)]


def test_a_settings_change_rebuilds_from_all_history(voc, tmp_path_factory):
    """Weeks start on Sunday in the whole history from the run after the change: the run
    rebuilds every incremental model instead of keeping the Monday weeks before its look-back
    (the hand-made voc workspace: three weeks of events, more than the look-back)."""
    home = shutil.copytree(voc.home, tmp_path_factory.mktemp("sunday") / "ws")
    config = home / "prodops.yml"
    config.write_text(config.read_text().replace("week_start: monday", "week_start: sunday"))
    settings = load_settings(home)
    outcome = run_pipeline(settings)
    assert outcome.success
    sunday = 0  # DuckDB's dayofweek
    assert query(settings.serving_db, "SELECT DISTINCT dayofweek(week_start) FROM fct_account_health") == [(sunday,)]
    refreshes = "SELECT count(*) FROM raw.full_refreshes WHERE run_id = ?"
    assert query(settings.warehouse, refreshes, [outcome.run_id]) == [(1,)]
