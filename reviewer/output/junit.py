"""JUnit XML output, for CI systems that show test reports (GitLab, Jenkins, Azure, …).

    <testsuites name="pmreview" tests="3" failures="2" errors="0">
      <testsuite name="docs/pm.md" tests="2" failures="2" errors="0" skipped="0">
        <testcase name="PM201 blameful-phrase at 12:5" classname="pmreview.PM201" file="docs/pm.md" line="12">
          <failure message="..." type="warning">docs/pm.md:12:5: PM201 [warning] ...</failure>
        </testcase>
      </testsuite>
    </testsuites>

One testsuite per file, one failing testcase per finding (a file with no findings has one
passing testcase, so every file shows up); a file that could not be reviewed has one testcase
with an <error>. Positions are 1-based, columns in code points. Everything goes through
ElementTree (which escapes markup), after removing characters XML 1.0 cannot carry at all
(most control characters, U+FFFE/U+FFFF, lone surrogates): they become U+FFFD.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reviewer.output.common import display_path, uri_path
from reviewer.output.positions import LineIndex, is_document_level

if TYPE_CHECKING:
    from reviewer.review import Review

# Everything outside XML 1.0's Char production.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SNIPPET_CHARS = 200


def xml_text(value: object) -> str:
    return _NOT_XML_CHAR.sub("\ufffd", str(value))


def render(reviews: Sequence[Review], *, color: bool = False) -> str:
    root = ET.Element("testsuites", name="pmreview")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for review in reviews:
        suite = _suite(review)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(review: Review) -> ET.Element:
    path = xml_text(uri_path(display_path(review)))
    suite = ET.Element("testsuite", name=path)
    if review.error:
        case = ET.SubElement(suite, "testcase", name="review", classname="pmreview", file=path)
        error = ET.SubElement(case, "error", message=xml_text(review.error), type="review-error")
        error.text = xml_text(review.error)
        _counts(suite, tests=1, failures=0, errors=1)
        return suite
    if review.scores is not None:
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="score", value=f"{review.scores.overall:.1f}")
        for dimension, value in review.scores.dimensions.items():
            ET.SubElement(properties, "property", name=f"score.{getattr(dimension, 'value', dimension)}",
                          value=f"{value:.1f}")
        ET.SubElement(properties, "property", name="suppressed", value=str(review.suppressed or 0))
    if not review.findings:
        ET.SubElement(suite, "testcase", name="no findings", classname="pmreview", file=path)
        _counts(suite, tests=1, failures=0, errors=0)
        return suite
    index = LineIndex(review.text or "")
    for finding in review.findings:
        document_level = is_document_level(finding.start, finding.end)
        line, column = (1, 1) if document_level else index.line_col(finding.start)
        where = "document" if document_level else f"{line}:{column}"
        case = ET.SubElement(suite, "testcase", name=xml_text(f"{finding.code} {finding.name} at {where}"),
                             classname=xml_text(f"pmreview.{finding.code}"), file=path, line=str(line))
        failure = ET.SubElement(case, "failure", message=xml_text(finding.message),
                                type=xml_text(finding.severity.value))
        body = [f"{path}:{line}:{column}: {finding.code} [{finding.severity.value}] {finding.message}"]
        if not document_level:
            flagged = index.text[index.clamp(finding.start):index.clamp(finding.end)]
            if len(flagged) > SNIPPET_CHARS:
                flagged = flagged[:SNIPPET_CHARS] + "…"
            if flagged:
                body.append(f"flagged: {flagged}")
        if finding.section:
            body.append(f"section: {finding.section}")
        body.extend(f"replace with: {r}" for r in finding.replacements)
        failure.text = xml_text("\n".join(body))
    _counts(suite, tests=len(review.findings), failures=len(review.findings), errors=0)
    return suite


def _counts(suite: ET.Element, *, tests: int, failures: int, errors: int) -> None:
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
