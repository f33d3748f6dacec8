"""The values the corpus takes and returns: plain dataclasses, JSON-ready through `to_dict()`.

The service (`reviewer.corpus.service.Corpus`), the CLI commands and the HTTP API all speak
these types; nothing here knows about SQL, models or output formats.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

# The root-cause taxonomy (exactly these names; see models/root_causes.md).
ROOT_CAUSE_CATEGORIES: tuple[str, ...] = (
    "config-change", "deploy-bug", "latent-bug", "capacity-overload", "resource-exhaustion", "expiry", "time",
    "dns", "network", "hardware-power", "database", "dependency", "operational-command", "security", "data-loss",
    "process-other",
)

# Fields embedded per incident; each has its own in-memory vector matrix.
# "cause": the cause spans alone (reviewer/corpus/causes.py): the root-cause sections, else the causal sentences.
EMBEDDED_FIELDS: tuple[str, ...] = ("root_cause", "summary", "text", "cause")


# What one stored incident may hold, field by field: the store's columns are sized from these, the
# import checks them before it writes (the same on every database: SQLite does not enforce a
# column's length, PostgreSQL refuses the whole transaction), and the API's schemas state them.
FIELD_LIMITS: dict[str, int] = {
    "id": 128,  # characters
    "title": 1000,
    "severity": 64,
    "owner": 256,
    "services": 100,  # items
    "service": 256,  # characters of one item
    "tags": 100,
    "tag": 100,
    "root_cause_category": 32,
    "text": 500_000,
}
# The characters an id may use; "/" separates segments, none of which may be empty, "." or "..":
# browsers, curl and proxies rewrite such segments, so the incident could not be reached at its URL.
ID_CHARACTERS = "letters, digits and . _ : - /"
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:\-/]*$")


def id_problem(value: object) -> str | None:
    """Why `value` cannot be an incident id (the rule, never the value), or None when it can."""
    limit = FIELD_LIMITS["id"]
    if not isinstance(value, str) or not value:
        return "id is required"
    if len(value) > limit:
        return f"id must be at most {limit} characters"
    if any(segment in ("", ".", "..") for segment in value.split("/")):
        return "id must not have empty, '.' or '..' segments between its slashes"
    if not _ID_RE.match(value):
        return f"id must start with a letter or digit and use only {ID_CHARACTERS}"
    return None


class FieldLimitExceeded(ValueError):
    """A field the store cannot hold: names the field and its rule, never the value."""

    def __init__(self, field: str, rule: str) -> None:
        self.field, self.rule = field, rule
        super().__init__(f"{field} {rule}")


def _string_problem(value: str) -> str | None:
    if "\x00" in value:
        return "must not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode (no lone surrogates)"
    return None


def check_storable(fields: dict[str, Any]) -> None:
    """Raise FieldLimitExceeded for the first field (of an incident about to be stored) that breaks
    FIELD_LIMITS or that no store could hold (NUL, lone surrogates)."""
    problem = id_problem(fields.get("id"))
    if problem:
        raise FieldLimitExceeded("id", problem.removeprefix("id "))
    for name, value in fields.items():
        if value is None or name == "id":
            continue
        if isinstance(value, (list, tuple)):
            item_name = {"services": "service", "tags": "tag"}.get(name)
            limit = FIELD_LIMITS.get(name)
            if limit is not None and len(value) > limit:
                raise FieldLimitExceeded(name, f"must have at most {limit} items")
            for item in value:
                if isinstance(item, str):
                    item_limit = FIELD_LIMITS.get(item_name or "")
                    if item_limit is not None and len(item) > item_limit:
                        raise FieldLimitExceeded(name, f"items must be at most {item_limit} characters each")
                    problem = _string_problem(item)
                    if problem:
                        raise FieldLimitExceeded(name, problem)
            continue
        if isinstance(value, str):
            limit = FIELD_LIMITS.get(name)
            if limit is not None and len(value) > limit:
                raise FieldLimitExceeded(name, f"must be at most {limit:,} characters")
            problem = _string_problem(value)
            if problem:
                raise FieldLimitExceeded(name, problem)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


class _Jsonable:
    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))  # type: ignore[arg-type]


@dataclass(slots=True)
class IncidentRecord(_Jsonable):
    """One incident as it comes in: a Markdown postmortem (with or without front matter) or a JSONL record.

    Only `id` and `text` are required; every other field falls back to what the parser reads
    from the text (front matter, headings).
    """

    id: str
    text: str
    title: str | None = None
    date: date | None = None
    severity: str | None = None
    services: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    root_cause_category: str | None = None  # a label given with the record; else the classifier decides
    owner: str | None = None
    started: datetime | None = None
    detected: datetime | None = None
    mitigated: datetime | None = None
    resolved: datetime | None = None
    source: str | None = None  # file path or "file.jsonl:12", for messages


@dataclass(slots=True)
class ActionItemState(_Jsonable):
    text: str  # what a reader sees: the author's words, Markdown markup removed (code kept)
    owner: str | None = None
    ticket: str | None = None
    due: date | None = None
    done: bool | None = None  # None: the document does not say
    markdown: str = ""  # the same words as written (inline Markdown), for pages that render them


@dataclass(slots=True)
class Incident(_Jsonable):
    """A stored incident: the record's fields plus what was extracted from the postmortem."""

    id: str
    title: str
    date: date | None
    severity: str | None
    severity_level: int | None  # 1 (worst) .. 5
    services: list[str]
    tags: list[str]
    category: str | None  # root-cause category (given, or from the classifier)
    category_source: str | None  # "given" | "classifier"
    summary: str
    root_cause: str  # root cause + contributing factors + trigger sections, in document order
    resolution: str
    action_items: list[ActionItemState]
    metrics: dict[str, Any]  # impact/detect/resolve minutes, started/resolved, …
    owner: str | None = None
    text: str | None = None  # the whole postmortem; left out of list views
    source: str | None = None
    updated_at: datetime | None = None

    @property
    def open_action_items(self) -> list[ActionItemState]:
        return [a for a in self.action_items if a.done is not True]


