{#- Time helpers. Timestamps are stored as naive UTC; bucketing happens in the report timezone. -#}

{#- UTC timestamp -> naive local timestamp in var('timezone'). Engine-specific: dispatched. -#}
{% macro to_report_tz(column) -%}
    {{ return(adapter.dispatch('to_report_tz', 'prodops')(column)) }}
{%- endmacro %}

{% macro duckdb__to_report_tz(column) -%}
    timezone('{{ var("timezone") }}', timezone('UTC', {{ column }}))
{%- endmacro %}

{% macro default__to_report_tz(column) -%}
    from_utc_timestamp({{ column }}, '{{ var("timezone") }}')
{%- endmacro %}

{#- Start of the period containing a date, honouring var('week_start') for weeks. -#}
{% macro period_start(period, date_expr) -%}
    {%- if period == 'week' and var('week_start') == 'sunday' -%}
        cast({{ dbt.dateadd('day', -1, dbt.date_trunc('week', dbt.dateadd('day', 1, date_expr))) }} as date)
    {%- else -%}
        cast({{ dbt.date_trunc(period, date_expr) }} as date)
    {%- endif -%}
{%- endmacro %}

{#- Whole periods between two period starts (same period grain). -#}
{% macro periods_between(period, start_expr, end_expr) -%}
    {{ dbt.datediff(start_expr, end_expr, period) }}
{%- endmacro %}

{#- Today in the report timezone: periods from today on are incomplete. -#}
{% macro report_today() -%}
    {{ return(adapter.dispatch('report_today', 'prodops')()) }}
{%- endmacro %}

{% macro duckdb__report_today() -%}
    cast(timezone('{{ var("timezone") }}', now()) as date)
{%- endmacro %}

{% macro default__report_today() -%}
    cast(from_utc_timestamp(current_timestamp(), '{{ var("timezone") }}') as date)
{%- endmacro %}

{#- One row per day from lo to hi inclusive, column `metric_date`. -#}
{% macro day_spine(lo_expr, hi_expr) -%}
    {{ return(adapter.dispatch('day_spine', 'prodops')(lo_expr, hi_expr)) }}
{%- endmacro %}

{% macro duckdb__day_spine(lo_expr, hi_expr) -%}
    select cast(unnest(generate_series(cast({{ lo_expr }} as date), cast({{ hi_expr }} as date), interval 1 day)) as date) as metric_date
{%- endmacro %}

{% macro default__day_spine(lo_expr, hi_expr) -%}
    select explode(sequence(cast({{ lo_expr }} as date), cast({{ hi_expr }} as date), interval 1 day)) as metric_date
{%- endmacro %}
