{#-
  The first week an incremental build of fct_account_health rebuilds, as a SQL scalar
  subquery; none on a full build, or when the table predates `_built_at` (rebuilt whole).

  A week's health reads: the account's usage and core-feature days (rebuilt upstream from the
  events' last day minus `lookback_days`), its NPS answers, feedback, subscriptions and
  invoices, and its first day. Rows loaded since the table was last built (`_built_at`) can
  change a week only from their own date on (a window ending at week_end reads nothing later
  than week_end), so the build starts at the week of the earliest of:
    - the last event day before those loads, minus `lookback_days` (the days rebuilt upstream);
    - each new subscription's start, invoice's, NPS answer's and feedback item's date;
    - the creation day of a new account row that moves the account's first week earlier (a
      row without one, for an account the table does not hold, reaches back to the start);
    - the start of the data, for the workspace's first feedback (the component stops being
      missing in every week).
  Raw tables only grow, and the scans read `_loaded_at` and the rows after it (zone maps skip
  the rest). A change of the health settings (weights, window, catalogue) needs --full-refresh.
-#}
{% macro health_rebuild_from() -%}
    {%- if not is_incremental() -%}{{ return(none) }}{%- endif -%}
    {%- if execute and '_built_at' not in adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set built = '(select max(_built_at) from ' ~ this ~ ')' -%}
    {%- set start = "cast('1900-01-01' as date)" -%}
    {%- set day = "cast(" ~ to_report_tz('{}') ~ " as date)" -%}
    {%- set new_dates = [
        ('subscriptions', 'start_date'),
        ('invoices', day.replace('{}', 'invoiced_at')),
        ('nps', day.replace('{}', 'responded_at')),
        ('feedback', day.replace('{}', 'created_at')),
    ] -%}
    {%- set terms = [
        "coalesce((select cast(" ~ dbt.dateadd('day', -var('lookback_days'), day.replace('{}', 'max(\"timestamp\")')) ~ " as date) from "
            ~ source('raw', 'events') ~ " where _loaded_at <= " ~ built ~ "), " ~ start ~ ")",
    ] -%}
    {%- for kind, expr in new_dates -%}
        {%- do terms.append("(select min(" ~ expr ~ ") from " ~ source('raw', kind) ~ " where _loaded_at > " ~ built ~ ")") -%}
    {%- endfor -%}
    {%- do terms.append(
        "(select " ~ start ~ " from " ~ source('raw', 'feedback') ~ " where _loaded_at > " ~ built
        ~ " having count(*) > 0 and not exists (select 1 from " ~ source('raw', 'feedback') ~ " where _loaded_at <= " ~ built ~ "))"
    ) -%}
    {%- set created = day.replace('{}', 'n.created_at') -%}
    {%- do terms.append(
        "(select min(coalesce(" ~ created ~ ", " ~ start ~ ")) from " ~ source('raw', 'accounts') ~ " as n"
        ~ " where n._loaded_at > " ~ built ~ " and not exists (select 1 from " ~ this ~ " as t"
        ~ " where t.account_id = n.account_id and (n.created_at is null or t.week_start <= " ~ created ~ ")))"
    ) -%}
    {{ return('(select ' ~ period_start('week', 'least(' ~ ', '.join(terms) ~ ')') ~ ')') }}
{%- endmacro %}
