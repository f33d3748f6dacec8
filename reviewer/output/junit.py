"""JUnit XML output, for CI systems that show test reports (GitLab, Jenkins, Azure, …).

    <testsuites name="pmreview" tests="4" failures="1" errors="0" time="1.2">
      <testsuite name="docs/pm.md" tests="4" failures="1" errors="0" skipped="0" time="0.0">
        <properties><property name="score" value="71.5"/> … </properties>
        <testcase name="score" classname="pmreview.score" time="0.0"/>
        <testcase name="PM103 placeholder at 8:50" classname="pmreview.PM103" time="0.0">
          <failure message="Placeholder …" type="error">docs/pm.md:8:50: PM103 [error] …</failure>
        </testcase>
        <testcase name="PM201 person-fault at 19:1" classname="pmreview.PM201" time="0.0">
          <system-out>docs/pm.md:19:1: PM201 [warning] … (below the gate: fail-on error)</system-out>
        </testcase>
      </testsuite>
    </testsuites>

The report agrees with the exit code (`common.Gate`): a finding is a `<failure>` only when it
fails the gate (its severity reaches the file's `fail-on`; none with `--fail-on never`); the
other findings are passing testcases whose `<system-out>` says what was found, so a viewer shows
them without turning a green run red. Each reviewed file also has a `score` testcase, failing
when a score is under `fail-under` / `fail-under-dimension`; the scores are the suite's
properties. A file that could not be reviewed has one testcase with an `<error>`.

Written with junitparser, in the dialect of the Jenkins xUnit plugin's `junit-10.xsd` (which
has no `file` or `line` on a testcase: the position is in the name and the body). Names are
unique within a suite (a second finding of a rule at the same place gets " #2"). Findings are
not timed one by one: testcases carry `time="0.0"`, the root the run's duration when known.
Characters XML 1.0 cannot carry (most control characters, U+FFFE/U+FFFF, lone surrogates)
become U+FFFD before anything is written.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TYPE_CHECKING

from junitparser import Error, Failure, JUnitXml, SystemOut, TestCase, TestSuite

from reviewer.output.common import Gate, RunOptions, display_path, uri_path
from reviewer.output.positions import LineIndex, is_document_level

if TYPE_CHECKING:
    from reviewer.findings import Finding
    from reviewer.review import Review

# Everything outside XML 1.0's Char production.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SNIPPET_CHARS = 200
NOT_TIMED = 0.0


def xml_text(value: object) -> str:
    return _NOT_XML_CHAR.sub("\ufffd", str(value))


def render(reviews: Sequence[Review], *, color: bool = False, options: RunOptions | None = None) -> str:
    options = options or RunOptions()
    root = JUnitXml(name="pmreview")
    suites = [_suite(review, Gate.of(review, options)) for review in reviews]
    for suite in suites:
        root.append(suite)  # not add_testsuite: it compares with every suite already there
    root.tests = sum(suite.tests for suite in suites)
    root.failures = sum(suite.failures for suite in suites)
    root.errors = sum(suite.errors for suite in suites)
    root.time = round(options.elapsed, 3) if options.elapsed is not None else NOT_TIMED
    tree = ET.fromstring(root.tostring())
    ET.indent(tree)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tree, encoding="unicode") + "\n"


def _suite(review: Review, gate: Gate) -> TestSuite:
    path = xml_text(uri_path(display_path(review)))
    suite = TestSuite(path)
    if review.error:
        case = TestCase("review", "pmreview", NOT_TIMED)
        error = Error(xml_text(review.error), "review-error")
        error.text = xml_text(review.error)
        case.result = [error]
        suite.add_testcases([case])
        return suite
    _properties(suite, review, gate)
    cases = [_score_case(path, review, gate)]
    index = LineIndex(review.text or "")
    seen: dict[str, int] = {}
    for finding in review.findings:
        document_level = is_document_level(finding.start, finding.end)
        line, column = (1, 1) if document_level else index.line_col(finding.start)
        name = f"{finding.code} {finding.name} at {'document' if document_level else f'{line}:{column}'}"
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name} #{seen[name]}"
        case = TestCase(xml_text(name), xml_text(f"pmreview.{finding.code}"), NOT_TIMED)
        body = _body(path, index, finding, line, column, document_level)
        if gate.finding_fails(finding):
            failure = Failure(xml_text(finding.message), xml_text(finding.severity.value))
            failure.text = body
            case.result = [failure]
        else:
            below = "fail-on never" if gate.fail_on is None else f"fail-on {gate.fail_on.value}"
            case.append(SystemOut(f"{body}\n(reported, not failing: below the gate, {below})"))
        cases.append(case)
    suite.add_testcases(cases)  # once: add_testcase recounts the whole suite every time
    return suite


def _properties(suite: TestSuite, review: Review, gate: Gate) -> None:
    if review.scores is not None:
        suite.add_property("score", f"{review.scores.overall:.1f}")
        for dimension, value in review.scores.dimensions.items():
            suite.add_property(f"score.{getattr(dimension, 'value', dimension)}", f"{value:.1f}")
    suite.add_property("fail-on", gate.fail_on.value if gate.fail_on is not None else "never")
    if gate.fail_under is not None:
        suite.add_property("fail-under", f"{gate.fail_under:g}")
    for dimension, bar in gate.fail_under_dimension.items():
        suite.add_property(f"fail-under.{getattr(dimension, 'value', dimension)}", f"{bar:g}")
    suite.add_property("suppressed", str(review.suppressed or 0))


def _score_case(path: str, review: Review, gate: Gate) -> TestCase:
    case = TestCase("score", "pmreview.score", NOT_TIMED)
    under = gate.score_failures(review)
    if under:
        failure = Failure(xml_text("; ".join(under)), "score")
        failure.text = xml_text("\n".join(f"{path}: {line}" for line in under))
        case.result = [failure]
    elif review.scores is not None:
        case.append(SystemOut(f"{path}: score {review.scores.overall:.1f}"))
    return case


def _body(path: str, index: LineIndex, finding: Finding, line: int, column: int, document_level: bool) -> str:
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
    return xml_text("\n".join(body))
