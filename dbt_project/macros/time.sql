{#- Time helpers for models (they read the workspace settings through var()). Timestamps are
    stored as naive UTC; bucketing happens in the report timezone. -#}

{#- UTC timestamp -> naive local timestamp in var('timezone'). -#}
{% macro to_report_tz(column) -%}
    {{ local_ts(column, var('timezone')) }}
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

{#- First day of the period (day, week, month, quarter) containing a date; weeks start on
    var('week_start'). -#}
{% macro period_start(period, date_expr) -%}
    cast({{ period_floor(period, 'cast(' ~ date_expr ~ ' as timestamp)', var('week_start')) }} as date)
{%- endmacro %}

{#- One row per day from lo to hi inclusive, column `metric_date`. -#}
{% macro day_spine(lo_expr, hi_expr) -%}
    {{ days_from_to(lo_expr, hi_expr) }}
{%- endmacro %}
