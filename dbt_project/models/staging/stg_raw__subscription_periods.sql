select
    subscription_id,
    customer_id,
    plan,
    start_date,
    end_date,
    amount,
    coalesce(quantity, 1) as quantity,
    lower({{ adapter.quote('interval') }}) as billing_interval,
    upper(currency) as currency,
    coalesce(discount, 0) as discount_pct
from ({{ latest_versions(source('raw', 'subscriptions'), 'subscription_id, start_date') }}) as periods
