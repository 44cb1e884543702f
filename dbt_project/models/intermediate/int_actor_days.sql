-- One row per actor (unit = user | account) per active day in the report timezone.
select 'user' as unit, person_id as actor_id, activity_date,
       sum(events) as event_count, min(first_event_at) as first_event_at
from {{ ref('int_activity_daily') }}
group by person_id, activity_date
union all
select 'account' as unit, account_id as actor_id, activity_date,
       sum(events) as event_count, min(first_event_at) as first_event_at
from {{ ref('int_activity_daily') }}
where account_id is not null
group by account_id, activity_date
