-- Calendar months from the first subscription start to the month of the last day with data.
-- MRR of a month is measured on its last day, or on the last day with data for the month in progress.
with bounds as (
    select min(p.start_date) as lo, max(a.as_of) as hi
    from {{ ref('stg_raw__subscription_periods') }} as p
    cross join {{ ref('int_data_as_of') }} as a
),
months as (
    select distinct {{ period_start('month', 'metric_date') }} as month_start
    from ({{ day_spine('(select lo from bounds)', '(select hi from bounds)') }}) as days
)
select
    m.month_start,
    cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'm.month_start')) }} as date) as month_end,
    least(cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'm.month_start')) }} as date), b.hi) as measured_on,
    cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'm.month_start')) }} as date) <= b.hi as is_complete
from months as m
cross join bounds as b
