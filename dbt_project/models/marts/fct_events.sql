{{ config(
    materialized='incremental',
    incremental_strategy=day_rebuild_strategy(),
    unique_key='activity_date',
    partition_by=['activity_date'],
    meta={'rebuilds': 'lookback_days'},
) }}
-- Every event with its stitched person, account, feature and activity flag: what the ad-hoc
-- insights (`prodops retention`, `stickiness`, `lifecycle`, `pes`) read from the serving copy.
-- Incremental like int_activity_daily: the last `lookback_days` days are rebuilt.
select
    person_id,
    account_id,
    event_name,
    {{ feature_name('event_name', 'properties') }} as feature,
    event_at,
    activity_date,
    is_activity
from {{ ref('int_events') }}
where true
{{ lookback_filter() }}
