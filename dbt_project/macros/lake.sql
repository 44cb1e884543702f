{#- Where the raw tables come from. DuckDB reads the pipeline's `raw` schema in the warehouse
    file. Spark reads the Parquet lake the pipeline writes when `lake_export` is on (var
    lake_path): every `raw` source becomes an external table over <lake_path>/raw/<table>/
    (partitioned by the source's `meta.lake_partition`, if any), declared again at the start
    of each run so that new columns and new day partitions are seen. Run from `on-run-start`. -#}
{% macro register_lake() -%}
    {{ return(adapter.dispatch('register_lake', 'prodops')()) }}
{%- endmacro %}

{% macro default__register_lake() -%}{%- endmacro %}

{% macro spark__register_lake() -%}
    {%- if execute -%}
    {%- set lake = var('lake_path') -%}
    {%- do run_query('create database if not exists raw') -%}
    {%- for source in graph.sources.values() if source.source_name == 'raw' -%}
        {%- set table = 'raw.' ~ source.name -%}
        {%- set location = lake ~ '/raw/' ~ source.name -%}
        {%- do run_query('drop table if exists ' ~ table) -%}
        {%- do run_query('create table ' ~ table ~ ' using parquet location ' ~ lit(location)) -%}
        {%- if source.meta.get('lake_partition') -%}
            {%- do run_query('msck repair table ' ~ table) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
