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

Fragments. Many plugins send one paragraph at a time, or the Markdown turned into plain text
(headings lose their `#`). Judged as a whole document, each such piece would be "missing" every
section. A text is a fragment when it has no heading, or is a single block (no blank line);
a fragment gets only the rules that judge the words in front of them (blame, vague times,
placeholders, weak action items, …): the whole-document rules (`DOCUMENT_RULES`) and any
finding about the whole document are left out. An empty text is a valid request with no matches,
as on LanguageTool's server.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
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
from api.problems import InvalidField, load_json
from reviewer.findings import Finding, Severity
from reviewer.output.common import safe_text
from reviewer.output.positions import LineIndex
from reviewer.rules.base import all_rules

CONTEXT_CHARS = 40  # LanguageTool's default context size, each side
MISSING_TEXT = "Missing 'text' or 'data' parameter"  # LanguageTool's own words for it
ENGLISH = [LanguageEntry(name="English", code="en", longCode="en"),
           LanguageEntry(name="English (US)", code="en", longCode="en-US"),
           LanguageEntry(name="English (GB)", code="en", longCode="en-GB"),
           LanguageEntry(name="English (Australian)", code="en", longCode="en-AU"),
           LanguageEntry(name="English (Canadian)", code="en", longCode="en-CA"),
           LanguageEntry(name="English (New Zealand)", code="en", longCode="en-NZ"),
           LanguageEntry(name="English (South African)", code="en", longCode="en-ZA")]
# Clients check a `motherTongue` (and the UI language they derive it from) against this list
# before they send anything, so it names the languages a LanguageTool server lists; /v2/check
# itself reviews English only and says so for any other `language`.
MOTHER_TONGUES = [LanguageEntry(name=name, code=long_code.split("-")[0], longCode=long_code) for name, long_code in (
    ("Arabic", "ar"), ("Catalan", "ca-ES"), ("Chinese", "zh-CN"), ("Danish", "da-DK"), ("Dutch", "nl-NL"),
    ("French", "fr"), ("Galician", "gl-ES"), ("German", "de"), ("German (Germany)", "de-DE"),
    ("German (Austria)", "de-AT"), ("German (Swiss)", "de-CH"), ("Greek", "el-GR"), ("Irish", "ga-IE"),
    ("Italian", "it"), ("Japanese", "ja-JP"), ("Persian", "fa"), ("Polish", "pl-PL"), ("Portuguese", "pt"),
    ("Portuguese (Brazil)", "pt-BR"), ("Portuguese (Portugal)", "pt-PT"), ("Romanian", "ro-RO"),
    ("Russian", "ru-RU"), ("Slovak", "sk-SK"), ("Slovenian", "sl-SI"), ("Spanish", "es"), ("Swedish", "sv"),
    ("Tamil", "ta-IN"), ("Ukrainian", "uk-UA"))]
LANGUAGES = ENGLISH + MOTHER_TONGUES
# Rules that judge the whole document (sections, timeline, metrics, links, owner, dates): left out
# for a fragment, where their absence means nothing.
DOCUMENT_RULES = ("PM001", "PM101", "PM102", "PM104", "PM302", "PM303", "PM306", "PM307", "PM308", "PM401",
                  "PM402", "PM403", "PM404", "PM405", "PM407", "PM501", "PM502", "PM505", "PM506", "PM507",
                  "PM510", "PM511", "PM512")
# A Markdown heading the parser reads as a section: ATX (`## Impact`), setext (a line of = or -
# under text), or a bold label on its own line (`**Impact**` / `**Impact:** …`).
_HEADING = re.compile(r"^ {0,3}(#{1,6}(\s|$)|\*\*[^*\n]{1,80}\*\*:?|(=+|-{2,}) *$)", re.M)
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n\s*\S")
_FRONT_MATTER = re.compile(r"\A(\ufeff)?---\s*\n")
ISSUE_TYPES = {Severity.ERROR: "grammar", Severity.WARNING: "style", Severity.SUGGESTION: "style"}
CATEGORY_PREFIXES = {"META": "PM0", "STRUCTURE": "PM1", "BLAME": "PM2", "TIME": "PM3", "METRICS": "PM4",
                     "DETAIL": "PM5"}


def text_of(text: str | None, data: str | None) -> str:
    if text is not None and data is not None:
        raise InvalidField.one(("form", "data"), "send either text or data, not both")
    if text is not None:
        return safe_text(text)
    if data is None:
        raise InvalidField.one(("form", "text"), MISSING_TEXT)
    annotated = load_json(data, ("form", "data"))  # nesting bounded: 422, never a RecursionError
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
    raise InvalidField.one(("form", "language"), "this language is not supported: pmreview reviews English "
                                                 "postmortems (use en, en-US, en-GB, … or auto)")


def is_fragment(text: str) -> bool:
    """Is this a piece of a document (a paragraph, plain text without headings), not the whole of it?"""
    if _FRONT_MATTER.match(text):
        return False
    return _HEADING.search(text) is None or _BLANK_LINE.search(text.strip()) is None


def fragment_findings(findings: list[Finding]) -> list[Finding]:
    """What a fragment can be judged on: no whole-document rule, nothing reported at 0:0."""
    return [f for f in findings if f.code not in DOCUMENT_RULES and not (f.start == 0 and f.end == 0)]


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


def to_matches(findings: list[Finding], text: str, rule_url: Callable[[str], str] | None = None) -> list[Match]:
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
                         category=Category(id=category.upper(), name=category.capitalize()),
                         urls=[{"value": rule_url(finding.code)}] if rule_url is not None else []),
        ))
    return matches


def response(findings: list[Finding], text: str, language: str,
             rule_url: Callable[[str], str] | None = None) -> CheckResponse:
    return CheckResponse(
        software=Software(version=__version__),
        language=LanguageOut(name="English", code=language,
                             detectedLanguage=DetectedLanguage(name="English", code=language)),
        matches=to_matches(findings, text, rule_url),
    )
