-- Adoption per feature, unit and trailing window (7/30/90 days ending at the last day with data):
-- adopters = actors who used the feature in the window; rate = adopters / actors active in it.
with as_of as (select max(activity_date) as as_of from {{ ref('int_actor_days') }}),
windows as (
    select 7 as window_days union all select 30 union all select 90
),
active as (
    select w.window_days, d.unit, count(distinct d.actor_id) as active_actors
    from {{ ref('int_actor_days') }} as d
    cross join windows as w cross join as_of as a
    where d.activity_date > {{ dbt.dateadd('day', '-w.window_days', 'a.as_of') }} and d.activity_date <= a.as_of
    group by w.window_days, d.unit
),
adopters as (
    select w.window_days, f.unit, f.feature, count(distinct f.actor_id) as adopters
    from {{ ref('int_actor_feature_days') }} as f
    cross join windows as w cross join as_of as a
    where f.activity_date > {{ dbt.dateadd('day', '-w.window_days', 'a.as_of') }} and f.activity_date <= a.as_of
    group by w.window_days, f.unit, f.feature
)
select
    a.as_of,
    ad.window_days,
    ad.unit,
    ad.feature,
    ad.adopters,
    ac.active_actors,
    ad.adopters / nullif(ac.active_actors, 0) as adoption_rate
from adopters as ad
join active as ac on ac.window_days = ad.window_days and ac.unit = ad.unit
cross join as_of as a
