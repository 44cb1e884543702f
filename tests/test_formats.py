"""Exporters' layouts and mapping files, loaded field by field into the canonical raw tables.

The vendor files are written from the examples in Segment's, Amplitude's and Mixpanel's
documentation; expected values are read off those examples by hand.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from pathlib import Path

import pytest

from ingest.formats import resolve_layout
from ingest.formats.mapping import MappingError, load_mapping
from ingest.load import inbox_files, ingest_file
from ingest.readers import ReadError
from ingest.warehouse import connect
from sample.generate import GenerateOptions, generate
from tests.workspaces import event, write_csv, write_jsonl

T = dt.datetime
COLUMNS = "event_id, event_name, timestamp, user_id, anonymous_id, account_id, session_id, properties, traits"


@pytest.fixture
def con(tmp_path: Path):
    with connect(tmp_path / "warehouse.duckdb") as connection:
        yield connection


def _events(con) -> dict[str, tuple]:
    rows = con.execute(f"SELECT {COLUMNS} FROM raw.events").fetchall()
    return {r[0]: (*r[1:7], *(json.loads(v) if v else None for v in r[7:])) for r in rows}


SEGMENT = [
    {  # the spec's track example (common fields)
        "anonymousId": "507f191e810c19729de860ea",
        "context": {"ip": "8.8.8.8", "groupId": "acct_42", "library": {"name": "analytics.js"}},
        "event": "Course Clicked",
        "messageId": "ajs-f8ca1e4de5024d9430b3928bd8ac6b96",
        "properties": {"title": "Intro to Analytics"},
        "receivedAt": "2015-12-12T19:11:01.266Z",
        "timestamp": "2015-12-12T19:11:01.249Z",
        "type": "track",
        "userId": "AiUGstSDIg",
    },
    {  # a page call with an offset: stored in UTC
        "anonymousId": "507f191e810c19729de860ea",
        "messageId": "page-1",
        "name": "Pricing",
        "properties": {"path": "/pricing"},
        "timestamp": "2015-12-12T21:11:01+02:00",
        "type": "page",
    },
    {  # the spec's identify example, with the createdAt trait
        "type": "identify",
        "traits": {"name": "Peter Gibbons", "email": "peter@example.com", "plan": "premium", "logins": 5},
        "userId": "97980cfea0067",
        "anonymousId": "507f191e810c19729de860ea",
        "messageId": "identify-1",
        "timestamp": "2015-12-13T10:00:00Z",
    },
    {  # the spec's group example
        "type": "group",
        "groupId": "0e8c78ea9d97a7b8185e8632",
        "traits": {"name": "Initech", "industry": "Technology", "employees": 329, "plan": "enterprise"},
        "userId": "97980cfea0067",
        "messageId": "group-1",
        "timestamp": "2015-12-13T10:01:00Z",
    },
    {  # the spec's alias example
        "type": "alias",
        "previousId": "39239-239239-239239-23923",
        "userId": "507f191e81",
        "messageId": "alias-1",
        "timestamp": "2015-12-13T10:02:00Z",
    },
    {"type": "screen", "name": "Home", "userId": "u1", "messageId": "screen-1", "timestamp": "2015-12-13T10:03:00Z"},
    # no messageId: keyed by content; the same call twice is one event
    {"type": "track", "event": "Saved", "userId": "u1", "timestamp": "2015-12-13T10:04:00Z", "properties": {"a": 1}},
    {"type": "track", "event": "Saved", "userId": "u1", "timestamp": "2015-12-13T10:04:00Z", "properties": {"a": 1}},
    {"type": "track", "userId": "u1", "messageId": "no-name", "timestamp": "2015-12-13T10:05:00Z"},
]


def test_segment_calls_field_by_field(con, tmp_path):
    result = ingest_file(con, write_jsonl(tmp_path / "segment.jsonl", SEGMENT), "events", "r")
    assert (result.input_format, result.read, result.loaded, result.duplicate, result.quarantined) == (
        "segment",
        9,
        7,
        1,
        1,
    )
    assert result.examples == [(9, "field 'event_name' is missing")]
    rows = _events(con)
    assert rows["ajs-f8ca1e4de5024d9430b3928bd8ac6b96"] == (
        "Course Clicked",
        T(2015, 12, 12, 19, 11, 1, 249000),
        "AiUGstSDIg",
        "507f191e810c19729de860ea",
        "acct_42",
        None,
        {"title": "Intro to Analytics"},
        None,
    )
    assert rows["page-1"] == (
        "page_viewed",
        T(2015, 12, 12, 19, 11, 1),
        None,
        "507f191e810c19729de860ea",
        None,
        None,
        {"path": "/pricing", "name": "Pricing"},
        None,
    )
    assert rows["identify-1"][:5] == (
        "identify",
        T(2015, 12, 13, 10),
        "97980cfea0067",
        "507f191e810c19729de860ea",
        None,
    )
    assert rows["identify-1"][7]["email"] == "peter@example.com"
    assert rows["group-1"][:5] == ("group", T(2015, 12, 13, 10, 1), "97980cfea0067", None, "0e8c78ea9d97a7b8185e8632")
    assert rows["group-1"][7] == {"name": "Initech", "industry": "Technology", "employees": 329, "plan": "enterprise"}
    assert rows["alias-1"][:4] == ("alias", T(2015, 12, 13, 10, 2), "507f191e81", "39239-239239-239239-23923")
    assert rows["screen-1"][0] == "screen_viewed" and rows["screen-1"][6] == {"name": "Home"}
    hashed = [k for k, v in rows.items() if v[0] == "Saved"]
    assert len(hashed) == 1 and len(hashed[0]) == 32


AMPLITUDE = [
    {  # shaped like the Export API's response schema
        "$insert_id": "5f0adeff-6668-4427-8d02-57d803a2b841",
        "amplitude_id": 123456789,
        "app": 12345,
        "device_id": "C8F9E604-F01A-4BD9-95C6-8E5357DF265D",
        "event_properties": {"load_time": 0.8, "source": "notification"},
        "event_time": "2021-07-01 12:34:56.789000",
        "event_type": "watch_tutorial",
        "groups": {"company": ["Acme"]},
        "session_id": 1625142896000,
        "user_id": "datamonster@gmail.com",
        "user_properties": {"plan": "pro", "created_at": "2021-06-01T00:00:00Z"},
        "uuid": "a-uuid",
    },
    {
        "insert_id": "i-2",
        "device_id": "device-2",
        "event_time": "2021-07-01 23:30:00",
        "event_type": "open_app",
        "groups": {"company": "Beta"},
        "session_id": -1,
        "user_id": None,
        "event_properties": {},
    },
]


def test_amplitude_gzip_export_field_by_field_and_dedup_across_exports(con, tmp_path):
    first = tmp_path / "123_2021-07-01_12#0.json.gz"
    first.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in AMPLITUDE).encode()))
    again = write_jsonl(tmp_path / "123_2021-07-01_12#1.json", [AMPLITUDE[1] | {"uuid": "other"}])
    result = ingest_file(con, first, "events", "r")
    assert (result.input_format, result.loaded) == ("amplitude", 2)
    assert ingest_file(con, again, "events", "r").duplicate == 1  # same insert_id, another export
    rows = _events(con)
    assert rows["5f0adeff-6668-4427-8d02-57d803a2b841"] == (
        "watch_tutorial",
        T(2021, 7, 1, 12, 34, 56, 789000),
        "datamonster@gmail.com",
        "C8F9E604-F01A-4BD9-95C6-8E5357DF265D",
        "Acme",
        "1625142896000",
        {"load_time": 0.8, "source": "notification"},
        {"plan": "pro", "created_at": "2021-06-01T00:00:00Z"},
    )
    assert rows["i-2"] == ("open_app", T(2021, 7, 1, 23, 30), None, "device-2", "Beta", None, {}, None)


MIXPANEL = [
    {  # the raw export example
        "event": "Signed up",
        "properties": {
            "time": 1602611311,
            "$insert_id": "hpuDqcvpltpCjBsebtxwadtEBDnFAdycabFb",
            "mp_processing_time_ms": 1602625711874,
            "distinct_id": "user123",
            "$email": "x@example.com",
        },
    },
    {  # the event schema example, anonymous device, time in milliseconds
        "event": "Played Song",
        "properties": {
            "time": 1601412131000,
            "distinct_id": "$device:5d958f87",
            "$device_id": "5d958f87",
            "$insert_id": "5d958f87-542d-4c10-9422-0ed75893dc81",
            "artist": "Drake",
            "song": "Laugh Now Cry Later",
            "account_id": "acc-1",
        },
    },
    {
        "event": "$identify",
        "properties": {
            "time": 1601412200,
            "distinct_id": "user123",
            "$identified_id": "user123",
            "$anon_id": "5d958f87",
            "$insert_id": "identify-1",
        },
    },
    {"event": "Played Song", "properties": {"time": "soon", "distinct_id": "user123", "$insert_id": "bad"}},
]


def test_mixpanel_export_field_by_field(con, tmp_path):
    result = ingest_file(con, write_jsonl(tmp_path / "export.txt", MIXPANEL), "events", "r", "mixpanel")
    assert (result.input_format, result.loaded, result.quarantined) == ("mixpanel", 3, 1)
    assert result.examples == [(4, "field 'timestamp': cannot read 'soon' as a timestamp")]
    rows = _events(con)
    assert rows["hpuDqcvpltpCjBsebtxwadtEBDnFAdycabFb"] == (
        "Signed up",
        T(2020, 10, 13, 17, 48, 31),
        "user123",
        None,
        None,
        None,
        {"mp_processing_time_ms": 1602625711874, "$email": "x@example.com"},
        None,
    )
    assert rows["5d958f87-542d-4c10-9422-0ed75893dc81"][:6] == (
        "Played Song",
        T(2020, 9, 29, 20, 42, 11),
        None,
        "5d958f87",
        "acc-1",
        None,
    )
    assert rows["5d958f87-542d-4c10-9422-0ed75893dc81"][6] == {"artist": "Drake", "song": "Laugh Now Cry Later"}
    assert rows["identify-1"][:4] == ("identify", T(2020, 9, 29, 20, 43, 20), "user123", "5d958f87")


def test_format_is_told_from_the_content(tmp_path):
    canonical = write_jsonl(tmp_path / "c.jsonl", ["", event("a", "x", "2026-01-01T00:00:00Z", "u")])
    vendors = {
        "segment": write_jsonl(tmp_path / "s.jsonl", ["not json", *SEGMENT]),
        "amplitude": write_jsonl(tmp_path / "a.json", AMPLITUDE),
        "mixpanel": write_jsonl(tmp_path / "m.ndjson", MIXPANEL),
    }
    assert resolve_layout(canonical).name == "jsonl"
    assert {name: resolve_layout(path).name for name, path in vendors.items()} == {v: v for v in vendors}
    assert resolve_layout(canonical, "segment").name == "segment"


def test_a_vendor_format_holds_events_only(con, tmp_path):
    with pytest.raises(ReadError, match=r"a\.jsonl: the amplitude format holds events, not nps"):
        ingest_file(con, write_jsonl(tmp_path / "a.jsonl", AMPLITUDE), "nps", "r")


@pytest.mark.parametrize("layout", ["segment", "amplitude", "mixpanel"])
def test_generated_layouts_load_the_same_events_as_canonical(tmp_path, layout):
    loaded = {}
    for name in ("canonical", layout):
        inbox = tmp_path / name
        generate(
            inbox, GenerateOptions(events=1_500, days=14, users=40, seed=5, start=dt.date(2026, 2, 1), layout=name)
        )
        with connect(tmp_path / f"{name}.duckdb") as con:
            results = [ingest_file(con, p, "events", "r") for p in inbox_files(inbox, "events")]
            assert {r.input_format for r in results} == {"jsonl" if name == "canonical" else name}
            assert sum(r.quarantined + r.duplicate for r in results) == 0
            loaded[name] = con.execute(
                "SELECT event_id, event_name, date_trunc('second', timestamp), user_id, anonymous_id, account_id "
                "FROM raw.events ORDER BY event_id"
            ).fetchall()
    assert len(loaded["canonical"]) > 1_000
    assert loaded[layout] == loaded["canonical"]


# A listening log in nobody's layout: epoch milliseconds, its own names, and logged-out
# activity with an empty userId (the session id stands in as the anonymous id).
LOG_MAPPING = """
kind: events
format: jsonl
columns:
  event_name: page
  timestamp: ts
  user_id: userId
  anonymous_id: sessionId
  session_id: sessionId
