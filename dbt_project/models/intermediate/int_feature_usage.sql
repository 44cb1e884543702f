{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['activity_date'],
) }}
-- Events and actors per feature (event name) per day; same look-back as int_actor_days.
with activity as (
    select * from {{ ref('int_events') }}
    where is_activity
    {% if is_incremental() %}
      and activity_date >= (
          select {{ dbt.dateadd('day', -var('lookback_days'), 'max(activity_date)') }} from {{ this }}
      )
    {% endif %}
)
select event_name as feature, activity_date,
       count(*) as events,
       count(distinct person_id) as users,
       count(distinct account_id) as accounts
from activity
group by event_name, activity_date
