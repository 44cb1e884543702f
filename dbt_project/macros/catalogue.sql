{#- The feature catalogue (prodops.yml `features`, passed as var feature_catalogue). -#}

{#- The feature an event belongs to: the first catalogue entry whose event name and property
    filters match, else the event name itself. -#}
{% macro feature_name(event_col, props_col) -%}
    {%- set catalogue = var('feature_catalogue', []) -%}
    {%- if catalogue | length == 0 -%}{{ event_col }}{%- else -%}
    case
    {%- for f in catalogue %}
        when {{ event_col }} = {{ lit(f.event) }}
        {%- for key, value in (f.where or {}).items() %} and {{ json_text(props_col, key) }} = {{ lit(value) }}{% endfor %}
        then {{ lit(f.name) }}
    {%- endfor %}
        else {{ event_col }}
    end
    {%- endif -%}
{%- endmacro %}

{#- The names of the core features, as a SQL list (or a list that matches nothing). -#}
{% macro core_feature_list() -%}
    {%- set core = [] -%}
    {%- for f in var('feature_catalogue', []) if f.core %}{% do core.append(lit(f.name)) %}{% endfor -%}
    ({{ core | join(', ') if core else "''" }})
{%- endmacro %}

{#- The events that are not activity (var non_activity_events), as a SQL list for `in`. -#}
{% macro non_activity_list() -%}
    {%- set names = [] -%}
    {%- for name in var('non_activity_events', []) %}{% do names.append(lit(name)) %}{% endfor -%}
    ({{ names | join(', ') if names else "''" }})
{%- endmacro %}

{% macro core_feature_count() -%}
    {%- set n = [] -%}
    {%- for f in var('feature_catalogue', []) if f.core %}{% do n.append(1) %}{% endfor -%}
    {{ n | length }}
{%- endmacro %}

{#- The q-quantile (continuous) of an expression in an aggregate. -#}
{% macro quantile(expr, q) -%}{{ adapter.dispatch('quantile', 'prodops')(expr, q) }}{%- endmacro %}
{% macro duckdb__quantile(expr, q) -%}quantile_cont({{ expr }}, {{ q }}){%- endmacro %}
{% macro default__quantile(expr, q) -%}percentile({{ expr }}, {{ q }}){%- endmacro %}
