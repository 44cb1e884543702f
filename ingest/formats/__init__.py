"""Input layouts: the canonical one per container format, exporters' layouts, mapping files.

``resolve_layout`` decides, for one file, which layout reads it: a mapping file when one
applies, the format forced by the caller, else the file's suffix and, for JSON lines,
its first lines (a Segment, Amplitude or Mixpanel export is recognised by its fields; a
Stripe Dashboard CSV by its header).
"""

from __future__ import annotations

from pathlib import Path

from ingest.formats import amplitude, mixpanel, segment, stripe
from ingest.formats.layout import Layout
from ingest.formats.mapping import Mapping, MappingLayout
from ingest.formats.sniff import sniff_vendor
from ingest.readers import CONTAINERS, ReadError, container_of

VENDORS: dict[str, Layout] = {m.LAYOUT.name: m.LAYOUT for m in (segment, amplitude, mixpanel, stripe)}
FORMATS = ("auto", *CONTAINERS, *VENDORS)


def resolve_layout(path: Path, forced: str | None = None, mapping: Mapping | None = None) -> Layout:
    """The layout that reads ``path``: ``mapping``, else ``forced`` (unless auto), else detected."""
    if mapping is not None:
        return MappingLayout(mapping, mapping.container or container_of(path))
    if forced and forced != "auto":
        if forced in VENDORS:
            return VENDORS[forced]
        if forced not in CONTAINERS:
            raise ReadError(f"{path}: unknown input format {forced!r}; expected one of {', '.join(FORMATS)}")
        return Layout(forced)
    container = container_of(path)
    if container == "csv" and stripe.sniff_stripe(path):
        return stripe.LAYOUT
    vendor = sniff_vendor(path) if container == "jsonl" else None
    return VENDORS[vendor] if vendor else Layout(container)


__all__ = ["FORMATS", "VENDORS", "Layout", "Mapping", "ReadError", "resolve_layout"]
