"""Building test workspaces: tiny hand-made inboxes and generated samples."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from settings import Settings, load_settings


def write_jsonl(path: Path, rows: list[dict[str, Any] | str]) -> Path:
    """Rows as JSON lines; a ``str`` row is written verbatim (for broken lines)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def event(
    event_id: str, name: str, ts: str, user: str | None = None, anon: str | None = None, account: str | None = None
) -> dict[str, Any]:
    return {
        "event_id": event_id,
        "event_name": name,
        "timestamp": ts,
        "user_id": user,
        "anonymous_id": anon,
        "account_id": account,
        "session_id": None,
        "properties": {"source": "web"},
    }


# The tiny event log whose metrics tests/test_pipeline.py computes by hand.
# u1: Jan 5, 6, 13 · u2: Jan 5, 20 · u3: anonymous on Jan 12 (identified that day), Jan 14.
TINY_EVENTS: list[dict[str, Any] | str] = [
    event("e1", "dashboard_viewed", "2026-01-05T09:00:00Z", "u1", "d1", "a1"),
    event("e2", "dashboard_viewed", "2026-01-05T10:00:00Z", "u2", "d2", "a1"),
    event("e3", "report_created", "2026-01-06T09:30:00Z", "u1", "d1", "a1"),
    event("e4", "page_viewed", "2026-01-12T08:00:00Z", None, "anon3"),
    event("e5", "identify", "2026-01-12T08:05:00Z", "u3", "anon3", "a2"),
    event("e6", "dashboard_viewed", "2026-01-13T11:00:00Z", "u1", "d1", "a1"),
    event("e7", "dashboard_viewed", "2026-01-14T12:00:00Z", "u3", "anon3", "a2"),
    event("e8", "report_created", "2026-01-20T15:00:00+02:00", "u2", "d2", "a1"),
    "{not json",  # line 9: quarantined
    event("e3", "report_created", "2026-01-06T09:30:00Z", "u1", "d1", "a1"),  # line 10: duplicate id
    event("e9", "dashboard_viewed", "yesterday", "u1", "d1", "a1"),  # line 11: quarantined
]


def tiny_workspace(home: Path) -> Settings:
    """A workspace holding TINY_EVENTS and two accounts (no NPS, feedback or billing)."""
    settings = load_settings(home)
    write_jsonl(settings.inbox_dir("events") / "events.jsonl", TINY_EVENTS)
    write_csv(
        settings.inbox_dir("accounts") / "accounts.csv",
        ["account_id", "name", "plan"],
        [["a1", "Acme", "pro"], ["a2", "Globex", "starter"]],
    )
    return settings
