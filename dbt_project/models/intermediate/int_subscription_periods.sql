-- Subscription periods with their MRR: amount x quantity, less the recurring discount,
-- normalised to a month, converted to the reporting currency when billing mixes currencies.
-- A zero-amount period (a trial) has MRR 0. A currency without a rate gives fx_rate NULL,
-- which the test on this model turns into a failed run (never a silent sum).
{%- set reporting = var('reporting_currency') %}
with periods as (
    select * from {{ ref('stg_raw__subscription_periods') }}
),
currencies as (
    select count(distinct currency) as n from periods
),
rates as (
    select '{{ reporting }}' as currency, 1.0 as rate
    {%- for code, rate in var('fx_rates').items() if code != reporting %}
    union all select '{{ code }}', {{ rate }}
    {%- endfor %}
),
converted as (
    select
        p.*,
        case when c.n = 1 then p.currency else '{{ reporting }}' end as mrr_currency,
        case when c.n = 1 then 1.0 else r.rate end as fx_rate
    from periods as p
    cross join currencies as c
    left join rates as r on r.currency = p.currency
)
select
    subscription_id,
    customer_id,
    plan,
    start_date,
    end_date,
    billing_interval,
    currency,
    mrr_currency,
    fx_rate,
    {{ money('amount * quantity * (1 - discount_pct / 100.0) * ' ~ monthly_factor('billing_interval') ~ ' * fx_rate') }} as mrr
from converted
