-- Every month, new + expansion + contraction + churn + reactivation equals this month's MRR
-- minus last month's MRR, exactly (MRR is a decimal), against the previous row of the mart.
select month_start, mrr, previous_month_mrr, movements
from (
    select
        month_start,
        mrr,
        coalesce(lag(mrr) over (order by month_start), 0) as previous_month_mrr,
        new_mrr + expansion_mrr + contraction_mrr + churn_mrr + reactivation_mrr as movements
    from {{ ref('fct_mrr_movements') }}
) as months
where movements <> mrr - previous_month_mrr
