"""Fixture documents with inline expectation markers (markdownlint style).

Each `tests/fixtures/*.md` starts with `<!-- fixture select=PM1,PM001 -->` (the rules it
exercises) and marks every expected finding on the line where it starts:

    TBD <!-- expect PM103 -->
    <!-- expect-document PM101 PM104 -->      (findings about the whole document, at offset 0)

The test checks that the selected rules report exactly the marked (line, code) pairs.
"""

import re
from collections import Counter
from pathlib import Path

import pytest

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*.md"))
_SELECT = re.compile(r"<!--\s*fixture\s+select=([\w,]+)\s*-->")
_EXPECT = re.compile(r"<!--\s*expect\s+([A-Z0-9 ]+?)\s*-->")
_EXPECT_DOC = re.compile(r"<!--\s*expect-document\s+([A-Z0-9 ]+?)\s*-->")


def expectations(text: str) -> tuple[list[str], Counter]:
    select_match = _SELECT.search(text)
    assert select_match, "fixture has no <!-- fixture select=... --> line"
    expected: Counter = Counter()
    for number, line in enumerate(text.split("\n"), start=1):
        for m in _EXPECT.finditer(line):
            expected.update((number, code) for code in m.group(1).split())
        for m in _EXPECT_DOC.finditer(line):
            expected.update((0, code) for code in m.group(1).split())
    return select_match.group(1).split(","), expected


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_fixture(path, review_text):
    text = path.read_text(encoding="utf-8")
    select, expected = expectations(text)
    review = review_text(text, select=select)
    assert review.error is None
    found: Counter = Counter()
    for finding in review.findings:
        line = 0 if finding.start == finding.end == 0 else text.count("\n", 0, finding.start) + 1
        found[(line, finding.code)] += 1
    messages = {(text.count("\n", 0, f.start) + 1, f.code): f.message for f in review.findings}
    assert found == expected, f"unexpected: {dict(found - expected)} {[messages.get(k) for k in found - expected]}; missing: {dict(expected - found)}"
