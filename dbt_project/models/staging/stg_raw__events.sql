select
    event_id,
    event_name,
    {{ adapter.quote('timestamp') }} as event_at,
    user_id,
    anonymous_id,
    account_id,
    session_id,
    properties,
    traits,
    _loaded_at as loaded_at
from {{ source('raw', 'events') }}
