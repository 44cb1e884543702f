{#-
  First-time cohort retention on any activity (METRICS.md, Retention): the cohort is the
  period of the actor's first activity; interval 0 is the cohort size; interval k counts
  cohort actors active in period cohort+k (exact) or in any period >= cohort+k (cumulative).
  Cells run up to the last period with data (ragged triangle), zero-filled inside it.
-#}
{% macro cohort_retention(actor_days, unit, period, cumulative) -%}
with actor_periods as (
    select distinct actor_id, {{ period_start(period, 'activity_date') }} as period_start
    from {{ actor_days }}
    where unit = '{{ unit }}'
),
cohorts as (
    select actor_id, min(period_start) as cohort_start from actor_periods group by actor_id
),
bounds as (select min(activity_date) as lo, max(activity_date) as hi from {{ actor_days }}),
periods as (
    select distinct {{ period_start(period, 'metric_date') }} as period_start
    from ({{ day_spine('(select lo from bounds)', '(select hi from bounds)') }}) as days
),
cohort_sizes as (select cohort_start, count(*) as cohort_size from cohorts group by cohort_start),
returns as (
    select c.cohort_start, c.actor_id,
           {{ periods_between(period, 'c.cohort_start', 'p.period_start') }} as k
    from cohorts as c join actor_periods as p on p.actor_id = c.actor_id
),
{%- if cumulative %}
returned as (
    -- an actor counts in every interval up to its furthest return
    select cohort_start, k, count(*) as actors
    from (select cohort_start, actor_id, max(k) as k from returns group by cohort_start, actor_id) as furthest
    group by cohort_start, k
),
{%- else %}
returned as (
    select cohort_start, k, count(*) as actors from returns group by cohort_start, k
),
{%- endif %}
cells as (
    select s.cohort_start, s.cohort_size,
           cast({{ periods_between(period, 's.cohort_start', 'p.period_start') }} as integer) as k
    from cohort_sizes as s join periods as p on p.period_start >= s.cohort_start
)
select
    '{{ unit }}' as unit,
    '{{ period }}' as period,
    {{ 'true' if cumulative else 'false' }} as is_cumulative,
    cells.cohort_start,
    cells.k as interval_index,
    cells.cohort_size,
    case when cells.k = 0 then cells.cohort_size else
    {%- if cumulative %}
        cast(coalesce(sum(r.actors) over (
            partition by cells.cohort_start order by cells.k desc rows between unbounded preceding and current row
        ), 0) as bigint)
    {%- else %}
        coalesce(r.actors, 0)
    {%- endif %}
    end as retained
from cells
left join returned as r on r.cohort_start = cells.cohort_start and r.k = cells.k
{%- endmacro %}
