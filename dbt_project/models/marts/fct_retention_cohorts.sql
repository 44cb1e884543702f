-- First-time cohort retention on any activity: user and account x week and month x exact and
-- cumulative, over all the data (the same macro answers `prodops retention`). It reads one
-- row per actor and period (int_actor_weeks, int_actor_months), which gives the same cohorts and returns as
-- every active day, and needs no grouping by period (`periods=true`).
{% set parts = [] %}
{% for unit in ['user', 'account'] %}{% for period in ['week', 'month'] %}
{% do parts.append((unit, period)) %}
{% endfor %}{% endfor %}
{% for unit, period in parts %}
{%- set activity -%}
(select actor_id, cast(null as {{ dbt.type_string() }}) as event_name, true as is_activity,
        first_event_at as event_at, event_count as occurrences
 from {{ ref('int_actor_' ~ period ~ 's') }} where unit = {{ lit(unit) }})
{%- endset %}
select '{{ unit }}' as unit, '{{ period }}' as period, is_cumulative,
       cast(cohort_start as date) as cohort_start, interval_index, cohort_size, retained, rate
from (
    {{ retention(activity, period=period,
                 tz=var('timezone'), week_start=var('week_start'), retention_type='first_time',
                 cumulative='both', periods=true) }}
) as part_{{ loop.index }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
