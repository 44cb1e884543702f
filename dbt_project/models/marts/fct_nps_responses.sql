-- One row per NPS response: its category and points, the periods it falls in (report
-- timezone), its dimensions, and for every period whether it is the respondent's latest or
-- first response in that period. fct_nps and `prodops nps` both aggregate this table.
{%- set periods = ['day', 'week', 'month', 'quarter'] %}
with responses as (
    select r.*, cast({{ to_report_tz('r.responded_at') }} as date) as response_date
    from {{ ref('stg_raw__nps_responses') }} as r
)
select
    r.response_id,
    r.respondent_id,
    r.is_anonymous,
    r.account_id,
    r.survey,
    r.score,
    case when r.score >= 9 then 'promoter' when r.score >= 7 then 'passive' else 'detractor' end as category,
    case when r.score >= 9 then 100 when r.score >= 7 then 0 else -100 end as nps_points,
    r.responded_at,
    r.response_date,
    {%- for trait in ['plan', 'segment', 'country'] %}
    coalesce({{ json_text('r.dimensions', trait) }}, a.{{ trait }}) as {{ trait }},
    {%- endfor %}
    r.dimensions,
    {%- for period in periods %}
    {{ period_start(period, 'r.response_date') }} as {{ period }}_start,
    {%- endfor %}
    {%- for period in periods + ['all'] %}
    {%- set partition = 'r.respondent_id' if period == 'all' else 'r.respondent_id, ' ~ period_start(period, 'r.response_date') %}
    row_number() over (partition by {{ partition }} order by r.responded_at desc, r.response_id desc) = 1 as is_latest_{{ period }},
    row_number() over (partition by {{ partition }} order by r.responded_at, r.response_id) = 1 as is_first_{{ period }}{{ ',' if not loop.last }}
    {%- endfor %}
from responses as r
left join {{ ref('stg_raw__accounts') }} as a on a.account_id = r.account_id
