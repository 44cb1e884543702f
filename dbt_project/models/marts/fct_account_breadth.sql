-- Core-feature breadth per account over the 30 days ending `as_of` (the last day with data):
-- distinct core features used / number of core features.
with as_of as (select max(activity_date) as as_of from {{ ref('int_actor_days') }}),
used as (
    select f.actor_id as account_id, count(distinct f.feature) as core_features_used
    from {{ ref('int_actor_feature_days') }} as f cross join as_of as a
    where f.unit = 'account' and f.feature in {{ core_feature_list() }}
      and f.activity_date > {{ dbt.dateadd('day', -30, 'a.as_of') }} and f.activity_date <= a.as_of
    group by f.actor_id
),
accounts as (
    select distinct d.actor_id as account_id
    from {{ ref('int_actor_days') }} as d cross join as_of as a
    where d.unit = 'account' and d.activity_date > {{ dbt.dateadd('day', -30, 'a.as_of') }}
      and d.activity_date <= a.as_of
)
select
    a.as_of,
    accounts.account_id,
    coalesce(used.core_features_used, 0) as core_features_used,
    {{ core_feature_count() }} as core_features,
    coalesce(used.core_features_used, 0) / nullif({{ core_feature_count() }}, 0) as breadth
from accounts
left join used on used.account_id = accounts.account_id
cross join as_of as a
