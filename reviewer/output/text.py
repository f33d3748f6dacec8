"""Text output, like ruff: one block per finding, the scores per file, a summary line.

    docs/pm.md:12:5: PM201 [warning] "forgot" points at a person; describe what the system allowed.
       |
    12 | Dave forgot to renew the certificate.
       |      ^^^^^^
       = replace with: "the renewal did not run"

    docs/pm.md: score 81.0 (blame 88.0, time 85.0, metrics 100.0, detail 51.0)

    7 findings: 2 errors, 4 warnings, 1 suggestion; 1 file checked

Columns count code points. A document-level finding (a missing section) has no position and
is reported at 1:1 without a source line. Lines are clipped around the span; a span over
several lines is underlined on its first line. Control characters in the document are shown
as U+FFFD so that a document cannot drive the terminal. Colour (ANSI) only with color=True.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len

from reviewer.findings import Finding, Severity
from reviewer.output.common import RunOptions, display_path, plural, summarize, terminal_text
from reviewer.output.positions import LineIndex, is_document_level

if TYPE_CHECKING:
    from reviewer.review import Review

TAB_WIDTH = 4
MAX_CELLS = 100  # terminal cells of source shown per finding
CONTEXT_CELLS = 40  # cells kept before the span when a long line is clipped
ELLIPSIS = "…"
MAX_REPLACEMENTS = 3

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_CYAN = "\x1b[36m"
_SEVERITY_COLOUR = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m", Severity.SUGGESTION: "\x1b[1;36m"}


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.color and text else text


def render(reviews: Sequence[Review], *, color: bool = False, options: RunOptions | None = None) -> str:
    style = _Style(color)
    blocks: list[str] = []
    for review in reviews:
        path = terminal_text(display_path(review)).replace("\n", "\ufffd")  # one headline per finding
        if review.error:
            blocks.append(f"{style(path, _BOLD)}: {style('error', _SEVERITY_COLOUR[Severity.ERROR])}: "
                          f"{terminal_text(review.error)}")
            continue
        index = LineIndex(review.text or "")
        for finding in review.findings:
            blocks.append(_finding_block(path, index, finding, style))
        blocks.append(_scores_line(path, review, style))
    blocks.append(_summary_line(reviews, style))
    return "\n\n".join(blocks) + "\n"


def _finding_block(path: str, index: LineIndex, finding: Finding, style: _Style) -> str:
    document_level = is_document_level(finding.start, finding.end)
    line, column = (1, 1) if document_level else index.line_col(finding.start)
    severity = style(f"[{finding.severity.value}]", _SEVERITY_COLOUR[finding.severity])
    head = (f"{style(path, _BOLD)}:{line}:{column}: {style(finding.code, _SEVERITY_COLOUR[finding.severity])} "
            f"{severity} {_one_line(finding.message)}")
    lines = [head]
    if not document_level:
        lines.extend(_source_lines(index, finding, line, style))
    if finding.replacements:
        shown = " or ".join(f'"{_one_line(r)}"' for r in finding.replacements[:MAX_REPLACEMENTS])
        hidden = len(finding.replacements) - MAX_REPLACEMENTS
        more = f" (+{hidden} more)" if hidden > 0 else ""
        gutter = " " * len(str(line))
        lines.append(f"{gutter} {style('=', _CYAN)} replace with: {shown}{more}")
    return "\n".join(lines)


def _source_lines(index: LineIndex, finding: Finding, line: int, style: _Style) -> list[str]:
    line_start = index.line_start(line)
    line_end = index.line_end(line)
    text = index.line_text(line)
    # The underline covers the span on its first line; an empty span (or one that starts at
    # the line's end) gets one caret where it starts.
    span_start = index.clamp(finding.start)
    start = min(span_start, line_end) - line_start
    end = min(max(index.clamp(finding.end), span_start), line_end) - line_start
    shown, pad, carets = _clip(text, start, end)
    gutter = " " * len(str(line))
    bar = style("|", _CYAN)
    return [
        f"{gutter} {bar}",
        f"{style(str(line), _CYAN)} {bar} {shown}".rstrip(),
        f"{gutter} {bar} {' ' * pad}{style('^' * carets, _SEVERITY_COLOUR[finding.severity])}",
    ]


def _clip(line: str, start: int, end: int) -> tuple[str, int, int]:
    """The part of `line` to show, the cells before the span, and the span's width in cells.

    The window is chosen with per-character widths; the pad and the underline are measured
    on the strings as shown, so that a sequence drawn as one glyph (an emoji joined with
    U+200D) is counted once, as Rich and modern terminals draw it.
    """
    lo, hi = 0, len(line)
    if _width(line) > MAX_CELLS:
        # Keep CONTEXT_CELLS before the span; look back a bounded number of code points so a
        # huge one-line document costs the same as a short line.
        lo, kept, floor = start, 0, max(0, start - 4 * CONTEXT_CELLS)
        while lo > floor:
            cells = cell_len(_display(line[lo - 1]))
            if kept + cells > CONTEXT_CELLS:
                break
            lo -= 1
            kept += cells
        hi, width = start, kept + (len(ELLIPSIS) if lo > 0 else 0)
        while hi < len(line):
            cells = cell_len(_display(line[hi]))
            if width + cells > MAX_CELLS - len(ELLIPSIS):
                break
            hi += 1
            width += cells
    head = (ELLIPSIS if lo > 0 else "") + "".join(_display(ch) for ch in line[lo:start])
    span = "".join(_display(ch) for ch in line[start:min(max(end, start), hi)])
    tail = "".join(_display(ch) for ch in line[min(max(end, start), hi):hi]) + (ELLIPSIS if hi < len(line) else "")
    pad = cell_len(head)
    return head + span + tail, pad, max(1, cell_len(head + span) - pad)


def _width(line: str) -> int:
    # Cheap bound first: a long line cannot fit whatever its characters.
    if len(line) > MAX_CELLS:
        return len(line)
    return sum(cell_len(_display(ch)) for ch in line)


def _display(char: str) -> str:
    if char == "\t":
        return " " * TAB_WIDTH
    return terminal_text(char)


def _one_line(text: str) -> str:
    return terminal_text(" ".join(text.split()))


def _scores_line(path: str, review: Review, style: _Style) -> str:
    parts = []
    if review.scores is not None:
        dimensions = ", ".join(f"{getattr(d, 'value', d)} {v:.1f}" for d, v in review.scores.dimensions.items())
        parts.append(f"score {style(f'{review.scores.overall:.1f}', _BOLD)} ({dimensions})")
    else:
        parts.append("no score")
    if not review.findings:
        parts.append("no findings")
    if review.suppressed:
        parts.append(f"{review.suppressed} suppressed")
    line = f"{style(path, _BOLD)}: " + "; ".join(parts)
    recurrence = (review.facts or {}).get("recurrence")  # only with `check --db`
    if recurrence and recurrence.get("count"):
        line += f"\n{style(path, _BOLD)}: recurring root cause: {_one_line(recurrence['message'])}"
    return line


def _summary_line(reviews: Sequence[Review], style: _Style) -> str:
    summary = summarize(reviews)
    checked = summary.files - summary.errored
    line = (f"{plural(summary.findings, 'finding')}: {plural(summary.errors, 'error')}, "
            f"{plural(summary.warnings, 'warning')}, {plural(summary.suggestions, 'suggestion')}; "
            f"{plural(checked, 'file')} checked")
    if summary.suppressed:
        line += f", {summary.suppressed} suppressed"
    if summary.errored:
        line += f"; {plural(summary.errored, 'file')} could not be reviewed"
    return style(line, _BOLD)
