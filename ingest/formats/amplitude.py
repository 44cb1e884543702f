"""Amplitude Export API events (JSON lines, usually one gzip file per hour) as canonical events.

- ``$insert_id`` (or ``insert_id``) is the event id; ``event_time`` is UTC without an offset.
- ``device_id`` is the anonymous id; ``session_id`` -1 means no session.
- the account is the first value of ``groups`` (``{"company": "acme"}`` or ``{"company": ["acme"]}``).
- ``event_properties`` go to ``properties``, ``user_properties`` to ``traits``.
"""

from __future__ import annotations

from ingest.formats.layout import json_text, json_value
from ingest.formats.vendor import VendorLayout

_FIRST_GROUP = "json_extract(_raw, '$.groups.*')[1]"


FIELDS = {
    "event_id": f"coalesce({json_text('$insert_id')}, {json_text('insert_id')})",
    "event_name": json_text("event_type"),
    "timestamp": f"coalesce({json_text('event_time')}, {json_text('client_event_time')})",
    "user_id": json_text("user_id"),
    "anonymous_id": json_text("device_id"),
    "account_id": f"""CASE WHEN json_type({_FIRST_GROUP}) = 'ARRAY'
        THEN json_extract_string({_FIRST_GROUP}, '$[0]') ELSE json_extract_string({_FIRST_GROUP}, '$') END""",
    "session_id": f"nullif({json_text('session_id')}, '-1')",
    "properties": json_value("event_properties"),
    "traits": json_value("user_properties"),
}


LAYOUT = VendorLayout("amplitude", FIELDS)