timestamp_format: epoch_ms
properties: [level, song]
"""


def _log(ts, user, session, page, **extra):
    return {"ts": ts, "userId": user, "sessionId": session, "page": page, "auth": "Logged In", **extra}


def test_mapping_for_a_json_lines_log(con, tmp_path):
    folder = tmp_path / "inbox" / "events" / "player"
    (folder / "_mapping.yml").parent.mkdir(parents=True)
    (folder / "_mapping.yml").write_text(LOG_MAPPING)
    path = write_jsonl(
        folder / "log.json",
        [
            _log(1541106106796, "", 139, "Home", level="free"),  # logged out
            _log(1541106352796, "9", 139, "NextSong", level="free", song="Bitter Sweet Symphony"),
            _log(1541106352796, "9", 139, "NextSong", level="free", song="Bitter Sweet Symphony"),  # same event
            _log("yesterday", "9", 139, "Home"),
            _log(1541107000000, "", None, "Home"),  # nobody
        ],
    )
    assert inbox_files(tmp_path / "inbox", "events") == [path]  # the mapping file is not data
    result = ingest_file(con, path, "events", "r")
    assert (result.input_format, result.read, result.loaded, result.duplicate) == ("jsonl+mapping", 5, 2, 1)
    assert result.examples == [
        (4, "field 'timestamp' (column 'ts'): cannot read 'yesterday' as a timestamp"),
        (5, "fields 'user_id' and 'anonymous_id' are both empty: the event has no actor"),
    ]
    rows = sorted(_events(con).values(), key=lambda r: r[1])
    assert rows == [
        ("Home", T(2018, 11, 1, 21, 1, 46, 796000), None, "139", None, "139", {"level": "free"}, None),
        (
            "NextSong",
            T(2018, 11, 1, 21, 5, 52, 796000),
            "9",
            "139",
            None,
            "139",
            {"level": "free", "song": "Bitter Sweet Symphony"},
            None,
        ),
    ]
    quarantined = con.execute("SELECT file_path, line FROM raw.quarantine ORDER BY line").fetchall()
    assert quarantined == [(str(path), 4), (str(path), 5)]


def test_mapping_naming_a_missing_column_is_a_file_error(con, tmp_path):
    mapping = tmp_path / "m.yml"
    mapping.write_text(LOG_MAPPING.replace("page", "pageName"))
    path = write_jsonl(tmp_path / "log.jsonl", [_log(1541106106796, "9", 1, "Home")])
    with pytest.raises(ReadError, match=r"log\.jsonl: column\(s\) 'pageName' \(for event_name\) named by m\.yml"):
        ingest_file(con, path, "events", "r", mapping=load_mapping(mapping))
    assert con.execute("SELECT count(*) FROM raw.load_ledger").fetchone() == (0,)


SURVEY_MAPPING = """
kind: nps
columns:
  response_id: Response ID
  respondent_id: Email
  score: "How likely are you to recommend Acme to a friend or colleague? (0-10)"
  responded_at: Submitted at
  comment: "What is the main reason for your score?"
