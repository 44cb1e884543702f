"""The bad-input corpus: every file through `prodops ingest`, with its exit status, message and ledger.

Small files are committed in tests/corpus/<kind>/; the big or binary ones (a corrupt gzip,
a field of a million characters, the same content under another name) are made here.
Expected counts are worked out by hand from the files: (read, loaded, quarantined, duplicate).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from orchestration.cli import main
from settings import load_settings
from tests.conftest import query

CORPUS = Path(__file__).parent / "corpus"


@dataclass(frozen=True)
class Case:
    """Files ingested in order into one fresh workspace, and what must come of them."""

    files: tuple[str, ...]
    exit_code: int
    message: str  # must appear in the command's output
    ledger: tuple[tuple[int, int, int, int] | None, ...]  # per file; None: no ledger row of its own


CASES = {
    "truncated JSON line": Case(
        ("events/truncated_line.jsonl",), 0, "truncated_line.jsonl:4: line is not valid JSON", ((4, 3, 1, 0),)
    ),
    "invalid UTF-8": Case(
        ("events/invalid_utf8.jsonl",),
        0,
        "invalid_utf8.jsonl:2: line is not valid UTF-8 (byte 0xe9 at column 38)",
        ((3, 2, 1, 0),),
    ),
    "byte-order mark": Case(("events/bom.jsonl",), 0, "bom.jsonl", ((2, 2, 0, 0),)),
    "CRLF line ends": Case(("events/crlf.jsonl",), 0, "crlf.jsonl", ((2, 2, 0, 0),)),
    "empty file": Case(("events/empty.jsonl",), 0, "empty.jsonl", ((0, 0, 0, 0),)),
    "mixed timestamp formats and offsets": Case(
        ("events/mixed_timestamps.jsonl",),
        0,
        "mixed_timestamps.jsonl:6: field 'timestamp': cannot read 'Mon, 05 Jan 2026 09:00:00 GMT' as a timestamp",
        ((7, 5, 2, 0),),
    ),
    "epoch seconds": Case(
        ("events/epoch_seconds.jsonl",),
        0,
        "epoch_seconds.jsonl:1: field 'timestamp': cannot read '1767603600' as a timestamp",
        ((2, 0, 2, 0),),
    ),
    "epoch milliseconds": Case(
        ("events/epoch_millis.jsonl",),
        0,
        "epoch_millis.jsonl:2: field 'timestamp': cannot read '1767603600000' as a timestamp",
        ((2, 0, 2, 0),),
    ),
    # far-future, pre-1970 and odd event names load; the quality gate stops them (test_quality.py)
    "far-future timestamp": Case(("events/far_future.jsonl",), 0, "far_future.jsonl", ((2, 2, 0, 0),)),
    "pre-1970 timestamp": Case(("events/pre_1970.jsonl",), 0, "pre_1970.jsonl", ((2, 2, 0, 0),)),
    "event names": Case(("events/bad_event_name.jsonl",), 0, "bad_event_name.jsonl", ((6, 6, 0, 0),)),
    "duplicate ids inside a file": Case(("events/duplicate_ids.jsonl",), 0, "duplicate_ids.jsonl", ((4, 3, 0, 1),)),
    "duplicate ids across files": Case(
        ("events/overlap_a.jsonl", "events/overlap_b.jsonl"), 0, "overlap_b.jsonl", ((3, 3, 0, 0), (2, 1, 0, 1))
    ),
    "same file under another name": Case(
        ("events/crlf.jsonl", "events/crlf_again.jsonl"), 0, "skipped", ((2, 2, 0, 0), None)
    ),
    "corrupt gzip": Case(("events/corrupt.jsonl.gz",), 1, "corrupt.jsonl.gz: cannot be read as jsonl", (None,)),
    "a million-character field": Case(("events/million_char_field.jsonl",), 0, "million", ((2, 2, 0, 0),)),
    "unknown fields": Case(
        ("events/unknown_field.jsonl",),
        0,
        "unknown_field.jsonl: new field(s) kept in properties: experiment, plan_tier",
        ((2, 2, 0, 0),),
    ),
    "JSON that is not an object": Case(
        ("events/not_an_object.jsonl",), 0, "not_an_object.jsonl:3: line is JSON but not an object", ((3, 0, 3, 0),)
    ),
    "missing required field": Case(
        ("events/missing_field.jsonl",), 0, "missing_field.jsonl:1: field 'event_name' is missing", ((2, 1, 1, 0),)
    ),
    "NPS 11, -1, 7.5 and N/A": Case(
        ("nps/out_of_range.csv",),
        0,
        "out_of_range.csv:3: field 'score': -1.0 is not an integer from 0 to 10",
        ((6, 2, 4, 0),),
    ),
    "header only": Case(("nps/header_only.csv",), 0, "header_only.csv", ((0, 0, 0, 0),)),
    "wrong delimiter": Case(
        ("nps/wrong_delimiter.csv",),
        1,
        "wrong_delimiter.csv: required column(s) score, responded_at missing "
        "(found: response_id;respondent_id;score;responded_at); is it delimited by ';'?",
        (None,),
    ),
    "quoted newlines": Case(
        ("nps/quoted_newlines.csv",),
        0,
        "quoted_newlines.csv:5: field 'score': 11.0 is not an integer from 0 to 10",
        ((3, 2, 1, 0),),
    ),
    "CSV with BOM and CRLF": Case(("nps/crlf_bom.csv",), 0, "crlf_bom.csv", ((2, 2, 0, 0),)),
    "CSV timestamp offsets": Case(("nps/mixed_offsets.csv",), 0, "mixed_offsets.csv", ((3, 3, 0, 0),)),
    "negative amount": Case(
        ("subscriptions/negative_amount.csv",),
        0,
        "negative_amount.csv:3: field 'amount': -10.0 is negative",
        ((2, 1, 1, 0),),
    ),
    "non-numeric amount": Case(
        ("subscriptions/non_numeric_amount.csv",),
        0,
        "non_numeric_amount.csv:3: field 'amount': cannot read 'ten' as a number",
        ((2, 0, 2, 0),),
    ),
    "unknown currency": Case(  # US$ is quarantined; XYZ and GBP load, but mixing them needs fx_rates
        ("subscriptions/unknown_currency.csv",),
        1,
        "subscriptions mix currencies GBP, XYZ and",
        ((3, 2, 1, 0),),
    ),
    "invalid UTF-8 in a CSV": Case(
        ("subscriptions/invalid_utf8.csv",), 0, "invalid_utf8.csv:3: row is not valid UTF-8", ((2, 1, 1, 0),)
    ),
    "unknown column": Case(
        ("accounts/unknown_column.csv",),
        0,
        "unknown_column.csv: new field(s) kept in dimensions: employees, industry",
        ((2, 2, 0, 0),),
    ),
    "missing required column": Case(
        ("feedback/missing_column.csv",),
        1,
        "missing_column.csv: required column(s) type missing (found: created_at, feedback_id, title, user_id)",
        (None,),
    ),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed corpus plus the files too big or too binary to commit."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(CORPUS, root, dirs_exist_ok=True)
    events = root / "events"
    events.joinpath("corrupt.jsonl.gz").write_bytes(gzip.compress(b'{"event_id": "z"}\n' * 200)[:60])
    shutil.copy(events / "crlf.jsonl", events / "crlf_again.jsonl")
    big = {"event_id": "big1", "event_name": "page_viewed", "timestamp": "2026-01-05T09:00:00Z", "user_id": "u1"}
    rows = [{**big, "properties": {"note": "x" * 1_000_000}}, {**big, "event_id": "big2"}]
    events.joinpath("million_char_field.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return root


def test_the_corpus_is_big_enough(corpus):
    assert len([p for p in corpus.rglob("*") if p.is_file()]) >= 25
    assert len({f for case in CASES.values() for f in case.files}) >= 25


def ingest(home: Path, paths: list[Path]):
    return CliRunner().invoke(main, ["ingest", "--home", str(home), *map(str, paths)])


@pytest.mark.parametrize("name", list(CASES))
def test_corpus_file(name, corpus, tmp_path):
    case = CASES[name]
    paths = [corpus / f for f in case.files]
    done = ingest(tmp_path, paths)
    assert done.exit_code == case.exit_code, done.output
    assert case.message in done.output
    warehouse = load_settings(tmp_path).warehouse
    for path, expected in zip(paths, case.ledger, strict=True):
        rows = query(
            warehouse,
            "SELECT rows_read, rows_loaded, rows_quarantined, rows_duplicate FROM raw.load_ledger WHERE file_path = ?",
            [str(path)],
        )
        assert rows == ([expected] if expected else [])
        if expected:
            _assert_rows_are_where_the_ledger_says(warehouse, path, expected)


def _assert_rows_are_where_the_ledger_says(warehouse: Path, path: Path, expected: tuple[int, int, int, int]) -> None:
    read, loaded, quarantined, duplicate = expected
    assert read == loaded + quarantined + duplicate
    kind = path.parent.name
    assert query(warehouse, f"SELECT count(*) FROM raw.{kind} WHERE _file = ?", [str(path)]) == [(loaded,)]
    assert query(warehouse, "SELECT count(*) FROM raw.quarantine WHERE file_path = ?", [str(path)]) == [(quarantined,)]


def _loaded(home: Path, corpus: Path, files: list[str], sql: str) -> list[tuple]:
    assert ingest(home, [corpus / f for f in files]).exit_code == 0
    return query(load_settings(home).warehouse, sql)


def test_timestamps_are_stored_in_utc(corpus, tmp_path):
    rows = _loaded(
        tmp_path, corpus, ["events/mixed_timestamps.jsonl"], "SELECT event_id, timestamp FROM raw.events ORDER BY 1"
    )
    nine = dt.datetime(2026, 1, 5, 9, 0)
    assert rows == [("m1", nine), ("m2", nine), ("m3", nine), ("m4", nine), ("m5", nine.replace(microsecond=250000))]


def test_new_fields_are_kept(corpus, tmp_path):
    events = _loaded(
        tmp_path, corpus, ["events/unknown_field.jsonl"], "SELECT event_id, properties FROM raw.events ORDER BY 1"
    )
    assert [(e, json.loads(p)) for e, p in events] == [
        ("x1", {"path": "/", "plan_tier": "pro", "experiment": {"id": 7}}),
        ("x2", {"path": "/"}),
    ]
    accounts = _loaded(
        tmp_path, corpus, ["accounts/unknown_column.csv"], "SELECT account_id, dimensions FROM raw.accounts ORDER BY 1"
    )
    assert [(a, json.loads(d)) for a, d in accounts] == [
        ("acc_1", {"industry": "retail", "employees": "120"}),
        ("acc_2", {}),
    ]


def test_quoted_newlines_stay_in_the_field(corpus, tmp_path):
    rows = _loaded(tmp_path, corpus, ["nps/quoted_newlines.csv"], "SELECT comment FROM raw.nps ORDER BY response_id")
    assert rows == [("line one\nline two",), ("plain",)]


def test_a_million_character_field_is_kept_whole(corpus, tmp_path):
    rows = _loaded(
        tmp_path,
        corpus,
        ["events/million_char_field.jsonl"],
        "SELECT length(properties->>'note') FROM raw.events WHERE event_id = 'big1'",
    )
    assert rows == [(1_000_000,)]
