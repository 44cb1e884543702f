"""Ingest without Dagster: every row loaded, quarantined with a reason, or counted as duplicate."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from ingest.formats import resolve_layout
from ingest.load import inbox_files, ingest_file
from ingest.readers import ReadError, container_of
from ingest.warehouse import connect
from tests.workspaces import event, write_csv, write_jsonl


@pytest.fixture
def con(tmp_path: Path):
    with connect(tmp_path / "warehouse.duckdb") as connection:
        yield connection


def _events(con) -> list[tuple]:
    return con.execute("SELECT event_id, _line FROM raw.events ORDER BY event_id").fetchall()


def test_events_rows_are_accounted_for(con, tmp_path):
    path = write_jsonl(
        tmp_path / "e.jsonl",
        [
            event("a", "x", "2026-01-01T00:00:00Z", "u1"),
            "",  # blank lines are not rows
            '["an", "array"]',
            event("b", "x", "2026-01-01T00:00:00Z"),  # no actor
            event("c", "x", "2026-01-01T00:00:00Z", anon="anon"),
            event("a", "x", "2026-01-02T00:00:00Z", "u1"),  # same id: duplicate
            {"event_name": "x", "timestamp": "2026-01-01", "user_id": "u"},  # no id
        ],
    )
    result = ingest_file(con, path, "events", "run-1")
    assert (result.read, result.loaded, result.quarantined, result.duplicate) == (6, 2, 3, 1)
    assert result.examples == [
        (3, "line is JSON but not an object"),
        (4, "fields 'user_id' and 'anonymous_id' are both empty: the event has no actor"),
        (7, "field 'event_id' is missing"),
    ]
    assert _events(con) == [("a", 1), ("c", 5)]


def _md5_upper(key: str) -> int:
    """The upper 64 bits of the key's MD5, as DuckDB's md5_number reads the digest (little-endian)."""
    return int.from_bytes(hashlib.md5(key.encode()).digest()[8:], "little")


def test_loaded_rows_carry_their_key_hash(con, tmp_path):
    path = write_jsonl(tmp_path / "e.jsonl", [event(i, "x", "2026-01-01T00:00:00Z", "u1") for i in ("a", "b")])
    ingest_file(con, path, "events", "run-1")
    got = con.execute("SELECT event_id, _key_hash FROM raw.events ORDER BY 1").fetchall()
    assert got == [("a", _md5_upper("a")), ("b", _md5_upper("b"))]


def test_a_warehouse_from_before_key_hash_gets_it_filled_once(tmp_path):
    """The nightly event-id test reads `_key_hash`: rows loaded before it existed must have it."""
    db = tmp_path / "warehouse.duckdb"
    with connect(db) as con:
        ingest_file(
            con, write_jsonl(tmp_path / "e.jsonl", [event("a", "x", "2026-01-01T00:00:00Z", "u1")]), "events", "r"
        )
        con.execute("ALTER TABLE raw.events DROP COLUMN _key_hash")
    with connect(db) as con:
        assert con.execute("SELECT event_id, _key_hash FROM raw.events").fetchall() == [("a", _md5_upper("a"))]


def test_a_warehouse_from_before_later_columns_gets_them_and_keeps_its_rows(tmp_path):
    """Columns added since a table was made (a canonical field, the ledger's modified_at, the
    build record's settings) are added on the next open; the rows already there stay."""
    db = tmp_path / "warehouse.duckdb"
    with connect(db) as con:
        ingest_file(
            con, write_jsonl(tmp_path / "e.jsonl", [event("a", "x", "2026-01-01T00:00:00Z", "u1")]), "events", "r"
        )
        con.execute("ALTER TABLE raw.events DROP COLUMN session_id")
        con.execute("ALTER TABLE raw.load_ledger DROP COLUMN modified_at")
        con.execute("ALTER TABLE raw.dbt_builds DROP COLUMN model_settings")
    with connect(db) as con:
        assert con.execute("SELECT event_id, session_id FROM raw.events").fetchall() == [("a", None)]
        assert con.execute("SELECT file_path, modified_at FROM raw.load_ledger").fetchall() == [
            (str(tmp_path / "e.jsonl"), None)
        ]
        assert con.execute("SELECT count(model_settings) FROM raw.dbt_builds").fetchone() == (0,)


def test_same_content_is_skipped_even_under_another_name(con, tmp_path):
    first = write_jsonl(tmp_path / "one.jsonl", [event("a", "x", "2026-01-01T00:00:00Z", "u1")])
    again = tmp_path / "renamed.jsonl"
    shutil.copy(first, again)
    assert ingest_file(con, first, "events", "r1").loaded == 1
    second = ingest_file(con, again, "events", "r2")
    assert second.status == "skipped" and second.skipped_as == str(first)


def test_a_file_unchanged_since_its_load_is_not_read_again(con, tmp_path):
    """Same path, size and modification time: skipped on the quick check (no hashing), as
    rsync does. Any other change of the file sends it through its SHA-256 again."""
    path = write_jsonl(tmp_path / "e.jsonl", [event("a", "x", "2026-01-01T00:00:00Z", "u1")])
    assert ingest_file(con, path, "events", "r1").loaded == 1
    stamp = path.stat().st_mtime_ns
    # same size, same time, other content: the quick check trusts the file system's stamp
    path.write_bytes(path.read_bytes().replace(b'"a"', b'"b"'))
    os.utime(path, ns=(stamp, stamp))
    assert ingest_file(con, path, "events", "r2").skipped_as == str(path)
    # a new modification time: hashed, found new, loaded
    os.utime(path, ns=(stamp + 10**9, stamp + 10**9))
    assert ingest_file(con, path, "events", "r3").loaded == 1
    assert [r[0] for r in _events(con)] == ["a", "b"]


def test_a_touched_file_is_hashed_once_then_skipped_quickly(con, tmp_path):
    path = write_jsonl(tmp_path / "e.jsonl", [event("a", "x", "2026-01-01T00:00:00Z", "u1")])
    ingest_file(con, path, "events", "r1")
    later = path.stat().st_mtime_ns + 5 * 10**9
    os.utime(path, ns=(later, later))
    assert ingest_file(con, path, "events", "r2").skipped_as == str(path)  # by its SHA-256
    recorded = con.execute("SELECT epoch_ns(modified_at) FROM raw.load_ledger").fetchall()
    assert recorded == [(later // 1000 * 1000,)]  # the new time, to the microsecond
    assert con.execute("SELECT count(*) FROM raw.load_ledger").fetchone() == (1,)


def test_overlapping_files_load_only_new_ids(con, tmp_path):
    one = write_jsonl(tmp_path / "1.jsonl", [event(i, "x", "2026-01-01T00:00:00Z", "u") for i in "abc"])
    two = write_jsonl(tmp_path / "2.jsonl", [event(i, "x", "2026-01-01T00:00:00Z", "u") for i in "cde"])
    ingest_file(con, one, "events", "r1")
    result = ingest_file(con, two, "events", "r2")
    assert (result.read, result.loaded, result.duplicate) == (3, 2, 1)
    assert [r[0] for r in _events(con)] == list("abcde")


def test_gzip_and_parquet_read_like_plain_files(con, tmp_path):
    rows = [event(i, "x", "2026-01-01T00:00:00Z", "u") for i in "ab"]
    plain = write_jsonl(tmp_path / "p.jsonl", rows)
    zipped = tmp_path / "z.jsonl.gz"
    zipped.write_bytes(gzip.compress(plain.read_bytes().replace(b'"a"', b'"g"').replace(b'"b"', b'"h"')))
    parquet = tmp_path / "q.parquet"
    pl.DataFrame([{**r, "event_id": r["event_id"] + "q", "properties": "{}"} for r in rows]).write_parquet(parquet)
    assert ingest_file(con, zipped, "events", "r").loaded == 2
    assert ingest_file(con, parquet, "events", "r").loaded == 2
    assert [r[0] for r in _events(con)] == ["aq", "bq", "g", "h"]


def test_nps_scores_outside_the_scale_are_quarantined(con, tmp_path):
    path = write_csv(
        tmp_path / "nps.csv",
        ["response_id", "respondent_id", "score", "responded_at"],
        [
            ["r1", "p1", "9", "2026-01-01T10:00:00Z"],
            ["r2", "p2", "11", "2026-01-01T10:00:00Z"],
            ["r3", "p3", "7.5", "2026-01-01T10:00:00Z"],
            ["r4", "p4", "N/A", "2026-01-01T10:00:00Z"],
            ["r5", "p5", "-1", "2026-01-01T10:00:00Z"],
            ["r6", "", "0", "2026-01-01 10:00:00"],
        ],
    )
    result = ingest_file(con, path, "nps", "r")
    assert (result.read, result.loaded, result.quarantined) == (6, 2, 4)
    reasons = con.execute("SELECT line, reason FROM raw.quarantine ORDER BY line").fetchall()
    assert reasons == [
        (3, "field 'score': 11.0 is not an integer from 0 to 10"),
        (4, "field 'score': 7.5 is not an integer from 0 to 10"),
        (5, "field 'score': cannot read 'N/A' as a number"),
        (6, "field 'score': -1.0 is not an integer from 0 to 10"),
    ]


def test_subscription_rules(con, tmp_path):
    header = ["subscription_id", "customer_id", "plan", "start_date", "end_date", "amount", "interval", "currency"]
    path = write_csv(
        tmp_path / "subs.csv",
        header,
        [
            ["s1", "c1", "pro", "2026-01-01", "", "100", "month", "USD"],
            ["s2", "c2", "pro", "2026-01-01", "", "-5", "month", "USD"],
            ["s3", "c3", "pro", "2026-01-01", "", "abc", "fortnight", "usd dollars"],
        ],
    )
    result = ingest_file(con, path, "subscriptions", "r")
    assert (result.loaded, result.quarantined) == (1, 2)
    assert result.examples[1] == (
        4,
        "field 'amount': cannot read 'abc' as a number; field 'interval': fortnight is not one of day, week, "
        "month, quarter, year; field 'currency': usd dollars is not a 3-letter ISO code",
    )


def test_missing_required_csv_column_is_a_clear_file_error(con, tmp_path):
    path = write_csv(tmp_path / "nps.csv", ["respondent_id", "rating"], [["p", "9"]])
    with pytest.raises(
        ReadError,
        match=r"nps\.csv: required column\(s\) score, responded_at missing "
        r"\(found: rating, respondent_id\)",
    ):
        ingest_file(con, path, "nps", "r")
    assert con.execute("SELECT count(*) FROM raw.load_ledger").fetchone() == (0,)


def test_corrupt_gzip_is_a_clear_file_error(con, tmp_path):
    path = tmp_path / "broken.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"event_id": "a"}\n' * 100)[:40])
    with pytest.raises(ReadError, match=r"broken\.jsonl\.gz: cannot be read as jsonl"):
        ingest_file(con, path, "events", "r")


def test_format_detection(tmp_path):
    assert container_of(Path("x/events.JSONL.gz")) == "jsonl"
    assert container_of(Path("a.csv")) == "csv"
    assert resolve_layout(Path("a.data"), "parquet").container == "parquet"
    with pytest.raises(ReadError, match="cannot tell the format"):
        container_of(Path("a.data"))


def test_inbox_ignores_hidden_and_partial_files(tmp_path):
    for name in ("b.jsonl", "a.jsonl", ".hidden.jsonl", "c.jsonl.part", "sub/d.jsonl"):
        (tmp_path / "events" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "events" / name).write_text("")
    assert [p.name for p in inbox_files(tmp_path, "events")] == ["a.jsonl", "b.jsonl", "d.jsonl"]


def test_a_file_read_in_batches_counts_and_dedups_like_one(con, tmp_path, monkeypatch):
    import ingest.readers

    monkeypatch.setattr(ingest.readers, "BATCH_BYTES", 150)  # about two lines per block
    path = write_jsonl(
        tmp_path / "big.jsonl",
        [
            event("a", "x", "2026-01-01T00:00:00Z", "u"),
            event("b", "x", "2026-01-02T00:00:00Z", "u"),
            "not json",  # line 3, second batch
            event("a", "x", "2026-01-01T00:00:00Z", "u"),  # line 4: a duplicate of line 1, in another batch
            event("c", "x", "2026-01-03T00:00:00Z", "u"),
        ],
    )
    result = ingest_file(con, path, "events", "r")
    assert (result.read, result.loaded, result.quarantined, result.duplicate) == (5, 3, 1, 1)
    assert result.examples == [(3, "line is not valid JSON")]
    assert _events(con) == [("a", 1), ("b", 2), ("c", 5)]


@pytest.mark.parametrize("name", ["e.jsonl.gz", "e.jsonl"])
def test_blocks_keep_line_numbers_across_bad_bytes(con, tmp_path, monkeypatch, name):
    """A file (gzip or plain, the last line without a line end) read in blocks of a few
    lines: a line that is not UTF-8 in a later block is quarantined under its own line
    number, the lines around it load, the blank line and the CR line end are dropped."""
    import ingest.readers

    monkeypatch.setattr(ingest.readers, "BATCH_BYTES", 150)
    lines = [json.dumps(event(i, "x", "2026-01-01T00:00:00Z", "u")).encode() for i in "abcd"]
    data = b"\n".join([*lines[:2], lines[2] + b"\r", b'{"event_id": "\xff"}', b"", lines[3]])
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    result = ingest_file(con, path, "events", "r")
    assert (result.read, result.loaded, result.quarantined) == (5, 4, 1)
    assert result.examples == [(4, "line is not valid UTF-8 (byte 0xff at column 15)")]
    assert _events(con) == [("a", 1), ("b", 2), ("c", 3), ("d", 6)]


@pytest.mark.parametrize("name", ["e.jsonl", "e.jsonl.gz", "e.csv"])
def test_the_ledger_holds_the_files_sha256_however_it_is_read(con, tmp_path, monkeypatch, name):
    """A plain JSON-lines file is hashed block by block as it is read, any other file in one
    pass of its own: either way the ledger has the SHA-256 of the file's bytes on disk."""
    import ingest.readers

    monkeypatch.setattr(ingest.readers, "BATCH_BYTES", 150)  # about two lines per block
    rows = [event(f"e{i}", "x", "2026-01-01T00:00:00Z", "u") for i in range(9)]
    if name.endswith(".csv"):
        header = ["event_id", "event_name", "timestamp", "user_id"]
        path = write_csv(tmp_path / name, header, [[r[c] for c in header] for r in rows])
    else:
        data = write_jsonl(tmp_path / "plain.jsonl", rows).read_bytes()
        path = tmp_path / name
        path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    assert ingest_file(con, path, "events", "r").loaded == 9
    recorded = con.execute("SELECT sha256 FROM raw.load_ledger").fetchall()
    assert recorded == [(hashlib.sha256(path.read_bytes()).hexdigest(),)]


def test_reading_ahead_stops_with_its_reader():
    """The thread reading the next block ends, and the file is let go, when the load stops early."""
    from ingest.readers import _read_ahead

    closed = []

    def blocks():
        try:
            yield from range(10)
        finally:
            closed.append(True)

    ahead = _read_ahead(blocks())
    assert [next(ahead), next(ahead)] == [0, 1]
    ahead.close()
    assert closed == [True]


def _counts(con) -> tuple[int, int, int, int]:
    return con.execute(
        "SELECT (SELECT count(*) FROM raw.events), (SELECT count(*) FROM raw.quarantine), "
        "(SELECT count(*) FROM raw.load_ledger), (SELECT count(*) FROM raw.unfinished_loads)"
    ).fetchone()


def _four_batches(tmp_path: Path) -> Path:
    """Eight lines (one not JSON) in several blocks at BATCH_BYTES = 150."""
    rows = [event(f"e{i}", "x", f"2026-01-0{i}T00:00:00Z", "u") for i in range(1, 8)]
    return write_jsonl(tmp_path / "four.jsonl", [*rows[:2], "not json", *rows[2:]])


def test_a_file_that_fails_after_its_first_batches_leaves_nothing(con, tmp_path, monkeypatch):
    """Batches are committed as they come; the error mid-file takes them back."""
    import ingest.readers

    monkeypatch.setattr(ingest.readers, "BATCH_BYTES", 150)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(gzip.compress(_four_batches(tmp_path).read_bytes())[:-30])  # the end of the stream is lost
    with pytest.raises(ReadError, match=r"cut\.jsonl\.gz: cannot be read as jsonl"):
        ingest_file(con, path, "events", "r")
    assert _counts(con) == (0, 0, 0, 0)


def test_a_load_killed_mid_file_is_taken_back_on_the_next_open(tmp_path):
    """A process killed between two batches of a file: its first batches are in the tables,
    marked unfinished; the next open takes them back and the file then loads whole once."""
    path = _four_batches(tmp_path)
    db = tmp_path / "warehouse.duckdb"
    script = f"""
import os, pathlib, ingest.readers, ingest.load
from ingest.warehouse import connect
ingest.readers.BATCH_BYTES = 150
write = ingest.load._write_batch
calls = []
def dying(*args):
    calls.append(1)
    if len(calls) == 3:
        os._exit(9)  # the third batch never comes: no cleanup, no ledger row
    write(*args)
ingest.load._write_batch = dying
with connect(pathlib.Path({str(db)!r})) as con:
    ingest.load.ingest_file(con, pathlib.Path({str(path)!r}), "events", "killed")
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[1], check=False)
    assert done.returncode == 9
    raw = duckdb.connect(str(db))  # as the kill left it: two batches written, the load unfinished
    try:
        events, _, ledger, unfinished = _counts(raw)
        assert (events > 0, ledger, unfinished) == (True, 0, 1)
    finally:
        raw.close()
    with connect(db) as con:
        assert _counts(con) == (0, 0, 0, 0)
        result = ingest_file(con, path, "events", "again")
        assert (result.read, result.loaded, result.quarantined) == (8, 7, 1)
        assert _counts(con) == (7, 1, 1, 0)


def test_an_empty_gzip_file_loads_as_no_rows(con, tmp_path):
    path = tmp_path / "empty.jsonl.gz"
    path.write_bytes(gzip.compress(b""))
    result = ingest_file(con, path, "events", "r")
    assert (result.status, result.read, result.loaded) == ("loaded", 0, 0)
    assert _counts(con) == (0, 0, 1, 0)
