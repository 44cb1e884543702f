select
    invoice_id,
    customer_id,
    subscription_id,
    lower(status) as invoice_status,
    invoiced_at,
    due_at,
    amount_due,
    amount_paid,
    upper(currency) as currency
from ({{ latest_versions(source('raw', 'invoices'), 'invoice_id') }}) as invoices
