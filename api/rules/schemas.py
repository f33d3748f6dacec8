"""Rule documentation as the API returns it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class RuleSummary(BaseModel):
    code: str = Field(description="stable code, e.g. PM201")
    name: str = Field(description="kebab-case name")
    category: str = Field(description="meta, structure, blame, time, metrics or detail")
    dimension: str = Field(description="the score dimension it counts against")
    severity: str = Field(description="default severity")
    summary: str
    full_bar_only: bool = Field(description="applies only to documents held to the full bar (SEV-1/2)")
    needs_nlp: bool


class RuleDetail(RuleSummary):
    what: str
    why: str
    example: str
    use_instead: str
    should_flag: list[str]
    should_pass: list[str]
    options: dict[str, Any] = Field(default_factory=dict)
    doc: str = Field(description="the whole documentation as Markdown")


class RuleList(BaseModel):
    items: list[RuleSummary]
