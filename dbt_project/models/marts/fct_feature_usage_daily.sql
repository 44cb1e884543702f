-- Events and distinct users/accounts per feature per day, on a zero-filled date spine.
with bounds as (
    select min(activity_date) as lo, max(activity_date) as hi from {{ ref('int_feature_usage') }}
),
spine as ({{ day_spine('(select lo from bounds)', '(select hi from bounds)') }}),
features as (select distinct feature from {{ ref('int_feature_usage') }})
select
    s.metric_date,
    f.feature,
    coalesce(u.events, 0) as events,
    coalesce(u.users, 0) as users,
    coalesce(u.accounts, 0) as accounts
from spine as s
cross join features as f
left join {{ ref('int_feature_usage') }} as u
    on u.activity_date = s.metric_date and u.feature = f.feature
