-- Paying customers and MRR per plan per month, with each plan's share of the month's MRR.
select
    month_start,
    is_complete,
    plan,
    count(*) as paying_customers,
    sum(mrr) as mrr,
    cast(sum(mrr) as double) / nullif(sum(sum(mrr)) over (partition by month_start), 0) as mrr_share
from {{ ref('fct_mrr_customers') }}
where mrr > 0
group by month_start, is_complete, plan
