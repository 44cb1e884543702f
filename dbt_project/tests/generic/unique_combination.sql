{#-
  No two rows share the same values of `columns`. `rebuilt_day`: one of `columns`, the day by
  which an incremental model replaces whole days, the model having `_built_at` (when a build
  wrote the row, naive UTC). On an incremental DuckDB build only the days holding a row
  written since the last successful build ended (`raw.dbt_builds.finished_at`) are grouped: a
  repeat shares its day, and every other day is as that build checked it (the rows a build
  writes precede its tests, so after a full refresh the next night groups only its own days).
  Rows without `_built_at` (written before the column existed) keep their days in every check
  until a full refresh stamps them.
-#}
{% test unique_combination(model, columns, rebuilt_day=none) %}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
{%- if rebuilt_day and target.type == 'duckdb' and not flags.FULL_REFRESH %}
where {{ rebuilt_day }} in (
    select {{ rebuilt_day }} from {{ model }}
    where _built_at is null or _built_at >= (
        select coalesce(max(finished_at), cast('1970-01-01' as timestamp)) from raw.dbt_builds
    )
)
{%- endif %}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
