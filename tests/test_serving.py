"""The serving copy as readers meet it: whole runs only, no personal data, BI drivers read-only.

One workspace (a copy of the tiny one) publishes again twice through real pipeline runs,
with exports full of personal data, and a dozen times more through `publish`, while a
separate process reads the copy in a loop, as prodops's commands do (``read_serving``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from metrics.pii import workspace_salt
from metrics.serving import DayTables, publish, read_serving
from orchestration.dbt_project import day_tables, ensure_manifest
from orchestration.runner import run_pipeline
from settings import load_settings
from tests.conftest import query
from tests.workspaces import event, write_csv, write_jsonl

# Every clear value below is in the exports and must not appear in any published text column.
CLEAR = ["ann@acme.com", "Ann Example", "+1 555 0100", "Acme Corporation", "bob@globex.com", "Bob Builder"]

READER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from metrics.serving import read_serving

    db, out = Path(sys.argv[1]), Path(sys.argv[2])
    reads, errors, mixed, runs = 0, [], [], []
    while True:
        stop = out.with_suffix(".stop")
        final = stop.read_text() if stop.exists() else None
        try:
            with read_serving(db) as con:
                (run_id,) = con.execute("SELECT run_id FROM publish_info").fetchone()
                manifest = con.execute("SELECT table_name, row_count, run_id FROM publish_manifest").fetchall()
                counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t, _, _ in manifest}
        except Exception as exc:
            errors.append(repr(exc))
            continue
        reads += 1
        if runs[-1:] != [run_id]:
            runs.append(run_id)
        if {r for _, _, r in manifest} != {run_id} or any(counts[t] != n for t, n, _ in manifest):
            mixed.append([run_id, manifest, counts])
        if final is not None and run_id == final:
            break
    out.write_text(json.dumps({"reads": reads, "errors": errors, "mixed": mixed, "runs": runs}))
    """
)


def _pii_exports(settings, day: int) -> None:
    """A Segment export and account, NPS and feedback files that carry emails, names and phones."""
    ts = f"2026-01-{day:02d}T10:00:00Z"
    segment = [
        {
            "type": "identify",
            "userId": "ann@acme.com",
            "anonymousId": f"anon-ann-{day}",
            "messageId": f"id-{day}",
            "timestamp": ts,
            "traits": {"email": "ann@acme.com", "name": "Ann Example", "phone": "+1 555 0100"},
        },
        {
            "type": "track",
            "event": "report_created",
            "userId": "ann@acme.com",
            "messageId": f"tr-{day}",
            "timestamp": ts,
            "context": {"groupId": "bob@globex.com"},
            "properties": {"contact_email": "bob@globex.com", "first_name": "Bob Builder"},
        },
    ]
    write_jsonl(settings.inbox_dir("events") / f"segment-{day}.jsonl", segment)
    write_csv(
        settings.inbox_dir("accounts") / f"accounts-{day}.csv",
        ["account_id", "name", "plan", "dimensions"],
        [["a1", "Acme Corporation", "pro", json.dumps({"owner_email": "ann@acme.com"})]],
    )
    write_csv(
        settings.inbox_dir("nps") / f"nps-{day}.csv",
        ["response_id", "respondent_id", "score", "responded_at", "comment"],
        [[f"r{day}", "ann@acme.com", 9, ts, "Great, call Ann Example at ann@acme.com"]],
    )
    write_csv(
        settings.inbox_dir("feedback") / f"feedback-{day}.csv",
        ["feedback_id", "created_at", "type", "title"],
        [[f"f{day}", ts, "email bob@globex.com", "Bob Builder wants exports"]],
    )


