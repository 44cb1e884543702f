{{ config(materialized='view') }}
-- Events with stitched identity: person_id is the user (also for anonymous activity later
-- identified), else the anonymous id; account from the event, else the person's account.
{% set non_activity = var('non_activity_events') %}
select
    e.event_id,
    e.event_name,
    e.event_at,
    {{ to_report_tz('e.event_at') }} as event_local_at,
    cast({{ to_report_tz('e.event_at') }} as date) as activity_date,
    coalesce(e.user_id, m.user_id, e.anonymous_id) as person_id,
    coalesce(e.user_id, m.user_id) is not null as is_identified,
    coalesce(e.account_id, ua.account_id) as account_id,
    e.session_id,
    e.properties,
    e.event_name not in ({% for name in non_activity %}'{{ name }}'{% if not loop.last %}, {% endif %}{% endfor %}{% if not non_activity %}''{% endif %}) as is_activity
from {{ ref('stg_raw__events') }} as e
left join {{ ref('int_identity_map') }} as m on e.user_id is null and e.anonymous_id = m.anonymous_id
left join {{ ref('int_user_accounts') }} as ua on ua.user_id = coalesce(e.user_id, m.user_id)
