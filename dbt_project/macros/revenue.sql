{#-
  Revenue (METRICS.md, Revenue). MRR is DECIMAL(38, 6) so that the movements of a month add
  up exactly to the month's MRR change (sums of decimals do not drift like floats).
-#}

{#- Months in one billing interval: an amount per interval times this is an amount per month.
    Doubles, not decimal literals: engines give `1.0 / 12` different decimal scales. -#}
{% macro monthly_factor(interval_column) -%}
    case {{ interval_column }}
        when 'day' then cast(365 as double) / 12
        when 'week' then cast(52 as double) / 12
        when 'month' then cast(1 as double)
        when 'quarter' then cast(1 as double) / 3
        when 'year' then cast(1 as double) / 12
    end
{%- endmacro %}

{% macro money(expr) -%}
    cast({{ expr }} as decimal(38, 6))
{%- endmacro %}

{#- MRR of each customer on the date in `date_column` of `dates` (one row per customer and date). -#}
{% macro mrr_on(dates, date_column, periods) -%}
    select d.customer_id, d.{{ date_column }}, {{ money('coalesce(sum(p.mrr), 0)') }} as mrr
    from {{ dates }} as d
    left join {{ periods }} as p
        on p.customer_id = d.customer_id
        and p.start_date <= d.{{ date_column }}
        and (p.end_date is null or p.end_date > d.{{ date_column }})
    group by d.customer_id, d.{{ date_column }}
{%- endmacro %}
