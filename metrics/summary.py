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
_NPS = """
SELECT period, period_start, respondents, promoters, passives, detractors, nps FROM fct_nps
WHERE dimension = 'all' AND period IN ('quarter', 'all') AND respondents > 0
QUALIFY period_start IS NOT DISTINCT FROM max(period_start) OVER (PARTITION BY period)
ORDER BY period DESC
"""
_REVENUE = """
SELECT m.month_start, m.measured_on, m.currency, m.mrr, m.arr, m.paying_customers, m.arpa,
       m.new_mrr, m.expansion_mrr, m.contraction_mrr, m.churn_mrr, m.reactivation_mrr, m.mrr_change,
       r.grr, r.nrr, r.logo_churn_rate
FROM fct_mrr_movements AS m JOIN fct_revenue_retention AS r USING (month_start)
ORDER BY m.month_start DESC LIMIT 1
"""
_HEALTH = """
SELECT week_start, count(*) FILTER (WHERE band = 'green'), count(*) FILTER (WHERE band = 'yellow'),
       count(*) FILTER (WHERE band = 'red'), count(*) FILTER (WHERE is_partial), count(*) FILTER (WHERE is_at_risk)
FROM fct_account_health WHERE week_start = (SELECT max(week_start) FROM fct_account_health)
GROUP BY week_start
"""
_REVENUE_KEYS = (
    *("month_start", "measured_on", "currency", "mrr", "arr", "paying_customers", "arpa"),
    *("new_mrr", "expansion_mrr", "contraction_mrr", "churn_mrr", "reactivation_mrr", "mrr_change"),
    *("grr", "nrr", "logo_churn_rate"),
)
_NPS_KEYS = ("period", "start", "n", "promoters", "passives", "detractors", "nps")


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
    nps: list[dict[str, Any]] = field(default_factory=list)
    revenue: dict[str, Any] = field(default_factory=dict)
    health: dict[str, Any] = field(default_factory=dict)


def read_summary(serving_db: Path) -> Summary:
    """Collect the summary from the serving copy (which exists after any successful run)."""
    with read_serving(serving_db) as con:
        loads = con.execute(_LOADS).fetchone()
        active = con.execute(_ACTIVE).fetchone()
        features = con.execute(_ADOPTION).fetchall()
        pes = con.execute(_PES).fetchone()
        nps = con.execute(_NPS).fetchall()
        revenue = con.execute(_REVENUE).fetchone()
        health = con.execute(_HEALTH).fetchone()
    summary = Summary(*loads, top_features=[tuple(f) for f in features])
    if pes:
        summary.pes = dict(zip(("as_of", "adoption", "stickiness", "growth", "pes"), pes, strict=True))
    summary.nps = [dict(zip(_NPS_KEYS, row, strict=True)) for row in nps]
    if revenue and revenue[5]:  # somebody pays
        summary.revenue = dict(zip(_REVENUE_KEYS, revenue, strict=True))
    if health:
        summary.health = dict(zip(("week", "green", "yellow", "red", "partial", "at_risk"), health, strict=True))
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
    lines += _nps_lines(summary.nps) + _revenue_lines(summary.revenue) + _health_lines(summary.health)
    return "\n".join(lines)


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _nps_lines(rows: list[dict[str, Any]]) -> list[str]:
    parts = []
    for r in rows:
        label = "all time" if r["period"] == "all" else f"quarter of {r['start']}"
        parts.append(
            f"{label} {r['nps']:+.1f} (n={r['n']:,}: {r['promoters']:,} promoters, "
            f"{r['passives']:,} passives, {r['detractors']:,} detractors)"
        )
    return [f"NPS                {parts[0]}", *[f"                   {p}" for p in parts[1:]]] if parts else []


def _revenue_lines(r: dict[str, Any]) -> list[str]:
    if not r:
        return []
    cur = r["currency"]
    moves = " · ".join(
        f"{name} {r[name + '_mrr']:+,.2f}" for name in ("new", "expansion", "contraction", "churn", "reactivation")
    )
    retention = " · ".join(
        f"{label} {value:.1%}"
        for label, value in (("GRR", r["grr"]), ("NRR", r["nrr"]), ("logo churn", r["logo_churn_rate"]))
        if value is not None
    )
    return [
        f"MRR                {r['mrr']:,.2f} {cur} on {r['measured_on']} · ARR {r['arr']:,.2f} · "
        f"{r['paying_customers']:,} paying · ARPA {r['arpa']:,.2f}",
        f"MRR movements      {r['month_start']:%Y-%m}: {moves} (net {r['mrr_change']:+,.2f})",
        *([f"Revenue retention  {r['month_start']:%Y-%m}: {retention}"] if retention else []),
    ]


def _health_lines(h: dict[str, Any]) -> list[str]:
    if not h:
        return []
    return [
        f"Account health     week of {h['week']}: {h['green']:,} green · {h['yellow']:,} yellow · {h['red']:,} red "
        f"({h['partial']:,} partial); {h['at_risk']:,} at risk (see rpt_accounts_at_risk)"
    ]
