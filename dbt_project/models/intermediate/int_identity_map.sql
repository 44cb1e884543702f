{{ config(materialized=firsts_materialization(), incremental_strategy='delete+insert', unique_key='anonymous_id') }}
-- Anonymous id -> the user it was identified as: the first user seen together with it (of two
-- seen first at the same time, the lesser id). Identify calls, alias calls (previousId is
-- stored as the anonymous id) and any event that carries both ids (Amplitude device_id +
-- user_id, Mixpanel $device_id + $user_id) link them.
-- Incremental (DuckDB, macros/firsts.sql): the ids on rows loaded since the last successful
-- build started (`raw.dbt_builds`, as the event-id test) are linked again from those rows and
-- their link kept so far, the earlier winning; raw rows are never taken back once a build has
-- read them, so every other link stands. A nightly run reads its own rows, not every event.
with loaded as (
    select anonymous_id, user_id, event_at
    from {{ ref('stg_raw__events') }}
    where anonymous_id is not null and user_id is not null
    {%- if is_incremental() %}
      and loaded_at >= {{ last_build_started() }}
    {%- endif %}
),
links as (
    select anonymous_id, user_id, event_at from loaded
    {%- if is_incremental() %}
    union all
    select anonymous_id, user_id, identified_at from {{ this }}
    where anonymous_id in (select anonymous_id from loaded)
    {%- endif %}
)
select
    anonymous_id,
    min_by(user_id, {{ ordered_pair('event_at', 'user_id') }}) as user_id,
    min(event_at) as identified_at
from links
group by anonymous_id
