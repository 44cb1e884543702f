{{ config(materialized=firsts_materialization(), pre_hook="{{ drop_recent_firsts() }}") }}
-- Each person's first active day with each account (account NULL: activity outside any
-- account). PES's "new" actors are counted from these, not from every active day (macros/firsts.sql).
{{ firsts_from(ref('int_activity_daily'), ['person_id', 'account_id'], 'activity_date') }}
