-- Every actor (unit = user | account) and when it was created (lifecycle "new").
select unit, actor_id, created_at from {{ ref('int_actor_created') }}
