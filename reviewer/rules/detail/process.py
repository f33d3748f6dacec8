"""PM510 shallow-five-whys, PM511 late-draft, PM512 missing-owner."""

from __future__ import annotations

import re
from datetime import date, timedelta

from reviewer.document.model import BlockKind, SectionKind
from reviewer.findings import Dimension, Severity
from reviewer.nlp.durations import derive_durations
from reviewer.nlp.metrics import metadata_line
from reviewer.rules.base import Hit, rule

_WHY_LINE = re.compile(r"^\s*(?:\d+[.)]\s|why\b|because\b|\*\*why)", re.I)


def five_whys_levels(doc, section) -> int:
    """How many levels a five-whys section has: its list items, table rows, or "Why …" lines."""
    items = 0
    rows: set[tuple[int, int]] = set()
    lines = 0
    for block in doc.blocks_in(section):
        if block.kind == BlockKind.LIST_ITEM:
            items += 1
        elif block.kind == BlockKind.TABLE_CELL and block.table_row is not None:
            rows.add((block.span.start // 100_000, block.table_row))  # one per row
        elif block.kind == BlockKind.PARAGRAPH:
            lines += sum(1 for line in block.text.split("\n") if _WHY_LINE.match(line))
    return max(items, len(rows), lines)


@rule(
    code="PM510", name="shallow-five-whys", dimension=Dimension.DETAIL, severity=Severity.WARNING,
    summary="A five-whys section stops before the fifth why.",
    what="Counts the levels of a \"5 whys\" section (list items, table rows, or lines starting with \"Why\" or a "
         "number) and reports fewer than `min_levels` (5). An empty section is PM102's.",
    why="The first two or three whys usually stop at the trigger; the systemic causes that action items should "
        "address are found further down.",
    example="`## 5 whys` with three numbered lines.",
    use_instead="Keep asking why the previous answer was possible until the answer is about the system (a "
                "missing check, a design choice, a process), usually five levels.",
    should_flag=["# Outage\n\n## Five whys\n1. Why did checkout fail? The pool size was 0.\n"
                 "2. Why was it 0? The config push set it.\n3. Why? The tool reads empty as 0.\n"],
    should_pass=["# Outage\n\n## Five whys\n1. Why did checkout fail? The pool size was 0.\n"
                 "2. Why was it 0? The config push set it.\n3. Why? The tool reads an empty value as 0.\n"
                 "4. Why was that not caught? The canary checks only HTTP health.\n"
                 "5. Why only health? Pool metrics were never added to the canary.\n"],
    options={"min_levels": 5},
)
def shallow_five_whys(ctx):
    minimum = int(ctx.options.get("min_levels", 5))
    for section in ctx.doc.sections_of(SectionKind.FIVE_WHYS):
        levels = five_whys_levels(ctx.doc, section)
        if 0 < levels < minimum:
            yield Hit(section.heading.start, section.heading.end,
                      f"The five whys stop after {levels} level{'s' if levels != 1 else ''}; keep asking why until "
                      f"the answer is about the system ({minimum} levels).", data={"levels": levels})


def business_days_between(start: date, end: date) -> int:
    """Weekdays after `start` up to and including `end` (0 when `end` is not later)."""
    days = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days += 1
    return days


@rule(
    code="PM511", name="late-draft", dimension=Dimension.DETAIL, severity=Severity.WARNING,
    summary="The postmortem was drafted more than five business days after the incident was resolved.",
    what="Compares the draft date (front matter `drafted`, `created`, `report_date`, …) with the resolution date "
         "(`resolved`, else the timeline's resolution, else the incident `date`) and reports more than "
         "`max_business_days` business days between them.",
    why="Memories, chat scroll-back and logs fade within days; a late postmortem reconstructs instead of "
        "recording, and its action items arrive after attention has moved on.",
    example="Front matter `date: 2026-03-02` and `drafted: 2026-03-20`.",
    use_instead="Draft within five business days of resolution; publish a short draft first and fill it in.",
    should_flag=["---\ndate: 2026-03-02\ndrafted: 2026-03-20\n---\n# Outage\n"],
    should_pass=["---\ndate: 2026-03-02\ndrafted: 2026-03-05\n---\n# Outage\n"],
    options={"max_business_days": 5},
)
def late_draft(ctx):
    meta = ctx.doc.metadata
    if meta.drafted is None:
        return
    resolved: date | None = meta.resolved.date() if meta.resolved else None
    if resolved is None:
        derived = derive_durations(ctx.doc, ctx.analysis).resolved
        if derived is not None and derived.at.year > 2000:  # rows with no written date carry day 2000-01-01
            resolved = derived.at.date()
    resolved = resolved or meta.date
    if resolved is None:
        return
    limit = int(ctx.options.get("max_business_days", 5))
    days = business_days_between(resolved, meta.drafted)
    if days > limit:
        start, end = metadata_line(ctx.doc, "drafted") or (0, 0)
        yield Hit(start, end, f"Drafted {days} business days after resolution ({resolved.isoformat()} → "
                              f"{meta.drafted.isoformat()}); the bar is {limit}.", data={"business_days": days})


_OWNER_IN_TEXT = re.compile(r"\b(?:postmortem|post-mortem|document|report|incident|pm)\s+(?:owner|author|lead)s?\s*[:=]|"
                            r"\b(?:author(?:s|\(s\))?|written\s+by|created\s+by|drafted\s+by|owner|prepared\s+by|facilitator)\s*[:=]", re.I)


@rule(
    code="PM512", name="missing-owner", dimension=Dimension.DETAIL, severity=Severity.WARNING,
    summary="The postmortem names no owner.",
    what="Looks for an owner or author in the front matter (`owner`, `author`, `dri`, …), a metadata table, or a "
         "line such as \"Postmortem owner: @ana\". Reports when there is none.",
    why="Someone has to drive the review, chase the action items and close the document; without a named owner "
        "nobody does.",
    example="A postmortem with no owner or author anywhere.",
    use_instead="Add `owner: @ana` to the front matter (or an Owner row to the metadata table).",
    should_flag=["# Outage\n\n## Summary\nCheckout failed for 42 minutes.\n"],
    should_pass=["---\nowner: \"@ana\"\n---\n# Outage\n\n## Summary\nCheckout failed for 42 minutes.\n",
                 "# Outage\n\nPostmortem owner: @ana\n\n## Summary\nCheckout failed for 42 minutes.\n"],
)
def missing_owner(ctx):
    doc = ctx.doc
    if doc.metadata.owner:
        return
    # Only the document's header counts: "owner: @ana" on an action item owns the item, not the document.
    first_section = next((s.heading.start for s in doc.sections if s.level >= 2), len(doc.text))
    if any(_OWNER_IN_TEXT.search(b.text) for b in doc.blocks if b.span.start < first_section):
        return
    title = next((s for s in doc.sections if s.level == 1), None)
    start, end = (title.heading.start, title.heading.end) if title else (0, 0)
    yield Hit(start, end, "No postmortem owner: name the person who drives the review and the action items "
                          "(e.g. `owner: @ana` in the front matter).")
