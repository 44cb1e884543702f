{#-
  NPS (METRICS.md, NPS). Each response carries its points (+100 promoter, 0 passive,
  -100 detractor), so NPS = 100 x (promoters - detractors) / respondents is the mean of the
  points over the counted responses; with no response the mean is NULL, never 0.
-#}


{#- The filter that keeps one response per respondent per period (`all` keeps every response). -#}
{% macro nps_dedup_filter(rule, period) -%}
    {%- if rule not in ['latest', 'first', 'all'] -%}
        {{ exceptions.raise_compiler_error("nps_dedup must be latest, first or all, not " ~ rule) }}
    {%- endif -%}
    {{ 'true' if rule == 'all' else 'is_' ~ rule ~ '_' ~ period }}
{%- endmacro %}

{#- Respondents, promoters, passives, detractors and NPS over the rows of a group. -#}
{% macro nps_aggregates() -%}
    count(*) as respondents,
    count(case when category = 'promoter' then 1 end) as promoters,
    count(case when category = 'passive' then 1 end) as passives,
    count(case when category = 'detractor' then 1 end) as detractors,
    avg(cast(nps_points as double)) as nps
{%- endmacro %}
