-- Latest loaded version of each account's traits.
select account_id, name, plan, segment, country, created_at, dimensions
from {{ source('raw', 'accounts') }}
qualify row_number() over (partition by account_id order by _loaded_at desc, _line desc) = 1
