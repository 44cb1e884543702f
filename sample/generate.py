"""A seeded, realistic sample workspace, generated in DuckDB month by month.

Randomness comes from ``hash(seed, entity, salt)`` rather than a stateful RNG, so the
output is identical for the same arguments whatever the thread count, and no Python
loop ever touches a row. The story the data tells:

- accounts on plans (free, starter, pro, enterprise) created over time, some before the range;
- users join their account over time; habitual, regular and occasional personas with
  different daily activity, weekday rhythm, churn and later resurrection;
- features launched at different times with different adoption curves; four core events;
- a share of users browse anonymously on their first day and are identified at its end;
- quarterly NPS surveys whose scores follow the persona, with repeat answers and
  responses without a respondent id, and the survey channel as an extra dimension; feedback
  items naming features, some of them closed;
- subscriptions with trials, monthly and annual billing, upgrades, downgrades,
  cancellations and reactivations; an invoice per billing interval, a few left open past due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from sample.layouts import LAYOUTS, events_copy

# name, core, adoption probability, launch (share of the range), median delay in days
FEATURES: tuple[tuple[str, bool, float, float, int], ...] = (
    ("dashboard_viewed", True, 0.92, 0.0, 2),
    ("report_created", True, 0.55, 0.0, 10),
    ("report_shared", True, 0.30, 0.0, 25),
    ("invite_sent", True, 0.22, 0.0, 15),
    ("search_performed", False, 0.60, 0.0, 5),
    ("export_csv", False, 0.35, 0.0, 20),
    ("integration_connected", False, 0.15, 0.0, 30),
    ("alert_configured", False, 0.45, 0.4, 10),
    ("comment_added", False, 0.30, 0.6, 7),
)
PRICES = {"starter": 49.0, "pro": 199.0, "enterprise": 899.0}


@dataclass(frozen=True)
class GenerateOptions:
    """What to generate; ``users`` defaults to one user per 200 events."""

    events: int = 1_000_000
    days: int = 365
    users: int | None = None
    seed: int = 42
    start: dt.date | None = None
    layout: str = "canonical"  # how events are written: canonical, segment, amplitude, mixpanel

    @property
    def user_count(self) -> int:
        return self.users if self.users is not None else max(50, self.events // 200)

    @property
    def start_date(self) -> dt.date:
        return self.start or (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=self.days))


def generate(inbox: Path, options: GenerateOptions) -> dict[str, int]:
    """Write exports for every kind into ``inbox``; return rows written per kind.

    Events are written in ``options.layout``; the other kinds are always canonical CSV.
    """
    if options.layout not in LAYOUTS:
        raise ValueError(f"unknown layout {options.layout!r}; expected one of {', '.join(LAYOUTS)}")
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    _define_entities(con, options)
    counts = {"events": _write_events(con, inbox / "events", options)}
    counts["accounts"] = _copy_csv(con, _ACCOUNTS_SQL, inbox / "accounts" / "accounts.csv")
    counts["nps"] = _copy_csv(con, _nps_sql(options), inbox / "nps" / "nps_responses.csv")
    counts["feedback"] = _copy_csv(con, _FEEDBACK_SQL, inbox / "feedback" / "feedback.csv")
    counts["subscriptions"] = _copy_csv(con, _subscriptions_sql(options), inbox / "subscriptions" / "subscriptions.csv")
    counts["invoices"] = _copy_csv(con, _invoices_sql(options), inbox / "invoices" / "invoices.csv")
    con.close()
    return counts


def _define_entities(con: duckdb.DuckDBPyConnection, o: GenerateOptions) -> None:
    n_users = o.user_count
    n_accounts = max(5, n_users // 8)
    con.execute(f"CREATE MACRO u(a, b) AS (hash(a, b, {int(o.seed)}) % 1000003) / 1000003.0")
    con.execute(f"CREATE TABLE params AS SELECT DATE '{o.start_date}' AS start_date, {o.days} AS days")
    features = ", ".join(
        f"({i}, '{name}', {str(core).lower()}, {adopt}, {int(launch * o.days)}, {delay})"
        for i, (name, core, adopt, launch, delay) in enumerate(FEATURES)
    )
    con.execute(
        f"CREATE TABLE features AS SELECT * FROM (VALUES {features}) f(fidx, name, core, adoption, launch_day, delay)"
    )
    con.execute(_ACCOUNTS_TABLE_SQL, [n_accounts, o.days])
    con.execute(_USERS_TABLE_SQL, [n_users, n_accounts, o.days])


_ACCOUNTS_TABLE_SQL = """
CREATE TABLE accounts AS
WITH base AS (
    SELECT i, u(i, 1) AS up, u(i, 2) AS uc, u(i, 3) AS ub, u(i, 4) AS uk
    FROM range($1) t(i)
)
SELECT
    i AS account_idx,
    'acc_' || lpad(i::VARCHAR, 5, '0') AS account_id,
    CASE WHEN up < 0.35 THEN 'free' WHEN up < 0.70 THEN 'starter'
         WHEN up < 0.92 THEN 'pro' ELSE 'enterprise' END AS plan,
    CASE WHEN up < 0.70 THEN 'smb' WHEN up < 0.92 THEN 'mid_market' ELSE 'enterprise' END AS segment,
    CAST(floor(pow(uc, 0.8) * $2 * 0.85) AS INTEGER) - 45 AS created_day,
    CASE WHEN ub < 0.3 THEN 'year' ELSE 'month' END AS billing_interval,
    (['US', 'DE', 'GB', 'FR', 'BR', 'IN', 'JP', 'CA'])[1 + CAST(floor(uk * 8) AS INTEGER)] AS country
