{{ config(
    materialized='incremental',
    incremental_strategy=day_rebuild_strategy(),
    unique_key='activity_date',
    partition_by=['activity_date'],
) }}
-- One row per actor (unit = user | account) per feature per active day, with its event count.
-- Incremental: rebuilds the days int_activity_daily rebuilt (the look-back window).
select 'user' as unit, person_id as actor_id, feature, activity_date,
       sum(events) as events, min(first_event_at) as first_event_at
from {{ ref('int_activity_daily') }}
where true {{ lookback_filter(ts_col=none) }}
group by person_id, feature, activity_date
union all
select 'account' as unit, account_id as actor_id, feature, activity_date,
       sum(events) as events, min(first_event_at) as first_event_at
from {{ ref('int_activity_daily') }}
where account_id is not null {{ lookback_filter(ts_col=none) }}
group by account_id, feature, activity_date
