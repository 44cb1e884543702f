{#-
  One row per actor (unit = user | account) per calendar `period` (week, starting on
  `week_start`, or month) of the report timezone: its first event and its events. Cohort
  retention reads these rows, not every active day: an actor's retention in a period depends
  on nothing finer. Incremental: rebuilds the periods holding the days int_actor_days rebuilt
  (from the last period kept minus `lookback_days`), each whole. _built_at (naive UTC) tells
  the rows a build wrote: the uniqueness test groups only their periods.
  One model per period, each keyed by its start alone: DuckDB deletes by a single key with a
  semi-join, by a composite key with a join of every old row to every new one of its period.
-#}
{% macro actor_periods(period) -%}
{%- set since = rebuild_since('period_start') -%}
select {{ period_start(period, 'activity_date') }} as period_start, unit, actor_id,
       min(first_event_at) as first_event_at, sum(event_count) as event_count,
       cast(current_timestamp as timestamp) as _built_at
from {{ ref('int_actor_days') }}
{%- if since %}
where activity_date >= {{ period_start(period, since) }}
{%- endif %}
group by {{ period_start(period, 'activity_date') }}, unit, actor_id
{%- endmacro %}