FROM base
"""

_USERS_TABLE_SQL = """
CREATE TABLE users AS
WITH base AS (
    SELECT i, CAST(floor(pow(u(i, 10), 1.6) * $2) AS INTEGER) AS account_idx,
           u(i, 11) AS uj, u(i, 12) AS up, u(i, 13) AS uc, u(i, 14) AS ucd,
           u(i, 15) AS ur, u(i, 16) AS urd, u(i, 17) AS ua, u(i, 18) AS uh
    FROM range($1) t(i)
), placed AS (
    SELECT b.*, a.account_id, a.plan,
           greatest(a.created_day, 0)
             + CAST(floor(uj * ($3 - greatest(a.created_day, 0)) * 0.92) AS INTEGER) AS join_day
    FROM base b JOIN accounts a USING (account_idx)
)
SELECT
    i AS user_idx,
    'u_' || lpad(i::VARCHAR, 7, '0') AS user_id,
    'anon_' || lpad(i::VARCHAR, 7, '0') AS anonymous_id,
    account_id, plan, join_day,
    CASE WHEN up < 0.15 THEN 'habitual' WHEN up < 0.5 THEN 'regular' ELSE 'occasional' END AS persona,
    CASE WHEN up < 0.15 THEN 0.70 WHEN up < 0.5 THEN 0.25 ELSE 0.04 END AS p_active,
    CASE WHEN up < 0.15 THEN 1.25 WHEN up < 0.5 THEN 1.0 ELSE 0.5 END AS adopt_factor,
    CASE WHEN uc < 0.5 THEN join_day + 7 + CAST(floor(pow(ucd, 2) * $3 * 0.6) AS INTEGER) END AS churn_day,
    CASE WHEN uc < 0.5 AND ur < 0.3
         THEN join_day + 7 + CAST(floor(pow(ucd, 2) * $3 * 0.6) AS INTEGER) + 20 + CAST(floor(urd * 60) AS INTEGER)
    END AS resurrect_day,
    ua < 0.3 AS anonymous_first_day,
    8 + CAST(floor(uh * 10) AS INTEGER) AS habit_hour
