{#-
  Lifecycle (METRICS.md "Lifecycle and growth"): actors per period and status.

  source: actor_id, event_name, is_activity, event_at (naive UTC), occurrences; created: actor_id,
  created_at (naive UTC). Per actor and period: new = active and the period contains its
  creation; returning = active now and in the previous period; resurrecting = active now,
  not in the previous period, not new; dormant = active in the previous period, not now.
  Output: period_start, status, actors (zero-filled for every period of the range).
-#}
{% macro lifecycle(source, created, period='week', tz='UTC', week_start='monday', event=none,
                   range_from=none, range_to=none) -%}
with l_events as (
    select actor_id, {{ local_ts('event_at', tz) }} as local_at
    from {{ source }}
    where {{ event_matches(event) }}
),
l_active as (
    select distinct actor_id, {{ period_floor(period, 'local_at', week_start) }} as p from l_events
),
l_range as ({{ range_periods(period, week_start, range_from, range_to, 'local_at', 'l_events') }}),
l_periods as (
    select {{ add_periods(period, 'r.first_period', 'ks.k') }} as p
    from {{ expand_intervals('(select first_period, ' ~ periods_between(period, 'first_period', 'last_period') ~ ' as n from l_range) as r', 'r.n') }}
),
l_candidates as (
    select distinct actor_id, p from (
        select actor_id, p from l_active
        union all
        select actor_id, {{ add_periods(period, 'p', 1) }} as p from l_active
    ) as both_sides
    where p in (select p from l_periods)
),
l_created as (
    select actor_id, {{ period_floor(period, local_ts('created_at', tz), week_start) }} as created_period
    from {{ created }}
),
l_status as (
    select c.p,
        case
            when cur.actor_id is not null and cr.created_period = c.p then 'new'
            when cur.actor_id is not null and prev.actor_id is not null then 'returning'
            when cur.actor_id is not null then 'resurrecting'
            else 'dormant'
        end as status
    from l_candidates as c
    left join l_active as cur on cur.actor_id = c.actor_id and cur.p = c.p
    left join l_active as prev on prev.actor_id = c.actor_id and prev.p = {{ add_periods(period, 'c.p', -1) }}
    left join l_created as cr on cr.actor_id = c.actor_id
),
l_grid as (
    select l_periods.p, s.status
    from l_periods
    cross join (select 'new' as status union all select 'returning' union all select 'resurrecting'
                union all select 'dormant') as s
)
select g.p as period_start, g.status, cast(count(st.status) as bigint) as actors
from l_grid as g
left join l_status as st on st.p = g.p and st.status = g.status
group by g.p, g.status
{%- endmacro %}
