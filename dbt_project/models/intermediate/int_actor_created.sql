-- When each actor was created: its first-ever event of any kind (activity or not).
select 'user' as unit, person_id as actor_id, min(event_at) as created_at
from {{ ref('int_events') }}
group by person_id
union all
select 'account' as unit, account_id as actor_id, min(event_at) as created_at
from {{ ref('int_events') }}
where account_id is not null
group by account_id
