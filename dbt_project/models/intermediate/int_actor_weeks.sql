{{ config(
    materialized='incremental',
    incremental_strategy=day_rebuild_strategy(),
    unique_key='period_start',
    partition_by=['period_start'],
) }}
-- One row per actor per week of the report timezone (macros/actor_periods.sql).
{{ actor_periods('week') }}
