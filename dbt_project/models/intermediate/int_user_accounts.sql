-- Each user's account memberships over time. Group calls and every event naming an account
-- say which account the (stitched) user belongs to at that moment; a membership runs from
-- the first event naming an account until the first event naming another one. The first
-- membership also covers the user's earlier activity (valid_from is NULL), so activity
-- before the first group call, anonymous activity included, counts for that account.
with stitched as (
    {{ stitched_events() }}
),
stated as (
    select stitched_user_id as user_id, account_id, event_at
    from stitched
    where account_id is not null and stitched_user_id is not null
),
{#- a day on which a user names one account can only start a membership at its first event:
    it stands for all of them, so the ordered window below sorts a row per user and day, not
    per event (days naming several accounts keep every event) -#}
user_days as (
    select user_id, cast(event_at as date) as event_day, min(account_id) as account_id,
           min(event_at) as event_at, min(account_id) = max(account_id) as one_account
    from stated
    group by user_id, cast(event_at as date)
),
condensed as (
    select user_id, account_id, event_at from user_days where one_account
    union all
    select s.user_id, s.account_id, s.event_at
    from stated as s
    inner join user_days as d
        on d.user_id = s.user_id and d.event_day = cast(s.event_at as date) and not d.one_account
),
changes as (
    select
        *,
        lag(account_id) over (partition by user_id order by event_at, account_id) as previous_account_id
    from condensed
),
starts as (
    select user_id, account_id, event_at as started_at
    from changes
    where previous_account_id is null or previous_account_id <> account_id
)
select
    user_id,
    account_id,
    case when row_number() over (partition by user_id order by started_at) > 1 then started_at end as valid_from,
    lead(started_at) over (partition by user_id order by started_at) as valid_to,
    started_at
from starts
