"""Request and response bodies of POST /v1/reviews."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.incidents.schemas import DRAFT_KEY_MAX_CHARS, DRAFT_KEY_PATTERN, RecurrenceOut, SimilarIncidentOut, encodable


class ReviewOptions(BaseModel):
    """Per-request overrides of the service's review configuration (same meaning as in .pmreview.toml).

    Settings that would change the service itself (max_chars, nlp_model, include, exclude) are
    not accepted per request.
    """

    model_config = ConfigDict(extra="forbid")

    select: list[str] | None = Field(None, description="rule codes or prefixes to run", max_length=200)
    ignore: list[str] | None = Field(None, description="rule codes or prefixes to skip", max_length=200)
    severity: dict[str, str] | None = Field(None, description="severity per rule code: error, warning, suggestion")
    required_sections: list[str] | None = Field(None, max_length=50)
    required_sections_full_bar: list[str] | None = Field(None, max_length=50)
    full_bar_severities: list[int] | None = Field(None, max_length=10)
    full_bar_when_unknown: bool | None = None
    rules: dict[str, dict[str, Any]] | None = Field(None, description="options per rule code")
    fail_on: str | None = Field(None, description="error, warning or suggestion")
    fail_under: float | None = Field(None, ge=0, le=100)
    fail_under_dimension: dict[str, float] | None = None
    blame_allowlist: list[str] | None = Field(None, max_length=500)


class ReviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="the postmortem, Markdown (optional YAML front matter)")
    filename: str | None = Field(None, max_length=1024, description="the document's file name, echoed back")
    config: ReviewOptions | None = Field(None, description="overrides of the review configuration")
    similar: bool = Field(True, description="include the similar past incidents (false skips the search)")
    k: int | None = Field(None, ge=1, le=100, description="how many similar incidents (default 5; at most max_k)")
    draft_key: str | None = Field(None, pattern=DRAFT_KEY_PATTERN, min_length=7, max_length=DRAFT_KEY_MAX_CHARS,
                                  description="a stable key for this draft, 'draft:…': incidents marked "
                                              "'not similar' under it (POST /v1/incidents/{draft_key}/feedback) "
                                              "are left out")

    _text = field_validator("text")(encodable)


class FindingOut(BaseModel):
    """One finding. `start`/`end`: 0-based code-point offsets (half-open); `start_utf16`/`end_utf16`:
    the same in UTF-16 code units (JavaScript strings); line/column 1-based, columns in code points."""

    code: str
    name: str
    dimension: str
    severity: str
    message: str
    start: int
    end: int
    start_utf16: int
    end_utf16: int
    line: int
    column: int
    end_line: int
    end_column: int
    section: str | None = None
    section_kind: str | None = None
    replacements: list[str] = Field(default_factory=list, description="suggested rewrites of the span, best first")
    confidence: float
    points: float = Field(description="what this finding cost its dimension's score")
    fingerprint: str = Field(description="stable across unrelated edits (for 'dismissed' state in editors)")
    data: dict[str, Any] = Field(default_factory=dict)


class ScoresOut(BaseModel):
    overall: float = Field(description="0-100")
    dimensions: dict[str, float] = Field(description="0-100 per dimension: blame, time, metrics, detail")


class ReviewResponse(BaseModel):
    filename: str | None = None
    scores: ScoresOut
    fails: bool = Field(description="the document falls short of the configured bar (fail_on, fail_under)")
    findings: list[FindingOut]
    suppressed: int = Field(description="findings silenced by pmreview-disable comments")
    facts: dict[str, Any] = Field(description="what the review extracted: durations, metrics, time zone, metadata")
    similar: list[SimilarIncidentOut] | None = Field(
        None, description="similar past incidents (null when not asked for or unavailable; see similar_error)")
    recurrence: RecurrenceOut | None = None
    similar_error: str | None = Field(None, description="why similar incidents are missing, when they are")
    duration_ms: float = Field(description="time the review took on the server")