timestamp_format: ["%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S"]
timezone: Europe/Berlin
dimensions: [Plan, Country]
"""


def test_mapping_for_a_survey_csv_with_free_text_headers(con, tmp_path):
    folder = tmp_path / "inbox" / "nps" / "typeform"
    folder.mkdir(parents=True)
    (folder / "_mapping.yml").write_text(SURVEY_MAPPING)
    header = [
        "Response ID",
        "Email",
        "How likely are you to recommend Acme to a friend or colleague? (0-10)",
        "What is the main reason for your score?",
        "Submitted at",
        "Plan",
        "Country",
        "Browser",
    ]
    path = write_csv(
        folder / "responses.csv",
        header,
        [
            ["r1", "ann@example.com", "9", "Fast", "15/01/2026 10:30", "pro", "DE", "Firefox"],  # CET
            ["r2", "bob@example.com", "3", "", "2026-07-01 09:00:00", "free", "", "Safari"],  # CEST
            ["r3", "cy@example.com", "10", "", "next week", "pro", "FR", "Chrome"],
        ],
    )
    result = ingest_file(con, path, "nps", "r")  # the _mapping.yml next to it applies
    assert (result.input_format, result.loaded, result.quarantined) == ("csv+mapping", 2, 1)
    assert result.examples == [
        (4, "field 'responded_at' (column 'Submitted at'): cannot read 'next week' as a timestamp")
    ]
    rows = con.execute(
        "SELECT response_id, respondent_id, score, responded_at, comment, dimensions FROM raw.nps ORDER BY 1"
    ).fetchall()
    assert [r[:5] for r in rows] == [
        ("r1", "ann@example.com", 9.0, T(2026, 1, 15, 9, 30), "Fast"),
        ("r2", "bob@example.com", 3.0, T(2026, 7, 1, 7, 0), None),
    ]
    assert [json.loads(r[5]) for r in rows] == [{"Plan": "pro", "Country": "DE"}, {"Plan": "free"}]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind: nps\ncolumns: {score: x}\nextra: 1\n", "unknown key(s) extra"),
        ("timezone: Mars/Base\n", "timezone: 'Mars/Base' is not a known IANA zone"),
        ("timestamp_format: sometimes\n", "timestamp_format: 'sometimes' is not epoch_s, epoch_ms, iso"),
        ("kind: nps\ncolumns: {rating: x}\n", "columns: rating not field(s) of nps"),
        ("kind: invoices\ndimensions: [x]\n", "invoices keeps no extra columns"),
    ],
)
def test_unusable_mapping_files_name_file_and_key(tmp_path, text, message):
    path = tmp_path / "_mapping.yml"
    path.write_text(text)
    with pytest.raises(MappingError, match=r"_mapping\.yml: " + re.escape(message)):
        load_mapping(path)
