-- Logo churn, gross and net revenue retention per month, over the customers paying at the
-- end of the previous month (contraction and churn amounts are negative in fct_mrr_customers).
with customers as (
    select * from {{ ref('fct_mrr_customers') }}
),
monthly as (
    select
        m.month_start,
        m.is_complete,
        coalesce(sum(c.previous_mrr), 0) as starting_mrr,
        count(case when c.previous_mrr > 0 then 1 end) as starting_customers,
        count(case when c.movement = 'churn' then 1 end) as churned_customers,
        coalesce(sum(c.expansion_mrr), 0) as expansion_mrr,
        coalesce(sum(c.contraction_mrr), 0) as contraction_mrr,
        coalesce(sum(c.churn_mrr), 0) as churn_mrr
    from {{ ref('int_revenue_months') }} as m
    left join customers as c on c.month_start = m.month_start
    group by m.month_start, m.is_complete
)
select
    month_start,
    is_complete,
    starting_mrr,
    starting_customers,
    churned_customers,
    cast(churned_customers as double) / nullif(starting_customers, 0) as logo_churn_rate,
    case when starting_mrr > 0 then
        least(1.0, cast(starting_mrr + contraction_mrr + churn_mrr as double) / starting_mrr)
    end as grr,
    cast(starting_mrr + expansion_mrr + contraction_mrr + churn_mrr as double) / nullif(starting_mrr, 0) as nrr
from monthly
