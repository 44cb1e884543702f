-- When each user and account was created: the `created_at` trait when an export states it
-- (Segment identify/group traits, Amplitude user_properties; for accounts also the accounts
-- export), else the actor's first event of any kind. The start of lifecycle "new".
with stitched as (
    {{ stitched_events() }}
),
user_traits as (
    select coalesce(stitched_user_id, anonymous_id) as actor_id, min({{ created_at_trait('traits') }}) as created_at
    from stitched
    where traits is not null and event_name <> 'group'
    group by coalesce(stitched_user_id, anonymous_id)
),
account_traits as (
    select account_id as actor_id, min({{ created_at_trait('traits') }}) as created_at
    from {{ ref('stg_raw__events') }}
    where traits is not null and event_name = 'group' and account_id is not null
    group by account_id
),
{#- each actor's first event: of activity from int_actor_firsts, of the few non-activity
    events (identify, group, ...) from the stitched events -#}
other_events as (
    select person_id, account_id, event_at from {{ ref('int_events') }} where not is_activity
),
first_events as (
    select unit, actor_id, first_event_at as event_at from {{ ref('int_actor_firsts') }}
    union all
    select 'user', person_id, event_at from other_events
    union all
    select 'account', account_id, event_at from other_events where account_id is not null
),
first_user_events as (
    select actor_id, min(event_at) as first_event_at
    from first_events
    where unit = 'user'
    group by actor_id
),
first_account_events as (
    select actor_id, min(event_at) as first_event_at
    from first_events
    where unit = 'account'
    group by actor_id
),
accounts as (
    select account_id as actor_id, created_at from {{ ref('stg_raw__accounts') }}
    union
    select actor_id, cast(null as timestamp) from first_account_events
),
account_created as (
    select a.actor_id, coalesce(max(a.created_at), min(t.created_at), min(f.first_event_at)) as created_at
    from accounts as a
    left join account_traits as t on t.actor_id = a.actor_id
    left join first_account_events as f on f.actor_id = a.actor_id
    group by a.actor_id
    -- an account only listed in the export, undated and without events, has no known start
    having coalesce(max(a.created_at), min(t.created_at), min(f.first_event_at)) is not null
)
select 'user' as unit, f.actor_id, coalesce(t.created_at, f.first_event_at) as created_at
from first_user_events as f
left join user_traits as t on t.actor_id = f.actor_id
union all
select 'account' as unit, actor_id, created_at
from account_created
