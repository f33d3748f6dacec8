"""The document model: sections, metadata, timeline, action items, links, prose offsets."""

from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.document import BlockKind, SectionKind, parse
from reviewer.document.headings import heading_kind
from reviewer.errors import DocumentTooLarge

DOC = """---
id: INC-42
severity: SEV-2
owner: "@kim"
services: [checkout, payments]
started: 2024-03-05T10:02:00Z
resolved: 2024-03-05 11:30 UTC
---
# Checkout outage

## Executive summary
Checkout failed for **88 minutes** after [a config push](https://example.com/pr/1).

## Contributing Factors
The `max_conns` limit was set to 0.

## Timeline (all times UTC)
| Time | Event |
|------|-------|
| 10:02 | Error rate alert fired ([graph](https://grafana.example.com/d/1)) |
| 10:14 | Rolled back the push |

## Action items
- [ ] Validate limits in CI (@lee, OPS-12, due 2024-04-01)
- [x] Add a canary stage ([PAY-7](https://jira.example.com/PAY-7))

> 10:03 <bob> is checkout down?

![error rate](img/errors.png)
"""


def test_sections_and_kinds():
    doc = parse(DOC)
    kinds = [(s.title, s.kind) for s in doc.sections[1:]]
    assert kinds == [
        ("Checkout outage", SectionKind.UNKNOWN),
        ("Executive summary", SectionKind.SUMMARY),
        ("Contributing Factors", SectionKind.ROOT_CAUSE),
        ("Timeline (all times UTC)", SectionKind.TIMELINE),
        ("Action items", SectionKind.ACTION_ITEMS),
    ]
    title, summary = doc.sections[1], doc.sections[2]
    assert summary.parent == title.index and summary.index in title.children
    assert DOC[summary.heading.start : summary.heading.end] == "## Executive summary"
    # a section's span runs to the next heading of the same or a higher level
    assert DOC[summary.span.start : summary.span.end].rstrip().endswith("[a config push](https://example.com/pr/1).")


def test_front_matter_metadata():
    meta = parse(DOC).metadata
    assert meta.id == "INC-42" and meta.severity == "SEV-2" and meta.severity_level == 2
    assert meta.owner == "@kim" and meta.services == ["checkout", "payments"]
    assert meta.started.replace(tzinfo=None) == datetime(2024, 3, 5, 10, 2)
    assert meta.resolved.replace(tzinfo=None) == datetime(2024, 3, 5, 11, 30)


def test_metadata_table_at_top():
    text = "# Outage\n\n| Field | Value |\n|---|---|\n| Severity | P1 |\n| Owner | Ana Díaz |\n| Date | 2023-01-11 |\n\n## Summary\nx\n"
    meta = parse(text).metadata
    assert meta.severity_level == 1 and meta.owner == "Ana Díaz" and meta.date == date(2023, 1, 11)


def test_metadata_key_value_lines():
    meta = parse("# Outage\n\n**Severity:** SEV-3\n**Authors:** @ana, @li\n\n## Summary\nx\n").metadata
    assert meta.severity_level == 3 and meta.owner == "@ana, @li"


def test_timeline_from_table_with_positions():
    doc = parse(DOC)
    assert [e.time_text for e in doc.timeline] == ["10:02", "10:14"]
    first = doc.timeline[0]
    assert DOC[first.time_span.start : first.time_span.end] == "10:02"
    assert first.when == datetime(2024, 3, 5, 10, 2)  # date carried from the front matter
    assert first.event.startswith("Error rate alert fired")
    assert [ln.url for ln in first.links] == ["https://grafana.example.com/d/1"]


