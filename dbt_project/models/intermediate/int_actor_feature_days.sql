-- One row per actor (unit = user | account) per feature per active day, with its event count.
select 'user' as unit, person_id as actor_id, feature, activity_date,
       sum(events) as events, min(first_event_at) as first_event_at
from {{ ref('int_activity_daily') }}
group by person_id, feature, activity_date
union all
select 'account' as unit, account_id as actor_id, feature, activity_date,
       sum(events) as events, min(first_event_at) as first_event_at
from {{ ref('int_activity_daily') }}
where account_id is not null
group by account_id, feature, activity_date
