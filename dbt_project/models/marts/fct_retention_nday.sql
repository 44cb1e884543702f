{{ config(
    materialized='incremental',
    incremental_strategy=day_rebuild_strategy(),
    unique_key='cohort_date',
    partition_by=['cohort_date'],
) }}
-- N-day retention (D1, D7, D30): of the actors whose first activity was on a day, the share
-- active exactly N days later. Only cohorts whose day N has data appear.
-- Incremental: the days a run rebuilds (from the last cohort minus `lookback_days`) are day N
-- of the cohorts up to 30 days before them, so those cohorts are rebuilt, reading the
-- activity and the firsts from the first of them on (at 100M a night joined every actor day
-- of the history, 17M rows, with every first).
{% set day_ns = [1, 7, 30] %}
{% set since = rebuild_since('cohort_date') %}
{% set first_cohort = 'cast(' ~ dbt.dateadd('day', -(day_ns | max), since) ~ ' as date)' if since else none %}
with days as (
    select unit, actor_id, activity_date from {{ ref('int_actor_days') }}
    {%- if since %}
    where activity_date >= {{ first_cohort }}
    {%- endif %}
),
firsts as (
    select unit, actor_id, first_date as cohort_date from {{ ref('int_actor_firsts') }}
    {%- if since %}
    where first_date >= {{ first_cohort }}
    {%- endif %}
),
last_day as (select max(activity_date) as last_day from days),
ns as (
    {%- for n in day_ns %}
    select {{ n }} as day_n{% if not loop.last %} union all{% endif %}
    {%- endfor %}
),
cells as (
    select f.unit, f.cohort_date, ns.day_n, count(*) as cohort_size
    from firsts as f cross join ns cross join last_day as l
    where {{ dbt.dateadd('day', 'ns.day_n', 'f.cohort_date') }} <= l.last_day
    group by f.unit, f.cohort_date, ns.day_n
),
returned as (
    select f.unit, f.cohort_date, ns.day_n, count(*) as retained
    from firsts as f
    cross join ns
    join days as d
        on d.unit = f.unit and d.actor_id = f.actor_id
        and d.activity_date = cast({{ dbt.dateadd('day', 'ns.day_n', 'f.cohort_date') }} as date)
    group by f.unit, f.cohort_date, ns.day_n
)
select c.unit, c.cohort_date, c.day_n, c.cohort_size,
       coalesce(r.retained, 0) as retained,
       coalesce(r.retained, 0) / c.cohort_size as rate
from cells as c
left join returned as r on r.unit = c.unit and r.cohort_date = c.cohort_date and r.day_n = c.day_n
