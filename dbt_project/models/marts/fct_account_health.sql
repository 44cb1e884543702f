{{ config(
    materialized='incremental',
    incremental_strategy=day_rebuild_strategy(),
    unique_key='week_start',
    partition_by=['week_start'],
    on_schema_change='append_new_columns',
) }}
-- Account health per week (METRICS.md, Account health). Components on 0-100:
--   usage    = 100 x the account's users' DAU/MAU averaged over the week's days;
--   adoption = 100 x core features (the catalogue's) the account used in the 30 days ending the week / their number;
--   nps      = (account NPS + 100) / 2 over the respondents' answers in the health window;
--   billing  = 100 if MRR at the week's end >= MRR 28 days before, 50 if lower, 0 if none,
--              minus 50 with an overdue invoice; missing until the account first paid;
--   feedback = 100 - 25 x open bugs and requests created in the health window (floor 0);
--              missing when the workspace has no feedback at all.
-- The score is the weighted mean of the components present (var health_weights); a missing
-- component re-normalises the others and marks the row partial.
-- Incremental: a run rebuilds the weeks from the first one its new rows can change
-- (macros/health.sql), with the band of the week before them for previous_band and fell_band.
-- _built_at (naive UTC) tells which rows were loaded since; it is not published.
{%- set weights = var('health_weights') %}
{%- set components = ['usage', 'adoption', 'nps', 'billing', 'feedback'] %}
{%- set window = var('health_window_days') %}
{%- set dedup = var('nps_dedup') %}
{%- set since = health_rebuild_from() %}
with as_of as (
    select as_of from {{ ref('int_data_as_of') }}
),
accounts as (
    select account_id, min(first_date) as first_date
    from (
        select actor_id as account_id, first_date
        from {{ ref('int_actor_firsts') }} where unit = 'account'
        union all
        select account_id, cast({{ to_report_tz('created_at') }} as date) from {{ ref('stg_raw__accounts') }}
    ) as known
    group by account_id
),
weeks as (
    select distinct {{ period_start('week', 'metric_date') }} as week_start
    from ({{ day_spine(since or '(select min(first_date) from ' ~ ref('int_actor_firsts') ~ ')', '(select as_of from as_of)') }}) as days
),
grid as (
    select
        a.account_id,
        w.week_start,
        least(cast({{ dbt.dateadd('day', 6, 'w.week_start') }} as date), o.as_of) as week_end,
        cast({{ dbt.dateadd('day', 6, 'w.week_start') }} as date) <= o.as_of as is_complete
    from accounts as a
    cross join as_of as o
    join weeks as w on w.week_start >= {{ period_start('week', 'coalesce(a.first_date, w.week_start)') }}
),
{#- each week's mean of the days it has (an equality join on the week, not a range join on days) -#}
usage_weeks as (
    select u.account_id, {{ period_start('week', 'u.metric_date') }} as week_start, avg(u.dau_mau) as dau_mau
    from {{ ref('int_account_daily_usage') }} as u cross join as_of as o
    where u.metric_date <= o.as_of
    {%- if since %} and u.metric_date >= {{ since }}{% endif %}
    group by u.account_id, {{ period_start('week', 'u.metric_date') }}
),
usage as (
    select g.account_id, g.week_start, coalesce(100 * u.dau_mau, 0) as usage_score
    from grid as g
    left join usage_weeks as u on u.account_id = g.account_id and u.week_start = g.week_start
),
{#- each account's last use of each core feature per week: a window (week_end - 30, week_end]
    holds a use of a week if it holds that week's last one, and only the 6 weeks from the use's
    week on can hold it; an equality join on those weeks, not a range join over every day -#}
core_weeks as (
    select actor_id as account_id, feature, {{ period_start('week', 'activity_date') }} as use_week,
           max(activity_date) as last_use
    from {{ ref('int_actor_feature_days') }}
    where unit = 'account' and feature in {{ core_feature_list() }}
    {%- if since %} and activity_date >= cast({{ add_days(since, -42) }} as date){% endif %}
    group by actor_id, feature, {{ period_start('week', 'activity_date') }}
),
core_reach as (
    select c.account_id, c.feature, c.last_use,
           cast({{ add_days('c.use_week', '7 * k.k') }} as date) as week_start
    from core_weeks as c
    cross join (
        {%- for k in range(6) %}
        select {{ k }} as k{% if not loop.last %} union all{% endif %}
        {%- endfor %}
    ) as k
),
adoption as (
    select g.account_id, g.week_start,
           100.0 * count(distinct c.feature) / nullif({{ core_feature_count() }}, 0) as adoption_score
    from grid as g
    left join core_reach as c
        on c.account_id = g.account_id and c.week_start = g.week_start
        and c.last_use > cast({{ dbt.dateadd('day', -30, 'g.week_end') }} as date) and c.last_use <= g.week_end
    group by g.account_id, g.week_start
),
answers as (
    select g.account_id, g.week_start, r.nps_points,
        row_number() over (partition by g.account_id, g.week_start, r.respondent_id
                           order by r.responded_at desc, r.response_id desc) = 1 as is_latest_window,
        row_number() over (partition by g.account_id, g.week_start, r.respondent_id
                           order by r.responded_at, r.response_id) = 1 as is_first_window
    from grid as g
    join {{ ref('fct_nps_responses') }} as r
        on r.account_id = g.account_id
        and r.response_date > cast({{ dbt.dateadd('day', -window, 'g.week_end') }} as date) and r.response_date <= g.week_end
),
nps as (
    select account_id, week_start, (avg(cast(nps_points as double)) + 100) / 2 as nps_score
    from answers where {{ nps_dedup_filter(dedup, 'window') }}
    group by account_id, week_start
),
first_paid as (
    select customer_id, min(start_date) as first_paid_date
    from {{ ref('int_subscription_periods') }} where mrr > 0 group by customer_id
),
{#- billing is missing until the account first paid: only the weeks after it get dates -#}
billing_dates as (
    select g.account_id as customer_id, g.week_start, g.week_end,
           cast({{ dbt.dateadd('day', -28, 'g.week_end') }} as date) as month_before
    from grid as g
    join first_paid as fp on fp.customer_id = g.account_id and fp.first_paid_date <= g.week_end
),
{#- MRR at the week's end and 28 days before it, side by side: one row per account and week -#}
billing_points as (
    select customer_id, week_start, week_end as on_date, 1 as is_now from billing_dates
    union all
    select customer_id, week_start, month_before, 0 from billing_dates
),
billing_mrr as (
    select customer_id, week_start,
           max(case when is_now = 1 then mrr end) as mrr_now,
           max(case when is_now = 0 then mrr end) as mrr_before
    from ({{ mrr_on('billing_points', 'on_date', ref('int_subscription_periods'), carry=['week_start', 'is_now']) }}) as points
    group by customer_id, week_start
),
overdue as (
    select distinct d.customer_id, d.week_start
    from billing_dates as d
    join {{ ref('stg_raw__invoices') }} as i
        on i.customer_id = d.customer_id
        and i.invoice_status in ('open', 'uncollectible')
        and cast(i.invoiced_at as date) <= d.week_end
        and cast(coalesce(i.due_at, {{ dbt.dateadd('day', 30, 'i.invoiced_at') }}) as date) < d.week_end
),
billing as (
    select d.customer_id as account_id, d.week_start,
        greatest(0,
            case when m.mrr_now = 0 then 0 when m.mrr_now < m.mrr_before then 50 else 100 end
            - case when o.customer_id is not null then 50 else 0 end) as billing_score
    from billing_dates as d
    join billing_mrr as m on m.customer_id = d.customer_id and m.week_start = d.week_start
    left join overdue as o on o.customer_id = d.customer_id and o.week_start = d.week_start
),
feedback as (
    select g.account_id, g.week_start,
        case when (select count(*) from {{ ref('stg_raw__feedback_items') }}) > 0
             then greatest(0, 100 - 25 * count(f.feedback_id)) end as feedback_score
    from grid as g
    left join {{ ref('stg_raw__feedback_items') }} as f
        on f.account_id = g.account_id
        and f.feedback_type in ('bug', 'request')
        and coalesce(lower({{ json_text('f.dimensions', 'status') }}), 'open')
            not in ('closed', 'done', 'resolved', 'fixed', 'wont_fix')
        and cast({{ to_report_tz('f.created_at') }} as date) > cast({{ dbt.dateadd('day', -window, 'g.week_end') }} as date)
        and cast({{ to_report_tz('f.created_at') }} as date) <= g.week_end
    group by g.account_id, g.week_start
),
components as (
    select g.account_id, g.week_start, g.week_end, g.is_complete,
           u.usage_score, ad.adoption_score, n.nps_score, b.billing_score, fb.feedback_score
    from grid as g
    join usage as u on u.account_id = g.account_id and u.week_start = g.week_start
    join adoption as ad on ad.account_id = g.account_id and ad.week_start = g.week_start
    left join nps as n on n.account_id = g.account_id and n.week_start = g.week_start
    left join billing as b on b.account_id = g.account_id and b.week_start = g.week_start
    join feedback as fb on fb.account_id = g.account_id and fb.week_start = g.week_start
),
scored as (
    select *,
        (
            {%- for c in components %}
            coalesce({{ c }}_score * {{ weights[c] }}, 0){{ ' +' if not loop.last }}
            {%- endfor %}
        ) / nullif(
            {%- for c in components %}
            case when {{ c }}_score is not null then {{ weights[c] }} else 0 end{{ ' +' if not loop.last }}
            {%- endfor %}
        , 0) as health_score,
        {%- for c in components if weights[c] > 0 %}
        {{ c }}_score is null{{ ' or' if not loop.last }}
        {%- endfor %} as is_partial
    from components
),
banded as (
    select *,
        case when health_score is null then null when health_score < 50 then 'red'
             when health_score <= 75 then 'yellow' else 'green' end as band,
        case when health_score is null then null when health_score < 50 then 0
             when health_score <= 75 then 1 else 2 end as band_rank
    from scored
),
{#- the bands in week order, with the stored week before the rebuilt ones (it is not written again) -#}
band_sequence as (
    select *, true as is_rebuilt from banded
    {%- if since %}
    union all
    select account_id, week_start, week_end, is_complete,
        {%- for c in components %} {{ c }}_score,{% endfor %}
        health_score, is_partial, band,
        case band when 'red' then 0 when 'yellow' then 1 when 'green' then 2 end, false
    from {{ this }}
    where week_start < {{ since }} and week_start >= cast({{ add_days(since, -7) }} as date)
    {%- endif %}
),
compared as (
    select *,
        lag(band) over (partition by account_id order by week_start) as previous_band,
        coalesce(band_rank < lag(band_rank) over (partition by account_id order by week_start), false) as fell_band
    from band_sequence
)
select
    account_id, week_start, week_end, is_complete,
    {%- for c in components %}
    {{ c }}_score,
    {%- endfor %}
    health_score, is_partial, band, previous_band, fell_band,
    coalesce(band = 'red', false) or fell_band as is_at_risk,
    cast(current_timestamp as timestamp) as _built_at
from compared
where is_rebuilt
