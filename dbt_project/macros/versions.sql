{#-
  The latest loaded version of each `key` (an SQL expression) of a raw table whose rows are
  snapshots of changing records (accounts, subscription periods, invoices, feedback items): a
  re-export that changes a record loads as a new row (only a row equal in every field is a
  duplicate), and the last file loaded, then its last line, says how the record stands now.
  `where` limits the rows read (as of an earlier load).
-#}
{% macro latest_versions(relation, key, where=none) -%}
    select * from (
        select *, row_number() over (partition by {{ key }} order by _loaded_at desc, _line desc) as version_rank
        from {{ relation }}{% if where %} where {{ where }}{% endif %}
    ) as versions
    where version_rank = 1
{%- endmacro %}