FROM placed
"""

# Active user-days: persona probability, quieter weekends, silence between churn and resurrection.
_USER_DAYS_SQL = """
SELECT us.user_idx, us.user_id, us.anonymous_id, us.account_id, us.plan, us.persona,
       us.adopt_factor, us.join_day, us.habit_hour, us.anonymous_first_day, d.day
FROM users us
JOIN range({lo}, {hi}) d(day) ON d.day >= us.join_day
WHERE (d.day = us.join_day
       OR u(us.user_idx * 1000 + d.day, 30)
          < us.p_active * CASE WHEN dayofweek((SELECT start_date FROM params) + d.day::INTEGER)
                                    IN (0, 6) THEN 0.3 ELSE 1.0 END)
  AND NOT (us.churn_day IS NOT NULL AND d.day >= us.churn_day
           AND (us.resurrect_day IS NULL OR d.day < us.resurrect_day))
"""

_EVENTS_SQL = """
WITH ud AS ({user_days}),
sized AS (
    SELECT ud.*, 1 + CAST(floor(-ln(greatest(u(user_idx * 1000 + day, 31), 1e-9))
                         * {mean_extra} * adopt_factor) AS INTEGER) AS n_events
    FROM ud
),
expanded AS (
    SELECT s.*, k, u(s.user_idx * 1000000 + s.day * 1000 + k, 32) AS un,
           CAST(floor(u(s.user_idx * 1000000 + s.day * 1000 + k, 33) * 9) AS INTEGER) AS fidx
    FROM sized s, range(n_events) r(k)
),
named AS (
    SELECT e.*,
        CASE WHEN e.un >= 0.35
              AND u(e.user_idx, 100 + e.fidx) < f.adoption * e.adopt_factor
              AND e.day >= f.launch_day
              AND e.day >= e.join_day + CAST(floor(u(e.user_idx, 200 + e.fidx) * 2 * f.delay) AS INTEGER)
             THEN f.name ELSE 'page_viewed' END AS event_name
    FROM expanded e JOIN features f USING (fidx)
),
stamped AS (
    SELECT *, (SELECT start_date FROM params) + day::INTEGER
              + to_seconds(CAST(habit_hour * 3600 + k * 97
                                + floor(u(user_idx * 1000000 + day * 1000 + k, 34) * 90) AS BIGINT))
              AS ts,
           anonymous_first_day AND day = join_day AS browsing_anonymously
    FROM named
),
identify AS (
    SELECT user_idx, user_id, anonymous_id, account_id, plan, day, 'identify' AS event_name,
           (SELECT start_date FROM params) + day::INTEGER + INTERVAL 23 HOUR AS ts, 9999 AS k
    FROM ud WHERE anonymous_first_day AND day = join_day
)
SELECT md5(concat_ws('-', {seed}, user_idx, day, k)) AS event_id, event_name,
       strftime(ts, '%Y-%m-%dT%H:%M:%S.%gZ') AS timestamp,
       CASE WHEN browsing_anonymously THEN NULL ELSE user_id END AS user_id,
       anonymous_id,
       CASE WHEN browsing_anonymously THEN NULL ELSE account_id END AS account_id,
       's_' || user_idx || '_' || day AS session_id,
       json_object('source', CASE WHEN un < 0.8 THEN 'web' ELSE 'mobile' END, 'plan', plan) AS properties
FROM stamped
UNION ALL
SELECT md5(concat_ws('-', {seed}, user_idx, day, k)), event_name,
       strftime(ts, '%Y-%m-%dT%H:%M:%S.%gZ'), user_id, anonymous_id, account_id,
       's_' || user_idx || '_' || day, json_object('source', 'web', 'plan', plan)
