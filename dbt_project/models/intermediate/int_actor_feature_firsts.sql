{{ config(materialized=firsts_materialization(), pre_hook="{{ drop_recent_firsts() }}") }}
-- Each actor's (unit = user | account) first use of each feature: its day and time. Feature
-- adoption's time to adopt reads it, not every actor-feature day (macros/firsts.sql).
{{ firsts_from(ref('int_actor_feature_days'), ['unit', 'actor_id', 'feature'], 'activity_date',
               ['min(s.first_event_at) as first_event_at']) }}
