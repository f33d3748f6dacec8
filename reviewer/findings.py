"""Findings: what a check reports, with exact character spans."""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    SUGGESTION = "suggestion"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "suggestion": 1}[self.value]


class Dimension(StrEnum):
    BLAME = "blame"
    TIME = "time"
    METRICS = "metrics"
    DETAIL = "detail"


class Finding(BaseModel):
    """One thing that needs work, at `start:end` (0-based code-point offsets, half-open).

    Lines and columns are computed by the output formats from the text, never stored here.
    """

    code: str
    name: str
    dimension: Dimension
    severity: Severity
    message: str
    start: int
    end: int
    section: str | None = None  # title of the section it sits in
    section_kind: str | None = None
    replacements: list[str] = Field(default_factory=list)
    confidence: float = 1.0
    fingerprint: str = ""
    points: float = 0.0  # what this finding cost its dimension's score (set by scoring)
    data: dict[str, Any] = Field(default_factory=dict)  # rule-specific facts (e.g. a rewrite)


_SPACE = re.compile(r"\s+")


def fingerprint(code: str, section_kind: str | None, flagged_text: str, occurrence: int) -> str:
    """Stable across unrelated edits: what was flagged, where (section kind), which occurrence.

    Offsets are left out on purpose: adding a paragraph above must not change it.
    """
    key = "\x1f".join([code, section_kind or "", _SPACE.sub(" ", flagged_text.strip().lower()), str(occurrence)])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
