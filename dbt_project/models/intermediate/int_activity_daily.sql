{{ config(
    materialized='incremental',
    incremental_strategy=day_rebuild_strategy(),
    unique_key='activity_date',
    partition_by=['activity_date'],
    on_schema_change='append_new_columns',
) }}
-- The finest daily fact every engagement metric reads: activity events per person, account
-- and feature per day (report timezone). Incremental runs rebuild the last `lookback_days`
-- days (late events); a change of timezone or feature catalogue needs --full-refresh.
-- _built_at (naive UTC) tells the rows a build wrote: its uniqueness test groups only their days.
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
    min(event_at) as first_event_at,
    cast(current_timestamp as timestamp) as _built_at
from activity
group by 1, 2, 3, 4
