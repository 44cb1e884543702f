-- First-time cohort retention on any activity: user and account x week and month x exact and cumulative.
{% set parts = [] %}
{% for unit in ['user', 'account'] %}{% for period in ['week', 'month'] %}{% for cumulative in [false, true] %}
{% do parts.append((unit, period, cumulative)) %}
{% endfor %}{% endfor %}{% endfor %}
{% for unit, period, cumulative in parts %}
select *, retained / nullif(cohort_size, 0) as rate from (
    {{ cohort_retention(ref('int_actor_days'), unit, period, cumulative) }}
) as part_{{ loop.index }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
