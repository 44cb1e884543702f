-- MRR, its movements, ARR, paying customers and ARPA per month (from fct_mrr_customers).
with customers as (
    select * from {{ ref('fct_mrr_customers') }}
)
select
    m.month_start,
    m.measured_on,
    m.is_complete,
    (select max(mrr_currency) from {{ ref('int_subscription_periods') }}) as currency,
    {{ money('coalesce(sum(c.mrr), 0)') }} as mrr,
    {{ money('coalesce(sum(c.previous_mrr), 0)') }} as previous_mrr,
    {{ money('coalesce(sum(c.mrr_change), 0)') }} as mrr_change,
    {%- for kind in ['new', 'expansion', 'contraction', 'churn', 'reactivation'] %}
    {{ money('coalesce(sum(c.' ~ kind ~ '_mrr), 0)') }} as {{ kind }}_mrr,
    {%- endfor %}
    {{ money('12 * coalesce(sum(c.mrr), 0)') }} as arr,
    count(case when c.mrr > 0 then 1 end) as paying_customers,
    cast(sum(c.mrr) as double) / nullif(count(case when c.mrr > 0 then 1 end), 0) as arpa
from {{ ref('int_revenue_months') }} as m
left join customers as c on c.month_start = m.month_start
group by m.month_start, m.measured_on, m.is_complete
