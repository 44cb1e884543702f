{#-
  Daily active, 7-day and 30-day active actors per unit, from one row per actor per active day.
  Each actor-day opens an interval [d, min(d + W, next active day)) in which the actor counts
  for window W; the intervals of one actor never overlap, so a running sum of +1/-1 changes
  gives the distinct count of every day in one pass, with no per-day self-join.
-#}
{% macro active_actor_counts(actor_days) -%}
with ordered as (
    select unit, actor_id, activity_date,
           lead(activity_date) over (partition by unit, actor_id order by activity_date) as next_date
    from {{ actor_days }}
),
changes as (
    select unit, activity_date as change_date, 1 as d1, 1 as d7, 1 as d30 from ordered
    union all
    select unit, cast({{ dbt.dateadd('day', 1, 'activity_date') }} as date), -1, 0, 0 from ordered
    union all
    select unit, least(cast({{ dbt.dateadd('day', 7, 'activity_date') }} as date),
                       coalesce(next_date, cast({{ dbt.dateadd('day', 7, 'activity_date') }} as date))), 0, -1, 0
    from ordered
    union all
    select unit, least(cast({{ dbt.dateadd('day', 30, 'activity_date') }} as date),
                       coalesce(next_date, cast({{ dbt.dateadd('day', 30, 'activity_date') }} as date))), 0, 0, -1
    from ordered
),
daily_changes as (
    select unit, change_date, sum(d1) as d1, sum(d7) as d7, sum(d30) as d30
    from changes group by unit, change_date
),
bounds as (select min(activity_date) as lo, max(activity_date) as hi from {{ actor_days }}),
spine as ({{ day_spine('(select lo from bounds)', '(select hi from bounds)') }}),
grid as (
    select s.metric_date, u.unit
    from spine as s cross join (select 'user' as unit union all select 'account') as u
)
select
    g.metric_date,
    g.unit,
    cast(sum(coalesce(c.d1, 0)) over w as bigint) as dau,
    cast(sum(coalesce(c.d7, 0)) over w as bigint) as wau,
    cast(sum(coalesce(c.d30, 0)) over w as bigint) as mau
from grid as g
left join daily_changes as c on c.unit = g.unit and c.change_date = g.metric_date
window w as (partition by g.unit order by g.metric_date rows between unbounded preceding and current row)
{%- endmacro %}
