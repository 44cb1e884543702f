{#-
  Stickiness distribution (METRICS.md "Stickiness", PostHog's definition): for k = 1..n, the
  actors active in exactly k intervals of the range (cumulative: at least k). An interval is
  `interval_count` periods; n is the number of intervals the range touches (partial ones
  count). An interval counts as active when the actor's qualifying events in it number at
  least one and meet `criteria` (gte | lte | exact) `criteria_n`. Actors never active are absent.
  source: actor_id, event_name, is_activity, event_at (naive UTC), occurrences.
  Output: active_intervals, actors.
-#}
{% macro stickiness_distribution(source, period='day', tz='UTC', week_start='monday', event=none,
                                 range_from=none, range_to=none, interval_count=1, cumulative=false,
                                 criteria='gte', criteria_n=1) -%}
{%- set test = {'gte': '>=', 'lte': '<=', 'exact': '='}[criteria] -%}
with s_events as (
    select actor_id, occurrences, {{ local_ts('event_at', tz) }} as local_at
    from {{ source }}
    where {{ event_matches(event) }}
),
s_range as (
    select first_period, last_period, {{ add_periods(period, 'last_period', 1) }} as end_local,
           cast(floor({{ periods_between(period, 'first_period', 'last_period') }} / {{ interval_count }}) as integer) + 1
             as n_intervals
    from ({{ range_periods(period, week_start, range_from, range_to, 'local_at', 's_events') }}) as b
),
s_counts as (
    select e.actor_id,
           cast(floor({{ periods_between(period, 'r.first_period', period_floor(period, 'e.local_at', week_start)) }}
                      / {{ interval_count }}) as integer) as interval_index,
           sum(e.occurrences) as events
    from s_events as e cross join s_range as r
    where e.local_at >= r.first_period and e.local_at < r.end_local
    group by 1, 2
),
s_actors as (
    select actor_id, count(*) as active_intervals
    from s_counts
    where events >= 1 and events {{ test }} {{ criteria_n }}
    group by actor_id
),
s_ks as (
    select cast(ks.k + 1 as integer) as k from {{ expand_intervals('s_range as r', 'r.n_intervals - 1') }}
)
select s_ks.k as active_intervals,
       cast(count(s_actors.actor_id) as bigint) as actors
from s_ks
left join s_actors on s_actors.active_intervals {{ '>=' if cumulative else '=' }} s_ks.k
group by s_ks.k
{%- endmacro %}