@pytest.mark.parametrize("timeline,expected", [
    ("- 10:42 UTC — alert fired\n- 10:46 UTC: paged\n", ["10:42 UTC", "10:46 UTC"]),
    ("- **10:42** alert fired\n- [10:46] paged\n", ["10:42", "10:46"]),
    (" - 10.42: alert fired\n - 10.46: paged\n", ["10.42", "10.46"]),
    ("### 4:19 pm\nAlert fired.\n\n### 4:22 pm\nPaged.\n", ["4:19 pm", "4:22 pm"]),
    ("1:03\nFirst alert fires\n\n5:00 AM\nEngineers acknowledge\n", ["1:03", "5:00 AM"]),
    ("- 2023-01-11 14:22 - alert\n- 2023-01-11 15:17 - declared\n", ["2023-01-11 14:22", "2023-01-11 15:17"]),
])
def test_timeline_shapes(timeline, expected):
    text = f"# Outage\n\n## Timeline\n\n{timeline}"
    doc = parse(text)
    assert [e.time_text for e in doc.timeline] == expected
    for entry in doc.timeline:
        assert text[entry.time_span.start : entry.time_span.end] == entry.time_text
        assert entry.event


def test_timeline_days_from_sub_headings_roll_over():
    text = "# X\n\n## Timeline\n\n### 2021-06-01\n- 23:58 deploy\n\n### 2021-06-02\n- 00:03 alert\n"
    entries = parse(text).timeline
    assert [e.when for e in entries] == [datetime(2021, 6, 1, 23, 58), datetime(2021, 6, 2, 0, 3)]


def test_timeline_without_heading_is_found_in_a_timed_list():
    text = "# Outage\n\n## What happened\n\n- 10:42: app down\n- 10:46: alerted\n- 10:56: recovered\n"
    assert len(parse(text).timeline) == 3


def test_action_items_from_checklist_and_table():
    doc = parse(DOC)
    first, second = doc.action_items
    assert first.owner == "@lee" and first.ticket == "OPS-12" and first.due == date(2024, 4, 1) and first.done is False
    assert second.done is True and second.ticket == "https://jira.example.com/PAY-7" and second.owner is None
    table = "# X\n\n## Action items\n\n| Action | Owner | Ticket | Due | Status |\n|--|--|--|--|--|\n| Add alert | Kim | OPS-1 | 2024-05-01 | Done |\n| Fix CI | TBD | | | open |\n"
    items = parse(table).action_items
    assert [(a.text, a.owner, a.ticket, a.due, a.done) for a in items] == [
        ("Add alert", "Kim", "OPS-1", date(2024, 5, 1), True), ("Fix CI", None, None, None, False)]


def test_links_images_and_quotes():
    doc = parse(DOC)
    assert "https://example.com/pr/1" in [ln.url for ln in doc.links]
    assert [im.url for im in doc.images] == ["img/errors.png"]
    quoted = [b for b in doc.blocks if b.quoted]
    assert quoted and "is checkout down" in quoted[0].text


def test_prose_masks_code_urls_and_markup_and_maps_back():
    doc = parse(DOC)
    block = next(b for b in doc.blocks if "Checkout failed" in b.text)
    assert "https://" not in block.text and "**" not in block.text
    assert "88 minutes" in block.text and "a config push" in block.text
    for i, ch in enumerate(block.text):
        assert DOC[block.offsets[i]] == ch
    code_block = next(b for b in doc.blocks if "limit was set" in b.text)
    assert "max_conns" not in code_block.text


def test_bold_label_sections():
    doc = parse("# Outage\n\n**Impact**: 40% of requests failed.\n\n**Root cause**: a bad deploy.\n")
    assert [s.kind for s in doc.sections[2:]] == [SectionKind.IMPACT, SectionKind.ROOT_CAUSE]


