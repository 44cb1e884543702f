-- Latest loaded version of each account's traits.
select account_id, name, plan, segment, country, created_at, dimensions
from (
    select *, row_number() over (partition by account_id order by _loaded_at desc, _line desc) as version_rank
    from {{ source('raw', 'accounts') }}
) as versions
where version_rank = 1
