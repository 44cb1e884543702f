-- Every event with its stitched person, account, feature and activity flag: what the ad-hoc
-- insights (`prodops retention`, `stickiness`, `lifecycle`, `pes`) read from the serving copy.
select
    person_id,
    account_id,
    event_name,
    {{ feature_name('event_name', 'properties') }} as feature,
    event_at,
    is_activity
from {{ ref('int_events') }}
