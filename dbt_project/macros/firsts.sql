{#-
  Tables of firsts: one row per key (an actor and a feature, a person and an account) with the
  first day (`first_date`) it shows in a daily table, and other earliest values. Metrics read
  these instead of taking the minimum over the whole history at every run.

  On DuckDB they are incremental: the pre-hook (`drop_recent_firsts`) deletes the keys first
  seen from the last first day minus `lookback_days` on, and the model (`firsts_from`)
  appends the keys of the daily rows after the last first day kept that the table does not
  hold. A key deleted comes back with its true first day: all its rows are that recent. The
  look-back is the daily tables' own, so a late row moves a first day only within it. On
  Spark (no delete) the table is rebuilt whole.
-#}
{% macro firsts_materialization() -%}
    {{ return(adapter.dispatch('firsts_materialization', 'prodops')()) }}
{%- endmacro %}

{% macro duckdb__firsts_materialization() -%}{{ return('incremental') }}{%- endmacro %}

{% macro default__firsts_materialization() -%}{{ return('table') }}{%- endmacro %}

{#- The pre-hook: on an incremental build, delete the keys first seen in the look-back. -#}
{% macro drop_recent_firsts() -%}
    {%- if is_incremental() -%}
    delete from {{ this }} where first_date >= {{ rebuild_since('first_date') }}
    {%- endif -%}
{%- endmacro %}

{#- `source`'s rows grouped by `keys` (a list of columns), with min(`day_col`) as first_date
    and `mins` (a list of `min(...) as name`); incremental: only the keys not already held. -#}
{% macro firsts_from(source, keys, day_col, mins=[]) -%}
select {% for k in keys %}s.{{ k }}, {% endfor %}min(s.{{ day_col }}) as first_date
       {%- for m in mins %}, {{ m }}{% endfor %}
from {{ source }} as s
{%- if is_incremental() %}
where s.{{ day_col }} > (select coalesce(max(first_date), cast('1900-01-01' as date)) from {{ this }})
  and not exists (
    select 1 from {{ this }} as t
    where {% for k in keys %}t.{{ k }} is not distinct from s.{{ k }}{% if not loop.last %} and {% endif %}{% endfor %}
  )
{%- endif %}
group by {% for k in keys %}s.{{ k }}{% if not loop.last %}, {% endif %}{% endfor %}
{%- endmacro %}