FROM identify
ORDER BY timestamp, event_id
"""


def _write_events(con: duckdb.DuckDBPyConnection, folder: Path, o: GenerateOptions) -> int:
    """One JSON-lines file per calendar month in the chosen layout, so memory stays bounded by a month.

    Events are written in time order (ties by id): without an order, DuckDB's parallel scan
    wrote the same seed's events in a different order from one run to the next.
    """
    folder.mkdir(parents=True, exist_ok=True)
    mean_extra = _mean_extra_events(con, o)
    return sum(
        _copy_events(con, o, folder, lo, hi, label, mean_extra) for lo, hi, label in _month_chunks(o.start_date, o.days)
    )


def generate_days(folder: Path, options: GenerateOptions, first_day: int, days: int = 1) -> int:
    """Write the events of day offsets ``[first_day, first_day + days)`` of the sample that
    ``options`` describes into one file in ``folder``; return how many.

    The users, accounts, habits and churn are those ``generate`` gives the same options, so
    days after its range are the days that follow it (a nightly export's next day: the same
    people on the same accounts, none of them new), and a day inside the range is exactly
    that day of its files.
    """
    folder.mkdir(parents=True, exist_ok=True)
    label = (options.start_date + dt.timedelta(days=first_day)).strftime("%Y_%m_%d")
    with duckdb.connect() as con:
        con.execute("SET preserve_insertion_order = false")
        _define_entities(con, options)
        return _copy_events(con, options, folder, first_day, first_day + days, label, _mean_extra_events(con, options))


def _mean_extra_events(con: duckdb.DuckDBPyConnection, o: GenerateOptions) -> float:
    """Events per active user-day beyond the first, so the range holds about ``o.events``."""
    active_days = con.execute(f"SELECT count(*) FROM ({_USER_DAYS_SQL.format(lo=0, hi=o.days)})").fetchone()[0]
    return max(o.events / max(active_days, 1) - 1.0, 0.0)


def _copy_events(
    con: duckdb.DuckDBPyConnection, o: GenerateOptions, folder: Path, lo: int, hi: int, label: str, mean_extra: float
) -> int:
    """The events of day offsets ``[lo, hi)`` written to ``folder`` in ``o.layout``, named by ``label``."""
    sql = _EVENTS_SQL.format(user_days=_USER_DAYS_SQL.format(lo=lo, hi=hi), mean_extra=mean_extra, seed=int(o.seed))
    return con.execute(events_copy(o.layout, sql, str(folder), label)).fetchone()[0]


def _month_chunks(start: dt.date, days: int) -> list[tuple[int, int, str]]:
    """Day-offset ranges [lo, hi) that each cover one calendar month of the range."""
    chunks, lo = [], 0
    while lo < days:
        day = start + dt.timedelta(days=lo)
        next_month = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        hi = min(days, (next_month - start).days)
        chunks.append((lo, hi, day.strftime("%Y_%m")))
        lo = hi
    return chunks


def _copy_csv(con: duckdb.DuckDBPyConnection, sql: str, target: Path) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    return con.execute(f"COPY ({sql}) TO '{target}' (FORMAT CSV, HEADER)").fetchone()[0]


_ACCOUNTS_SQL = """
SELECT account_id, 'Account ' || account_idx AS name, plan, segment, country,
       strftime((SELECT start_date FROM params) + created_day, '%Y-%m-%dT09:00:00Z') AS created_at
