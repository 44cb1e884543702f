"""The short metric summary printed after a run, read from the serving copy only."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from metrics.serving import read_serving

_LOADS = """
SELECT coalesce(sum(rows_loaded) FILTER (WHERE kind = 'events'), 0),
       coalesce(sum(rows_quarantined), 0),
       coalesce(sum(rows_duplicate), 0),
       count(*)
FROM rpt_load_ledger
"""
_ACTIVE = """
SELECT metric_date, dau, wau, mau, dau_mau,
       avg(dau_mau) OVER (ORDER BY metric_date ROWS BETWEEN 29 PRECEDING AND CURRENT ROW) AS dau_mau_30d
FROM fct_daily_active WHERE unit = 'user'
QUALIFY metric_date = max(metric_date) OVER ()
"""
_PES = """
SELECT as_of, adoption, stickiness, growth, pes FROM fct_pes_daily
WHERE unit = 'user' AND dimension = 'all' ORDER BY as_of DESC LIMIT 1
"""
_ADOPTION = """
SELECT feature, adopters, adoption_rate FROM fct_feature_adoption
WHERE unit = 'user' AND window_days = 30
ORDER BY adoption_rate DESC, feature LIMIT 5
"""


@dataclass
class Summary:
    """Headline numbers of the published data."""

    events_loaded: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    files: int = 0
    active: dict[str, Any] = field(default_factory=dict)
    pes: dict[str, Any] = field(default_factory=dict)
    top_features: list[tuple[str, int, float]] = field(default_factory=list)


def read_summary(serving_db: Path) -> Summary:
    """Collect the summary from the serving copy (which exists after any successful run)."""
    with read_serving(serving_db) as con:
        loads = con.execute(_LOADS).fetchone()
        active = con.execute(_ACTIVE).fetchone()
        features = con.execute(_ADOPTION).fetchall()
        pes = con.execute(_PES).fetchone()
    summary = Summary(*loads, top_features=[tuple(f) for f in features])
    if pes:
        summary.pes = dict(zip(("as_of", "adoption", "stickiness", "growth", "pes"), pes, strict=True))
    if active:
        summary.active = dict(zip(("date", "dau", "wau", "mau", "dau_mau", "dau_mau_30d"), active, strict=True))
    return summary


def format_summary(summary: Summary) -> str:
    """The summary as a few lines of text."""
    lines = [
        f"Events loaded      {summary.events_loaded:,}  (from {summary.files} files; "
        f"{summary.rows_quarantined:,} rows quarantined, {summary.rows_duplicate:,} duplicates)",
    ]
    a = summary.active
    if a:
        ratio = f"{a['dau_mau']:.1%}" if a["dau_mau"] is not None else "n/a"
        mean = f"{a['dau_mau_30d']:.1%}" if a["dau_mau_30d"] is not None else "n/a"
        lines.append(f"Active users       {a['date']}: DAU {a['dau']:,} · WAU {a['wau']:,} · MAU {a['mau']:,}")
        lines.append(f"Stickiness         DAU/MAU {ratio} (30-day mean {mean})")
    if summary.pes:
        p = summary.pes
        lines.append(
            f"PES (users)        {_score(p['pes'])} on {p['as_of']}: adoption {_score(p['adoption'])} · "
            f"stickiness {_score(p['stickiness'])} · growth {_score(p['growth'])}"
        )
    if summary.top_features:
        lines.append("Top features (30-day adoption, users):")
        lines += [f"  {name:<24} {rate:6.1%}  ({adopters:,} users)" for name, adopters, rate in summary.top_features]
    return "\n".join(lines)


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"
