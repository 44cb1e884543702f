{#- JSON traits and properties. Engine-specific: dispatched. -#}

{#- The text of top-level `key` in the JSON object `column`, NULL when absent. -#}
{% macro json_text(column, key) -%}
    {{ return(adapter.dispatch('json_text', 'prodops')(column, key)) }}
{%- endmacro %}

{% macro duckdb__json_text(column, key) -%}
    json_extract_string({{ column }}, '$."{{ key }}"')
{%- endmacro %}

{% macro default__json_text(column, key) -%}
    get_json_object({{ column }}, '$.{{ key }}')
{%- endmacro %}

{#- An ISO 8601 text (any offset; none = UTC) as a UTC timestamp; NULL when it does not parse. -#}
{% macro text_to_utc(text) -%}
    {{ return(adapter.dispatch('text_to_utc', 'prodops')(text)) }}
{%- endmacro %}

{% macro duckdb__text_to_utc(text) -%}
    timezone('UTC', try_cast({{ text }} as timestamptz))
{%- endmacro %}

{% macro default__text_to_utc(text) -%}
    to_utc_timestamp(try_cast({{ text }} as timestamp), 'UTC')
{%- endmacro %}

{#- When a user or account says it was created: the `created_at` (or Segment's `createdAt`) trait. -#}
{% macro created_at_trait(traits) -%}
    {{ text_to_utc('coalesce(' ~ json_text(traits, 'created_at') ~ ', ' ~ json_text(traits, 'createdAt') ~ ')') }}
{%- endmacro %}