@pytest.mark.parametrize("heading,kind", [
    ("Root Cause(s)", SectionKind.ROOT_CAUSE), ("Where we got lucky", SectionKind.LESSONS),
    ("What went wrong?", SectionKind.LESSONS), ("Recovery efforts", SectionKind.RESOLUTION),
    ("5 Whys", SectionKind.FIVE_WHYS), ("Corrective and Preventative Measures", SectionKind.ACTION_ITEMS),
    ("Timeline (times in BST)", SectionKind.TIMELINE), ("Trigger", SectionKind.TRIGGER),
    ("Customer Impact", SectionKind.IMPACT), ("Supporting information", SectionKind.SUPPORTING_INFO),
    ("Detection", SectionKind.DETECTION), ("Issue Summary", SectionKind.SUMMARY),
    ("2. Contributing factors:", SectionKind.ROOT_CAUSE), ("Time to resolve", SectionKind.UNKNOWN),
    ("Deleting things can have unintended consequences", SectionKind.UNKNOWN),
])
def test_heading_synonyms(heading, kind):
    assert heading_kind(heading) == kind


def test_huge_document_is_a_clear_error():
    with pytest.raises(DocumentTooLarge, match="above the limit"):
        parse("x" * 101, max_chars=100)


@pytest.mark.parametrize("text", ["", "\n", "no headings at all", "---\n", "---\nfoo: [\n---\n# x",
                                  "| broken | table\n|---\n| a |", "#", "- [ ]", "```\nunclosed", "\ufeff# BOM\n",
                                  "# x\r\n\r\n## Timeline\r\n- 10:02 a\r\n"])
def test_edge_cases_do_not_crash(text):
    doc = parse(text)
    assert doc.text == text


_markdownish = st.lists(st.sampled_from(list("ab #-*|`[]()!<>:\n\t0123456789_~>\\\r") + ["é", "😀", "---\n", "\u2028"]),
                        max_size=300).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), _markdownish))
def test_parse_never_crashes_and_positions_stay_in_the_text(text):
    doc = parse(text)
    n = len(text)
    for section in doc.sections:
        assert 0 <= section.heading.start <= section.heading.end <= n
        assert 0 <= section.span.start <= section.span.end <= n
    for block in doc.blocks:
        assert len(block.offsets) == len(block.text)
        assert all(0 <= o < max(n, 1) for o in block.offsets)
        assert 0 <= block.span.start <= block.span.end <= n
    for entry in doc.timeline:
        assert 0 <= entry.span.start <= entry.span.end <= n
        if entry.time_span:
            assert 0 <= entry.time_span.start <= entry.time_span.end <= n
    for item in doc.action_items:
        assert 0 <= item.span.start <= item.span.end <= n
    for link in doc.links + doc.images:
        assert text[link.span.start : link.span.end]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["# T", "## Summary", "## Timeline", "- 10:02 x", "| a | b |", "|---|---|",
                                 "| 10:03 | y |", "text *em* `c` [l](http://x.y)", "> q", "```", "- [ ] do (@a)",
                                 "", "**Impact**: x", "### 2021-01-01"]), max_size=30))
def test_parse_never_crashes_on_shuffled_postmortem_lines(lines):
    text = "\n".join(lines)
    doc = parse(text)
    for block in doc.blocks:
        for i, ch in enumerate(block.text):
            # every kept character is the character at its mapped offset (the code word is the one exception)
            if text[block.offsets[i]] != ch:
                assert text[block.offsets[i]] == "`"


def test_readable_text_shows_inline_code_as_written():
    text = "# X\n\n## Summary\nThe `license-proxy` certificate expired; see ``a`b`` too.\n"
    doc = parse(text)
    block = next(b for b in doc.blocks if "certificate" in b.text)
    assert "license-proxy" not in block.text  # masked for NLP
    assert doc.readable(block) == "The license-proxy certificate expired; see a`b too."


def test_lone_surrogates_are_analysed_without_crashing(analyzer):
    from reviewer.document import parse as parse_doc

    text = "# Outage\n\nThe proxy \ud800 restarted at 10:02 UTC.\n"
    analysis = analyzer.analyze(parse_doc(text))
    sentence = next(s for s in analysis.sentences() if "proxy" in s.text)
    assert text[sentence.span.start : sentence.span.end].startswith("The proxy")
