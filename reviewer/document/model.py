"""The typed postmortem: what `parse` finds in a document, with character ranges.

Every position is a 0-based character (code point) offset into the original text;
`Span(start, end)` is half-open. Nothing after `parse` reads the raw Markdown again.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from reviewer.document.shown import plain, quote_in_blocks


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start

    def contains(self, offset: int) -> bool:
        return self.start <= offset < self.end

    def covers(self, other: "Span") -> bool:
        return self.start <= other.start and other.end <= self.end


class SectionKind(StrEnum):
    """Canonical section kinds; equivalent headings of the common templates map here."""

    SUMMARY = "summary"
    IMPACT = "impact"
    TIMELINE = "timeline"
    TRIGGER = "trigger"
    ROOT_CAUSE = "root_cause"  # also "contributing factors", "root causes", "cause"
    DETECTION = "detection"
    RESPONSE = "response"
    RESOLUTION = "resolution"  # also "recovery", "mitigation"
    FIVE_WHYS = "five_whys"
    ACTION_ITEMS = "action_items"
    LESSONS = "lessons"  # lessons learned, what went well / wrong, where we got lucky
    SUPPORTING_INFO = "supporting_info"
    UNKNOWN = "unknown"


class BlockKind(StrEnum):
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE_CELL = "table_cell"
    HEADING = "heading"


@dataclass(slots=True)
class Section:
    """A heading and what stands under it.

    `span` runs from the heading to the next heading of the same or a higher level (so it
    includes subsections); `body` runs from the end of the heading line to the next heading
    of any level. Level 0 is the preamble before the first heading; level 7 is a bold-label
    pseudo-heading ("**Impact**: ...") that some postmortems use instead of headings.
    """

    index: int
    title: str
    level: int
    kind: SectionKind
    heading: Span
    span: Span
    body: Span
    parent: int | None = None
    children: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Link:
    text: str
    url: str
    span: Span
    is_image: bool = False


@dataclass(slots=True)
class ClockTime:
    """A time of day as written ("11:14", "4:19 pm PST", "10.42"), resolved where possible."""

    text: str
    span: Span
    hour: int
    minute: int
    second: int | None = None
    meridiem: str | None = None  # "am" / "pm" when written
    tz: str | None = None  # zone as written: "UTC", "PST", "+02:00"
    day: date | None = None  # the date written with it or carried from context

    @property
    def time(self) -> time:
        return time(self.hour, self.minute, self.second or 0)

    @property
    def ambiguous_12h(self) -> bool:
        """A 1–12 hour with no am/pm, in a document that uses a 12-hour clock elsewhere."""
        return self.meridiem is None and 1 <= self.hour <= 12


@dataclass(slots=True)
class TimelineEntry:
    span: Span  # the whole row / item
    time_text: str  # what stands in the time position, as written ("" when none)
    time_span: Span | None
    clock: ClockTime | None  # parsed time of day, when there is one
    when: datetime | None  # clock + day resolved (naive unless a zone offset is known)
    day: date | None
    event: str
    event_span: Span
    section: int
    source: str  # "table" | "list" | "heading" | "paragraph"
    links: list[Link] = field(default_factory=list)


@dataclass(slots=True)
class ActionItem:
    """One follow-up. `text` is what a reader sees (the author's words, Markdown markup removed,
    code kept: see reviewer/document/shown.py); `markdown` is the same words as written, for
    pages that render them; `text_span` is where they stand."""

    span: Span
    text: str
    owner: str | None
    ticket: str | None  # a URL or a key like ABC-123 / #123
    due: date | None
    done: bool | None  # from a checklist box or a status column
    section: int
    source: str  # "table" | "list"
    markdown: str = ""
    text_span: Span | None = None


@dataclass(slots=True)
class Comment:
    """An HTML comment (suppressions live here)."""

    text: str  # inside <!-- -->, stripped
    span: Span


@dataclass(slots=True)
class ProseBlock:
    """One unit of prose for NLP: a paragraph, list item, table cell or heading.

    `text` has code, URLs, link targets, HTML and Markdown markers masked out;
    `offsets[i]` is the original-text offset of `text[i]`.
    """

    kind: BlockKind
    text: str
    offsets: list[int]
    span: Span
    section: int
    quoted: bool = False  # inside a blockquote: evidence, not the author's voice
    table_row: int | None = None  # for table cells: index of the row in its table
    table_column: int | None = None

    def to_original(self, index: int) -> int:
        """Original offset of prose index `index`; an end index maps just past its char."""
        if not self.offsets:
            return self.span.start
        if index >= len(self.text):
            return self.offsets[-1] + 1
        return self.offsets[max(index, 0)]

    def original_span(self, start: int, end: int) -> Span:
        if end <= start:
            at = self.to_original(start)
            return Span(at, at)
        return Span(self.to_original(start), self.offsets[min(end, len(self.text)) - 1] + 1)


@dataclass(slots=True)
class Metadata:
    id: str | None = None
    title: str | None = None
    severity: str | None = None  # as written: "SEV-1", "P2", "critical"
    severity_level: int | None = None  # 1 (worst) .. 5, normalised
    status: str | None = None
    owner: str | None = None
    services: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    date: date | None = None
    started: datetime | None = None
    detected: datetime | None = None
    mitigated: datetime | None = None
    resolved: datetime | None = None
    drafted: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, Span] = field(default_factory=dict)  # where each field was written


@dataclass(slots=True)
class Table:
    span: Span
    header: list[str]
    rows: list[list[tuple[str, Span]]]  # cell text (stripped, as written) and its span
    section: int


@dataclass(slots=True)
class Postmortem:
    text: str
    metadata: Metadata
    front_matter: dict[str, Any] | None
    front_matter_span: Span | None
    front_matter_error: str | None
    sections: list[Section]
    timeline: list[TimelineEntry]
    action_items: list[ActionItem]
    links: list[Link]
    images: list[Link]
    tables: list[Table]
    blocks: list[ProseBlock]
    comments: list[Comment]
    code_spans: list[Span]  # fenced/indented code blocks and inline code
    _block_order: tuple[list[int], list[ProseBlock]] | None = field(default=None, repr=False, compare=False)

    def section_at(self, offset: int) -> Section | None:
        """The innermost section containing `offset`."""
        found = None
        for section in self.sections:
            if section.span.contains(offset) and (found is None or section.level > found.level):
                found = section
        return found

    def section_of(self, item: ProseBlock | Table | TimelineEntry | ActionItem) -> Section | None:
        """The section a block, table, row or action item was read in."""
        index = item.section
        return self.sections[index] if 0 <= index < len(self.sections) else None

    def sections_of(self, kind: SectionKind) -> list[Section]:
        return [s for s in self.sections if s.kind == kind]

    def has(self, kind: SectionKind) -> bool:
        return any(s.kind == kind for s in self.sections)

    def section_text(self, section: Section) -> str:
        return self.text[section.body.start : section.span.end]

    def blocks_in(self, section: Section) -> list[ProseBlock]:
        return [b for b in self.blocks if section.span.covers(b.span)]

    def readable(self, block: ProseBlock) -> str:
        """The block's prose with inline code shown as written (backticks dropped): for display
        and search. NLP reads `block.text`, where inline code is masked."""
        from reviewer.document.prose import CODE_WORD

        out: list[str] = []
        i, text, n = 0, block.text, len(CODE_WORD)
        while i < len(text):
            at = block.offsets[i]
            if (text.startswith(CODE_WORD, i) and self.text.startswith("`", at)
                    and all(o == at for o in block.offsets[i : i + n - 1])):
                m = re.match(r"(`+)((?:.|\n)+?)\1", self.text[at:])
                if m:
                    out.append(m.group(2).strip())
                    i += n
                    continue
            out.append(text[i])
            i += 1
        return "".join(out)

    def quote(self, start: int, end: int, limit: int | None = None) -> str:
        """The words written in text[start:end], markup removed: what messages quote (never the
        analyser's prose, where code reads "code")."""
        return quote_in_blocks(self.text, self.blocks_overlapping(start, end), start, end, limit)

    def blocks_overlapping(self, start: int, end: int) -> list[ProseBlock]:
        """The prose blocks with a character in [start, end), in document order (a bisection)."""
        if self._block_order is None or len(self._block_order[1]) != len(self.blocks):
            ordered = sorted(self.blocks, key=lambda b: b.span.start)
            self._block_order = ([b.span.start for b in ordered], ordered)
        starts, ordered = self._block_order
        found = []
        i = bisect.bisect_left(starts, max(end, start + 1)) - 1
        while i >= 0 and ordered[i].span.end > start:  # blocks do not overlap: their ends rise too
            found.append(ordered[i])
            i -= 1
        return found[::-1]

    def heading_text(self, section: Section) -> str:
        """A section's heading as the reader sees it (`Section.title` is the analyser's prose)."""
        if section.level == 7:  # a bold label: its span is the label itself, markers included
            return plain(self.text[section.heading.start : section.heading.end]).rstrip(":").strip() or section.title
        for block in self.blocks_overlapping(section.heading.start, section.heading.end):
            if block.kind == BlockKind.HEADING and section.heading.covers(block.span):
                return self.quote(block.span.start, block.span.end) or section.title
        return section.title

    @property
    def title(self) -> str | None:
        if self.metadata.title:
            return self.metadata.title
        for s in self.sections:
            if s.level == 1:
                return self.heading_text(s)
        return None
