select
    coalesce(response_id, _key) as response_id,
    -- a response without a respondent id is its own respondent
    coalesce(respondent_id, 'response:' || coalesce(response_id, _key)) as respondent_id,
    respondent_id is null as is_anonymous,
    account_id,
    cast(score as integer) as score,
    responded_at,
    survey,
    comment,
    dimensions
from {{ source('raw', 'nps') }}
