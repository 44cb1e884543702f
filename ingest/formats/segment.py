"""Segment spec messages (track, page, screen, identify, group, alias) as canonical events.

- ``messageId`` is the event id; ``timestamp`` (ISO 8601 with offset) the event time.
- track keeps its ``event`` name; page and screen become ``page_viewed``/``screen_viewed``
  with the page name in ``properties.name``; identify, group and alias keep their type as
  the name (non-activity events by default).
- alias maps ``previousId`` to ``userId``: it is stored as the anonymous id of the call.
- group's ``groupId`` is the account; other calls name it in ``context.groupId``.
- identify and group ``traits`` (and ``context.traits`` of other calls) go to ``traits``:
  a group call's traits describe the account, the others' the user.
"""

from __future__ import annotations

from ingest.formats.layout import json_text, json_value
from ingest.formats.vendor import VendorLayout

_TYPE = json_text("type")
_NAME = json_text("name")


FIELDS = {
    "event_id": json_text("messageId"),
    "event_name": f"""CASE {_TYPE} WHEN 'track' THEN {json_text("event")}
        WHEN 'page' THEN 'page_viewed' WHEN 'screen' THEN 'screen_viewed' ELSE {_TYPE} END""",
    "timestamp": f"coalesce({json_text('timestamp')}, {json_text('receivedAt')})",
    "user_id": json_text("userId"),
    "anonymous_id": f"""CASE WHEN {_TYPE} = 'alias' THEN {json_text("previousId")}
        ELSE {json_text("anonymousId")} END""",
    "account_id": f"""CASE WHEN {_TYPE} = 'group' THEN {json_text("groupId")}
        ELSE {json_text("context", "groupId")} END""",
    "properties": f"""CASE WHEN {_TYPE} IN ('page', 'screen') AND {_NAME} IS NOT NULL
        THEN json_merge_patch(coalesce({json_value("properties")}, '{{}}'), json_object('name', {_NAME}))::VARCHAR
        ELSE {json_value("properties")} END""",
    "traits": f"""CASE WHEN {_TYPE} IN ('identify', 'group') THEN {json_value("traits")}
        ELSE {json_value("context", "traits")} END""",
}


LAYOUT = VendorLayout("segment", FIELDS)
