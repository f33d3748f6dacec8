"""Suppressions written in the document, as HTML comments (markdownlint style):

    <!-- pmreview-disable PM201 PM3 -->  …  <!-- pmreview-enable -->
    <!-- pmreview-disable-line PM301 -->        (on the line it stands on)
    <!-- pmreview-disable-next-line PM201 -->
    <!-- pmreview-disable-file PM104 -->

No codes means every rule. Codes may be prefixes ("PM2" = every blame rule).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from reviewer.document import Postmortem, Span
from reviewer.findings import Finding

_DIRECTIVE = re.compile(r"^pmreview-(disable-next-line|disable-line|disable-file|disable|enable)\b(.*)$", re.S)


@dataclass(slots=True)
class Suppression:
    kind: str  # disable-file | disable | disable-line | disable-next-line
    codes: tuple[str, ...]  # empty: every rule
    span: Span  # the comment
    applies: Span  # the characters whose findings it suppresses
    used: bool = False
    suppressed_codes: set[str] = field(default_factory=set)

    def matches(self, code: str) -> bool:
        return not self.codes or any(code.startswith(c) for c in self.codes)


def _codes(rest: str) -> tuple[str, ...]:
    return tuple(c.upper() for c in re.findall(r"[A-Za-z]+\d*", rest.replace("--", " ")) if c.upper().startswith("PM"))


def read_suppressions(doc: Postmortem) -> list[Suppression]:
    text = doc.text
    starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def line_span(line: int) -> Span:
        if line >= len(starts):
            return Span(len(text), len(text))
        end = starts[line + 1] - 1 if line + 1 < len(starts) else len(text)
        return Span(starts[line], end)

    found: list[Suppression] = []
    open_regions: list[Suppression] = []
    for comment in doc.comments:
        m = _DIRECTIVE.match(comment.text)
        if not m:
            continue
        kind, codes = m.group(1), _codes(m.group(2))
        line = bisect_right(starts, comment.span.start) - 1
        if kind == "disable-file":
            found.append(Suppression(kind, codes, comment.span, Span(0, len(text))))
        elif kind == "disable-line":
            found.append(Suppression(kind, codes, comment.span, line_span(line)))
        elif kind == "disable-next-line":
            end_line = bisect_right(starts, max(comment.span.end - 1, 0)) - 1
            found.append(Suppression(kind, codes, comment.span, line_span(end_line + 1)))
        elif kind == "disable":
            region = Suppression(kind, codes, comment.span, Span(comment.span.end, len(text)))
            found.append(region)
            open_regions.append(region)
        else:  # enable: closes the open regions it names (all of them when it names none)
            for region in list(open_regions):
                if not codes or set(region.codes) & set(codes) or not region.codes:
                    region.applies = Span(region.applies.start, comment.span.start)
                    open_regions.remove(region)
    return found


def apply_suppressions(findings: list[Finding], suppressions: list[Suppression]) -> tuple[list[Finding], int]:
    """The findings no suppression covers, and how many were suppressed."""
    kept: list[Finding] = []
    suppressed = 0
    for finding in findings:
        hit = next((s for s in suppressions if s.matches(finding.code)
                    and (s.applies.contains(finding.start) or (s.kind == "disable-file"))), None)
        if hit is None:
            kept.append(finding)
        else:
            hit.used = True
            hit.suppressed_codes.add(finding.code)
            suppressed += 1
    return kept, suppressed
