{{ config(
    materialized='incremental',
    incremental_strategy=day_rebuild_strategy(),
    unique_key='event_day',
    partition_by=['event_day'],
) }}
-- The events that say which account a (stitched) user belongs to, condensed per user and day
-- (UTC): a day naming one account keeps its first event, which alone can start a membership;
-- a day naming several keeps every event, since a membership starts at each change.
-- int_user_accounts orders these rows instead of every raw event. Incremental like
-- int_activity_daily: a run rebuilds the last `lookback_days` days, so identities stitched
-- or events arriving later than that reach older days with a full refresh.
with stitched as (
    {{ stitched_events() }}
),
stated as (
    select stitched_user_id as user_id, account_id, event_at, cast(event_at as date) as event_day
    from stitched
    where account_id is not null and stitched_user_id is not null
),
recent as (
    select * from stated
    where true
    {{ lookback_filter('event_day') }}
),
user_days as (
    select user_id, event_day, min(account_id) as account_id,
           min(event_at) as event_at, min(account_id) = max(account_id) as one_account
    from recent
    group by user_id, event_day
)
select user_id, account_id, event_at, event_day from user_days where one_account
union all
select s.user_id, s.account_id, s.event_at, s.event_day
from recent as s
inner join user_days as d
    on d.user_id = s.user_id and d.event_day = s.event_day and not d.one_account
