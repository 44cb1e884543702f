-- N-day retention (D1, D7, D30): of the actors whose first activity was on a day, the share
-- active exactly N days later. Only cohorts whose day N has data appear.
with days as (select unit, actor_id, activity_date from {{ ref('int_actor_days') }}),
firsts as (select unit, actor_id, first_date as cohort_date from {{ ref('int_actor_firsts') }}),
last_day as (select max(activity_date) as last_day from days),
ns as (select 1 as day_n union all select 7 union all select 30),
cells as (
    select f.unit, f.cohort_date, ns.day_n, count(*) as cohort_size
    from firsts as f cross join ns cross join last_day as l
    where {{ dbt.dateadd('day', 'ns.day_n', 'f.cohort_date') }} <= l.last_day
    group by f.unit, f.cohort_date, ns.day_n
),
returned as (
    select f.unit, f.cohort_date, ns.day_n, count(*) as retained
    from firsts as f
    cross join ns
    join days as d
        on d.unit = f.unit and d.actor_id = f.actor_id
        and d.activity_date = cast({{ dbt.dateadd('day', 'ns.day_n', 'f.cohort_date') }} as date)
    group by f.unit, f.cohort_date, ns.day_n
)
select c.unit, c.cohort_date, c.day_n, c.cohort_size,
       coalesce(r.retained, 0) as retained,
       coalesce(r.retained, 0) / c.cohort_size as rate
from cells as c
left join returned as r on r.unit = c.unit and r.cohort_date = c.cohort_date and r.day_n = c.day_n
