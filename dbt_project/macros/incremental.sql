{#-
  The rows an incremental run rebuilds: days from the last built day minus `lookback_days`
  (late events). The bound is repeated on the UTC timestamp (a day wider: a local day is at
  most 14 hours away from UTC) so the engine skips stored row groups outside it: a nightly
  run reads the new days, not the history.
-#}
{% macro lookback_filter(date_col='activity_date', ts_col='event_at') -%}
    {%- if is_incremental() %}
    and {{ date_col }} >= (
        select cast({{ dbt.dateadd('day', -var('lookback_days'), 'max(' ~ date_col ~ ')') }} as date) from {{ this }}
    )
    and {{ ts_col }} >= (
        select {{ dbt.dateadd('day', -var('lookback_days') - 1, 'cast(max(' ~ date_col ~ ') as timestamp)') }}
        from {{ this }}
    )
    {%- endif -%}
{%- endmacro %}