@pytest.fixture(scope="module")
def published(tiny, tmp_path_factory):
    """The tiny workspace copied, read in a loop by another process while it publishes 13 times.

    One real run adds exports full of personal data; then the copies of the warehouse before
    and after that run are published in turn, so consecutive copies differ in every count.
    """
    source, first = tiny
    home = tmp_path_factory.mktemp("serving") / "ws"
    shutil.copytree(source.home, home)
    settings = load_settings(home)
    before = shutil.copy(settings.warehouse, home / "before.duckdb")
    out = home / "reader.json"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(settings.serving_db), str(out)])
    _pii_exports(settings, 21)
    write_jsonl(
        settings.inbox_dir("events") / "more.jsonl",
        [event(f"m{i}", "dashboard_viewed", f"2026-01-21T0{i}:00:00Z", f"u{i}") for i in range(3)],
    )
    progress: list[str] = []
    outcome = run_pipeline(settings, progress=progress.append)
    assert outcome.success, outcome.failures
    steps = len(progress)  # one line per step, in order, the report last
    assert progress[-1].startswith(f"[{steps}/{steps}] serving__report: ok") and steps >= 9
    run_ids = [first.run_id, outcome.run_id]
    salt = workspace_salt(settings.pii_salt_file)
    for i in range(12):
        run_ids.append(f"republish-{i}")
        publish(Path(before) if i % 2 == 0 else settings.warehouse, settings.serving_db, run_ids[-1], salt)
    out.with_suffix(".stop").write_text(run_ids[-1])
    assert reader.wait(timeout=120) == 0
    return settings, run_ids, json.loads(out.read_text())


def test_a_reader_never_fails_nor_sees_two_runs_at_once(published):
    _, run_ids, seen = published
    assert seen["errors"] == [] and seen["mixed"] == []
    # it read at least the first and the last copy, and only copies that were published, in order
    assert seen["runs"][-1] == run_ids[-1] and len(seen["runs"]) >= 2
    assert seen["runs"] == sorted(seen["runs"], key=run_ids.index)


