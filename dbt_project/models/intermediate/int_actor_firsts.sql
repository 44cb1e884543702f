{{ config(materialized=firsts_materialization(), pre_hook="{{ drop_recent_firsts() }}") }}
-- Each actor's (unit = user | account) first active day and first event time: cohorts,
-- time to adopt and the days an account is reported from read it (macros/firsts.sql).
{{ firsts_from(ref('int_actor_days'), ['unit', 'actor_id'], 'activity_date',
               ['min(s.first_event_at) as first_event_at']) }}
