{{ config(
    materialized='incremental',
    incremental_strategy=day_rebuild_strategy(),
    unique_key='metric_date',
    partition_by=['metric_date'],
    meta={'rebuilds': 'lookback_days'},
) }}
-- Events and distinct users/accounts per feature per day, on a zero-filled date spine.
-- Incremental: rebuilds the days from the last one minus `lookback_days`; every feature ever
-- used gets a row on each of them.
{% set since = rebuild_since('metric_date') %}
with usage as (
    select feature, activity_date,
           sum(case when unit = 'user' then events else 0 end) as events,
           count(distinct case when unit = 'user' then actor_id end) as users,
           count(distinct case when unit = 'account' then actor_id end) as accounts
    from {{ ref('int_actor_feature_days') }}
    {%- if since %}
    where activity_date >= {{ since }}
    {%- endif %}
    group by feature, activity_date
),
bounds as (
    select {{ since if since else 'min(activity_date)' }} as lo, max(activity_date) as hi from usage
),
spine as ({{ days_from_to('(select lo from bounds)', '(select hi from bounds)') }}),
features as (select distinct feature from {{ ref('int_actor_feature_days') }})
select
    s.metric_date,
    f.feature,
    coalesce(u.events, 0) as events,
    coalesce(u.users, 0) as users,
    coalesce(u.accounts, 0) as accounts
from spine as s
cross join features as f
left join usage as u on u.activity_date = s.metric_date and u.feature = f.feature
