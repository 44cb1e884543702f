-- Pendo's frequency bands: active days in the 30 days ending `as_of` per actor,
-- low 1-4, medium 5-12, high 13 or more. Only actors active in those 30 days appear.
with as_of as (select max(activity_date) as as_of from {{ ref('int_actor_days') }})
select
    a.as_of,
    d.unit,
    d.actor_id,
    count(*) as active_days_30d,
    case when count(*) >= 13 then 'high' when count(*) >= 5 then 'medium' else 'low' end as frequency_band
from {{ ref('int_actor_days') }} as d cross join as_of as a
where d.activity_date > {{ dbt.dateadd('day', -30, 'a.as_of') }} and d.activity_date <= a.as_of
group by a.as_of, d.unit, d.actor_id
