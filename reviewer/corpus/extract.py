"""Record → Incident: what the corpus keeps of a postmortem, read with the one parser.

Root-cause text is the root cause / contributing factors, trigger and 5-whys sections; the
summary is the summary section (or the first paragraph of a document without one); metrics
come from the timestamps in the front matter (or the record).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Any

from reviewer.corpus.causes import cause_text
from reviewer.corpus.errors import BadRecord
from reviewer.corpus.types import (
    FIELD_LIMITS,
    ROOT_CAUSE_CATEGORIES,
    ActionItemState,
    Incident,
    IncidentRecord,
    id_problem,
)
from reviewer.document import BlockKind, Postmortem, SectionKind, parse
from reviewer.document.metadata import severity_level
from reviewer.document.shown import inline_source, plain

MAX_TEXT_CHARS = FIELD_LIMITS["text"]
ROOT_CAUSE_KINDS = (SectionKind.ROOT_CAUSE, SectionKind.TRIGGER, SectionKind.FIVE_WHYS)
_SPACES = re.compile(r"[ \t]+")


def valid_id(value: object) -> bool:
    return id_problem(value) is None


def as_date(value: Any, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value).strip()).date()
    except ValueError:
        raise BadRecord(f"{field} must be a date (YYYY-MM-DD)") from None


def as_datetime(value: Any, field: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise BadRecord(f"{field} must be a date-time (ISO 8601)") from None


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


@lru_cache(maxsize=32)
def _parsed(text: str) -> Postmortem:
    """One parse per text: reading a record's id and extracting the incident share it (read-only)."""
    return parse(text)


def record_from_mapping(data: Any, source: str | None = None) -> IncidentRecord:
    """A JSONL/JSON/API object → IncidentRecord; BadRecord says what is wrong."""
    if not isinstance(data, dict):
        raise BadRecord("a record must be a JSON object")
    text = data.get("text") if data.get("text") not in (None, "") else data.get("markdown")
    if not isinstance(text, str) or not text.strip():
        raise BadRecord("the record has no \"text\" or \"markdown\"")
    record_id = data.get("id")
    if record_id is None or str(record_id).strip() == "":
        # A Markdown text may carry its id in the front matter.
        record_id = _parsed(text).metadata.id
    if record_id is None:
        raise BadRecord("the record has no \"id\"")
    category = data.get("root_cause_category") or data.get("category")
    if category is not None and category not in ROOT_CAUSE_CATEGORIES:
        category = None  # another taxonomy (e.g. a source's own labels): let the classifier decide
    return IncidentRecord(
        id=str(record_id).strip(), text=text, title=data.get("title") or None,
        date=as_date(data.get("date"), "date"), severity=_str_or_none(data.get("severity")),
        services=_as_list(data.get("services")), tags=_as_list(data.get("tags")),
        root_cause_category=category, owner=_str_or_none(data.get("owner")),
        started=as_datetime(data.get("started"), "started"), detected=as_datetime(data.get("detected"), "detected"),
        mitigated=as_datetime(data.get("mitigated"), "mitigated"), resolved=as_datetime(data.get("resolved"), "resolved"),
        source=source)


def record_from_markdown(text: str, source: str | None, fallback_id: str | None = None) -> IncidentRecord:
    """A Markdown postmortem → IncidentRecord; the id comes from the front matter, else `fallback_id`."""
    doc = _parsed(text)
    record_id = doc.metadata.id or fallback_id
    if not record_id:
        raise BadRecord("no id in the front matter")
    category = doc.metadata.extra.get("root_cause_category")
    return IncidentRecord(id=str(record_id), text=text, root_cause_category=category if category in ROOT_CAUSE_CATEGORIES
                          else None, source=source)


