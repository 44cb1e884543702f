-- NPS per period (day, week, month, quarter, all time) overall and per dimension (survey,
-- plan, segment, country, account), one response per respondent per period by var('nps_dedup').
-- Overall rows cover every period from the first to the last response: a period without
-- responses has respondents 0 and nps NULL.
{%- set dedup = var('nps_dedup') %}
{%- set periods = ['day', 'week', 'month', 'quarter', 'all'] %}
{%- set dimensions = [('survey', 'survey'), ('plan', 'plan'), ('segment', 'segment'), ('country', 'country'), ('account', 'account_id')] %}
with responses as (
    select * from {{ ref('fct_nps_responses') }}
),
calendar as (
    {%- for period in periods if period != 'all' %}
    select distinct '{{ period }}' as period, {{ period_start(period, 'metric_date') }} as period_start
    from ({{ day_spine('(select min(response_date) from responses)', '(select max(response_date) from responses)') }}) as days
    union all
    {%- endfor %}
    select 'all', cast(null as date)
),
overall as (
    {%- for period in periods %}
    select '{{ period }}' as period, {{ 'cast(null as date)' if period == 'all' else period ~ '_start' }} as period_start,
           {{ nps_aggregates() }}
    from responses where {{ nps_dedup_filter(dedup, period) }}
    {%- if period != 'all' %}
    group by {{ period }}_start
    {%- endif %}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
)
select c.period, c.period_start, 'all' as dimension, cast(null as {{ dbt.type_string() }}) as dimension_value,
       coalesce(o.respondents, 0) as respondents, coalesce(o.promoters, 0) as promoters,
       coalesce(o.passives, 0) as passives, coalesce(o.detractors, 0) as detractors, o.nps
from calendar as c
left join overall as o on o.period = c.period and o.period_start is not distinct from c.period_start
{%- for period in periods %}{% for name, column in dimensions %}
union all
select '{{ period }}', {{ 'cast(null as date)' if period == 'all' else period ~ '_start' }}, '{{ name }}',
       cast({{ column }} as {{ dbt.type_string() }}), {{ nps_aggregates() }}
from responses
where {{ nps_dedup_filter(dedup, period) }} and {{ column }} is not null
group by {{ '' if period == 'all' else period ~ '_start, ' }}{{ column }}
{%- endfor %}{% endfor %}
