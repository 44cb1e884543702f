{{ config(
    materialized='incremental',
    incremental_strategy=day_rebuild_strategy(),
    unique_key='activity_date',
    partition_by=['activity_date'],
) }}
-- The finest daily fact every engagement metric reads: activity events per person, account
-- and feature per day (report timezone). Incremental runs rebuild the last `lookback_days`
-- days (late events); a change of timezone or feature catalogue needs --full-refresh.
with activity as (
    select * from {{ ref('int_events') }}
    where is_activity
    {{ lookback_filter() }}
)
select
    person_id,
    account_id,
    {{ feature_name('event_name', 'properties') }} as feature,
    activity_date,
    count(*) as events,
    min(event_at) as first_event_at
from activity
group by 1, 2, 3, 4