FROM accounts ORDER BY account_idx
"""


def _nps_sql(o: GenerateOptions) -> str:
    """Quarterly surveys; scores follow the persona; repeats and anonymous answers included."""
    return f"""
    WITH surveys AS (
        SELECT q, CAST(floor((q + 0.5) * {o.days} / 4) AS INTEGER) AS survey_day FROM range(4) t(q)
    ), asked AS (
        SELECT us.*, s.q, s.survey_day, u(us.user_idx * 10 + s.q, 40) AS ur,
               u(us.user_idx * 10 + s.q, 41) AS us_score, u(us.user_idx * 10 + s.q, 42) AS ud
        FROM users us CROSS JOIN surveys s
        WHERE us.join_day <= s.survey_day
          AND (us.churn_day IS NULL OR us.churn_day > s.survey_day)
    ), responded AS (
        SELECT *, CASE persona WHEN 'habitual' THEN 7 + CAST(floor(us_score * 4) AS INTEGER)
                               WHEN 'regular' THEN 5 + CAST(floor(us_score * 6) AS INTEGER)
                               ELSE CAST(floor(us_score * 9) AS INTEGER) END AS score,
               survey_day + CAST(floor(ud * 10) AS INTEGER) AS day
        FROM asked WHERE ur < 0.25
    ), answers AS (
        SELECT *, 0 AS attempt FROM responded
        UNION ALL
        SELECT * REPLACE (least(10, score + 1) AS score, day + 3 AS day), 1 FROM responded WHERE ud < 0.05
    )
    SELECT md5(concat_ws('-', {int(o.seed)}, 'nps', user_idx, q, attempt)) AS response_id,
           CASE WHEN ur < 0.01 THEN NULL ELSE user_id END AS respondent_id,
           account_id, score,
           strftime((SELECT start_date FROM params) + day + INTERVAL 14 HOUR, '%Y-%m-%dT%H:%M:%SZ')
             AS responded_at,
           'nps_q' || (q + 1) AS survey,
           CASE WHEN score >= 9 THEN 'Love the dashboards'
                WHEN score <= 6 THEN 'Reports are slow and hard to share' ELSE NULL END AS comment,
           json_object('channel', CASE WHEN u(user_idx * 10 + q, 43) < 0.6 THEN 'in_app' ELSE 'email' END)
             AS dimensions
    FROM answers WHERE day < {o.days} ORDER BY responded_at, response_id
    """


_FEEDBACK_SQL = """
WITH items AS (
    SELECT us.*, u(us.user_idx, 50) AS uf, u(us.user_idx, 51) AS ut, u(us.user_idx, 52) AS ud,
           CAST(floor(u(us.user_idx, 53) * 9) AS INTEGER) AS fidx
    FROM users us WHERE u(us.user_idx, 54) < 0.12
)
SELECT md5('fb-' || user_idx) AS feedback_id, user_id, account_id,
       strftime((SELECT start_date FROM params)
                + least(join_day + CAST(floor(ud * 90) AS INTEGER), (SELECT days - 1 FROM params))
                + INTERVAL 11 HOUR, '%Y-%m-%dT%H:%M:%SZ') AS created_at,
       CASE WHEN ut < 0.5 THEN 'request' WHEN ut < 0.8 THEN 'bug' ELSE 'praise' END AS type,
       CASE WHEN uf < 0.8 THEN f.name END AS feature,
       CASE WHEN ut < 0.5 THEN 'Please improve ' WHEN ut < 0.8 THEN 'Problem with '
            ELSE 'Great work on ' END || CASE WHEN uf < 0.8 THEN f.name ELSE 'the product' END AS title,
       json_object('status', CASE WHEN u(user_idx, 55) < 0.5 THEN 'closed' ELSE 'open' END) AS dimensions
