-- Feedback items per week and month, feature, area and type, next to the feature's 30-day
-- user adoption (fct_feature_adoption). Area comes from the item's `area` dimension.
with items as (
    select f.*,
           cast({{ to_report_tz('f.created_at') }} as date) as created_date,
           {{ json_text('f.dimensions', 'area') }} as area
    from {{ ref('stg_raw__feedback_items') }} as f
),
adoption as (
    select feature, adopters, adoption_rate
    from {{ ref('fct_feature_adoption') }}
    where window_days = 30 and unit = 'user'
)
{%- for period in ['week', 'month'] %}
select
    '{{ period }}' as period,
    {{ period_start(period, 'i.created_date') }} as period_start,
    i.feature,
    i.area,
    i.feedback_type,
    count(*) as items,
    count(distinct i.account_id) as accounts,
    max(a.adopters) as feature_adopters_30d,
    max(a.adoption_rate) as feature_adoption_rate_30d
from items as i
left join adoption as a on a.feature = i.feature
group by {{ period_start(period, 'i.created_date') }}, i.feature, i.area, i.feedback_type
{{ 'union all' if not loop.last }}
{%- endfor %}
