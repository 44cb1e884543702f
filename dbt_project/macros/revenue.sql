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

{#- MRR of each customer on the date in `date_column` of each row of `dates` (`carry`: more
    columns of `dates` kept beside it). A period counts on day x when start_date <= x < end_date:
    a running sum of each customer's changes (+mrr at a start, -mrr at an end) read at the
    dates, which sort after the changes of their day. One sort of changes and dates instead of
    a join of every date to every period of its customer. -#}
{% macro mrr_on(dates, date_column, periods, carry=[]) -%}
{%- set carried = carry | join(', ') ~ (', ' if carry else '') -%}
select customer_id, {{ date_column }}, {{ carried }}{{ money('mrr') }} as mrr
from (
    select customer_id, on_date as {{ date_column }}, {{ carried }}is_date,
           sum(delta) over (
               partition by customer_id order by on_date, is_date rows between unbounded preceding and current row
           ) as mrr
    from (
        select customer_id, {{ date_column }} as on_date, {{ carried }}1 as is_date, {{ money(0) }} as delta
        from {{ dates }}
        union all
        select customer_id, start_date, {% for c in carry %}null, {% endfor %}0, mrr
        from {{ periods }} where end_date is null or end_date > start_date
        union all
        select customer_id, end_date, {% for c in carry %}null, {% endfor %}0, -mrr
        from {{ periods }} where end_date > start_date
    ) as changes
) as running
where is_date = 1
{%- endmacro %}
