{{ config(materialized='view') }}
-- Events with stitched identity: person_id is the user (also for anonymous activity later
-- identified, and for an id aliased to a user), else the anonymous id. account_id is the
-- event's own account, else the account the person belonged to at the time of the event.
with stitched as (
    {{ stitched_events() }}
)
select
    e.event_id,
    e.event_name,
    e.event_at,
    {{ to_report_tz('e.event_at') }} as event_local_at,
    cast({{ to_report_tz('e.event_at') }} as date) as activity_date,
    coalesce(e.stitched_user_id, e.anonymous_id) as person_id,
    e.stitched_user_id is not null as is_identified,
    coalesce(e.account_id, ua.account_id) as account_id,
    e.session_id,
    e.properties,
    e.event_name not in {{ non_activity_list() }} as is_activity
from stitched as e
left join {{ ref('int_user_accounts') }} as ua
    on ua.user_id = e.stitched_user_id
    and (ua.valid_from is null or e.event_at >= ua.valid_from)
    and (ua.valid_to is null or e.event_at < ua.valid_to)
