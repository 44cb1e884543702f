{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['activity_date'],
) }}
-- One row per actor (user or account) per active day in the report timezone: the fact
-- every engagement metric reads. Incremental runs rebuild the last `lookback_days` days.
with activity as (
    select * from {{ ref('int_events') }}
    where is_activity
    {% if is_incremental() %}
      and activity_date >= (
          select {{ dbt.dateadd('day', -var('lookback_days'), 'max(activity_date)') }} from {{ this }}
      )
    {% endif %}
)
select 'user' as unit, person_id as actor_id, activity_date,
       count(*) as event_count, min(event_at) as first_event_at
from activity
group by person_id, activity_date
union all
select 'account' as unit, account_id as actor_id, activity_date,
       count(*) as event_count, min(event_at) as first_event_at
from activity
where account_id is not null
group by account_id, activity_date