# Swaps two copies into place by rename, as fast as it can with a millisecond between swaps,
# until the stop file appears.
SWAPPER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path

    copies, target, stop = [Path(a) for a in sys.argv[1:3]], Path(sys.argv[3]), Path(sys.argv[4])
    swaps = 0
    while not stop.exists():
        staged = target.with_suffix(".tmp")
        staged.unlink(missing_ok=True)
        os.link(copies[swaps % 2], staged)
        os.replace(staged, target)
        swaps += 1
        time.sleep(0.001)
    """
)


def test_opening_the_copy_while_it_is_swapped_never_fails(tmp_path):
    """DuckDB opens the file by path three times while connecting: a swap between the opens
    fails about one connect in a hundred here; ``read_serving`` opens again."""
    copies = []
    for rows in (10, 2_000_000):
        copies.append(tmp_path / f"copy-{rows}.duckdb")
        with duckdb.connect(str(copies[-1])) as con:
            con.execute(f"CREATE TABLE t AS SELECT range AS i FROM range({rows})")
            con.execute(f"CREATE TABLE info AS SELECT {rows} AS rows")
    target, stop = tmp_path / "analytics.duckdb", tmp_path / "stop"
    shutil.copy(copies[0], target)
    swapper = subprocess.Popen([sys.executable, "-c", SWAPPER, *map(str, copies), str(target), str(stop)])
    seen = set()
    try:
        for _ in range(200):
            with read_serving(target) as con:
                rows, counted = con.execute("SELECT (SELECT rows FROM info), (SELECT count(*) FROM t)").fetchone()
            assert rows == counted  # one copy, whole
            seen.add(rows)
    finally:
        stop.touch()
        assert swapper.wait(timeout=60) == 0
    assert seen == {10, 2_000_000}  # the swaps happened while it read


def test_the_manifest_lists_every_published_table_with_its_rows(published):
    settings, run_ids, _ = published
    manifest = query(settings.serving_db, "SELECT table_name, row_count, run_id FROM publish_manifest ORDER BY 1")
    tables = query(
        settings.serving_db,
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_name NOT LIKE 'publish_%' ORDER BY 1",
    )
    assert [m[0] for m in manifest] == [t[0] for t in tables]
    assert {"fct_daily_active", "fct_events", "rpt_load_ledger"} <= {m[0] for m in manifest}
    for name, rows, run_id in manifest:
        assert run_id == run_ids[-1]
        assert query(settings.serving_db, f'SELECT count(*) FROM "{name}"') == [(rows,)]
    # the last copy is the run's warehouse: u0..u2 and ann@acme.com were active on Jan 21
    assert query(
        settings.serving_db, "SELECT dau FROM marts.fct_daily_active WHERE unit = 'user' AND metric_date = '2026-01-21'"
    ) == [(4,)]


def _text_columns(db: Path) -> list[tuple[str, str, str]]:
    return query(
        db,
        "SELECT table_schema, table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'main' AND (data_type LIKE 'VARCHAR%' OR data_type = 'JSON')",
    )


def test_no_published_text_holds_an_email_a_name_or_a_phone(published):
    settings, _, _ = published
    columns = _text_columns(settings.serving_db)
    assert len(columns) > 20
    con = duckdb.connect(str(settings.serving_db), read_only=True)
    leaks = [
        (table, column, clear)
        for schema, table, column in columns
        for clear in [*CLEAR, "@"]
        if con.execute(
            f'SELECT count(*) FROM {schema}."{table}" WHERE CAST("{column}" AS VARCHAR) ILIKE ?', [f"%{clear}%"]
        ).fetchone()[0]
    ]
    con.close()
    assert leaks == []
    # the warehouse itself keeps them: the pipeline needs them
    assert query(settings.warehouse, "SELECT count(*) FROM raw.accounts WHERE name = 'Acme Corporation'") == [(1,)]


def test_an_email_id_becomes_the_same_salted_hash_in_every_table(published):
    settings, _, _ = published
    salt = settings.pii_salt_file.read_text().strip()
    assert len(salt) == 64 and settings.pii_salt_file.stat().st_mode & 0o077 == 0
    ann = "pii_" + hashlib.sha256((salt + "ann@acme.com").encode()).hexdigest()[:16]
    db = settings.serving_db
    assert query(
        db, "SELECT DISTINCT person_id FROM fct_events WHERE event_name = 'report_created' AND event_at >= '2026-01-21'"
    ) == [(ann,)]
    assert query(db, "SELECT count(*) FROM dim_actors WHERE unit = 'user' AND actor_id = ?", [ann]) == [(1,)]
    assert query(db, "SELECT active_days_30d FROM fct_actor_frequency WHERE unit = 'user' AND actor_id = ?", [ann]) == [
        (1,)
    ]
    # an email inside a text is redacted, the rest of the text kept
    reasons = [r[0] for r in query(db, "SELECT reason FROM rpt_quarantine_summary WHERE kind = 'feedback'")]
    assert reasons and all("email [email] is not one of" in r for r in reasons)


def test_publish_hashes_pii_columns_and_json_keys(tmp_path):
    """Columns named like personal data and JSON keys are hidden even where values do not look like emails."""
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("CREATE SCHEMA marts")
    con.execute("""CREATE TABLE marts.t AS SELECT 'a1' AS account_id, 'Acme Corporation' AS account_name,
                   '+1 555 0100' AS phone, 'x' AS event_name,
                   '{"first_name": "Ann Example", "plan": "pro", "note": "mail ann@acme.com"}'::JSON AS dimensions""")
    con.close()
    publish(warehouse, tmp_path / "serving" / "analytics.duckdb", "r1", "salt")
    row = query(tmp_path / "serving" / "analytics.duckdb", "SELECT * FROM t")[0]

    def digest(value: str) -> str:
        return "pii_" + hashlib.sha256(("salt" + value.lower()).encode()).hexdigest()[:16]

    assert row[:4] == ("a1", digest("Acme Corporation"), digest("+1 555 0100"), "x")
    assert json.loads(row[4]) == {"first_name": digest("Ann Example"), "plan": "pro", "note": "mail [email]"}


def test_publish_hashes_json_keys_whatever_their_case_or_depth(tmp_path):
    """JSON values without an "@" or a key with a part of a personal-data name skip the
    scrubber; the others go through it, keys matched without regard to case, at any depth,
    spelled with escapes or not."""
    warehouse = tmp_path / "warehouse.duckdb"
    values = [
        '{"plan": "pro", "seats": 3, "tags": ["a", "b"], "note": "renamed"}',
        '{"Phone": "0100", "meta": {"E_Mail": "x", "UserName": "ann"}}',
        '{"owner": {"CONTACT_NAME": "Bo"}, "list": [{"MOBILE": "07"}]}',
        '{"channel": "email", "e\\u006dail" : "x"}',
    ]
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.t (i INTEGER, dimensions JSON)")
        con.executemany("INSERT INTO marts.t VALUES (?, ?)", list(enumerate(values)))
    publish(warehouse, tmp_path / "serving" / "analytics.duckdb", "r1", "salt")
    rows = query(tmp_path / "serving" / "analytics.duckdb", "SELECT dimensions FROM t ORDER BY i")

    def digest(value: str) -> str:
        return "pii_" + hashlib.sha256(("salt" + value.lower()).encode()).hexdigest()[:16]

    assert [json.loads(r[0]) for r in rows] == [
        {"plan": "pro", "seats": 3, "tags": ["a", "b"], "note": "renamed"},
        {"Phone": digest("0100"), "meta": {"E_Mail": digest("x"), "UserName": digest("ann")}},
        {"owner": {"CONTACT_NAME": digest("Bo")}, "list": [{"MOBILE": digest("07")}]},
        {"channel": "email", "email": digest("x")},
    ]


def test_sqlalchemy_duckdb_engine_reads_the_copy_and_cannot_write(published):
    settings, _, _ = published
    engine = sa.create_engine(f"duckdb:///{settings.serving_db}?access_mode=read_only")
    with engine.connect() as connection:
        dau = connection.execute(
            sa.text("SELECT dau FROM fct_daily_active WHERE unit = 'user' AND metric_date = :day"),
            {"day": "2026-01-12"},
        ).scalar_one()
        assert dau == 1
        assert "fct_daily_active" in sa.inspect(connection).get_table_names()
        with pytest.raises(sa.exc.DBAPIError, match="read-only"):
            connection.execute(sa.text("DELETE FROM fct_daily_active"))
    engine.dispose()


def test_a_nightly_publish_reuses_the_old_days_of_day_by_day_marts(tmp_path):
    """Days before the previous copy's last day minus the look-back come from that copy; a
    full refresh of the warehouse, or another salt, makes the next publish copy everything."""
    warehouse, serving = tmp_path / "warehouse.duckdb", tmp_path / "serving" / "analytics.duckdb"
    days = DayTables(day_columns={"fct_days": "day"}, lookback_days=1)
    con = duckdb.connect(str(warehouse))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.fct_days AS SELECT DATE '2026-01-01' + d::INT AS day, 'v1' AS v FROM range(5) t(d)")
    con.execute("CREATE TABLE marts.dim_x AS SELECT 'v1' AS v")
    con.close()

    def rewrite(sql: str) -> None:
        with duckdb.connect(str(warehouse)) as writer:
            writer.execute(sql)

    def published() -> list[tuple]:
        return query(serving, "SELECT strftime(day, '%d'), v FROM fct_days ORDER BY day") + query(
            serving, "SELECT 'x', v FROM dim_x"
        )

    assert publish(warehouse, serving, "r1", "salt", days=days) == {"dim_x": 1, "fct_days": 5}
    # every value changes in the warehouse (as no incremental run would), and a day is added
    rewrite("UPDATE marts.fct_days SET v = 'v2'; UPDATE marts.dim_x SET v = 'v2'")
    rewrite("INSERT INTO marts.fct_days VALUES (DATE '2026-01-06', 'v2')")
    assert publish(warehouse, serving, "r2", "salt", days=days) == {"dim_x": 1, "fct_days": 6}
    # days 1-3 kept from the copy; 4 (the last day 5 minus one day of look-back) on replaced
    assert published() == [
        ("01", "v1"),
        ("02", "v1"),
        ("03", "v1"),
        ("04", "v2"),
        ("05", "v2"),
        ("06", "v2"),
        ("x", "v2"),
    ]
    rewrite(
        "CREATE SCHEMA IF NOT EXISTS raw; CREATE TABLE raw.full_refreshes AS SELECT 'r3' AS run_id, now() AS started_at"
    )
    publish(warehouse, serving, "r3", "salt", days=days)
    assert {v for _, v in published()} == {"v2"}
    rewrite("UPDATE marts.fct_days SET v = 'v3'")
    publish(warehouse, serving, "r4", "other salt", days=days)
    assert [v for _, v in published()] == ["v3"] * 6 + ["v2"]


def test_only_marts_that_rebuild_exactly_the_look_back_days_are_published_day_by_day(tmp_path):
    """fct_lifecycle is incremental too, but rebuilds its last month: reusing the copy's older
    days would keep stale month and week rows, so it is published whole."""
    settings = load_settings(tmp_path / "ws")
    tables = day_tables(ensure_manifest(settings), settings)
    assert dict(tables.day_columns) == {
        "fct_events": "activity_date",
        "fct_daily_active": "metric_date",
        "fct_feature_usage_daily": "metric_date",
        "fct_pes_daily": "as_of",
    }
    assert tables.lookback_days == settings.lookback_days
