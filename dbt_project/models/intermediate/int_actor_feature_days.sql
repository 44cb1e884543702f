{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['activity_date'],
) }}
-- One row per actor (user or account) per feature (event name) per active day, with its event count.
with activity as (
    select * from {{ ref('int_events') }}
    where is_activity
    {% if is_incremental() %}
      and activity_date >= (
          select {{ dbt.dateadd('day', -var('lookback_days'), 'max(activity_date)') }} from {{ this }}
      )
    {% endif %}
)
select 'user' as unit, person_id as actor_id, event_name as feature, activity_date, count(*) as events
from activity
group by person_id, event_name, activity_date
union all
select 'account' as unit, account_id as actor_id, event_name as feature, activity_date, count(*) as events
from activity
where account_id is not null
group by account_id, event_name, activity_date
