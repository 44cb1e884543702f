-- The configured feature catalogue (prodops.yml `features`) as rows.
{% set catalogue = var('feature_catalogue', []) %}
{% if catalogue | length == 0 %}
select cast(null as {{ dbt.type_string() }}) as feature, cast(null as {{ dbt.type_string() }}) as event_name,
       cast(null as {{ dbt.type_string() }}) as area, false as is_core, 0 as position
where false
{% else %}
{% for f in catalogue %}
select {{ lit(f.name) }} as feature, {{ lit(f.event) }} as event_name,
       {{ lit(f.area) if f.area else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as area,
       {{ 'true' if f.core else 'false' }} as is_core, {{ loop.index }} as position
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% endif %}
