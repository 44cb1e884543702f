-- Accounts with their traits (latest export) and when they were created.
with seen as (
    select actor_id as account_id, created_at from {{ ref('int_actor_created') }} where unit = 'account'
)
select
    coalesce(a.account_id, s.account_id) as account_id,
    coalesce(a.plan, 'unknown') as plan,
    coalesce(a.segment, 'unknown') as segment,
    a.country,
    coalesce(a.created_at, s.created_at) as created_at
from {{ ref('stg_raw__accounts') }} as a
full outer join seen as s on s.account_id = a.account_id
