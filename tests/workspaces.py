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


# The columns of a Stripe Dashboard subscriptions export that the Stripe reader uses.
STRIPE_SUBSCRIPTION_HEADER = [
    "id", "Customer ID", "Customer Email", "Plan", "Quantity", "Currency", "Interval", "Interval Count", "Amount",
    "Status", "Created (UTC)", "Start Date (UTC)", "Current Period Start (UTC)", "Current Period End (UTC)",
    "Trial Start (UTC)", "Trial End (UTC)", "Canceled At (UTC)", "Cancel At Period End", "Ended At (UTC)",
    "Percent Off", "Amount Off", "Coupon Duration",
]  # fmt: skip


def voc_workspace(home: Path) -> Settings:
    """NPS, feedback, Stripe billing and a few events whose metrics tests/test_voc.py computes by hand.

    a1 (users u1, u2): u1 uses dashboards daily Mar 1-20, u2 creates a report on Mar 1; pays 100
    a month from Jan 5; an invoice open since Mar 1 was due Mar 15; one open bug (Mar 10).
    a2 (user u3): daily Mar 1-13 with three core events; a yearly plan of 1200 whose trial ends
    Jan 24 and which ended Mar 18. a3: a trial (Feb 1-15) cancelled on Feb 10, never paid.
    """
    settings = load_settings(home)
    days = [f"2026-03-{d:02d}" for d in range(1, 21)]
    events = [event(f"u1-{d}", "dashboard_viewed", f"{d}T09:00:00Z", "u1", account="a1") for d in days]
    events += [event(f"u3-{d}", "dashboard_viewed", f"{d}T10:00:00Z", "u3", account="a2") for d in days[:13]]
    events += [
        event("u2-1", "report_created", "2026-03-01T11:00:00Z", "u2", account="a1"),
        event("u3-r", "report_created", "2026-03-02T11:00:00Z", "u3", account="a2"),
        event("u3-s", "report_shared", "2026-03-03T11:00:00Z", "u3", account="a2"),
    ]
    write_jsonl(settings.inbox_dir("events") / "events.jsonl", events)
    write_csv(settings.inbox_dir("accounts") / "accounts.csv", ["account_id", "name", "plan"],
              [["a1", "Acme", "pro"], ["a2", "Globex", "starter"]])  # fmt: skip
    write_csv(
        settings.inbox_dir("nps") / "survey.csv",
        ["response_id", "respondent_id", "account_id", "score", "responded_at", "dimensions"],
        [
            ["n1", "r1", "a1", "10", "2026-01-05T10:00:00Z", '{"channel": "email"}'],
            ["n2", "r1", "a1", "4", "2026-01-20T10:00:00Z", '{"channel": "in_app"}'],
            ["n3", "r2", "a1", "8", "2026-01-10T10:00:00Z", '{"channel": "email"}'],
            ["n4", "", "a2", "9", "2026-01-12T10:00:00Z", '{"channel": "in_app"}'],
            ["n5", "r3", "a2", "9", "2026-03-03T10:00:00Z", '{"channel": "email"}'],
            ["n6", "r2", "a1", "10", "2026-03-04T10:00:00Z", '{"channel": "in_app"}'],
            ["n7", "r4", "a2", "9", "2026-03-04T11:00:00Z", '{"channel": "email"}'],
        ],
    )
    write_voc_snapshots(settings, "")
    return settings


def _stripe_subscription(**values: str) -> list[str]:
    """A Stripe subscriptions export row with the given columns, the others empty."""
    row = [""] * len(STRIPE_SUBSCRIPTION_HEADER)
    for column, value in values.items():
        row[STRIPE_SUBSCRIPTION_HEADER.index(column)] = value
    return row


VOC_SUBSCRIPTIONS: dict[str, dict[str, str]] = {
    "sub_a1": {"id": "sub_a1", "Customer ID": "a1", "Plan": "pro", "Currency": "usd", "Interval": "month",
               "Amount": "100.00", "Status": "active", "Start Date (UTC)": "2026-01-05 09:00",
               "Current Period End (UTC)": "2026-04-05 09:00"},
    "sub_a2": {"id": "sub_a2", "Customer ID": "a2", "Plan": "team", "Currency": "usd", "Interval": "year",
               "Amount": "1200.00", "Status": "canceled", "Start Date (UTC)": "2026-01-10 09:00",
               "Trial End (UTC)": "2026-01-24 09:00", "Current Period End (UTC)": "2027-01-24 09:00",
               "Ended At (UTC)": "2026-03-18 12:00"},
    "sub_a3": {"id": "sub_a3", "Customer ID": "a3", "Plan": "pro", "Currency": "usd", "Interval": "month",
               "Amount": "100.00", "Status": "canceled", "Start Date (UTC)": "2026-02-01 09:00",
               "Trial End (UTC)": "2026-02-15 09:00", "Current Period End (UTC)": "2026-02-15 09:00",
               "Ended At (UTC)": "2026-02-10 09:00"},
}  # fmt: skip
STRIPE_INVOICE_HEADER = ["id", "Customer", "Subscription", "Status", "Date (UTC)", "Due Date (UTC)", "Amount Due",
                         "Amount Paid", "Currency"]  # fmt: skip
VOC_INVOICES: dict[str, list[str]] = {
    "in_1": ["in_1", "a1", "sub_a1", "paid", "2026-01-05 09:00", "2026-01-19 09:00", "100.00", "100.00", "usd"],
    "in_2": ["in_2", "a1", "sub_a1", "open", "2026-03-01 09:00", "2026-03-15 09:00", "100.00", "0.00", "usd"],
    "in_3": ["in_3", "a2", "sub_a2", "paid", "2026-01-24 09:00", "2026-02-07 09:00", "1200.00", "1200.00", "usd"],
}


FEEDBACK_HEADER = ["feedback_id", "account_id", "created_at", "type", "feature", "dimensions"]
VOC_FEEDBACK: dict[str, list[str]] = {
    "f1": ["f1", "a1", "2026-03-10T10:00:00Z", "bug", "report_created", ""],
    "f2": ["f2", "a2", "2026-03-05T10:00:00Z", "request", "report_shared", '{"status": "closed"}'],
    "f3": ["f3", "a2", "2026-03-06T10:00:00Z", "praise", "dashboard_viewed", ""],
}


def write_voc_snapshots(
    settings: Settings,
    suffix: str,
    subscriptions: dict[str, dict[str, str]] | None = None,
    invoices: dict[str, list[str]] | None = None,
    feedback: dict[str, list[str]] | None = None,
) -> None:
    """The voc workspace's exports of changing records (Stripe subscriptions and invoices,
    feedback), in files named with ``suffix``: each record as in VOC_* unless restated."""
    write_csv(
        settings.inbox_dir("feedback") / f"feedback{suffix}.csv",
        FEEDBACK_HEADER,
        list({**VOC_FEEDBACK, **(feedback or {})}.values()),
    )
    subs = {**VOC_SUBSCRIPTIONS, **(subscriptions or {})}
    write_csv(
        settings.inbox_dir("subscriptions") / f"stripe_subscriptions{suffix}.csv",
        STRIPE_SUBSCRIPTION_HEADER,
        [_stripe_subscription(**values) for values in subs.values()],
    )
    write_csv(
        settings.inbox_dir("invoices") / f"stripe_invoices{suffix}.csv",
        STRIPE_INVOICE_HEADER,
        list({**VOC_INVOICES, **(invoices or {})}.values()),
    )
