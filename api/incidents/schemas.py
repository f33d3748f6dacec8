"""Request and response bodies of the incident endpoints (and the similar incidents in a review)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from reviewer.corpus.types import (
    FIELD_LIMITS,
    ActionItemState,
    Incident,
    ImportReport,
    OpenActionItem,
    Recurrence,
    RootCauseGroup,
    SimilarMatch,
    TrendPoint,
)
from reviewer.output.common import jsonable, safe_text

MAX_ID_CHARS = FIELD_LIMITS["id"]
ServiceName = Annotated[str, Field(max_length=FIELD_LIMITS["service"])]
TagName = Annotated[str, Field(max_length=FIELD_LIMITS["tag"])]
# Feedback on a draft that is not stored is kept under a key of this form (see POST /v1/reviews `draft_key`).
# The key is a URL path segment of /v1/incidents/{key}/feedback, so, like an id, no segment after a slash
# may be empty, "." or "..": browsers, curl and proxies normalise those away. Each segment is spelt out
# (a first character that is not a dot, or a dot and then one, or two dots and then anything) rather than
# checked by a look-ahead, which pydantic's regular expressions do not have; segments cannot overlap, so
# the match is linear.
_DRAFT_SEGMENT = r"(?:[A-Za-z0-9_:-][A-Za-z0-9._:-]*|\.[A-Za-z0-9_:-][A-Za-z0-9._:-]*|\.\.[A-Za-z0-9._:-]+)"
DRAFT_KEY_PATTERN = rf"^draft:[A-Za-z0-9._:-]*(?:/{_DRAFT_SEGMENT})*$"
DRAFT_KEY_MAX_CHARS = len("draft:") + 120
_DRAFT_KEY = re.compile(DRAFT_KEY_PATTERN)


def is_draft_key(value: str) -> bool:
    """A key feedback on an unstored draft is kept under: `draft:` and 1-120 characters, no `.`/`..` segments."""
    return len("draft:") < len(value) <= DRAFT_KEY_MAX_CHARS and _DRAFT_KEY.match(value) is not None


def encodable(value: str | None) -> str | None:
    """JSON may carry lone surrogates (\\ud800); spaCy and UTF-8 cannot. U+FFFD keeps every offset."""
    return safe_text(value) if isinstance(value, str) else value


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """The store writes UTC; SQLite gives it back without a zone. RFC 3339 wants one."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment


class ActionItemOut(BaseModel):
    text: str = Field(description="the item's words as the author wrote them, Markdown markup removed (inline "
                                  "code keeps its content)")
    markdown: str = Field("", description="the same words as written: inline Markdown (code spans, links, emphasis)")
    owner: str | None = None
    ticket: str | None = None
    due: dt.date | None = None
    done: bool | None = Field(None, description="null when the document does not say")

    @classmethod
    def of(cls, item: ActionItemState) -> ActionItemOut:
        return cls(text=item.text, markdown=item.markdown, owner=item.owner, ticket=item.ticket, due=item.due,
                   done=item.done)


class IncidentSummary(BaseModel):
    """An incident as listed: its fields without the postmortem text."""

    id: str
    title: str
    date: dt.date | None = None
    severity: str | None = None
    severity_level: int | None = Field(None, description="1 (worst) to 5")
    services: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    category: str | None = Field(None, description="root-cause category")
    category_source: str | None = Field(None, description="given (in the record) or classifier")
    owner: str | None = None
    summary: str = ""
    metrics: dict[str, Any] = Field(default_factory=dict, description="impact/detect/resolve minutes, start, end, …")
    updated_at: dt.datetime | None = None

    @classmethod
    def of(cls, incident: Incident) -> IncidentSummary:
        return cls(id=incident.id, title=incident.title, date=incident.date, severity=incident.severity,
                   severity_level=incident.severity_level, services=incident.services, tags=incident.tags,
                   category=incident.category, category_source=incident.category_source, owner=incident.owner,
                   summary=incident.summary, metrics=jsonable(incident.metrics or {}),
                   updated_at=_utc(incident.updated_at))


class IncidentOut(IncidentSummary):
    """One incident in full: the extracted parts and the postmortem text."""

    root_cause: str = ""
    resolution: str = ""
    action_items: list[ActionItemOut] = Field(default_factory=list)
    source: str | None = None
    text: str | None = None

    @classmethod
    def of(cls, incident: Incident) -> IncidentOut:  # type: ignore[override]
        base = IncidentSummary.of(incident).model_dump()
        return cls(**base, root_cause=incident.root_cause, resolution=incident.resolution,
                   action_items=[ActionItemOut.of(a) for a in incident.action_items], source=incident.source,
                   text=incident.text)


class IncidentPage(BaseModel):
    items: list[IncidentSummary]
    total: int = Field(description="incidents matching the filters, over every page")
    offset: int
    limit: int


class MatchReasonOut(BaseModel):
    text: str = Field(description="the reason in words")
    sections: list[str] = Field(description="the incident's fields that matched best, best first")
    shared_terms: list[str] = Field(description="root-cause terms the query and the incident share")
    same_category: bool
    category: str | None = None
    field_scores: dict[str, float] = Field(default_factory=dict, description="cosine similarity per field")


