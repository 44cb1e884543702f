-- Every feature: the catalogue's entries and every other event name seen as activity.
with seen as (select distinct feature from {{ ref('int_activity_daily') }})
select
    coalesce(c.feature, s.feature) as feature,
    c.event_name,
    c.area,
    coalesce(c.is_core, false) as is_core,
    c.feature is not null as in_catalogue
from {{ ref('int_feature_catalogue') }} as c
full outer join seen as s on s.feature = c.feature
