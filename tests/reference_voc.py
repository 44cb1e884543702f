"""Independent plain-Python references for NPS and MRR movements, written from METRICS.md.

Brute force over the inbox's canonical CSV files: no SQL, no shared code with the marts.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

MONTHLY = {"day": 365 / 12, "week": 52 / 12, "month": 1.0, "quarter": 1 / 3, "year": 1 / 12}
MOVEMENTS = ("new", "expansion", "contraction", "churn", "reactivation")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open() as handle:
        return list(csv.DictReader(handle))


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def last_day_with_data(inbox: Path, last_event_day: dt.date) -> dt.date:
    """The latest day among events, NPS answers, feedback, subscription starts and invoices."""
    days = [last_event_day]
    days += [_day(r["responded_at"]) for r in _rows(inbox / "nps" / "nps_responses.csv")]
    days += [_day(r["created_at"]) for r in _rows(inbox / "feedback" / "feedback.csv")]
    days += [_day(r["start_date"]) for r in _rows(inbox / "subscriptions" / "subscriptions.csv")]
    days += [_day(r["invoiced_at"]) for r in _rows(inbox / "invoices" / "invoices.csv")]
    return max(days)


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def mrr_movements(subscriptions_csv: Path, as_of: dt.date) -> dict[dt.date, dict[str, float]]:
    """Per month: MRR on its last day (or as_of) and the movements of METRICS.md, summed over customers."""
    periods = _rows(subscriptions_csv)
    month = min(_day(p["start_date"]) for p in periods).replace(day=1)
    previous: dict[str, float] = defaultdict(float)
    paid_before: set[str] = set()
    out = {}
    while month <= as_of:
        day = min(_month_end(month), as_of)
        current: dict[str, float] = defaultdict(float)
        for p in periods:
            if _day(p["start_date"]) <= day and (not p["end_date"] or _day(p["end_date"]) > day):
                discount = float(p["discount"] or 0)
                amount = float(p["amount"]) * float(p.get("quantity") or 1)
                current[p["customer_id"]] += amount * (1 - discount / 100) * MONTHLY[p["interval"]]
        totals = dict.fromkeys(MOVEMENTS, 0.0)
        for customer in set(current) | set(previous):
            now, before = current[customer], previous[customer]
            if before == 0 and now > 0:
                totals["reactivation" if customer in paid_before else "new"] += now
            elif before > 0 and now == 0:
                totals["churn"] -= before
            elif now > before:
                totals["expansion"] += now - before
            elif now < before:
                totals["contraction"] -= before - now
        paid_before |= {c for c, v in current.items() if v > 0}
        out[month] = {"mrr": sum(current.values()), **totals}
        previous = current
        month = _month_end(month) + dt.timedelta(days=1)
    return out


def quarterly_nps(nps_csv: Path) -> dict[dt.date, tuple[int, int, int, int]]:
    """Quarter -> (respondents, promoters, passives, detractors), each respondent's latest answer."""
    latest: dict[tuple[dt.date, str], tuple[str, str, int]] = {}
    for r in _rows(nps_csv):
        day = _day(r["responded_at"])
        quarter = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        respondent = r["respondent_id"] or "response:" + r["response_id"]
        answer = (r["responded_at"], r["response_id"], int(r["score"]))
        key = (quarter, respondent)
        if key not in latest or answer[:2] > latest[key][:2]:
            latest[key] = answer
    out: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for (quarter, _), (_, _, score) in latest.items():
        counts = out[quarter]
        counts[0] += 1
        counts[1 if score >= 9 else 2 if score >= 7 else 3] += 1
    return {q: tuple(c) for q, c in out.items()}
