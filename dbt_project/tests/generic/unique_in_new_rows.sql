{#-
  `unique`, checked for the values of rows loaded since the last successful build
  (`raw.dbt_builds`, the pipeline's record, not a source: other engines do not read it; every
  row on a full refresh or another engine). The rows before were unique when that build
  checked them, so a repeat involves a new row, and finding one still means reading the whole
  column; grouping only the values the new rows carry, not the history's every value, made the
  nightly test of 100M event ids 15 s cheaper. `hash_column`: a number stored with each row,
  equal for equal values (raw tables' `_key_hash`, when `column_name` is the key): the
  history's numbers are compared first, and the values themselves read only for a number the
  new rows share with another row (scanning 100M ids as strings took 6-12 s, their numbers
  under 1 s).
-#}
{% test unique_in_new_rows(model, column_name, hash_column=none) %}
{%- set incremental = target.type == 'duckdb' and not flags.FULL_REFRESH %}
{%- set loaded_since = '_loaded_at >= ' ~ last_build_started() %}
select {{ column_name }} as unique_field, count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
{%- if incremental and hash_column %}
  and {{ hash_column }} in (
    select {{ hash_column }} from {{ model }}
    where {{ hash_column }} in (select {{ hash_column }} from {{ model }} where {{ loaded_since }})
    group by {{ hash_column }}
    having count(*) > 1
  )
{%- elif incremental %}
  and {{ column_name }} in (select {{ column_name }} from {{ model }} where {{ loaded_since }})
{%- endif %}
group by {{ column_name }}
having count(*) > 1
{% endtest %}
