{#-
  Engine helpers for the metric macros in this folder.

  Every macro in macros/metrics/ is the single definition of a metric: dbt models call it for
  the marts, and `metrics/sqlrender.py` renders the same files for the ad-hoc `prodops`
  insights on the serving copy. So these macros use only plain Jinja, their own parameters
  (no var(), no dbt.*, no return()) and the helpers below; engine-specific SQL goes through
  adapter.dispatch with a `duckdb__` and a `default__` (Spark SQL) version.
-#}

{#- naive UTC timestamp -> naive local timestamp in `tz` -#}
{#- (UTC itself needs no conversion: it is the costliest expression of a scan over events) -#}
{% macro local_ts(ts, tz) -%}
    {%- if tz == 'UTC' -%}{{ ts }}{%- else -%}{{ adapter.dispatch('local_ts', 'prodops')(ts, tz) }}{%- endif -%}
{%- endmacro %}
{% macro duckdb__local_ts(ts, tz) -%}timezone('{{ tz }}', timezone('UTC', {{ ts }})){%- endmacro %}
{% macro default__local_ts(ts, tz) -%}from_utc_timestamp({{ ts }}, '{{ tz }}'){%- endmacro %}

{#- start of the hour/day/week/month containing a local timestamp (a timestamp) -#}
{% macro period_floor(period, ts, week_start='monday') -%}
    {%- if period == 'week' and week_start == 'sunday' -%}
        {{ adapter.dispatch('shift_days', 'prodops')(adapter.dispatch('trunc', 'prodops')('week', adapter.dispatch('shift_days', 'prodops')(ts, 1)), -1) }}
    {%- else -%}
        {{ adapter.dispatch('trunc', 'prodops')(period, ts) }}
    {%- endif -%}
{%- endmacro %}
{% macro duckdb__trunc(period, ts) -%}date_trunc('{{ period }}', {{ ts }}){%- endmacro %}
{% macro default__trunc(period, ts) -%}date_trunc('{{ period | upper }}', {{ ts }}){%- endmacro %}
{% macro duckdb__shift_days(ts, n) -%}({{ ts }} + to_days({{ n }})){%- endmacro %}
{% macro default__shift_days(ts, n) -%}({{ ts }} + make_interval(0, 0, 0, {{ n }})){%- endmacro %}

{#- a timestamp/date shifted by n days (n may be an expression) -#}
{% macro add_days(ts, n) -%}{{ adapter.dispatch('shift_days', 'prodops')(ts, n) }}{%- endmacro %}

{#- whole periods from period start a to period start b (both aligned to `period`) -#}
{% macro periods_between(period, a, b) -%}{{ adapter.dispatch('periods_between', 'prodops')(period, a, b) }}{%- endmacro %}
{% macro duckdb__periods_between(period, a, b) -%}
    {%- if period == 'week' -%}(date_diff('day', {{ a }}, {{ b }}) // 7)
    {%- else -%}date_diff('{{ period }}', {{ a }}, {{ b }}){%- endif -%}
{%- endmacro %}
{% macro default__periods_between(period, a, b) -%}
    {%- if period == 'hour' -%}cast((unix_timestamp({{ b }}) - unix_timestamp({{ a }})) div 3600 as int)
    {%- elif period == 'day' -%}datediff(cast({{ b }} as date), cast({{ a }} as date))
    {%- elif period == 'week' -%}(datediff(cast({{ b }} as date), cast({{ a }} as date)) div 7)
    {%- else -%}cast(months_between({{ b }}, {{ a }}) as int){%- endif -%}
{%- endmacro %}

{#- seconds from timestamp a to timestamp b -#}
{% macro seconds_between(a, b) -%}{{ adapter.dispatch('seconds_between', 'prodops')(a, b) }}{%- endmacro %}
{% macro duckdb__seconds_between(a, b) -%}(epoch({{ b }}) - epoch({{ a }})){%- endmacro %}
{#- Spark's unix_timestamp drops the fraction of a second; microseconds keep it, as epoch() does -#}
{% macro default__seconds_between(a, b) -%}((unix_micros({{ b }}) - unix_micros({{ a }})) / 1000000){%- endmacro %}

{#- FROM-clause fragment: `rel` with one row per k in 0..count_col as column k -#}
{% macro expand_intervals(rel, count_col) -%}{{ adapter.dispatch('expand_intervals', 'prodops')(rel, count_col) }}{%- endmacro %}
{% macro duckdb__expand_intervals(rel, count_col) -%}{{ rel }}, range(0, {{ count_col }} + 1) as ks(k){%- endmacro %}
{% macro default__expand_intervals(rel, count_col) -%}{{ rel }} lateral view explode(sequence(0, {{ count_col }})) ks as k{%- endmacro %}

{#- one row per day from lo to hi inclusive, column `metric_date` (a date) -#}
{% macro days_from_to(lo, hi) -%}{{ adapter.dispatch('days_from_to', 'prodops')(lo, hi) }}{%- endmacro %}
{% macro duckdb__days_from_to(lo, hi) -%}
    select cast(unnest(generate_series(cast({{ lo }} as date), cast({{ hi }} as date), interval 1 day)) as date) as metric_date
{%- endmacro %}
{% macro default__days_from_to(lo, hi) -%}
    select explode(sequence(cast({{ lo }} as date), cast({{ hi }} as date), interval 1 day)) as metric_date
{%- endmacro %}

{#- a SQL string literal -#}
{% macro lit(value) -%}'{{ value | replace("'", "''") }}'{%- endmacro %}

{#- (a, b) as one value ordered by a, then b: a tie-break for min_by / max_by -#}
{% macro ordered_pair(a, b) -%}{{ adapter.dispatch('ordered_pair', 'prodops')(a, b) }}{%- endmacro %}
{% macro duckdb__ordered_pair(a, b) -%}row({{ a }}, {{ b }}){%- endmacro %}
{% macro default__ordered_pair(a, b) -%}struct({{ a }}, {{ b }}){%- endmacro %}

{#- rows of event E, or of any activity (is_activity) when E is none; `alias` prefixes the columns -#}
{% macro event_matches(event, alias='') -%}
    {%- if event is none -%}{{ alias }}is_activity{%- else -%}{{ alias }}event_name = {{ lit(event) }}{%- endif -%}
{%- endmacro %}

{#- a local timestamp moved by n whole periods -#}
{% macro add_periods(period, ts, n) -%}{{ adapter.dispatch('add_periods', 'prodops')(period, ts, n) }}{%- endmacro %}
{% macro duckdb__add_periods(period, ts, n) -%}({{ ts }} + to_{{ period }}s(cast({{ n }} as integer))){%- endmacro %}
{% macro default__add_periods(period, ts, n) -%}
    {%- if period == 'month' -%}cast(add_months({{ ts }}, {{ n }}) as timestamp)
    {%- elif period == 'week' -%}({{ ts }} + make_interval(0, 0, {{ n }}))
    {%- elif period == 'day' -%}({{ ts }} + make_interval(0, 0, 0, {{ n }}))
    {%- else -%}({{ ts }} + make_interval(0, 0, 0, 0, {{ n }})){%- endif -%}
{%- endmacro %}

{#- The first and last period of a range, selected from `rel` (one row of aggregates over
    local_col): from/to are local date expressions, or none for the data's bounds. -#}
{% macro range_periods(period, week_start, range_from, range_to, local_col, rel) -%}
    select
        {{ period_floor(period, 'cast(' ~ range_from ~ ' as timestamp)' if range_from else 'lo', week_start) }} as first_period,
        {{ period_floor(period, 'cast(' ~ range_to ~ ' as timestamp) + interval 86399 second' if range_to else 'hi', week_start) }} as last_period
    from (select min({{ local_col }}) as lo, max({{ local_col }}) as hi from {{ rel }}) as data_bounds
{%- endmacro %}
