select
    coalesce(feedback_id, _key) as feedback_id,
    user_id,
    account_id,
    created_at,
    lower({{ adapter.quote('type') }}) as feedback_type,
    feature,
    title,
    dimensions
from ({{ latest_versions(source('raw', 'feedback'), 'coalesce(feedback_id, _key)') }}) as items
