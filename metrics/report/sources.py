"""What each report section reads from the serving copy: tables it needs and the query.

This is the one place that names tables and columns for the report. A section whose tables
are not published yet shows a "no data yet" panel and picks the data up on the first publish
that has them. The queries only select and order what the marts computed: no metric math.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """Tables a section needs (all must exist) and the query giving its rows."""

    tables: tuple[str, ...]
    sql: str
    waiting_for: str  # what has to be loaded for the tables to have rows, said to a reader


SOURCES: dict[str, Source] = {
    "active": Source(
        ("fct_daily_active",),
        """SELECT metric_date, dau, wau, mau, dau_mau, wau_mau, dau_wau FROM fct_daily_active
           WHERE unit = 'user' ORDER BY metric_date""",
        "product events",
    ),
    "retention": Source(
        ("fct_retention_cohorts",),
        """SELECT cohort_start, interval_index, rate FROM fct_retention_cohorts
           WHERE unit = 'user' AND period = 'week' AND NOT is_cumulative
             AND cohort_start >= (SELECT max(cohort_start) FROM fct_retention_cohorts) - INTERVAL 11 WEEK
             AND interval_index <= 11
           ORDER BY cohort_start, interval_index""",
        "product events",
    ),
    "adoption": Source(
        ("fct_feature_adoption",),
        """SELECT feature, adoption_rate, is_core FROM fct_feature_adoption
           WHERE unit = 'user' AND window_days = 30 ORDER BY adoption_rate DESC, feature LIMIT 15""",
        "product events",
    ),
    "lifecycle": Source(
        ("fct_lifecycle",),
        """SELECT period_start, new_actors, returning_actors, resurrecting_actors, dormant_actors
           FROM fct_lifecycle WHERE unit = 'user' AND period = 'week'
           ORDER BY period_start DESC LIMIT 16""",
        "product events",
    ),
    "pes": Source(
        ("fct_pes_daily",),
        """SELECT as_of, pes, adoption, stickiness, growth FROM fct_pes_daily
           WHERE unit = 'user' AND dimension = 'all' ORDER BY as_of""",
        "product events",
    ),
    "nps": Source(
        ("fct_nps",),
        """SELECT period_start, nps, respondents FROM fct_nps
           WHERE period = 'month' AND dimension = 'all' ORDER BY period_start""",
        "NPS survey responses",
    ),
    "mrr": Source(
        ("fct_mrr_movements",),
        """SELECT month_start AS month, movement, CAST(mrr_change AS DOUBLE) AS mrr_change,
                  CAST(previous_mrr AS DOUBLE) AS mrr_start
           FROM (SELECT month_start, previous_mrr, new_mrr AS new, expansion_mrr AS expansion,
                        reactivation_mrr AS reactivation, contraction_mrr AS contraction, churn_mrr AS churn
                 FROM fct_mrr_movements WHERE month_start = (SELECT max(month_start) FROM fct_mrr_movements))
           UNPIVOT (mrr_change FOR movement IN (new, expansion, reactivation, contraction, churn))
           ORDER BY movement""",
        "billing (subscription) exports",
    ),
    "health": Source(
        ("fct_account_health",),
        """SELECT band, count(*) AS accounts FROM fct_account_health
           WHERE week_start = (SELECT max(week_start) FROM fct_account_health) AND band IS NOT NULL GROUP BY band""",
        "product events, NPS and billing exports",
    ),
    "at_risk": Source(
        ("rpt_accounts_at_risk",),
        "SELECT account_id, health_score, band, reason FROM rpt_accounts_at_risk ORDER BY health_score LIMIT 25",
        "product events, NPS and billing exports",
    ),
    "quality": Source(
        ("rpt_load_ledger",),
        """SELECT kind, count(*) AS files, sum(rows_read) AS rows_read, sum(rows_loaded) AS rows_loaded,
                  sum(rows_quarantined) AS rows_quarantined, sum(rows_duplicate) AS rows_duplicate
           FROM rpt_load_ledger GROUP BY kind ORDER BY kind""",
        "any export",
    ),
    "quarantine": Source(
        ("rpt_quarantine_summary",),
        """SELECT kind, file_path, reason, rows_quarantined, first_line FROM rpt_quarantine_summary
           ORDER BY rows_quarantined DESC LIMIT 20""",
        "any export",
    ),
    "run": Source(("publish_info",), "SELECT run_id, published_at, tables FROM publish_info", "a first run"),
}
# Movements of the MRR waterfall, in the order they are drawn.
MRR_MOVEMENTS = ("new", "expansion", "reactivation", "contraction", "churn")
# Health bands, worst first, and their colours.
HEALTH_BANDS = (("red", "#dc2626"), ("yellow", "#f59e0b"), ("green", "#16a34a"))