def _str_or_none(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def content_hash(record: IncidentRecord) -> str:
    """What decides "unchanged" on re-import: every field of the record but its source."""
    data = record.to_dict()
    data.pop("source", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _clean(text: str) -> str:
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines() if line.strip())


def _sections_text(doc: Postmortem, kinds: tuple[SectionKind, ...]) -> str:
    """The prose of every section of these kinds (subsections included once), in document order."""
    chosen = [s for s in doc.sections if s.level > 0 and s.kind in kinds]
    # A subsection of a chosen section is already in its parent's span.
    chosen = [s for s in chosen if not any(o is not s and o.span.covers(s.span) and o.level < s.level for o in chosen)]
    parts = []
    for section in chosen:
        blocks = [_shown(doc, b) for b in doc.blocks_in(section) if b.kind != BlockKind.HEADING and not b.quoted]
        parts.append(" ".join(blocks))
    return _clean("\n".join(parts))


def _shown(doc: Postmortem, block) -> str:
    """A block as the reader sees it: the author's words cut from the original text, markup removed
    (the block's `text` is the analyser's prose, where code reads "code")."""
    source = inline_source(doc.text, block.span)
    if block.kind == BlockKind.TABLE_CELL:
        source = source.replace("\\|", "|")
    return plain(source)


def _first_paragraph(doc: Postmortem) -> str:
    """The first real sentence-sized paragraph; else the first such list item or table cell."""
    for kinds in ((BlockKind.PARAGRAPH,), (BlockKind.LIST_ITEM, BlockKind.TABLE_CELL)):
        for block in doc.blocks:
            if block.kind in kinds and not block.quoted and len(block.text.split()) >= 6:
                return _clean(_shown(doc, block))
    return ""


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    if (start.tzinfo is None) != (end.tzinfo is None):
        start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    minutes = (end - start).total_seconds() / 60
    return round(minutes, 1) if minutes >= 0 else None


def body_text(doc: Postmortem) -> str:
    """The prose of the whole document (front matter, code and link targets left out)."""
    return _clean("\n".join(doc.readable(b) for b in doc.blocks))


def extract(record: IncidentRecord) -> tuple[Incident, str]:
    """Parse the record's text: the Incident to store and the document's whole prose. Raises BadRecord."""
    problem = id_problem(record.id)
    if problem:
        raise BadRecord(problem)
    if len(record.text) > MAX_TEXT_CHARS:
        raise BadRecord(f"the text is {len(record.text):,} characters, above the limit of {MAX_TEXT_CHARS:,}")
    doc = _parsed(record.text)
    meta = doc.metadata
    started = record.started or meta.started
    detected = record.detected or meta.detected
    mitigated = record.mitigated or meta.mitigated
    resolved = record.resolved or meta.resolved
    day = record.date or meta.date or (started.date() if started else None)
    severity = record.severity or meta.severity
    summary = _sections_text(doc, (SectionKind.SUMMARY,)) or _first_paragraph(doc)
    title = record.title or doc.title or (summary[:80] if summary else record.id)
    metrics = {
        "time_to_detect_minutes": _minutes(started, detected),
        "time_to_mitigate_minutes": _minutes(started, mitigated),
        "time_to_resolve_minutes": _minutes(started, resolved),
        "impact_minutes": _minutes(started, mitigated or resolved),
        "started": started, "detected": detected, "mitigated": mitigated, "resolved": resolved,
    }
    given = record.root_cause_category
    if given is None and meta.extra.get("root_cause_category") in ROOT_CAUSE_CATEGORIES:
        given = meta.extra["root_cause_category"]  # written in the document's front matter
    return Incident(
        id=record.id, title=title.strip(), date=day, severity=severity,
        severity_level=severity_level(severity) if record.severity else meta.severity_level,
        services=record.services or list(meta.services), tags=record.tags or list(meta.tags),
        category=given, category_source="given" if given else None,
        summary=summary, root_cause=_sections_text(doc, ROOT_CAUSE_KINDS),
        resolution=_sections_text(doc, (SectionKind.RESOLUTION,)),
        action_items=action_items_of(doc),
        metrics=metrics, owner=record.owner or meta.owner, text=record.text, source=record.source,
        updated_at=datetime.now(timezone.utc)), body_text(doc)


def action_items_of(doc: Postmortem) -> list[ActionItemState]:
    return [ActionItemState(text=a.text, owner=a.owner, ticket=a.ticket, due=a.due, done=a.done, markdown=a.markdown)
            for a in doc.action_items]


# Raise when what `rederive` computes changes (action items' text, owners, …): stores opened by
# this version re-derive once. 3: owners written beside an item.
DERIVED_VERSION = "3"


def rederive(incident: Incident) -> dict[str, Any] | None:
    """The fields of a stored incident that are derived from its stored text, derived again by this
    version (None when none differs): how stores written by an earlier version are corrected on
    the next start, with nothing else stored touched (given fields, vectors, feedback).

    The title is re-derived only when it is the one an earlier version derived (a heading read as
    the analyser's prose), never when the record gave it.
    """
    if not incident.text:
        return None
    doc = _parsed(incident.text)
    summary = _sections_text(doc, (SectionKind.SUMMARY,)) or _first_paragraph(doc)
    fields: dict[str, Any] = {
        "summary": summary, "root_cause": _sections_text(doc, ROOT_CAUSE_KINDS),
        "resolution": _sections_text(doc, (SectionKind.RESOLUTION,)),
        "action_items": action_items_of(doc),
    }
    derived_before = doc.metadata.title or next((s.title for s in doc.sections if s.level == 1), None)
    if derived_before is not None and incident.title == derived_before.strip() and doc.title:
        fields["title"] = doc.title.strip()
    changed = {name: value for name, value in fields.items() if getattr(incident, name) != value}
    return changed or None


def field_texts(incident: Incident, whole: str) -> dict[str, str]:
    """The text embedded for each field; a document without a root-cause section uses its whole prose."""
    whole = whole or incident.title
    return {
        "root_cause": incident.root_cause or whole,
        "summary": incident.summary or whole,
        "text": f"{incident.title}\n{whole}" if incident.title and incident.title not in whole[:200] else whole,
        "cause": cause_text(incident.root_cause, "", whole) or whole,
    }
