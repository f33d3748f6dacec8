"""JSON output: one object with every file's findings, scores and facts, and a summary.

    {"version": "0.1.0",
     "files": [{"path": "docs/pm.md", "error": null, "scores": {...}, "suppressed": 0, "facts": {...},
                "findings": [{"code": "PM201", ..., "start": 120, "end": 126,
                              "line": 12, "column": 5, "end_line": 12, "end_column": 11}]}],
     "summary": {"files": 1, "errored": 0, "findings": 7, "errors": 2, ...}}

`start`/`end` are the 0-based, half-open code-point offsets every part of pmreview uses.
`line`/`column` are 1-based, columns in code points; `end_line`/`end_column` is the position
just after the span (so an empty span has end == start). A document-level finding (0:0) is
at 1:1. Keys come in a fixed order; non-ASCII text is written as is (UTF-8); strict JSON
(no NaN). A file that could not be reviewed has `error` set, no scores and no findings.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reviewer import __version__
from reviewer.findings import Finding
from reviewer.output.common import RunOptions, display_path, jsonable, summarize
from reviewer.output.positions import LineIndex

if TYPE_CHECKING:
    from reviewer.review import Review

FINDING_FIELDS = tuple(Finding.model_fields)


def render(reviews: Sequence[Review], *, color: bool = False, options: RunOptions | None = None) -> str:
    report = {
        "version": __version__,
        "files": [file_entry(review) for review in reviews],
        "summary": summarize(reviews).as_dict(),
    }
    return json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def file_entry(review: Review) -> dict[str, Any]:
    """One file's part of the report (also usable on its own, e.g. by the API)."""
    index = LineIndex(review.text or "")
    return {
        "path": jsonable(display_path(review)),
        "error": jsonable(review.error),
        "scores": jsonable(review.scores.model_dump(mode="json")) if review.scores is not None else None,
        "suppressed": review.suppressed or 0,
        "facts": jsonable(review.facts or {}),
        "findings": [finding_entry(finding, index) for finding in review.findings],
    }


def finding_entry(finding: Finding, index: LineIndex) -> dict[str, Any]:
    data = finding.model_dump(mode="json")
    entry = {name: jsonable(data.get(name)) for name in FINDING_FIELDS}
    line, column = index.line_col(finding.start)
    end_line, end_column = index.line_col(max(finding.start, finding.end))
    entry.update(line=line, column=column, end_line=end_line, end_column=end_column)
    return entry
