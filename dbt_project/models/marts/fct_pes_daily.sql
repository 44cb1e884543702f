{{ config(
    materialized='incremental',
    incremental_strategy=day_rebuild_strategy(),
    unique_key='as_of',
    partition_by=['as_of'],
    on_schema_change='append_new_columns',
    meta={'rebuilds': 'lookback_days'},
) }}
-- Product Engagement Score per day (as_of), 30-day window (Pendo): overall for users and for
-- accounts, and for users per plan, per segment and per account. The ratio in the stickiness
-- component is `pes_ratio` (default dau/mau). Components and counts are kept beside the score.
-- `daily_ratio` is the day's ratio, which stickiness averages over W days.
-- Incremental: a run rebuilds the as-of days from the last one minus `lookback_days`, reading
-- the activity of the 2W days before them (every count but "new" looks no further back),
-- each actor's first active day (for "new") from int_person_account_firsts, and the actors
-- and daily ratios of the W days before them from this table (growth and stickiness look
-- back to those). A table from before `daily_ratio` existed is rebuilt whole. A change of
-- `pes_ratio` needs --full-refresh: the ratios kept are the old ones.
-- depends_on: {{ ref('int_person_account_firsts') }}
{% set w = 30 %}
{% set since = rebuild_since('as_of') %}
{%- if since and execute and 'daily_ratio' not in adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list %}
{%- set since = none %}
{%- endif %}
{#- the (person, account) days and the core-feature days of the window read; the plan and
    segment groupings join the account's on to them (joined onto the union of both before the
    groupings, the 100M nightly rebuild took 32.4 s, not 29.6 s). Incremental: of the days
    before the first as-of day, pes() counts only each group's and actor's last (the activity
    before its spine), so each (person, account, feature) keeps its last of those, and each
    (person, account) its last of those: a night's groupings sort about 2M rows, not 5M -#}
{%- set bucket = 'case when activity_date >= cast(' ~ since ~ ' as date) then activity_date end' if since else 'activity_date' %}
with recent_activity as (
    {%- if since %}
    select person_id, account_id, feature, max(activity_date) as activity_date
    from {{ ref('int_activity_daily') }}
    where activity_date >= cast({{ dbt.dateadd('day', -2 * w, since) }} as date)
    group by person_id, account_id, feature, {{ bucket }}
    {%- else %}
    select person_id, account_id, feature, activity_date from {{ ref('int_activity_daily') }}
    {%- endif %}
),
recent_people as (
    select person_id, account_id, max(activity_date) as activity_date
    from recent_activity
    group by person_id, account_id, {{ bucket }}
),
{#- one row per (person, account, feature, day) already: int_activity_daily's key -#}
recent_core as (
    select person_id, account_id, feature, activity_date
    from recent_activity where feature in {{ core_feature_list() }}
),
account_dims as (
    select account_id, coalesce(plan, 'unknown') as plan, coalesce(segment, 'unknown') as segment
    from {{ ref('stg_raw__accounts') }}
),
{%- if since %}
{#- each person's first day per account: the first day of any grouping below is a min over these -#}
person_account_firsts as (
    select person_id, account_id, first_date as activity_date from {{ ref('int_person_account_firsts') }}
),
{%- endif %}
{#- (unit, dimension, group, actor): a group named by the account's plan or segment joins them on -#}
{% set groupings = [
    ('user', 'all', "'all'", 'person_id'),
    ('account', 'all', "'all'", 'account_id'),
    ('user', 'plan', "coalesce(acc.plan, 'unknown')", 'person_id'),
    ('user', 'segment', "coalesce(acc.segment, 'unknown')", 'person_id'),
    ('user', 'account', 'account_id', 'person_id'),
] %}
{% for unit, dimension, grp, actor in groupings %}
{%- set dims = 'left join account_dims as acc on acc.account_id = r.account_id' if 'acc.' in grp else '' %}
{#- one row per group, actor and day: overall, the actor's days as kept (int_actor_days); per
    account, the (person, account) days; per plan or segment, not made distinct here: pes()
    does (one sort per grouping, not two) -#}
days_{{ loop.index }} as (
    {%- if dimension == 'all' %}
    select 'all' as grp, actor_id, activity_date from {{ ref('int_actor_days') }}
    where unit = '{{ unit }}' and actor_id is not null
    {%- if since %} and activity_date >= cast({{ dbt.dateadd('day', -2 * w, since) }} as date){% endif %}
    {%- else %}
    select {{ grp }} as grp, r.{{ actor }} as actor_id, r.activity_date
    from recent_people as r {{ dims }}
    where r.{{ actor }} is not null and {{ grp }} is not null
    {%- endif %}
),
core_{{ loop.index }} as (
    select {{ grp }} as grp, r.{{ actor }} as actor_id, r.feature, r.activity_date
    from recent_core as r {{ dims }}
    where r.{{ actor }} is not null and {{ grp }} is not null
),
{%- if since %}
firsts_{{ loop.index }} as (
    select {{ grp }} as grp, r.{{ actor }} as actor_id, min(r.activity_date) as activity_date
    from person_account_firsts as r {{ dims }}
    where r.{{ actor }} is not null and {{ grp }} is not null
    group by {{ grp }}, r.{{ actor }}
),
previous_{{ loop.index }} as (
    select dimension_value as grp, as_of as metric_date, active_actors as active, daily_ratio as ratio
    from {{ this }}
    where unit = '{{ unit }}' and dimension = '{{ dimension }}'
      and as_of >= cast({{ dbt.dateadd('day', -w, since) }} as date)
),
{%- endif %}
pes_{{ loop.index }} as (
    select '{{ unit }}' as unit, '{{ dimension }}' as dimension, grp as dimension_value, scored.*
    from (
        {{ pes('days_' ~ loop.index, 'core_' ~ loop.index, core_feature_count(), window_days=w,
               ratio=var('pes_ratio'), as_of_from=since, firsts='firsts_' ~ loop.index if since else none,
               days_distinct=dimension in ('all', 'account'),
               previous='previous_' ~ loop.index if since else none) }}
    ) as scored
){% if not loop.last %},{% endif %}
{% endfor %}
{% for g in groupings %}
select as_of, unit, dimension, dimension_value, active_actors, new_actors, recovered, dropped,
       adoption, stickiness, growth, pes, daily_ratio
from pes_{{ loop.index }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
