{#- The first day an incremental run rebuilds, as SQL: the model's last `date_col` (among rows
    matching `where`, if given) minus `lookback_days`; none on a full build. -#}
{% macro rebuild_since(date_col, where=none) -%}
    {%- if not is_incremental() -%}{{ return(none) }}{%- endif -%}
    {{ return('(select cast(' ~ dbt.dateadd('day', -var('lookback_days'), 'max(' ~ date_col ~ ')') ~ ' as date) from '
              ~ this ~ (' where ' ~ where if where else '') ~ ')') }}
{%- endmacro %}

{#- When the last successful build started (`raw.dbt_builds`, written by the pipeline when a
    build passes; 1970 before any): the rows loaded since are the ones no build has passed yet.
    DuckDB only (other engines do not read the pipeline's record). -#}
{% macro last_build_started() -%}
    (select coalesce(max(started_at), cast('1970-01-01' as timestamp)) from raw.dbt_builds)
{%- endmacro %}

{#-
  The rows an incremental run rebuilds: days from the last built day minus `lookback_days`
  (late events). The bound is repeated on the UTC timestamp (a day wider: a local day is at
  most 14 hours away from UTC) so the engine skips stored row groups outside it: a nightly
  run reads the new days, not the history. A model reading a daily table passes ts_col=none.
-#}
{% macro lookback_filter(date_col='activity_date', ts_col='event_at') -%}
    {%- if is_incremental() %}
    and {{ date_col }} >= {{ rebuild_since(date_col) }}
    {%- if ts_col %}
    and {{ ts_col }} >= (
        select {{ dbt.dateadd('day', -var('lookback_days') - 1, 'cast(max(' ~ date_col ~ ') as timestamp)') }}
        from {{ this }}
    )
    {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#- How an incremental model replaces the days it rebuilds (the look-back window): DuckDB
    deletes those days and inserts them again (`unique_key` = the day); Spark writes the day
    partitions of a Parquet table over (`partition_by` = the day; dynamic partition
    overwrite). Both leave exactly the rebuilt days replaced and the others untouched. -#}
{% macro day_rebuild_strategy() -%}
    {{ return(adapter.dispatch('day_rebuild_strategy', 'prodops')()) }}
{%- endmacro %}

{% macro duckdb__day_rebuild_strategy() -%}{{ return('delete+insert') }}{%- endmacro %}

{% macro default__day_rebuild_strategy() -%}{{ return('insert_overwrite') }}{%- endmacro %}
