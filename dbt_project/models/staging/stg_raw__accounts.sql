-- Latest loaded version of each account's traits.
select account_id, name, plan, segment, country, created_at, dimensions
from ({{ latest_versions(source('raw', 'accounts'), 'account_id') }}) as accounts
