"""Tell an exporter's layout from the first lines of a JSON-lines file."""

from __future__ import annotations

import gzip
import json
from itertools import islice
from pathlib import Path
from typing import Any

_LINES = 20  # non-blank lines looked at; the first that names a vendor decides
_SEGMENT_TYPES = {"track", "page", "screen", "identify", "group", "alias"}
_SEGMENT_KEYS = {"messageId", "userId", "anonymousId", "previousId", "groupId"}
_AMPLITUDE_KEYS = {"event_time", "device_id", "amplitude_id", "$insert_id", "insert_id"}
_MIXPANEL_KEYS = {"time", "distinct_id", "$insert_id"}


def vendor_of(row: Any) -> str | None:
    """``segment``, ``amplitude`` or ``mixpanel`` when ``row`` is clearly theirs, else None."""
    if not isinstance(row, dict):
        return None
    if row.get("type") in _SEGMENT_TYPES and _SEGMENT_KEYS & row.keys():
        return "segment"
    if "event_type" in row and _AMPLITUDE_KEYS & row.keys():
        return "amplitude"
    properties = row.get("properties")
    if "event" in row and isinstance(properties, dict) and _MIXPANEL_KEYS & properties.keys():
        return "mixpanel"
    return None


def sniff_vendor(path: Path) -> str | None:
    """The vendor of the first of the first non-blank lines that names one; None: canonical."""
    opener = gzip.open if path.name.lower().endswith((".gz", ".gzip")) else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for line in islice((line for line in handle if line.strip()), _LINES):
                try:
                    vendor = vendor_of(json.loads(line))
                except json.JSONDecodeError:
                    continue
                if vendor:
                    return vendor
    except (OSError, UnicodeDecodeError, EOFError):
        return None  # the reader reports an unreadable file with its own message
    return None
