{#- Events with `stitched_user_id`: the user an event belongs to, or NULL while it is anonymous.
    The event's own user (or the user it was aliased to), else the user its anonymous id was
    identified as. One definition for every model that needs a person. -#}
{% macro stitched_events() -%}
    select
        e.*,
        coalesce(aliased.user_id, e.user_id, identified.user_id) as stitched_user_id
    from {{ ref('stg_raw__events') }} as e
    left join {{ ref('int_identity_map') }} as identified
        on e.user_id is null and e.anonymous_id = identified.anonymous_id
    left join {{ ref('int_identity_map') }} as aliased on e.user_id = aliased.anonymous_id
{%- endmacro %}
