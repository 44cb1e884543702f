-- Each user's account memberships over time. Group calls and every event naming an account
-- say which account the (stitched) user belongs to at that moment; a membership runs from
-- the first event naming an account until the first event naming another one. The first
-- membership also covers the user's earlier activity (valid_from is NULL), so activity
-- before the first group call, anonymous activity included, counts for that account.
-- The statements come condensed to a row per user and day where a day names one account
-- (int_user_account_days): the ordered window sorts those, not every event.
with changes as (
    select
        user_id,
        account_id,
        event_at,
        lag(account_id) over (partition by user_id order by event_at, account_id) as previous_account_id
    from {{ ref('int_user_account_days') }}
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
