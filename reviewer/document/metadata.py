"""Metadata from front matter or from a "Key: value" table/list at the top of a document."""

from __future__ import annotations

import re
from typing import Any

from reviewer.document.model import Metadata, Span
from reviewer.document.timeexpr import parse_date, parse_datetime

# Field → the keys authors use for it (normalised: lower case, words joined by "_").
FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "id": ("id", "incident_id", "incident", "incident_number", "ticket", "incident_ticket", "reference"),
    "title": ("title", "incident_title", "name", "subject"),
    "severity": ("severity", "sev", "severity_level", "priority", "incident_severity", "impact_level", "level"),
    "status": ("status", "report_status", "state", "document_status", "postmortem_status"),
    "owner": ("owner", "postmortem_owner", "document_owner", "authors", "author", "author_s", "written_by",
              "pm_owner", "report_owner", "owners", "dri", "facilitator"),
    "services": ("services", "service", "affected_services", "components", "affected_components", "systems",
                 "affected_systems", "product", "products"),
    "tags": ("tags", "labels", "keywords", "categories"),
    "date": ("date", "incident_date", "day", "date_of_incident", "occurred", "occurred_on"),
    "started": ("started", "start", "start_time", "start_date_time", "start_date", "impact_start", "began",
                "started_at", "incident_start", "outage_start", "impact_started"),
    "detected": ("detected", "detected_at", "detection_time", "detection", "time_detected", "alerted", "first_alert"),
    "mitigated": ("mitigated", "mitigated_at", "mitigation_time", "time_mitigated", "mitigation"),
    "resolved": ("resolved", "resolved_at", "end", "end_time", "end_date_time", "end_date", "resolution_time",
                 "ended", "incident_end", "outage_end", "time_resolved", "recovered"),
    "drafted": ("drafted", "draft_date", "written", "date_written", "created", "created_at", "published",
                "report_date", "postmortem_date", "authored", "last_updated", "updated"),
}
_KEY_TO_FIELD = {key: name for name, keys in FIELD_KEYS.items() for key in keys}

_SEVERITY_WORDS = {"critical": 1, "blocker": 1, "major": 2, "high": 2, "moderate": 3, "medium": 3,
                   "minor": 4, "low": 4, "trivial": 5, "informational": 5}


def normalise_key(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", key.strip().lower()).strip("_")


def severity_level(value: Any) -> int | None:
    """ "SEV-1", "Sev 2", "S3", "P1", "1", "critical" → 1..5 (1 is the worst)."""
    if value is None:
        return None
    text = str(value).strip().lower()
    m = re.search(r"\b(?:sev(?:erity)?|s|p|priority|level)?[\s\-_]*([0-5])\b", text)
    if m:
        level = int(m.group(1))
        return max(level, 1) if level else 1  # SEV-0 is worse than SEV-1: treat as 1
    for word, level in _SEVERITY_WORDS.items():
        if word in text:
            return level
    return None


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in re.split(r"[,;]", str(value)) if part.strip()]


def _set(metadata: Metadata, field: str, value: Any, span: Span | None, *, override: bool) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return
    current = getattr(metadata, field)
    if current not in (None, [], "") and not override:
        return
    if field in ("services", "tags"):
        parsed: Any = _as_list(value)
    elif field in ("started", "detected", "mitigated", "resolved"):
        parsed = parse_datetime(value)
    elif field in ("date", "drafted"):
        parsed = parse_date(value)
    else:
        parsed = str(value).strip().strip("*_`").strip()
    if parsed in (None, [], ""):
        return
    setattr(metadata, field, parsed)
    if field == "severity":
        metadata.severity_level = severity_level(parsed)
    if span is not None:
        metadata.spans[field] = span


def metadata_from_front_matter(front_matter: dict[str, Any], span: Span | None) -> Metadata:
    metadata = Metadata()
    for key, value in front_matter.items():
        field = _KEY_TO_FIELD.get(normalise_key(key))
        if field:
            _set(metadata, field, value, span, override=False)
        else:
            metadata.extra[key] = value
    return metadata


def metadata_from_pairs(metadata: Metadata, pairs: list[tuple[str, str, Span]]) -> None:
    """Fill fields the front matter left empty from "Key: value" pairs at the top."""
    for key, value, span in pairs:
        field = _KEY_TO_FIELD.get(normalise_key(key))
        if field:
            _set(metadata, field, value, span, override=False)
