{#-
  Product Engagement Score (METRICS.md "Product Engagement Score", Pendo) per group and as-of day.

  days: grp, actor_id, activity_date (one row per active day). core_days: grp, actor_id,
  feature, activity_date for core features only. n_core: the number of core features.
  window_days: W. ratio: dau/mau | wau/mau | dau/wau. as_of_from / as_of_to: date SQL
  expressions (none: every day with data). firsts: grp, actor_id, activity_date (each actor's
  first active day in the group, every group), for callers that pass only recent days (an
  incremental model: `days` from as_of_from - 2W on suffice for every other count: the 2W
  count of as_of_from, and the W counts of the W days before it that growth and stickiness
  look back to); none: from `days`. days_distinct: `days` holds one row per (grp, actor_id,
  activity_date) already (not made distinct again). previous (with firsts): grp, metric_date, active, ratio
  of the W days before as_of_from as scored before (the model's own rows): growth and
  stickiness read them instead of counting those days again, so the grid holds only the
  as-of days (a nightly run's 4 days, not 34, for every group); none: counted.
  Each group is reported from its first active day. Output: grp, as_of, the counts, the
  components, pes and daily_ratio (the day's ratio, which stickiness averages).

  adoption   = 100 * mean over actors active in W of (core features used in W / n_core)
             = 100 * (actor, core feature) pairs used in W / (n_core * actors active in W)
  stickiness = 100 * mean over the days of W of ratio(day) (days with a 0 denominator skipped)
  growth     = 100 * QR / (1 + QR), QR = (new + recovered) / dropped
             = 100 * (new + recovered) / (new + recovered + dropped); NULL when all are 0.
    With A = actors active in W, B = in the W before it, U = in the 2W ending as-of:
    dropped = U - A, new + recovered = U - B, recovered = U - B - new.
  pes        = (adoption + stickiness + growth) / 3, NULL if any component is NULL.
-#}
{% macro pes(days, core_days, n_core, window_days=30, ratio='dau/mau', as_of_from=none, as_of_to=none, firsts=none,
             previous=none, days_distinct=false) -%}
{%- set w = window_days | int -%}
{#- percentages in double precision on every engine (Spark would keep `100.0 * n / d` in DECIMAL and round it) -#}
{%- set hundred = 'cast(100 as double)' -%}
{%- set num, den = {'dau/mau': ('c1', 'c30'), 'wau/mau': ('c7', 'c30'), 'dau/wau': ('c1', 'c7')}[ratio] -%}
with p_days as (select {{ '' if days_distinct else 'distinct ' }}grp, actor_id, activity_date from {{ days }}),
p_bounds as (
    select cast({{ as_of_from if as_of_from else 'data_lo' }} as date) as lo,
           cast({{ as_of_to if as_of_to else 'data_hi' }} as date) as hi
    from (select min(activity_date) as data_lo, max(activity_date) as data_hi from p_days) as data_bounds
),
{#- without `previous`, the spine starts W days early: the window before each as-of day
    (growth) and the W daily ratios stickiness averages are read off rows of the spine -#}
p_spine_bounds as (
    select {{ 'lo' if previous else 'cast(' ~ add_days('lo', -w) ~ ' as date) as lo' }}, hi from p_bounds
),
p_firsts as (
    {%- if firsts %}
    {#- firsts from W days before the spine: changes before it are summed onto its first day -#}
    select f.grp, f.actor_id, f.activity_date from {{ firsts }} as f cross join p_bounds as b
    where f.activity_date >= cast({{ add_days('b.lo', -w) }} as date)
    {%- else %}
    select grp, actor_id, min(activity_date) as activity_date from p_days group by grp, actor_id
    {%- endif %}
),
{#- a group is reported from its first active day: a full build and an incremental one agree
    on a group that appears late (a plan with its first account, activity outside accounts) -#}
p_group_starts as (
    select grp, min(activity_date) as first_day from {{ firsts if firsts else 'p_firsts' }} group by grp
),
p_pairs as (
    select distinct grp, concat(actor_id, '|', feature) as actor_id, activity_date from {{ core_days }}
),
{#- actors (c), new actors (n) and (actor, core feature) pairs (p) over one grid -#}
p_counts as ({{ trailing_counts(
    [('p_days', [1, 7, 30, w, 2 * w], 'c'), ('p_firsts', [w], 'n'), ('p_pairs', [w], 'p')],
    'p_spine_bounds', groups=firsts) }}),
p_daily as (
    select grp, metric_date, c{{ w }} as active, c{{ 2 * w }} as active_2w,
           n{{ w }} as new_actors, p{{ w }} as core_pairs,
           {{ num }} / nullif({{ den }}, 0) as ratio
    from p_counts
),
{%- if previous %}
p_series as (
    select grp, metric_date, active, active_2w, new_actors, core_pairs, ratio from p_daily
    union all
    select pr.grp, pr.metric_date, pr.active, null, null, null, pr.ratio
    from {{ previous }} as pr cross join p_bounds as b
    where pr.metric_date >= cast({{ add_days('b.lo', -w) }} as date) and pr.metric_date < b.lo
),
{%- endif %}
p_scored as (
    {#- every day of a group has a row from the spine's first day (or the group's first
        day, in `previous`) on, so the row w rows back is the day w days back (actors active in
        the window before this one), and no row means none active -#}
    select grp, metric_date as as_of, active, new_actors, ratio,
           active_2w - coalesce(lag(active, {{ w }}) over by_day, 0) - new_actors as recovered,
           active_2w - active as dropped,
           {{ hundred }} * core_pairs / nullif({{ n_core }} * active, 0) as adoption,
           {{ hundred }} * avg(ratio) over (
               partition by grp order by metric_date rows between {{ w - 1 }} preceding and current row
           ) as stickiness
    from {{ 'p_series' if previous else 'p_daily' }}
    window by_day as (partition by grp order by metric_date)
)
select s.grp, s.as_of, s.active as active_actors, s.new_actors, s.recovered, s.dropped,
       s.adoption, s.stickiness,
       {{ hundred }} * (s.new_actors + s.recovered) / nullif(s.new_actors + s.recovered + s.dropped, 0) as growth,
       (s.adoption + s.stickiness
        + {{ hundred }} * (s.new_actors + s.recovered) / nullif(s.new_actors + s.recovered + s.dropped, 0)) / 3 as pes,
       s.ratio as daily_ratio
from p_scored as s
inner join p_group_starts as g on g.grp = s.grp and s.as_of >= g.first_day
where s.as_of >= (select lo from p_bounds) and s.as_of <= (select hi from p_bounds)
{%- endmacro %}
