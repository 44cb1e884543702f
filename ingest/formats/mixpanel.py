"""Mixpanel raw event export (JSON lines: ``event`` and ``properties``) as canonical events.

- ``properties.time`` is epoch seconds (milliseconds when exported with ``time_in_ms``).
- ``properties.$insert_id`` is the event id.
- identity: ``$user_id``/``$device_id`` when present (simplified ID merge), else
  ``distinct_id`` (a ``$device:`` prefix marks an anonymous device); ``$identify`` events
  (``$identified_id``, ``$anon_id``) become ``identify`` events linking the two.
- the account is ``properties.account_id`` (the group key); the remaining properties are kept.
"""

from __future__ import annotations

from ingest.formats.layout import epoch_to_utc, json_text, json_value
from ingest.formats.vendor import VendorLayout
from ingest.kinds import Column

_IDENTIFY = f"{json_text('event')} = '$identify'"
_DISTINCT = json_text("properties", "distinct_id")
_DEVICE_PREFIX = "'$device:'"
_RESERVED = ("time", "distinct_id", "$insert_id", "$user_id", "$device_id", "account_id")


FIELDS = {
    "event_id": json_text("properties", "$insert_id"),
    "event_name": f"CASE WHEN {_IDENTIFY} THEN 'identify' ELSE {json_text('event')} END",
    "timestamp": json_text("properties", "time"),
    "user_id": f"""CASE WHEN {_IDENTIFY} THEN {json_text("properties", "$identified_id")}
        ELSE coalesce({json_text("properties", "$user_id")},
                      CASE WHEN {json_text("properties", "$device_id")} IS NULL
                            AND NOT starts_with({_DISTINCT}, {_DEVICE_PREFIX}) THEN {_DISTINCT} END) END""",
    "anonymous_id": f"""CASE WHEN {_IDENTIFY} THEN {json_text("properties", "$anon_id")}
        ELSE coalesce({json_text("properties", "$device_id")},
                      CASE WHEN starts_with({_DISTINCT}, {_DEVICE_PREFIX})
                           THEN substr({_DISTINCT}, {len("$device:") + 1}) END) END""",
    "account_id": json_text("properties", "account_id"),
    "properties": "json_merge_patch({props}, '{{{nulls}}}')::VARCHAR".format(
        props=json_value("properties"), nulls=", ".join(f'"{key}": null' for key in _RESERVED)
    ),
}


class MixpanelLayout(VendorLayout):
    """Mixpanel times are epoch numbers: seconds, or milliseconds when that large."""

    def typed(self, column: Column, text: str) -> str:
        if column.sql_type != "TIMESTAMP":
            return super().typed(column, text)
        seconds = f"abs(TRY_CAST({text} AS DOUBLE)) < 1e11"
        return f"CASE WHEN {seconds} THEN {epoch_to_utc(text, 1)} ELSE {epoch_to_utc(text, 1000)} END"


LAYOUT = MixpanelLayout("mixpanel", FIELDS)
