-- The at-risk list: accounts that are red or fell a band in the latest week with data.
select
    h.account_id,
    a.name as account_name,
    a.plan,
    h.week_start,
    h.health_score,
    h.band,
    h.previous_band,
    h.is_partial,
    case when h.band = 'red' and h.fell_band then 'red, fell from ' || h.previous_band
         when h.band = 'red' then 'red'
         else 'fell from ' || h.previous_band || ' to ' || h.band end as reason,
    h.usage_score, h.adoption_score, h.nps_score, h.billing_score, h.feedback_score
from {{ ref('fct_account_health') }} as h
left join {{ ref('stg_raw__accounts') }} as a on a.account_id = h.account_id
where h.is_at_risk and h.week_start = (select max(week_start) from {{ ref('fct_account_health') }})
