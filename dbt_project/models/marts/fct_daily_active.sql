-- DAU, WAU (7 days ending d), MAU (30 days ending d) and their ratios per day and unit.
with counts as (
    {{ active_actor_counts(ref('int_actor_days')) }}
)
select
    metric_date,
    unit,
    dau,
    wau,
    mau,
    dau / nullif(mau, 0) as dau_mau,
    wau / nullif(mau, 0) as wau_mau,
    dau / nullif(wau, 0) as dau_wau,
    metric_date < {{ report_today() }} as is_complete
from counts
