-- The last day with data of any kind (report timezone): revenue and health run up to it,
-- so a re-run on the same data gives the same numbers whatever the wall clock says.
select max(last_day) as as_of
from (
    select max(activity_date) as last_day from {{ ref('int_actor_days') }}
    union all
    select max(cast({{ to_report_tz('responded_at') }} as date)) from {{ ref('stg_raw__nps_responses') }}
    union all
    select max(cast({{ to_report_tz('created_at') }} as date)) from {{ ref('stg_raw__feedback_items') }}
    union all
    select max(start_date) from {{ ref('stg_raw__subscription_periods') }}
    union all
    select max(cast({{ to_report_tz('invoiced_at') }} as date)) from {{ ref('stg_raw__invoices') }}
) as last_days