class SimilarIncidentOut(BaseModel):
    incident: IncidentSummary
    score: float = Field(description="0..1, higher is more similar (fused ranking)")
    similarity: float = Field(description="best cosine similarity over the embedded fields")
    reason: MatchReasonOut

    @classmethod
    def of(cls, match: SimilarMatch) -> SimilarIncidentOut:
        reason = match.reason
        return cls(incident=IncidentSummary.of(match.incident), score=match.score, similarity=match.similarity,
                   reason=MatchReasonOut(text=reason.describe(), sections=reason.sections,
                                         shared_terms=reason.shared_terms, same_category=reason.same_category,
                                         category=reason.category, field_scores=reason.field_scores))


class SimilarList(BaseModel):
    items: list[SimilarIncidentOut]


class RecurrenceOut(BaseModel):
    """Whether the draft's root cause recurs in the corpus: information, never a failure."""

    category: str | None = None
    label: str | None = None
    count: int
    earlier_incident_ids: list[str]
    message: str

    @classmethod
    def of(cls, recurrence: Recurrence) -> RecurrenceOut:
        return cls(category=recurrence.category, label=recurrence.label, count=recurrence.count,
                   earlier_incident_ids=recurrence.earlier_incident_ids, message=recurrence.message)


class IncidentImport(BaseModel):
    """One incident as JSON: `text` (or `markdown`) is the postmortem; the other fields override its front matter."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, max_length=MAX_ID_CHARS, description="default: the front matter's id")
    text: str | None = Field(None, description="the postmortem, Markdown")
    markdown: str | None = Field(None, description="same as text")
    title: str | None = Field(None, max_length=FIELD_LIMITS["title"])
    date: dt.date | None = None
    severity: str | None = Field(None, max_length=FIELD_LIMITS["severity"])
    services: list[ServiceName] = Field(default_factory=list, max_length=FIELD_LIMITS["services"])
    tags: list[TagName] = Field(default_factory=list, max_length=FIELD_LIMITS["tags"])
    root_cause_category: str | None = Field(None, max_length=100, description="one of the taxonomy's categories; "
                                            "another label is ignored (the classifier decides)")
    owner: str | None = Field(None, max_length=FIELD_LIMITS["owner"])
    started: dt.datetime | None = None
    detected: dt.datetime | None = None
    mitigated: dt.datetime | None = None
    resolved: dt.datetime | None = None

    _texts = field_validator("text", "markdown", "title", "owner", "id")(encodable)


class SkippedOut(BaseModel):
    id: str | None = None
    reason: str


class ImportResult(BaseModel):
    id: str
    status: Literal["imported", "updated", "unchanged"]
    incident: IncidentSummary

    @staticmethod
    def status_of(report: ImportReport, incident_id: str) -> str:
        if incident_id in report.imported:
            return "imported"
        if incident_id in report.updated:
            return "updated"
        return "unchanged"


class SimilarRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="a draft postmortem or any description of an incident")
    k: int | None = Field(None, ge=1, le=100, description="how many (default 5; at most max_k)")
    draft_key: str | None = Field(None, pattern=DRAFT_KEY_PATTERN, min_length=7, max_length=DRAFT_KEY_MAX_CHARS,
                                  description="the key feedback was given under for this draft (draft:…)")
    service: str | None = Field(None, max_length=200)
    since: dt.date | None = None
    until: dt.date | None = None
    severity: str | None = Field(None, max_length=50)
    category: str | None = Field(None, max_length=100)

    _text = field_validator("text")(encodable)


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    other_id: str = Field(min_length=1, max_length=MAX_ID_CHARS,
                          description="the incident suggested as similar that is not")
    verdict: Literal["not_similar"] = "not_similar"


class FeedbackResult(BaseModel):
    incident_id: str
    other_id: str
    verdict: str


class OpenActionItemOut(BaseModel):
    incident_id: str
    text: str = Field(description="as written, Markdown markup removed")
    markdown: str = Field("", description="as written: inline Markdown")
    owner: str | None = None
    ticket: str | None = None
    due: dt.date | None = None

    @classmethod
    def of(cls, item: OpenActionItem) -> OpenActionItemOut:
        return cls(incident_id=item.incident_id, text=item.text, markdown=item.markdown, owner=item.owner,
                   ticket=item.ticket, due=item.due)


class RootCauseGroupOut(BaseModel):
    label: str
    category: str | None = None
    terms: list[str]
    count: int
    first_date: dt.date | None = None
    last_date: dt.date | None = None
    incident_ids: list[str]
    open_action_items: list[OpenActionItemOut]

    @classmethod
    def of(cls, group: RootCauseGroup) -> RootCauseGroupOut:
        return cls(label=group.label, category=group.category, terms=group.terms, count=group.count,
                   first_date=group.first_date, last_date=group.last_date, incident_ids=group.incident_ids,
                   open_action_items=[OpenActionItemOut.of(a) for a in group.open_action_items])


class RootCauseList(BaseModel):
    items: list[RootCauseGroupOut]


class TrendPointOut(BaseModel):
    month: str = Field(description="YYYY-MM")
    incidents: int
    severity_counts: dict[str, int]
    impact_minutes: float
    mean_time_to_resolve_minutes: float | None = None

    @classmethod
    def of(cls, point: TrendPoint) -> TrendPointOut:
        return cls(month=point.month, incidents=point.incidents, severity_counts=point.severity_counts,
                   impact_minutes=point.impact_minutes, mean_time_to_resolve_minutes=point.mean_time_to_resolve_minutes)


class TrendList(BaseModel):
    items: list[TrendPointOut]
