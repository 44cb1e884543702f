-- In-account stickiness: for every account and day from its first activity to the last day
-- with data, the account's users active that day (DAU), in the 30 days ending it (MAU), and
-- DAU/MAU. Each user-day opens an interval [d, min(d + 30, the user's next active day)) in
-- which the user counts for MAU; a running sum of the +1/-1 changes gives every day's count.
with user_days as (
    select distinct account_id, person_id, activity_date
    from {{ ref('int_activity_daily') }}
    where account_id is not null
),
ordered as (
    select *, lead(activity_date) over (partition by account_id, person_id order by activity_date) as next_date
    from user_days
),
changes as (
    select account_id, activity_date as change_date, 1 as d1, 1 as d30 from ordered
    union all
    select account_id, cast({{ dbt.dateadd('day', 1, 'activity_date') }} as date), -1, 0 from ordered
    union all
    select account_id,
           least(cast({{ dbt.dateadd('day', 30, 'activity_date') }} as date),
                 coalesce(next_date, cast({{ dbt.dateadd('day', 30, 'activity_date') }} as date))), 0, -1
    from ordered
),
daily_changes as (
    select account_id, change_date, sum(d1) as d1, sum(d30) as d30 from changes group by account_id, change_date
),
firsts as (
    select account_id, min(activity_date) as first_date from user_days group by account_id
),
spine as (
    {{ day_spine('(select min(first_date) from firsts)', '(select as_of from ' ~ ref('int_data_as_of') ~ ')') }}
),
grid as (
    select f.account_id, s.metric_date from firsts as f join spine as s on s.metric_date >= f.first_date
),
counts as (
    select
        g.account_id,
        g.metric_date,
        cast(sum(coalesce(c.d1, 0)) over w as bigint) as dau,
        cast(sum(coalesce(c.d30, 0)) over w as bigint) as mau
    from grid as g
    left join daily_changes as c on c.account_id = g.account_id and c.change_date = g.metric_date
    window w as (partition by g.account_id order by g.metric_date rows between unbounded preceding and current row)
)
select account_id, metric_date, dau, mau, cast(dau as double) / nullif(mau, 0) as dau_mau
from counts
