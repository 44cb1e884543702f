"""The sample's events written as Segment, Amplitude or Mixpanel would export them.

Each layout is a SELECT over the canonical events (``canonical``, one row per event with
ISO ``timestamp`` and JSON ``properties``), so every layout holds exactly the same events
and the pipeline must compute the same metrics from any of them.
"""

from __future__ import annotations

LAYOUTS = ("canonical", "segment", "amplitude", "mixpanel")

_TS = "CAST(replace(timestamp, 'Z', '') AS TIMESTAMP)"

# Segment spec messages: identify calls carry traits, everything else is a page or a track call.
_SEGMENT = """
SELECT event_id AS messageId,
       CASE event_name WHEN 'identify' THEN 'identify' WHEN 'page_viewed' THEN 'page' ELSE 'track' END AS type,
       CASE WHEN event_name NOT IN ('identify', 'page_viewed') THEN event_name END AS event,
       timestamp, user_id AS userId, anonymous_id AS anonymousId,
       CASE WHEN event_name <> 'identify' THEN properties END AS properties,
       CASE WHEN event_name = 'identify' THEN properties END AS traits,
       json_object('groupId', account_id, 'library', json_object('name', 'analytics.js')) AS context
FROM canonical
"""

# Amplitude Export API rows: event_time in UTC without offset, groups as {type: [name]}.
_AMPLITUDE = f"""
SELECT event_id AS "$insert_id", event_name AS event_type,
       strftime({_TS}, '%Y-%m-%d %H:%M:%S.%f') AS event_time,
       user_id, anonymous_id AS device_id, session_id,
       CASE WHEN account_id IS NOT NULL THEN json_object('account', [account_id]) ELSE '{{}}'::JSON END AS groups,
       properties AS event_properties, '{{}}'::JSON AS user_properties
FROM canonical
"""

# Mixpanel raw export rows: epoch-second time, simplified ID merge ($user_id, $device_id).
_MIXPANEL = f"""
SELECT CASE WHEN event_name = 'identify' THEN '$identify' ELSE event_name END AS event,
       json_merge_patch('{{}}', json_merge_patch(properties, json_object(
           'time', CAST(epoch({_TS}) AS BIGINT),
           'distinct_id', coalesce(user_id, '$device:' || anonymous_id),
           '$insert_id', event_id,
           '$user_id', CASE WHEN event_name <> 'identify' THEN user_id END,
           '$device_id', CASE WHEN event_name <> 'identify' THEN anonymous_id END,
           '$identified_id', CASE WHEN event_name = 'identify' THEN user_id END,
           '$anon_id', CASE WHEN event_name = 'identify' THEN anonymous_id END,
           'account_id', account_id))) AS properties
FROM canonical
"""

_SELECTS = {"segment": _SEGMENT, "amplitude": _AMPLITUDE, "mixpanel": _MIXPANEL}
_FILES = {
    "canonical": ("events_{label}.jsonl", ""),
    "segment": ("segment_{label}.jsonl", ""),
    "amplitude": ("amplitude_{label}.json.gz", ", COMPRESSION gzip"),
    "mixpanel": ("mixpanel_{label}.jsonl", ""),
}


def events_copy(layout: str, canonical_sql: str, folder: str, label: str) -> str:
    """A COPY statement writing canonical events (a month, or the days asked for) in ``layout`` under ``folder``."""
    name, options = _FILES[layout]
    select = canonical_sql if layout == "canonical" else f"WITH canonical AS ({canonical_sql}) {_SELECTS[layout]}"
    return f"COPY ({select}) TO '{folder}/{name.format(label=label)}' (FORMAT JSON{options})"
