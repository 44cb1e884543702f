-- Each user's account: the account on the user's latest event that names one.
select
    user_id,
    arg_max(account_id, event_at) as account_id
from {{ ref('stg_raw__events') }}
where user_id is not null and account_id is not null
group by user_id