FROM items JOIN features f USING (fidx)
ORDER BY created_at, feedback_id
"""


def _subscriptions_sql(o: GenerateOptions) -> str:
    """Subscription periods: optional trial, the first plan, then one change per account."""
    prices = " ".join(f"WHEN '{plan}' THEN {price}" for plan, price in PRICES.items())
    return f"""
    WITH acc AS (
        SELECT a.*, u(account_idx, 60) AS ut, u(account_idx, 61) AS uchange, u(account_idx, 62) AS uday,
               u(account_idx, 63) AS udisc,
               CASE WHEN plan = 'free' AND u(account_idx, 64) < 0.25 THEN 'starter' ELSE plan END AS paid_plan,
               CASE WHEN plan = 'free' THEN CAST(floor(u(account_idx, 65) * {o.days}) AS INTEGER)
                    ELSE created_day END AS paid_from
        FROM accounts a
    ), started AS (
        SELECT *, ut < 0.4 AS has_trial, paid_from + CASE WHEN ut < 0.4 THEN 14 ELSE 0 END AS first_day,
               paid_from + 30 + CAST(floor(uday * {o.days} * 0.8) AS INTEGER) AS change_day,
               CASE WHEN paid_from + 30 + CAST(floor(uday * {o.days} * 0.8) AS INTEGER) >= {o.days} THEN 'none'
                    WHEN uchange < 0.25 THEN 'upgrade' WHEN uchange < 0.38 THEN 'downgrade'
                    WHEN uchange < 0.55 THEN 'cancel' ELSE 'none' END AS change
        FROM acc WHERE paid_plan <> 'free'
    ), periods AS (
        SELECT account_idx, account_id, 'trial' AS phase, 1 AS sub_no, paid_plan AS plan,
               paid_from AS start_day, first_day AS end_day, billing_interval, 0.0 AS discount
        FROM started WHERE has_trial
        UNION ALL
        SELECT account_idx, account_id, 'first', 1, paid_plan, first_day,
               CASE WHEN change <> 'none' THEN change_day END, billing_interval,
               CASE WHEN udisc < 0.15 THEN 20.0 ELSE 0.0 END
        FROM started
        UNION ALL
        SELECT account_idx, account_id, change, 1,
               CASE WHEN change = 'upgrade'
                    THEN CASE paid_plan WHEN 'starter' THEN 'pro' ELSE 'enterprise' END
                    ELSE CASE paid_plan WHEN 'enterprise' THEN 'pro' ELSE 'starter' END END,
               change_day, NULL, billing_interval, 0.0
        FROM started WHERE change IN ('upgrade', 'downgrade')
        UNION ALL
        SELECT account_idx, account_id, 'reactivated', 2, paid_plan, change_day + 60, NULL, 'month', 0.0
        FROM started WHERE change = 'cancel' AND uday < 0.35
    )
    SELECT 'sub_' || account_idx || '_' || sub_no AS subscription_id, account_id AS customer_id,
           plan, (SELECT start_date FROM params) + start_day AS start_date,
           CASE WHEN end_day IS NOT NULL THEN (SELECT start_date FROM params) + end_day END AS end_date,
           CASE WHEN phase = 'trial' THEN 0.0
                WHEN billing_interval = 'year' THEN 10 * CASE plan {prices} END
                ELSE CASE plan {prices} END END AS amount,
           billing_interval AS interval, 'USD' AS currency, discount
    FROM periods
    WHERE start_day < {o.days} AND (end_day IS NULL OR end_day > start_day)
    ORDER BY customer_id, start_date
    """


def _invoices_sql(o: GenerateOptions) -> str:
    """One invoice per billing interval of every paid period; about 4% stay open past their due date."""
    return f"""
    WITH periods AS ({_subscriptions_sql(o)}),
    issued AS (
        SELECT p.*, k,
               CAST(p.start_date + to_months(CAST(k * CASE p.interval WHEN 'year' THEN 12 ELSE 1 END AS INTEGER))
                    AS DATE) AS invoiced_on
        FROM periods p, range(0, {o.days // 28 + 2}) r(k)
        WHERE p.amount > 0
    )
    SELECT 'in_' || md5(concat_ws('-', subscription_id, start_date, k)) AS invoice_id, customer_id, subscription_id,
           CASE WHEN u(subscription_id, 70 + k) < 0.04 THEN 'open' ELSE 'paid' END AS status,
           strftime(invoiced_on, '%Y-%m-%dT10:00:00Z') AS invoiced_at,
           strftime(invoiced_on + 14, '%Y-%m-%dT10:00:00Z') AS due_at,
           round(amount * (1 - discount / 100), 2) AS amount_due,
           CASE WHEN u(subscription_id, 70 + k) < 0.04 THEN 0 ELSE round(amount * (1 - discount / 100), 2) END
             AS amount_paid,
           currency
    FROM issued
    WHERE invoiced_on < (SELECT start_date + days FROM params)
      AND (end_date IS NULL OR invoiced_on < end_date)
    ORDER BY invoiced_at, invoice_id
    """
