-- Adoption per feature, unit and trailing window (7/30/90 days ending at `as_of`, the last
-- day with data): adopters = actors with at least `adoption_min_uses` uses of the feature in
-- the window; rate = adopters / actors active in the window. Time to adopt: first use of the
-- feature minus the actor's first-ever activity, in days, over every actor who ever used it.
with as_of as (select max(activity_date) as as_of from {{ ref('int_actor_days') }}),
windows as (
    select 7 as window_days union all select 30 union all select 90
),
{#- one pass over the longest window's days: each actor's last active day, and each actor's
    uses of a feature per window, are crossed with the three windows only once aggregated -#}
last_active as (
    select d.unit, d.actor_id, max(d.activity_date) as last_day
    from {{ ref('int_actor_days') }} as d cross join as_of as a
    where d.activity_date > {{ dbt.dateadd('day', -90, 'a.as_of') }} and d.activity_date <= a.as_of
    group by d.unit, d.actor_id
),
active as (
    select w.window_days, l.unit, count(l.actor_id) as active_actors
    from last_active as l cross join windows as w cross join as_of as a
    where l.last_day > {{ dbt.dateadd('day', '-w.window_days', 'a.as_of') }}
    group by w.window_days, l.unit
),
{#- with one use enough, an actor's last use says which windows it adopted in: a max per
    actor and feature, not three sums (the grouping of 26M actor-feature days at 100M: 3.2 s, not 4.4-5.1) -#}
{%- set one_use = var('adoption_min_uses') | int <= 1 %}
uses as (
    select f.unit, f.feature, f.actor_id
           {%- if one_use %}, max(f.activity_date) as last_use
           {%- else %}
           {%- for days in [7, 30, 90] %},
           sum(case when f.activity_date > {{ dbt.dateadd('day', -days, 'a.as_of') }} then f.events else 0 end) as uses_{{ days }}
           {%- endfor %}
           {%- endif %}
    from {{ ref('int_actor_feature_days') }} as f cross join as_of as a
    where f.activity_date > {{ dbt.dateadd('day', -90, 'a.as_of') }} and f.activity_date <= a.as_of
    group by f.unit, f.feature, f.actor_id
),
{#- at least one use in the window, whatever adoption_min_uses says -#}
adopters as (
    select w.window_days, u.unit, u.feature, count(*) as adopters
    from uses as u cross join windows as w cross join as_of as a
    {%- if one_use %}
    where u.last_use > {{ dbt.dateadd('day', '-w.window_days', 'a.as_of') }}
    {%- else %}
    where case w.window_days when 7 then u.uses_7 when 30 then u.uses_30 else u.uses_90 end
          >= {{ var('adoption_min_uses') }}
    {%- endif %}
    group by w.window_days, u.unit, u.feature
),
first_use as (
    select unit, actor_id, feature, first_event_at as first_used_at from {{ ref('int_actor_feature_firsts') }}
),
first_seen as (
    select unit, actor_id, first_event_at as first_active_at from {{ ref('int_actor_firsts') }}
),
time_to_adopt as (
    select u.unit, u.feature,
           {{ quantile(seconds_between('s.first_active_at', 'u.first_used_at') ~ ' / 86400.0', 0.5) }} as median_days_to_adopt,
           {{ quantile(seconds_between('s.first_active_at', 'u.first_used_at') ~ ' / 86400.0', 0.75) }} as p75_days_to_adopt
    from first_use as u join first_seen as s on s.unit = u.unit and s.actor_id = u.actor_id
    group by u.unit, u.feature
)
select
    a.as_of,
    ad.window_days,
    ad.unit,
    ad.feature,
    c.area,
    coalesce(c.is_core, false) as is_core,
    ad.adopters,
    ac.active_actors,
    ad.adopters / nullif(ac.active_actors, 0) as adoption_rate,
    t.median_days_to_adopt,
    t.p75_days_to_adopt
from adopters as ad
join active as ac on ac.window_days = ad.window_days and ac.unit = ad.unit
left join {{ ref('int_feature_catalogue') }} as c on c.feature = ad.feature
left join time_to_adopt as t on t.unit = ad.unit and t.feature = ad.feature
cross join as_of as a
