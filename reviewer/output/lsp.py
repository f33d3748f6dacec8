"""Language Server Protocol positions and diagnostics, for `pmreview lsp`.

LSP positions are 0-based (line, character) where `character` counts the code units the
client and server agreed on at `initialize`: UTF-16 (the protocol's default), UTF-8 or UTF-32
(code points). Lines end at `\\r\\n`, `\\n` or a lone `\\r`, as the protocol says (and as
`LineIndex` counts them; Unicode line separators are not line breaks).

    positions = LspPositions(text, "utf-16")
    positions.range(start, end)     # {"start": {"line", "character"}, "end": …} for a code-point span
    positions.offset(line, character)   # back to a code-point offset (clamped to the line)
    diagnostics(review, positions)  # one LSP Diagnostic (as a dict) per finding

A finding about the whole document (0:0) is shown on the first line: an editor cannot
underline an empty range at the top. Each diagnostic carries the finding's replacements in
`data`, so a code action can apply them without another review.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reviewer.findings import Finding, Severity
from reviewer.output.common import safe_text
from reviewer.output.positions import LineIndex, is_document_level, utf8_width

if TYPE_CHECKING:
    from reviewer.review import Review

# LSP DiagnosticSeverity: 1 error, 2 warning, 3 information, 4 hint.
SEVERITY = {Severity.ERROR: 1, Severity.WARNING: 2, Severity.SUGGESTION: 3}
SOURCE = "pmreview"


class LspPositions:
    """Code-point offsets ↔ LSP positions for one text, in one position encoding."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.index = LineIndex(text)
        self.encoding = encoding if encoding in ("utf-8", "utf-16", "utf-32") else "utf-16"

    def _units(self, piece: str) -> int:
        if self.encoding == "utf-32":
            return len(piece)
        if self.encoding == "utf-8":
            return sum(utf8_width(char) for char in piece)
        return len(piece) + sum(1 for char in piece if ord(char) > 0xFFFF)

    def position(self, offset: int) -> dict[str, int]:
        offset = self.index.clamp(offset)
        line = self.index.line_of(offset)
        start = self.index.line_start(line)
        return {"line": line - 1, "character": self._units(self.index.text[start:offset])}

    def range(self, start: int, end: int) -> dict[str, dict[str, int]]:
        start = self.index.clamp(start)
        return {"start": self.position(start), "end": self.position(max(start, self.index.clamp(end)))}

    def offset(self, line: int, character: int) -> int:
        """The code-point offset of an LSP position; past the end of its line → the line's end."""
        if line < 0:
            return 0
        if line >= self.index.line_count:
            return len(self.index.text)
        start, end = self.index.line_start(line + 1), self.index.line_end(line + 1)
        units = 0
        for offset in range(start, end):
            if units >= character:
                return offset
            units += self._units(self.index.text[offset])
        return end

    def finding_span(self, finding: Finding) -> tuple[int, int]:
        """The span to show: the finding's, or the first line for a whole-document finding."""
        if is_document_level(finding.start, finding.end):
            return 0, self.index.line_end(1)
        return self.index.clamp(finding.start), max(self.index.clamp(finding.start), self.index.clamp(finding.end))


def diagnostic(finding: Finding, positions: LspPositions, rule_url: str | None = None) -> dict[str, Any]:
    start, end = positions.finding_span(finding)
    entry: dict[str, Any] = {
        "range": positions.range(start, end),
        "severity": SEVERITY[finding.severity],
        "code": finding.code,
        "source": SOURCE,
        "message": safe_text(finding.message),
        "data": {"name": finding.name, "replacements": [safe_text(r) for r in finding.replacements],
                 "fingerprint": finding.fingerprint,
                 "documentLevel": is_document_level(finding.start, finding.end)},
    }
    if rule_url:
        entry["codeDescription"] = {"href": rule_url}
    return entry


def diagnostics(review: Review, positions: LspPositions, rule_url=None) -> list[dict[str, Any]]:
    """One diagnostic per finding; `rule_url(code)` links each rule's page when given."""
    return [diagnostic(f, positions, rule_url(f.code) if rule_url else None) for f in review.findings]
