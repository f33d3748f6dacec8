"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

    ::warning file=docs/pm.md,line=12,col=5,endLine=12,endColumn=11,title=PM201 blameful-phrase::"forgot" ...

Severity → command: error → `error`, warning → `warning`, suggestion → `notice`. Columns are
1-based code points, `endColumn` just after the span (GitHub shows columns only when the span
is on one line). A document-level finding (0:0) is annotated on line 1 without columns. A file
that could not be reviewed gets an `::error` with its reason.

Escaping is what the Actions runner unescapes: in the message (data) `%`, `\\r`, `\\n`; in a
property value also `:` and `,`. A message therefore always stays on its one line and cannot
close the command early or start another.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reviewer.findings import Finding, Severity
from reviewer.output.common import RunOptions, display_path, plural, safe_text, summarize, uri_path
from reviewer.output.positions import LineIndex, is_document_level

if TYPE_CHECKING:
    from reviewer.review import Review

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.SUGGESTION: "notice"}


def escape_data(value: str) -> str:
    return safe_text(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: object) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def render(reviews: Sequence[Review], *, color: bool = False, options: RunOptions | None = None) -> str:
    lines: list[str] = []
    for review in reviews:
        path = uri_path(display_path(review))
        if review.error:
            lines.append(command("error", f"pmreview could not review this file: {review.error}", file=path,
                                 title="pmreview"))
            continue
        index = LineIndex(review.text or "")
        lines.extend(_annotation(path, index, finding) for finding in review.findings)
    summary = summarize(reviews)
    # A plain line in the log (not a command) so that a clean run still says something.
    lines.append(f"pmreview: {plural(summary.findings, 'finding')} ({plural(summary.errors, 'error')}, "
                 f"{plural(summary.warnings, 'warning')}, {plural(summary.suggestions, 'suggestion')}) in "
                 f"{plural(summary.files - summary.errored, 'file')} checked"
                 + (f"; {summary.errored} could not be reviewed" if summary.errored else ""))
    return "\n".join(lines) + "\n"


def _annotation(path: str, index: LineIndex, finding: Finding) -> str:
    title = f"{finding.code} {finding.name}"
    if is_document_level(finding.start, finding.end):
        return command(COMMAND[finding.severity], finding.message, file=path, line=1, title=title)
    line, column = index.line_col(finding.start)
    end_line, end_column = index.line_col(max(finding.start, finding.end))
    return command(COMMAND[finding.severity], finding.message, file=path, line=line, col=column, endLine=end_line,
                   endColumn=end_column, title=title)
