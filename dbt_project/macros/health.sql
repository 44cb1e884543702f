{#-
  The first week an incremental build of fct_account_health rebuilds, as a date literal; none
  on a full build, when the table predates `_built_at` or when there are no events (rebuilt
  whole). Evaluated once per build, so the model's five uses read one constant.

  A week's health reads: the account's usage and core-feature days, its NPS answers, feedback,
  subscriptions and invoices, and its first week. Rows loaded since the table was last built
  (`_built_at`) change a week only from their own date on (a window ending at week_end reads
  nothing later than week_end), so the build starts at the week of the earliest of:
    - the days the daily tables upstream rebuild: from the last activity day loaded before,
      or the last day the table scored if earlier, minus `lookback_days`;
    - the first day a new version of a subscription period changes MRR: its start, or for a
      new end alone the earlier of the two ends;
    - each new invoice's, NPS answer's and feedback item's date;
    - for an account with a new row, its first week as stored and as it is now, when they
      differ (a creation date moved either way, or a new account);
    - the start of the data, for the workspace's first feedback (the component stops being
      missing in every week);
  and never before the start of the data, where a full build starts.
-#}
{% macro health_rebuild_from() -%}
    {%- if not is_incremental() -%}{{ return(none) }}{%- endif -%}
    {%- if not execute -%}{{ return("cast('1900-01-01' as date)") }}{%- endif -%}
    {%- if '_built_at' not in adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set week = run_query(health_rebuild_query()).columns[0].values()[0] -%}
    {{ return(none if week is none else "cast('" ~ week ~ "' as date)") }}
{%- endmacro %}

{#- The query behind health_rebuild_from: one row, the first week to rebuild (NULL: all). -#}
{% macro health_rebuild_query() -%}
    {%- set built = '(select max(_built_at) from ' ~ this ~ ')' -%}
    {%- set local_day = "cast(" ~ to_report_tz('{}') ~ " as date)" -%}
    {%- set lookback = var('lookback_days') -%}
    {%- set terms = [
        "(select cast(" ~ dbt.dateadd('day', -lookback, local_day.replace('{}', 'max("timestamp")')) ~ " as date) from "
            ~ source('raw', 'events') ~ " where _loaded_at <= " ~ built ~ " and event_name not in " ~ non_activity_list() ~ ")",
        "(select cast(" ~ dbt.dateadd('day', -lookback, 'max(week_end)') ~ " as date) from " ~ this ~ ")",
    ] -%}
    {%- do terms.append(health_changed_periods_from(built)) -%}
    {%- for kind, expr in [
        ('invoices', 'cast(invoiced_at as date)'),
        ('nps', local_day.replace('{}', 'responded_at')),
        ('feedback', local_day.replace('{}', 'created_at')),
    ] -%}
        {%- do terms.append("(select min(" ~ expr ~ ") from " ~ source('raw', kind) ~ " where _loaded_at > " ~ built ~ ")") -%}
    {%- endfor -%}
    {%- do terms.append(
        "(select cast('1900-01-01' as date) from " ~ source('raw', 'feedback') ~ " where _loaded_at > " ~ built
        ~ " having count(*) > 0 and not exists (select 1 from " ~ source('raw', 'feedback') ~ " where _loaded_at <= " ~ built ~ "))"
    ) -%}
    {%- do terms.append(health_moved_first_week(built)) -%}
with bounds as (
    select min(first_date) as data_start from {{ ref('int_actor_firsts') }}
)
select case when data_start is not null
            then {{ period_start('week', 'greatest(least(' ~ ', '.join(terms) ~ '), data_start)') }} end
from bounds
{%- endmacro %}

{#- The earliest first week, stored or as a full build gives it now, of the accounts with a row
    loaded since `built` whose two differ (a full build starts an account at the week of its
    first activity or creation, never before the data's first week). -#}
{% macro health_moved_first_week(built) -%}
(
    select min(least(s.first_week, n.first_week))
    from (
        select a.account_id,
            {{ period_start('week', 'greatest(coalesce(least(f.first_date, cast(' ~ to_report_tz('a.created_at') ~ ' as date)), b.data_start), b.data_start)') }} as first_week
        from {{ ref('stg_raw__accounts') }} as a
        cross join bounds as b
        left join {{ ref('int_actor_firsts') }} as f on f.unit = 'account' and f.actor_id = a.account_id
        where a.account_id in (select account_id from {{ source('raw', 'accounts') }} where _loaded_at > {{ built }})
    ) as n
    left join (select account_id, min(week_start) as first_week from {{ this }} group by account_id) as s
        on s.account_id = n.account_id
    where s.first_week is distinct from n.first_week
)
{%- endmacro %}

{#- The first day the subscription period versions loaded since `built` change MRR: a new period,
    or one restated with another customer, price, quantity, interval, currency or discount,
    from its start; one restated with another end alone (a cancellation), from the earlier end
    (NULL: still running); one restated otherwise (its plan's name), never. -#}
{% macro health_changed_periods_from(built) -%}
(
    select min(case
        when p.subscription_id is null
            {%- for c in ['customer_id', 'amount', 'quantity', 'interval', 'currency', 'discount'] %}
            or n.{{ adapter.quote(c) }} is distinct from p.{{ adapter.quote(c) }}
            {%- endfor %}
            then n.start_date
        else least(coalesce(n.end_date, p.end_date), coalesce(p.end_date, n.end_date))
    end)
    from {{ source('raw', 'subscriptions') }} as n
    left join ({{ latest_versions(source('raw', 'subscriptions'), 'subscription_id, start_date', '_loaded_at <= ' ~ built) }}) as p
        on p.subscription_id = n.subscription_id and p.start_date = n.start_date
    where n._loaded_at > {{ built }}
)
{%- endmacro %}
