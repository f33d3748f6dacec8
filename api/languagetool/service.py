"""LanguageTool compatibility: form fields → a review → LanguageTool matches.

What a LanguageTool client sends: `text` (plain text), or `data` (JSON annotated text:
`{"annotation": [{"text": "..."}, {"markup": "...", "interpretAs": "..."}]}`), `language`,
and optionally `enabledRules`, `disabledRules`, `enabledOnly`, `disabledCategories`,
`enabledCategories`. For `data`, text and markup parts are joined back into the Markdown
they came from (a heading's `## ` is markup to an editor, structure to pmreview), and
offsets refer to that joined text, as LanguageTool's own offsets refer to the original
including markup.

Offsets and lengths are UTF-16 code units (see schemas). A finding about the whole document
(a missing section, reported at 0:0) is shown on the document's first line, and any other
empty span is widened to one character, because editors cannot underline an empty range.
"""

from __future__ import annotations

import json
from typing import Any

from api.languagetool.schemas import (
    Category,
    CheckResponse,
    Context,
    DetectedLanguage,
    LanguageEntry,
    LanguageOut,
    Match,
    Replacement,
    RuleOut,
    Software,
)
from reviewer import __version__
from api.problems import InvalidField
from reviewer.findings import Finding, Severity
from reviewer.output.common import safe_text
from reviewer.output.positions import LineIndex
from reviewer.rules.base import all_rules

CONTEXT_CHARS = 40  # LanguageTool's default context size, each side
LANGUAGES = [LanguageEntry(name="English", code="en", longCode="en-US"),
             LanguageEntry(name="English (US)", code="en", longCode="en-US"),
             LanguageEntry(name="English (GB)", code="en", longCode="en-GB")]
ISSUE_TYPES = {Severity.ERROR: "grammar", Severity.WARNING: "style", Severity.SUGGESTION: "style"}
CATEGORY_PREFIXES = {"META": "PM0", "STRUCTURE": "PM1", "BLAME": "PM2", "TIME": "PM3", "METRICS": "PM4",
                     "DETAIL": "PM5"}


def text_of(text: str | None, data: str | None) -> str:
    if text is not None and data is not None:
        raise InvalidField.one(("form", "data"), "send either text or data, not both")
    if text is not None:
        return safe_text(text)
    if data is None:
        raise InvalidField.one(("form", "text"), "send the text to check in the form field text (or data)")
    try:
        annotated = json.loads(data)
    except json.JSONDecodeError as exc:
        raise InvalidField.one(("form", "data"), f"not JSON: {exc.msg} at character {exc.pos}") from None
    parts = annotated.get("annotation") if isinstance(annotated, dict) else None
    if not isinstance(parts, list):
        raise InvalidField.one(("form", "data"), 'expected {"annotation": [{"text": ...}, {"markup": ...}, ...]}')
    pieces = []
    for number, part in enumerate(parts):
        if not isinstance(part, dict):
            raise InvalidField.one(("form", "data"), f"annotation[{number}] must be an object")
        piece = part.get("text", part.get("markup"))
        if not isinstance(piece, str):
            raise InvalidField.one(("form", "data"), f"annotation[{number}] needs a string 'text' or 'markup'")
        pieces.append(piece)
    return safe_text("".join(pieces))


def check_language(language: str | None) -> str:
    """The long code to report; pmreview reviews English only."""
    code = (language or "auto").strip()
    if code.lower() in ("auto", "en", ""):
        return "en-US"
    if code.lower().startswith("en-") and 4 <= len(code) <= 12:
        return code
    raise InvalidField.one(("form", "language"), f"{code!r} is not supported: pmreview reviews English postmortems "
                                   "(use en, en-US, en-GB, … or auto)")


def _codes(raw: str | None) -> list[str]:
    return [part.strip().upper() for part in (raw or "").split(",") if part.strip()][:200]


def config_overrides(enabled_rules: str | None, disabled_rules: str | None, enabled_only: bool,
                     enabled_categories: str | None, disabled_categories: str | None) -> dict[str, Any]:
    """LanguageTool's rule and category switches as select/ignore."""
    overrides: dict[str, Any] = {}
    categories_on = [CATEGORY_PREFIXES[c] for c in _codes(enabled_categories) if c in CATEGORY_PREFIXES]
    categories_off = [CATEGORY_PREFIXES[c] for c in _codes(disabled_categories) if c in CATEGORY_PREFIXES]
    rules_on = _codes(enabled_rules)
    if enabled_only:
        if not rules_on and not categories_on:
            raise InvalidField.one(("form", "enabledOnly"), "enabledOnly=true needs enabledRules or enabledCategories")
        overrides["select"] = rules_on + categories_on
    ignore = _codes(disabled_rules) + categories_off
    if ignore:
        overrides["ignore"] = ignore
    return overrides


def _display_span(finding: Finding, index: LineIndex) -> tuple[int, int]:
    """A non-empty code-point span to underline (see the module doc)."""
    text = index.text
    start, end = finding.start, finding.end
    if end > start or not text:
        return start, end
    if start == 0:
        first_line_end = index.line_end(1)
        return 0, first_line_end if first_line_end > 0 else min(1, len(text))
    if start < len(text):
        return start, start + 1
    return start - 1, start


def _context(text: str, start: int, end: int) -> Context:
    left = max(0, start - CONTEXT_CHARS)
    right = min(len(text), end + CONTEXT_CHARS)
    prefix = ("..." if left > 0 else "") + text[left:start]
    matched = text[start:end]
    suffix = text[end:right] + ("..." if right < len(text) else "")

    def flat(piece: str) -> str:
        return piece.replace("\r", " ").replace("\n", " ")

    return Context(text=flat(prefix + matched + suffix), offset=_utf16_len(prefix), length=_utf16_len(matched))


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _sentence(index: LineIndex, start: int) -> str:
    return index.line_text(index.line_of(start)).strip()


def to_matches(findings: list[Finding], text: str) -> list[Match]:
    index = LineIndex(text)
    rules = all_rules()
    matches = []
    for finding in findings:
        start, end = _display_span(finding, index)
        rule = rules.get(finding.code)
        category = rule.category if rule is not None else "other"
        offset = index.utf16_offset(start)
        matches.append(Match(
            message=finding.message,
            shortMessage=finding.name,
            replacements=[Replacement(value=r) for r in finding.replacements],
            offset=offset,
            length=index.utf16_offset(end) - offset,
            context=_context(text, start, end),
            sentence=_sentence(index, start),
            rule=RuleOut(id=finding.code, description=rule.summary if rule is not None else finding.name,
                         issueType=ISSUE_TYPES[finding.severity],
                         category=Category(id=category.upper(), name=category.capitalize())),
        ))
    return matches


def response(findings: list[Finding], text: str, language: str) -> CheckResponse:
    return CheckResponse(
        software=Software(version=__version__),
        language=LanguageOut(name="English", code=language,
                             detectedLanguage=DetectedLanguage(name="English", code=language)),
        matches=to_matches(findings, text),
    )
