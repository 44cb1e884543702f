{#-
  A full build of a model holding large windowed state (PES per account and day) runs on one
  DuckDB thread: every thread keeps its own share of that state, and with two the build of
  100M events ran out of its memory limit (with one it fits, in 200 s). Incremental builds
  (the look-back window) keep every thread; other engines are not touched.
-#}
{% macro one_thread_for_full_builds() -%}
    {%- if target.type == 'duckdb' and not is_incremental() -%}SET threads = 1{%- endif -%}
{%- endmacro %}

{#- back to the workspace's `duckdb_threads` (DuckDB's default when run without it) -#}
{% macro restore_threads() -%}
    {%- set n = var('duckdb_threads', none) -%}
    {%- if target.type == 'duckdb' -%}{{ 'SET threads = ' ~ n if n else 'RESET threads' }}{%- endif -%}
{%- endmacro %}
