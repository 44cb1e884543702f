-- Anonymous id -> the user it was identified as: the first user seen together with it
-- (identify calls and any event that carries both ids).
select
    anonymous_id,
    arg_min(user_id, event_at) as user_id,
    min(event_at) as identified_at
from {{ ref('stg_raw__events') }}
where anonymous_id is not null and user_id is not null
group by anonymous_id
