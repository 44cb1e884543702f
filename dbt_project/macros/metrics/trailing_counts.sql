{#-
  Distinct actors active in the `w` days ending each day, for every w in `windows`, per group.

  `rel` has one row per (grp, actor_id, activity_date). Each row opens an interval
  [d, min(d + w, the actor's next active day)) in which the actor counts for window w; an
  actor's intervals never overlap, so a running sum of +1/-1 changes gives the distinct count
  of every day in one pass (no day x actor self-join). `bounds` is a relation with columns
  lo and hi: the days reported (every group gets every day, zero-filled); activity before lo
  still counts for the days after it. `groups` (a relation with column grp; none: the groups
  in `rel`) are the groups reported, so a caller passing only recent rows keeps the groups
  idle in them.
  Output: grp, metric_date, c<w> for each w.
-#}
{% macro trailing_actor_counts(rel, windows, bounds, groups=none) -%}
{{ trailing_counts([(rel, windows, 'c')], bounds, groups) }}
{%- endmacro %}

{#-
  trailing_actor_counts of several relations at once: `series` is a list of (rel, windows,
  prefix), the output has <prefix><w> for each. One grid and one running sum for all of
  them: counted one by one and joined on the grid, PES paid for three sorts of every group's
  every day and two joins of the grid.
  Before `lo`, only each actor's last active day can still count (its interval is the only
  one that may reach lo), so the rows before lo are condensed to that day before they are
  ordered; changes after `hi` are dropped. A nightly run reading 2W days for 4 reported
  days orders a fraction of the rows.
-#}
{% macro trailing_counts(series, bounds, groups=none) -%}
{%- set columns = [] -%}
{%- for rel, windows, prefix in series -%}
    {%- set s = loop.index -%}
    {%- for w in windows | unique -%}{%- do columns.append((s, prefix ~ w, w)) -%}{%- endfor -%}
{%- endfor -%}
with
{%- for rel, windows, prefix in series %}
tac_rows_{{ loop.index }} as (
    select r.grp, r.actor_id, r.activity_date
    from {{ rel }} as r cross join {{ bounds }} as b where r.activity_date >= b.lo
    union all
    select r.grp, r.actor_id, max(r.activity_date)
    from {{ rel }} as r cross join {{ bounds }} as b where r.activity_date < b.lo
    group by r.grp, r.actor_id
),
tac_ordered_{{ loop.index }} as (
    select grp, actor_id, activity_date,
           lead(activity_date) over (partition by grp, actor_id order by activity_date) as next_date
    from tac_rows_{{ loop.index }}
),
{%- endfor %}
tac_windows as (
    {%- for s, name, w in columns %}
    select {{ s }} as s, {{ loop.index }} as k, {{ w }} as w{% if not loop.last %} union all{% endif %}
    {%- endfor %}
),
tac_changes as (
    {%- for rel, windows, prefix in series %}
    select o.grp, o.activity_date as change_date, ws.k, 1 as delta
    from tac_ordered_{{ loop.index }} as o inner join tac_windows as ws on ws.s = {{ loop.index }}
    union all
    select o.grp,
           case when o.next_date is not null and o.next_date < cast({{ add_days('o.activity_date', 'ws.w') }} as date)
                then o.next_date else cast({{ add_days('o.activity_date', 'ws.w') }} as date) end,
           ws.k, -1
    from tac_ordered_{{ loop.index }} as o inner join tac_windows as ws on ws.s = {{ loop.index }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),
{#- changes before lo are summed onto lo: the running sum from lo on is the same, and the grid
    holds the reported days only, not every day since the first activity -#}
tac_daily as (
    select c.grp, case when c.change_date < b.lo then b.lo else c.change_date end as change_date
           {%- for s, name, w in columns %}, sum(case when c.k = {{ loop.index }} then c.delta else 0 end) as {{ name }}{% endfor %}
    from tac_changes as c cross join {{ bounds }} as b
    where c.change_date <= b.hi
    group by c.grp, case when c.change_date < b.lo then b.lo else c.change_date end
),
tac_grid as (
    select g.grp, s.metric_date
    from (select distinct grp from {{ groups if groups else series[0][0] }}) as g
    cross join ({{ days_from_to('(select lo from ' ~ bounds ~ ')', '(select hi from ' ~ bounds ~ ')') }}) as s
)
select
    tac_grid.grp,
    tac_grid.metric_date
    {%- for s, name, w in columns %},
    cast(sum(coalesce(tac_daily.{{ name }}, 0)) over (
        partition by tac_grid.grp order by tac_grid.metric_date rows between unbounded preceding and current row
    ) as bigint) as {{ name }}
    {%- endfor %}
from tac_grid
left join tac_daily on tac_daily.grp = tac_grid.grp and tac_daily.change_date = tac_grid.metric_date
{%- endmacro %}
