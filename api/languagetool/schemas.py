"""The LanguageTool HTTP API (v2) response, as far as editor plugins read it.

Offsets and lengths are in UTF-16 code units, as LanguageTool (a Java server) reports them
and as its clients (browser extensions, LTeX, editor plugins: JavaScript and Java strings)
index their text.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class Software(BaseModel):
    name: str = "pmreview"
    version: str
    buildDate: str | None = None
    apiVersion: int = 1
    premium: bool = False
    premiumHint: str | None = None
    status: str = ""


class Warnings(BaseModel):
    incompleteResults: bool = False


class DetectedLanguage(BaseModel):
    name: str
    code: str
    confidence: float = 1.0


class LanguageOut(BaseModel):
    name: str
    code: str
    detectedLanguage: DetectedLanguage


class Replacement(BaseModel):
    value: str


class Context(BaseModel):
    text: str = Field(description="the text around the match (newlines as spaces, '...' where cut)")
    offset: int = Field(description="where the match starts in `text` (UTF-16 code units)")
    length: int = Field(description="the match's length in `text` (UTF-16 code units)")


class Category(BaseModel):
    id: str = Field(description="BLAME, TIME, METRICS, DETAIL, STRUCTURE or META")
    name: str


class RuleOut(BaseModel):
    id: str = Field(description="the pmreview rule code, e.g. PM201")
    subId: str | None = None
    description: str
    issueType: str
    category: Category
    urls: list[dict[str, str]] = Field(default_factory=list)


class MatchType(BaseModel):
    typeName: str = "Other"


class Match(BaseModel):
    message: str
    shortMessage: str = ""
    replacements: list[Replacement]
    offset: int = Field(description="start of the match in UTF-16 code units from the start of the text")
    length: int = Field(description="length of the match in UTF-16 code units")
    context: Context
    sentence: str
    type: MatchType = Field(default_factory=MatchType)
    rule: RuleOut
    ignoreForIncompleteSentence: bool = False
    contextForSureMatch: int = 0


class CheckResponse(BaseModel):
    software: Software
    warnings: Warnings = Field(default_factory=Warnings)
    language: LanguageOut
    matches: list[Match]


class LanguageEntry(BaseModel):
    name: str
    code: str
    longCode: str
