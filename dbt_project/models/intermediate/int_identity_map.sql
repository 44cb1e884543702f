-- Anonymous id -> the user it was identified as: the first user seen together with it.
-- Identify calls, alias calls (previousId is stored as the anonymous id) and any event that
-- carries both ids (Amplitude device_id + user_id, Mixpanel $device_id + $user_id) link them.
select
    anonymous_id,
    min_by(user_id, event_at) as user_id,
    min(event_at) as identified_at
from {{ ref('stg_raw__events') }}
where anonymous_id is not null and user_id is not null
group by anonymous_id
