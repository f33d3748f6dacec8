"""Random text, random spans, random messages: no format may break, and positions stay right."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.findings import Dimension, Finding, Severity
from reviewer.output import FORMATS, render
from reviewer.review import Review
from reviewer.scoring import score

BREAK = re.compile(r"\r\n|\r|\n")
# Characters that have broken formats before they were handled: astral (UTF-16 pairs), line
# breaks of every kind, XML-forbidden controls, escapes of each format, a lone surrogate.
TRICKY = list("a Z\t\r\n\r\n%,:<>&\"'=]\x00\x07\x0b\x1b\x7f\x85\u2028\ufffe\ufeff\u200d\u0301\u4e2d") + [
    "\U0001f680", "\U0001d49c", "\U0001f469\u200d\U0001f4bb", "\ud800", "\udfff", "::", "%0A", "]]>",
]
texts = st.lists(st.sampled_from(TRICKY) | st.characters(), max_size=80).map("".join)
GITHUB_COMMAND = re.compile(r"^::(error|warning|notice)(?: [^:\r\n]*)?::[^\r\n]*$")


@st.composite
def reviews(draw) -> list[Review]:
    out = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.integers(0, 5)) == 0:
            out.append(Review(path=draw(st.sampled_from(["bad.md", "a,b:c.md"])), text="", error=draw(texts) or "x"))
            continue
        text = draw(texts)
        findings = []
        for _ in range(draw(st.integers(0, 4))):
            start = draw(st.integers(0, len(text)))
            end = draw(st.integers(start, len(text)))
            findings.append(Finding(
                code=draw(st.sampled_from(["PM101", "PM201", "PM999"])), name="some-rule",
                dimension=draw(st.sampled_from(list(Dimension))), severity=draw(st.sampled_from(list(Severity))),
                message=draw(texts), start=start, end=end,
                replacements=draw(st.lists(texts, max_size=2)), fingerprint="f" * 16))
        path = draw(st.sampled_from([None, "pm.md", "dir with space/p%m,1:x.md", "/abs/olute.md", "w\\in.md"]))
        out.append(Review(path=path, text=text, findings=findings, scores=score(findings)))
    return out


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    before = BREAK.split(text[:offset])
    return len(before), len(before[-1]) + 1


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=reviews())
def test_no_format_breaks_on_any_text(batch):
    outputs = {fmt: render(fmt, batch) for fmt in FORMATS}
    for out in outputs.values():
        out.encode("utf-8")  # strict: no lone surrogates reach the output

    report = json.loads(outputs["json"])
    for file, review in zip(report["files"], batch, strict=True):
        for entry, finding in zip(file["findings"], review.findings, strict=True):
            assert (entry["line"], entry["column"]) == line_and_column(review.text, finding.start)
            assert (entry["end_line"], entry["end_column"]) == line_and_column(review.text, finding.end)

    log = json.loads(outputs["sarif"])
    results = iter(log["runs"][0]["results"])
    for review in batch:
        if review.error:
            continue
        units = review.text.encode("utf-16-le", "surrogatepass")
        for finding in review.findings:
            region = next(results)["locations"][0]["physicalLocation"]["region"]
            flagged = units[2 * region["charOffset"]:2 * (region["charOffset"] + region["charLength"])]
            assert flagged.decode("utf-16-le", "surrogatepass") == review.text[finding.start:finding.end]
            assert region["startLine"] == line_and_column(review.text, finding.start)[0]
            assert region["endLine"] >= region["startLine"] >= 1 and region["startColumn"] >= 1

    lines = outputs["github"].rstrip("\n").split("\n")
    assert all(GITHUB_COMMAND.match(line) for line in lines[:-1]), lines
    assert lines[-1].startswith("pmreview: ")
    assert len(lines) - 1 == sum(len(r.findings) if not r.error else 1 for r in batch)

    root = ET.fromstring(outputs["junit"].encode("utf-8"))
    # Reviews without a config get the default gate (fail-on error); no score bar is set.
    assert int(root.get("failures")) == sum(f.severity.rank >= Severity.ERROR.rank
                                            for r in batch if not r.error for f in r.findings)
    assert int(root.get("errors")) == sum(1 for r in batch if r.error)

    assert "\x1b" not in outputs["text"]
    assert outputs["text"].rstrip("\n").split("\n")[-1].startswith(f"{sum(len(r.findings) for r in batch)} finding")
