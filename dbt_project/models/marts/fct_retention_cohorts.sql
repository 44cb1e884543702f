-- First-time cohort retention on any activity: user and account x week and month x exact and
-- cumulative, over all the data (the same macro answers `prodops retention`).
{% set parts = [] %}
{% for unit in ['user', 'account'] %}{% for period in ['week', 'month'] %}
{% do parts.append((unit, period)) %}
{% endfor %}{% endfor %}
with activity as (
    select unit, actor_id, cast(null as {{ dbt.type_string() }}) as event_name, true as is_activity, first_event_at as event_at,
           event_count as occurrences
    from {{ ref('int_actor_days') }}
)
{% for unit, period in parts %}
select '{{ unit }}' as unit, '{{ period }}' as period, is_cumulative,
       cast(cohort_start as date) as cohort_start, interval_index, cohort_size, retained, rate
from (
    {{ retention('(select * from activity where unit = ' ~ lit(unit) ~ ')', period=period,
                 tz=var('timezone'), week_start=var('week_start'), retention_type='first_time',
                 cumulative='both') }}
) as part_{{ loop.index }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
