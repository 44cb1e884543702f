-- MRR per customer per month and the month's movement (METRICS.md, Revenue):
-- new (previous 0, never paid before), reactivation (previous 0, paid before),
-- expansion (up, previous > 0), contraction (down, now > 0), churn (previous > 0, now 0).
-- Movement amounts are signed (contraction and churn negative), so a month's amounts add
-- up to its MRR change. Rows where the customer pays now or paid in the previous month.
with periods as (
    select * from {{ ref('int_subscription_periods') }}
),
months as (
    select * from {{ ref('int_revenue_months') }}
),
customers as (
    select customer_id, {{ period_start('month', 'min(start_date)') }} as first_month
    from periods group by customer_id
),
grid as (
    select c.customer_id, m.month_start, m.measured_on, m.is_complete
    from customers as c join months as m on m.month_start >= c.first_month
),
mrr as (
    {{ mrr_on('grid', 'measured_on', 'periods') }}
),
plans as (
    -- the plan of the customer's largest running period
    select customer_id, measured_on, plan from (
        select g.customer_id, g.measured_on, p.plan,
               row_number() over (partition by g.customer_id, g.measured_on order by p.mrr desc, p.plan) as rank_in_month
        from grid as g
        join periods as p
            on p.customer_id = g.customer_id and p.start_date <= g.measured_on
            and (p.end_date is null or p.end_date > g.measured_on) and p.mrr > 0
    ) as ranked
    where rank_in_month = 1
),
history as (
    select
        g.customer_id, g.month_start, g.measured_on, g.is_complete, pl.plan, m.mrr,
        coalesce(lag(m.mrr) over (partition by g.customer_id order by g.month_start), 0) as previous_mrr,
        coalesce(max(case when m.mrr > 0 then 1 else 0 end) over (
            partition by g.customer_id order by g.month_start rows between unbounded preceding and 1 preceding
        ), 0) = 1 as paid_before
    from grid as g
    join mrr as m on m.customer_id = g.customer_id and m.measured_on = g.measured_on
    left join plans as pl on pl.customer_id = g.customer_id and pl.measured_on = g.measured_on
),
classified as (
    select *,
        case
            when previous_mrr = 0 and mrr > 0 and not paid_before then 'new'
            when previous_mrr = 0 and mrr > 0 then 'reactivation'
            when previous_mrr > 0 and mrr = 0 then 'churn'
            when mrr > previous_mrr then 'expansion'
            when mrr < previous_mrr then 'contraction'
            else 'unchanged'
        end as movement
    from history
    where mrr > 0 or previous_mrr > 0
)
select
    customer_id,
    month_start,
    measured_on,
    is_complete,
    plan,
    mrr,
    previous_mrr,
    mrr - previous_mrr as mrr_change,
    movement,
    {%- for kind in ['new', 'expansion', 'contraction', 'churn', 'reactivation'] %}
    case when movement = '{{ kind }}' then mrr - previous_mrr else {{ money(0) }} end as {{ kind }}_mrr{{ ',' if not loop.last }}
    {%- endfor %}
from classified
