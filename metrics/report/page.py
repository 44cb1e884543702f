"""The report page: one section per question a PM asks, drawn from the serving copy.

``write_report`` reads the serving copy read-only and writes ``serving/report.html`` whole
(temporary file, then rename), so a browser never opens half a page. The page has no
script and loads nothing: charts are inline SVG (``svg.py``), styles are inline.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

import duckdb

from metrics.report import svg
from metrics.report.sources import HEALTH_BANDS, MRR_MOVEMENTS, SOURCES
from metrics.serving import read_serving

Rows = list[dict[str, Any]]
Data = dict[str, Rows | str | None]  # rows, an error text, or None when the tables are not published


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    about: str
    source: str  # the source without which the section shows "no data yet"
    draw: Callable[[Data], str]


def load(con: duckdb.DuckDBPyConnection) -> Data:
    """Rows of every source; None for a source whose tables are not published yet."""
    published = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    data: Data = {}
    for name, source in SOURCES.items():
        if not set(source.tables) <= published:
            data[name] = None
            continue
        try:
            cursor = con.execute(source.sql)
        except duckdb.Error as exc:
            data[name] = f"cannot read {', '.join(source.tables)}: {str(exc).splitlines()[0]}"
            continue
        columns = [d[0] for d in cursor.description]
        data[name] = [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in cursor.fetchall()]
    return data


def _plain(value: Any) -> Any:
    """DECIMAL columns as floats, so charts do arithmetic on one number type."""
    return float(value) if isinstance(value, Decimal) else value


def _series(rows: Rows, x: str, names: dict[str, str]) -> list[svg.Series]:
    return [(label, [(r[x], r[column]) for r in rows]) for column, label in names.items()]


def _active(data: Data) -> str:
    rows = data["active"]
    return svg.line_chart(_series(rows, "metric_date", {"dau": "DAU", "wau": "WAU", "mau": "MAU"}), "Active users")


def _stickiness(data: Data) -> str:
    rows = data["active"]
    names = {"dau_mau": "DAU/MAU", "wau_mau": "WAU/MAU", "dau_wau": "DAU/WAU"}
    return svg.line_chart(_series(rows, "metric_date", names), "Stickiness ratios", svg.percent, y_max=1.0)


def _retention(data: Data) -> str:
    rows = data["retention"]
    cohorts = sorted({r["cohort_start"].isoformat() for r in rows})
    intervals = [str(i) for i in sorted({r["interval_index"] for r in rows})]
    cells = {(r["cohort_start"].isoformat(), str(r["interval_index"])): r["rate"] for r in rows}
    return svg.heatmap(cohorts, intervals, cells, "Weekly retention by cohort")


def _adoption(data: Data) -> str:
    bars = [(r["feature"], r["adoption_rate"] or 0.0, bool(r["is_core"])) for r in data["adoption"]]
    return svg.bar_chart(bars, "Feature adoption, 30 days")


def _lifecycle(data: Data) -> str:
    rows = sorted(data["lifecycle"], key=lambda r: r["period_start"])
    stacks = [
        ("new", [r["new_actors"] for r in rows], "#2563eb"),
        ("returning", [r["returning_actors"] for r in rows], "#16a34a"),
        ("resurrecting", [r["resurrecting_actors"] for r in rows], "#f59e0b"),
        ("dormant", [-r["dormant_actors"] for r in rows], "#dc2626"),
    ]
    return svg.stacked_bars([r["period_start"].isoformat() for r in rows], stacks, "Weekly lifecycle")


def _pes(data: Data) -> str:
    names = {"pes": "PES", "adoption": "adoption", "stickiness": "stickiness", "growth": "growth"}
    return svg.line_chart(_series(data["pes"], "as_of", names), "PES and components", y_max=100.0)


def _nps(data: Data) -> str:
    return svg.line_chart(_series(data["nps"], "period_start", {"nps": "NPS"}), "NPS per month")


def _mrr(data: Data) -> str:
    rows = data["mrr"]
    change = {r["movement"]: r["mrr_change"] for r in rows}
    month = rows[0]["month"]
    steps = [(m, change.get(m) or 0.0) for m in MRR_MOVEMENTS]
    return svg.waterfall((f"start {month:%Y-%m}", rows[0]["mrr_start"] or 0.0), steps, "MRR movements")


def _health(data: Data) -> str:
    counts = {r["band"]: r["accounts"] for r in data["health"]}
    stacks = [(band, [counts.get(band, 0)], color) for band, color in HEALTH_BANDS]
    chart = svg.stacked_bars(["accounts by band"], stacks, "Account health bands")
    return chart + _table(data.get("at_risk"), "At-risk accounts", SOURCES["at_risk"].waiting_for)


def _quality(data: Data) -> str:
    rows = data["quality"]
    stacks = [
        ("loaded", [r["rows_loaded"] for r in rows], "#16a34a"),
        ("quarantined", [r["rows_quarantined"] for r in rows], "#dc2626"),
        ("duplicate", [r["rows_duplicate"] for r in rows], "#94a3b8"),
    ]
    chart = svg.stacked_bars([r["kind"] for r in rows], stacks, "Rows per input kind")
    return (
        chart
        + _table(rows, "Files and rows per kind", SOURCES["quality"].waiting_for)
        + (
            _table(quarantine, "Quarantined rows by reason", SOURCES["quarantine"].waiting_for)
            if (quarantine := data.get("quarantine")) != []
            else '<div class="empty">No row was quarantined.</div>'
        )
    )


SECTIONS = (
    Section("active", "Active users", "DAU, WAU (7 days) and MAU (30 days) per day, users.", "active", _active),
    Section("stickiness", "Stickiness", "DAU/MAU, WAU/MAU and DAU/WAU per day, users.", "active", _stickiness),
    Section(
        "retention",
        "Retention",
        "Weekly first-activity cohorts (rows) and the share active k weeks later (columns), users.",
        "retention",
        _retention,
    ),
    Section("adoption", "Feature adoption", "Users who used each feature in the last 30 days.", "adoption", _adoption),
    Section(
        "lifecycle",
        "Lifecycle",
        "New, returning and resurrecting users per week (up) and dormant users (down).",
        "lifecycle",
        _lifecycle,
    ),
    Section("pes", "Product Engagement Score", "PES with adoption, stickiness and growth, users, daily.", "pes", _pes),
    Section("nps", "NPS", "Net Promoter Score per month.", "nps", _nps),
    Section("mrr", "MRR movements", "Last month: from starting MRR through each movement.", "mrr", _mrr),
    Section("health", "Account health", "Accounts per health band this week, and the at-risk list.", "health", _health),
    Section(
        "quality",
        "Data quality",
        "Every file loaded so far: rows loaded, quarantined and skipped as duplicates. "
        "This copy was published because every dbt test passed.",
        "quality",
        _quality,
    ),
)


def _table(rows: Rows | str | None, title: str, waiting_for: str) -> str:
    if not isinstance(rows, list) or not rows:
        return _empty(rows, waiting_for, title)
    head = "".join(f"<th>{escape(c)}</th>" for c in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{escape(_cell(v))}</td>" for v in r.values()) + "</tr>" for r in rows)
    return f'<h3>{escape(title)}</h3><table class="rows"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return svg.number(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _empty(rows: Rows | str | None, waiting_for: str, title: str = "") -> str:
    prefix = f"{escape(title)}: " if title else ""
    if isinstance(rows, str):
        return f'<div class="empty error">{prefix}{escape(rows)}</div>'
    return f'<div class="empty">{prefix}No data yet: this appears once {escape(waiting_for)} have been loaded.</div>'


def _section(section: Section, data: Data) -> str:
    rows = data[section.source]
    ready = isinstance(rows, list) and bool(rows)
    body = section.draw(data) if ready else _empty(rows, SOURCES[section.source].waiting_for)
    return (
        f'<section id="{section.key}" class="panel" data-status="{"ok" if ready else "empty"}">'
        f"<h2>{escape(section.title)}</h2><p>{escape(section.about)}</p>{body}</section>"
    )


def render(data: Data) -> str:
    """The whole page as one HTML string."""
    run = data.get("run")
    run_line = (
        f"Run {escape(run[0]['run_id'])}, published {run[0]['published_at']:%Y-%m-%d %H:%M} UTC"
        if isinstance(run, list) and run
        else "Not published yet"
    )
    nav = " · ".join(f'<a href="#{s.key}">{escape(s.title)}</a>' for s in SECTIONS)
    sections = "".join(_section(s, data) for s in SECTIONS)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>prodops report</title><style>{STYLE}</style></head><body>"
        f"<header><h1>prodops report</h1><p>{run_line} · generated "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC</p><nav>{nav}</nav></header>"
        f"<main>{sections}</main></body></html>"
    )


def write_report(serving_db: Path, out: Path) -> dict[str, str]:
    """Write the report for the serving copy; return each section's status (ok or empty)."""
    with read_serving(serving_db) as con:
        data = load(con)
    html = render(data)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, out)
    return {s.key: "ok" if isinstance(data[s.source], list) and data[s.source] else "empty" for s in SECTIONS}


STYLE = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;background:#f1f5f9;color:#0f172a}
header{background:#0f172a;color:#e2e8f0;padding:16px 24px}header h1{margin:0 0 4px;font-size:20px}
header p{margin:0 0 8px;color:#94a3b8}nav a{color:#93c5fd;text-decoration:none}
main{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:16px;padding:16px 24px}
.panel{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px rgba(15,23,42,.08)}
.panel h2{margin:0;font-size:16px}.panel>p{margin:2px 0 8px;color:#475569}.panel h3{font-size:14px;margin:12px 0 4px}
svg.chart{width:100%;height:auto;display:block}
.grid{stroke:#e2e8f0}.axis{stroke:#64748b}.tick,.legend,.label,.value{font-size:11px;fill:#475569}
.label{fill:#0f172a}.cell-text{font-size:10px}
.empty{border:1px dashed #94a3b8;border-radius:6px;padding:28px;text-align:center;color:#475569;background:#f8fafc}
.empty.error{border-color:#dc2626;color:#991b1b}
table.rows{border-collapse:collapse;width:100%;font-size:12px}
table.rows th,table.rows td{border-bottom:1px solid #e2e8f0;padding:3px 6px;text-align:left;vertical-align:top}
"""
