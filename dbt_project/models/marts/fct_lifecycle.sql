{{ config(
    materialized='incremental',
    incremental_strategy=day_rebuild_strategy(),
    unique_key=['period', 'period_start'],
    partition_by=['period', 'period_start'],
) }}
-- Lifecycle per day, week and month for users and accounts: new, returning, resurrecting,
-- dormant actors and the quick ratio (new + resurrecting) / dormant.
-- Each period reads one row per actor and period (int_actor_days, int_actor_weeks,
-- int_actor_months): an actor's status in a period depends on nothing finer, and a month
-- read from int_actor_days was up to 31 rows per actor.
-- Incremental: each period is rebuilt from the one containing the last day minus
-- `lookback_days` (S): days from S, weeks from S's week, months from S's month; rows are
-- replaced by (period, period_start), so a day's rows are not rebuilt for the week's or the
-- month's sake. Each period also reads the one before its first (returning and dormant
-- actors).
{% set parts = [] %}
{% for unit in ['user', 'account'] %}{% for period in ['day', 'week', 'month'] %}
{% do parts.append((unit, period)) %}
{% endfor %}{% endfor %}
{% set since = rebuild_since('period_start', where='period = ' ~ lit('day')) %}
{% set rebuild_from = {'day': since, 'week': period_start('week', since), 'month': period_start('month', since)}
                       if since else {} %}
{% set sources = {'day': ('int_actor_days', 'activity_date'), 'week': ('int_actor_weeks', 'period_start'),
                  'month': ('int_actor_months', 'period_start')} %}
with
{% for period, (model, date_col) in sources.items() %}
activity_{{ period }} as (
    select unit, actor_id, cast(null as {{ dbt.type_string() }}) as event_name, true as is_activity,
           first_event_at as event_at, event_count as occurrences
    from {{ ref(model) }}
    {%- if since %}
    where {{ date_col }} >= cast({{ add_periods(period, rebuild_from[period], -1) }} as date)
    {%- endif %}
),
{% endfor %}
long as (
{% for unit, period in parts %}
    select '{{ unit }}' as unit, '{{ period }}' as period, period_start, status, actors
    from (
        {{ lifecycle('(select * from activity_' ~ period ~ ' where unit = ' ~ lit(unit) ~ ')',
                     '(select actor_id, created_at from ' ~ ref('int_actor_created') ~ ' where unit = ' ~ lit(unit) ~ ')',
                     period=period, tz=var('timezone'), week_start=var('week_start'),
                     range_from=rebuild_from.get(period)) }}
    ) as part_{{ loop.index }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
),
wide as (
    select unit, period, cast(period_start as date) as period_start,
           cast(sum(case when status = 'new' then actors else 0 end) as bigint) as new_actors,
           cast(sum(case when status = 'returning' then actors else 0 end) as bigint) as returning_actors,
           cast(sum(case when status = 'resurrecting' then actors else 0 end) as bigint) as resurrecting_actors,
           cast(sum(case when status = 'dormant' then actors else 0 end) as bigint) as dormant_actors
    from long group by unit, period, period_start
)
select *,
       (new_actors + resurrecting_actors) / nullif(dormant_actors, 0) as quick_ratio
from wide
