{#- How an incremental model replaces the days it rebuilds (the look-back window): DuckDB
    deletes those days and inserts them again (`unique_key` = the day); Spark writes the day
    partitions of a Parquet table over (`partition_by` = the day; dynamic partition
    overwrite). Both leave exactly the rebuilt days replaced and the others untouched. -#}
{% macro day_rebuild_strategy() -%}
    {{ return(adapter.dispatch('day_rebuild_strategy', 'prodops')()) }}
{%- endmacro %}

{% macro duckdb__day_rebuild_strategy() -%}{{ return('delete+insert') }}{%- endmacro %}

{% macro default__day_rebuild_strategy() -%}{{ return('insert_overwrite') }}{%- endmacro %}