@dataclass(slots=True)
class SkippedRecord(_Jsonable):
    id: str | None
    source: str | None
    reason: str
    field: str | None = None  # the field at fault, when one is (e.g. "services" too long)


@dataclass(slots=True)
class ImportReport(_Jsonable):
    imported: list[str] = field(default_factory=list)  # new ids
    updated: list[str] = field(default_factory=list)  # ids whose text or fields changed
    unchanged: list[str] = field(default_factory=list)  # ids already stored exactly so
    skipped: list[SkippedRecord] = field(default_factory=list)  # bad records, with the reason

    def merge(self, other: "ImportReport") -> "ImportReport":
        self.imported += other.imported
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        return self


@dataclass(slots=True)
class IncidentFilters(_Jsonable):
    service: str | None = None
    since: date | None = None  # inclusive
    until: date | None = None  # inclusive
    severity: str | None = None  # as written ("SEV-1") or a level ("1")
    category: str | None = None


@dataclass(slots=True)
class Page(_Jsonable):
    items: list[Incident]
    total: int
    offset: int
    limit: int


@dataclass(slots=True)
class MatchReason(_Jsonable):
    """Why an incident matched: which of its fields matched the query best, and the shared words."""

    sections: list[str]  # e.g. ["root_cause", "summary"], best first
    shared_terms: list[str]  # root-cause terms the query and the incident share
    same_category: bool
    category: str | None
    field_scores: dict[str, float] = field(default_factory=dict)  # cosine similarity per embedded field
    # The cause span of the query and of the incident that share the most (rarest) words, when any do.
    matched_spans: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = []
        if self.matched_spans:
            parts.append("both: " + " / ".join(f"\"{s}\"" for s in self.matched_spans))
        if self.sections:
            parts.append("matched " + ", ".join(s.replace("_", " ") for s in self.sections))
        if self.shared_terms:
            parts.append("shared root-cause terms: " + ", ".join(self.shared_terms))
        if self.same_category and self.category:
            parts.append(f"same root-cause category ({self.category})")
        return "; ".join(parts) or "overall wording"


@dataclass(slots=True)
class SimilarMatch(_Jsonable):
    incident: Incident  # without `text`
    score: float  # 0..1, higher is more similar (fused rank score, normalised)
    similarity: float  # best cosine similarity over the embedded fields
    reason: MatchReason


@dataclass(slots=True)
class OpenActionItem(_Jsonable):
    incident_id: str
    text: str
    owner: str | None = None
    ticket: str | None = None
    due: date | None = None
    markdown: str = ""


@dataclass(slots=True)
class RootCauseGroup(_Jsonable):
    label: str  # readable: "expiry: certificate, tls"
    category: str | None
    terms: list[str]
    count: int
    first_date: date | None
    last_date: date | None
    incident_ids: list[str]
    open_action_items: list[OpenActionItem]


@dataclass(slots=True)
class TrendPoint(_Jsonable):
    month: str  # "2019-02"
    incidents: int
    severity_counts: dict[str, int]  # "SEV-1" → n ("unknown" when none is given)
    impact_minutes: float  # sum over the month's incidents that state it
    mean_time_to_resolve_minutes: float | None  # over the incidents with a start and a resolution


@dataclass(slots=True)
class Recurrence(_Jsonable):
    """Whether a draft's root cause recurs in the corpus: information, never a failure."""

    category: str | None
    label: str | None
    earlier_incident_ids: list[str]
    count: int
    message: str  # "4 earlier incidents share this root cause (expiry: certificate, tls)"
