"""Timeline entries and action items, from tables, lists, headings and lines."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import NamedTuple

from reviewer.document.model import (
    ActionItem,
    BlockKind,
    Link,
    Metadata,
    ProseBlock,
    Section,
    SectionKind,
    Span,
    Table,
    TimelineEntry,
)
from reviewer.document.headings import heading_kind
from reviewer.document.shown import CHECKBOX, inline_source, plain
from reviewer.document.timeexpr import find_clocks, find_dates, leading_time, to_24h



class ListItem(NamedTuple):
    depth: int
    span: Span
    block: ProseBlock | None  # its first paragraph
    section: int
    checked: bool | None  # checklist box state
    list_id: int  # items of one list share it

_TIME_HEADER = re.compile(r"\b(time|date|when|timestamp|utc|clock|hour)s?\b", re.I)
_EVENT_HEADER = re.compile(r"\b(event|description|what|action|detail|update|note|activity|happen|summary|message)", re.I)
_ACTION_HEADER = re.compile(r"\b(action|item|task|description|what|title|remediation|summary|work|follow)", re.I)
_OWNER_HEADER = re.compile(r"\b(owner|assignee|who|dri|responsible|assigned|team|lead|poc|point of contact|contact)", re.I)
_TICKET_HEADER = re.compile(r"\b(ticket|issue|link|jira|tracking|bug|pr|reference|tracker|url)", re.I)
_DUE_HEADER = re.compile(r"\b(due|deadline|eta|target|by when|date)", re.I)
_STATUS_HEADER = re.compile(r"\b(status|state|done|complete|progress)", re.I)
_DONE_WORDS = re.compile(r"^\s*(done|complete|completed|closed|fixed|resolved|merged|shipped|✅|yes|x)\b", re.I)
_OPEN_WORDS = re.compile(r"^\s*(open|todo|to do|in progress|not started|planned|pending|wip|no|backlog|new)\b", re.I)

# OPS-123, #123, and repository references such as infra#5124 or acme/api#12.
# A repository name starts a word: not after a "." inside one ("a.b.c…" is read once, not from each dot).
TICKET_KEY = re.compile(r"(?<![\w/-])(?:[A-Z][A-Z0-9]{1,9}-\d++|#\d{1,7})(?![\w-])"
                        r"|(?<![\w/-])(?<![\w.-]\.)[A-Za-z][\w.-]*+(?:/[\w.-]++)?#\d{1,7}(?![\w-])")
OWNER_PATTERNS = [
    # Whole words with a separator: "driver" is not "dri", "the owner of the repo" names no owner.
    re.compile(r"\b(?:owner|assignee|dri|responsible)\b\s*[:=–-]\s*(?P<owner>@?[\w.-]+(?:\s[A-Z][\w.-]+)?)", re.I),
    re.compile(r"\b(?:owned by|assigned to)\s+(?P<owner>@?[\w.-]+(?:\s[A-Z][\w.-]+)?)", re.I),
    re.compile(r"(?<![\w@])(?P<owner>@[A-Za-z0-9][\w.-]*[A-Za-z0-9])"),
]
_DUE_PATTERN = re.compile(r"\b(?:due|by|deadline|eta|target|before)\b\s*:?\s*(?:on\s+)?$", re.I)


def _timeline_sections(sections: list[Section]) -> list[Section]:
    declared = [s for s in sections if s.kind == SectionKind.TIMELINE]
    return [s for s in declared if s.parent is None or sections[s.parent].kind != SectionKind.TIMELINE]


def _timed_lists(items: list[ListItem], minimum: int = 2) -> list[list[ListItem]]:
    """Lists most of whose items start with a time: timelines without a "Timeline" heading."""
    by_list: dict[int, list[ListItem]] = {}
    for item in items:
        if item.block is not None:
            by_list.setdefault(item.list_id, []).append(item)
    found = []
    for members in by_list.values():
        timed = sum(1 for it in members if leading_time(it.block.text))
        if timed >= minimum and timed * 2 >= len(members):
            found.append(sorted(members, key=lambda it: it.span.start))
    return found


def _column(header: list[str], pattern: re.Pattern[str], exclude: set[int]) -> int | None:
    for i, name in enumerate(header):
        if i not in exclude and pattern.search(name):
            return i
    return None


def _resolve(clock, day: date | None) -> datetime | None:
    if clock is None or day is None:
        return None
    hour, minute, second = to_24h(clock)
    return datetime(day.year, day.month, day.day, hour, minute, second)


class _TimelineReader:
    def __init__(self, text: str, metadata: Metadata) -> None:
        self.text = text
        self.entries: list[TimelineEntry] = []
        default = metadata.date or (metadata.started.date() if metadata.started else None)
        self.day: date | None = default
        self.year = default.year if default else None
        if self.year is None:
            # "## July 22" under a timeline needs a year: take the first full date written
            # anywhere in the document ("July 21, 2025" in the summary).
            written = find_dates(text[:50_000])
            self.year = written[0][0].year if written else None

    def set_day_from(self, text: str) -> bool:
        """A line or heading that is only a date ("### 2021-06-02") sets the day of what follows."""
        dates = find_dates(text, default_year=self.year)
        if dates and not find_clocks(text, allow_dot=True):
            self.day = dates[0][0]
            self.year = self.day.year
            return True
        return False

    def add(self, span: Span, time_text: str, time_span: Span | None, event: str, event_span: Span,
            section: int, source: str) -> None:
        clocks = find_clocks(time_text, allow_dot=True) if time_text else []
        clock = clocks[0] if clocks else None
        dates = find_dates(time_text, default_year=self.year) if time_text else []
        day = self.day
        if dates:
            day = dates[0][0]
            self.day, self.year = day, day.year
        if clock is not None and time_span is not None:
            shift = time_span.start
            clock.span = Span(clock.span.start + shift, clock.span.end + shift)
            clock.day = day
        self.entries.append(TimelineEntry(
            span=span, time_text=time_text, time_span=time_span, clock=clock, when=_resolve(clock, day),
            day=day, event=event.strip(), event_span=event_span, section=section, source=source))

    def from_block(self, block: ProseBlock, span: Span, section: int, source: str) -> bool:
        lead = leading_time(block.text)
        if not lead:
            return False
        time_text, start, end, event_start = lead
        self.add(span, time_text, block.original_span(start, end), block.text[event_start:],
                 block.original_span(event_start, len(block.text)), section, source)
        return True


def read_timeline(text: str, sections: list[Section], tables: list[Table], blocks: list[ProseBlock],
                  items: list[ListItem], metadata: Metadata) -> list[TimelineEntry]:
    reader = _TimelineReader(text, metadata)
    timelines = _timeline_sections(sections)
    if not any(_has_rows(t, tables, items, blocks) for t in timelines):
        for members in _timed_lists(items):
            for item in members:
                if not reader.from_block(item.block, item.span, item.section, "list"):
                    reader.set_day_from(item.block.text)
        if reader.entries:
            return reader.entries
    for timeline in timelines:
        inside = timeline.span
        events: list[tuple[int, str, object]] = []
        events += [(t.span.start, "table", t) for t in tables if inside.covers(t.span)]
        section_items = [it for it in items if inside.covers(it.span) and it.block is not None]
        top_depth = min((it.depth for it in section_items), default=1)
        events += [(it[1].start, "item", it) for it in section_items]
        # A timeline root that is itself a date or time heading ("## Feb 21, 13:00" after
        # "## Timeline") carries the day, and maybe the time, of the rows under it.
        events += [(s.heading.start, "heading", s) for s in sections
                   if (s.index != timeline.index or heading_kind(s.title) != SectionKind.TIMELINE)
                   and inside.covers(s.heading)]
        events += [(b.span.start, "paragraph", b) for b in blocks if b.kind == BlockKind.PARAGRAPH and inside.covers(b.span)]
        events.sort(key=lambda e: e[0])
        for _, kind, obj in events:
            if kind == "table":
                _table_entries(reader, obj, timeline.index)  # type: ignore[arg-type]
            elif kind == "item":
                depth, span, block, section, _, _ = obj  # type: ignore[misc]
                if reader.set_day_from(block.text) and len(block.text) < 40:
                    continue
                if reader.from_block(block, span, section, "list") or depth != top_depth:
                    continue
                inner = _inner_time(block)
                if inner:
                    reader.add(span, inner[0], block.original_span(inner[1], inner[2]), block.text, block.span,
                               section, "list")
                else:
                    reader.add(span, "", None, block.text, block.span, section, "list")
            elif kind == "heading":
                section = obj  # type: ignore[assignment]
                heading_block = next((b for b in blocks if b.kind == BlockKind.HEADING and b.span.start >= section.heading.start), None)
                if reader.set_day_from(section.title) or heading_block is None:
                    continue
                lead = leading_time(heading_block.text)
                if lead:
                    body_blocks = [b for b in blocks if section.body.covers(b.span) and b.kind != BlockKind.HEADING]
                    first = body_blocks[0] if body_blocks else None
                    remainder = heading_block.text[lead[3]:].strip()
                    event = remainder or (first.text if first else "")
                    event_span = heading_block.original_span(lead[3], len(heading_block.text)) if remainder or first is None else first.span
                    time_span = heading_block.original_span(lead[1], lead[2])
                    reader.add(Span(section.heading.start, section.body.end), lead[0], time_span, event, event_span, section.index, "heading")
            else:
                block = obj  # type: ignore[assignment]
                _paragraph_entries(reader, block)
    if timelines and reader.entries:
        # A second, longer timeline in a list elsewhere ("- **Context**:" with timestamped rows).
        for members in _timed_lists(items, minimum=3):
            if any(t.span.covers(members[0].span) for t in timelines):
                continue
            reader.day = None
            for item in members:
                if not reader.from_block(item.block, item.span, item.section, "list"):
                    reader.set_day_from(item.block.text)
        reader.entries.sort(key=lambda e: e.span.start)
    return reader.entries


def _inner_time(block: ProseBlock) -> tuple[str, int, int] | None:
    """A row whose time is not at its start ("First detected 2021-07-12 15:44"): the one
    clock time in a short item, with the date written just before it."""
    if len(block.text) > 160:
        return None
    clocks = find_clocks(block.text)
    if len(clocks) != 1:
        return None
    start, end = clocks[0].span.start, clocks[0].span.end
    for _, where in find_dates(block.text, default_year=2000):
        if where.end <= start and not block.text[where.end : start].strip(" ,T@at"):
            start = where.start
    return block.text[start:end], start, end


def _has_rows(section: Section, tables: list[Table], items: list[ListItem], blocks: list[ProseBlock]) -> bool:
    inside = section.span
    return (any(inside.covers(t.span) for t in tables)
            or any(inside.covers(it.span) for it in items)
            or any(inside.covers(b.span) and b.kind == BlockKind.PARAGRAPH and re.search(r"\d[:.]\d\d", b.text) for b in blocks))


def _row_span(row: list[tuple[str, Span]]) -> Span:
    """From the first to the last written character of a table row: an empty cell's span may
    stand at the start of the row, so the first and last cells alone can give an inverted span."""
    return Span(min(c[1].start for c in row), max(c[1].end for c in row))


def _table_entries(reader: _TimelineReader, table: Table, section: int) -> None:
    time_col = _column(table.header, _TIME_HEADER, set())
    if time_col is None:
        for col in range(len(table.header) or (len(table.rows[0]) if table.rows else 0)):
            cells = [r[col][0] for r in table.rows if col < len(r)]
            if cells and sum(1 for c in cells if leading_time(c)) * 2 >= len(cells):
                time_col = col
                break
    exclude = {time_col} if time_col is not None else set()
    event_col = _column(table.header, _EVENT_HEADER, exclude)
    for row in table.rows:
        if not row:
            continue
        row_span = _row_span(row)
        if event_col is None:
            others = [c for i, c in enumerate(row) if i != time_col]
            event_cell = max(others, key=lambda c: len(c[0]), default=("", row_span))
        else:
            event_cell = row[event_col] if event_col < len(row) else ("", row_span)
        if time_col is not None and time_col < len(row):
            time_text, time_span = row[time_col]
        else:
            time_text, time_span = "", None
        if time_text and not event_cell[0] and reader.set_day_from(time_text):
            continue
        reader.add(row_span, time_text, time_span, event_cell[0], event_cell[1], section, "table")


def _paragraph_entries(reader: _TimelineReader, block: ProseBlock) -> None:
    """Lines of a paragraph that start with a time ("10:42 — alert fired") are rows; lines
    after a time standing alone ("1:03" then "First alert fires") are its event."""
    start = 0
    current: TimelineEntry | None = None
    timed_any = False
    for line in block.text.split("\n"):
        end = start + len(line)
        lead = leading_time(line)
        if lead:
            time_text, t0, t1, e0 = lead
            reader.add(block.original_span(start, end), time_text, block.original_span(start + t0, start + t1),
                       line[e0:], block.original_span(start + e0, end), block.section, "paragraph")
            current = reader.entries[-1]
            timed_any = True
        elif line.strip():
            if current is not None:
                current.event = (current.event + " " + line.strip()).strip()
                if current.event_span.start == current.event_span.end:
                    current.event_span = block.original_span(start, end)
                else:
                    current.event_span = Span(current.event_span.start, block.original_span(start, end).end)
                current.span = Span(current.span.start, current.event_span.end)
            elif len(line) < 40:
                reader.set_day_from(line)
        start = end + 1
    if not timed_any:
        # A prose timeline: "On September 5th, a researcher reported ..." is a dated row.
        dates = find_dates(block.text[:60], default_year=reader.year)
        if dates and dates[0][1].start < 25:
            where = dates[0][1]
            reader.add(block.span, block.text[where.start : where.end], block.original_span(where.start, where.end),
                       block.text, block.span, block.section, "paragraph")


# --- action items -----------------------------------------------------------------------

# An owner written after the item's words, without a label: "… — SRE team", "… – Maria Lopez",
# "… (Networking team)". A team is words ending in team/squad/on-call…, or one of the usual
# functions (SRE, Platform…); a person is two or three capitalised words. One capitalised word
# is too often a product or a status ("- Python", "- Done") to be read as a name.
_TEAM = (r"(?:(?:the\s+)?(?:[A-Za-z][\w&/.+-]*\s+){0,3}(?i:team|squad|group|crew|guild|on-?call|rotation|pod)"
         r"|(?:SRE|SREs|Ops|DevOps|SecOps|Infra|Infrastructure|Platform|Security|Networking|Network|Storage|"
         r"Databases?|DBAs?|Support|QA|Release|Legal|Comms|Communications|Engineering|Data)(?:\s+(?i:eng|engineering))?)")
_PERSON = r"(?:[A-Z]\.|[A-Z][a-z'’-]+)(?:\s+(?:[A-Z]\.|[A-Z][a-z'’-]+)){1,2}"
_TRAILING_OWNER = re.compile(
    rf"(?:\s[—–]|\s-{{1,2}}\s)\s*(?P<owner>{_TEAM}|{_PERSON})\s*(?:\([^()]*\))?\s*[.;]?\s*$")
_BRACKETED_OWNER = re.compile(rf"[(\[](?:team\s*:\s*)?(?P<owner>{_TEAM})[)\]]")
# Words that end items after a dash without naming anyone ("— Long Term", "- In Progress").
_NOT_OWNER_WORDS = {"done", "open", "closed", "fixed", "complete", "completed", "pending", "blocked", "progress",
                    "high", "medium", "low", "priority", "critical", "urgent", "optional", "planned", "ongoing",
                    "short", "long", "term", "later", "next", "week", "month", "quarter", "mitigation",
                    "prevention", "detection", "repair", "process", "follow", "up", "not", "started", "in",
                    "to", "do", "new", "backlog", "won't", "wontfix", "p0", "p1", "p2", "p3"}


def _owner_in(text: str, shown: str | None = None) -> str | None:
    """The owner written in an item's Markdown `text` (labelled, "owned by", an @handle), else in
    its `shown` words: a team or a name after a closing dash, a team in brackets."""
    for pattern in OWNER_PATTERNS:
        m = pattern.search(text)
        if m:
            return m.group("owner").strip().rstrip(".,;)")
    if shown:
        first_line = shown.strip()
        for pattern in (_TRAILING_OWNER, _BRACKETED_OWNER):
            m = pattern.search(first_line)
            if m and not (set(re.findall(r"[\w'’-]+", m.group("owner").lower())) & _NOT_OWNER_WORDS):
                return m.group("owner").strip()
    return None


def _ticket_in(text: str, span: Span, links: list[Link]) -> str | None:
    for link in links:
        if span.covers(link.span):
            return link.url
    m = TICKET_KEY.search(text)
    return m.group(0) if m else None


def _due_in(text: str) -> date | None:
    for day, where in find_dates(text):
        before = text[max(0, where.start - 30) : where.start]
        if _DUE_PATTERN.search(before) or before.rstrip().endswith("("):
            return day
    return None


def read_action_items(text: str, sections: list[Section], tables: list[Table], items: list[ListItem],
                      links: list[Link]) -> list[ActionItem]:
    found: list[ActionItem] = []
    action_sections = [s for s in sections if s.kind == SectionKind.ACTION_ITEMS]
    # An action-items section inside another one (at any depth, whatever stands between them) is
    # read with the outer one: each item once.
    roots = [s for s in action_sections
             if not any(o is not s and o.span.covers(s.span) and o.level < s.level for o in action_sections)]
    for section in roots:
        inside = section.span
        for table in tables:
            if inside.covers(table.span):
                found.extend(_table_actions(text, table, links))
        section_items = [it for it in items if inside.covers(it.span) and it.block is not None]
        if not section_items:
            continue
        top = min(it.depth for it in section_items)
        for depth, span, block, index, checked, _ in section_items:
            if depth != top:
                continue
            raw = text[span.start : span.end]
            markdown = _as_written(text, block.span)
            shown = plain(markdown)
            found.append(ActionItem(
                span=span, text=shown, owner=_owner_in(raw, shown), ticket=_ticket_in(raw, span, links),
                due=_due_in(raw), done=checked, section=index, source="list", markdown=markdown,
                text_span=block.span))
    found.sort(key=lambda a: a.span.start)
    # Two roots with the same span (a heading and a bold label opening at one place) read the
    # same items: keep each span once.
    unique: dict[tuple[int, int], ActionItem] = {}
    for item in found:
        unique.setdefault((item.span.start, item.span.end), item)
    return list(unique.values())


_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _as_written(text: str, span: Span) -> str:
    """An item's words as the author wrote them (inline Markdown), without its checkbox or comments."""
    source = _HTML_COMMENT.sub("", inline_source(text, span))
    return CHECKBOX.sub("", source).strip()


def _table_actions(table_text: str, table: Table, links: list[Link]) -> list[ActionItem]:
    header = table.header
    # "Action owner" names who, not what: the text column is one that does not read as an owner.
    text_col = _column(header, _ACTION_HEADER, {i for i, name in enumerate(header) if _OWNER_HEADER.search(name)})
    if text_col is None:
        text_col = _column(header, _ACTION_HEADER, set())
    owner_col = _column(header, _OWNER_HEADER, {text_col} if text_col is not None else set())
    taken = {c for c in (text_col, owner_col) if c is not None}
    ticket_col = _column(header, _TICKET_HEADER, taken)
    taken |= {ticket_col} if ticket_col is not None else set()
    due_col = _column(header, _DUE_HEADER, taken)
    taken |= {due_col} if due_col is not None else set()
    status_col = _column(header, _STATUS_HEADER, taken)
    if text_col is None:
        text_col = 0 if 0 not in taken else next((i for i in range(len(header)) if i not in taken), 0)
    result = []

    def cell(row, col):
        return row[col] if col is not None and col < len(row) else ("", None)

    for row in table.rows:
        if not row or text_col >= len(row) or not row[text_col][0]:
            continue
        span = _row_span(row)
        owner = cell(row, owner_col)[0].strip() or None
        if owner is None:  # no owner column, or an empty cell: the owner may stand beside the words
            owner = _owner_in(row[text_col][0], plain(row[text_col][0]))
        ticket_text, ticket_span = cell(row, ticket_col)
        ticket = None
        if ticket_span is not None and ticket_text:
            ticket = _ticket_in(ticket_text, ticket_span, links) or ticket_text
        ticket = ticket or _ticket_in(row[text_col][0], row[text_col][1], links)
        due_text = cell(row, due_col)[0]
        due = next((d for d, _ in find_dates(due_text)), None) if due_text else None
        status = cell(row, status_col)[0]
        done = True if _DONE_WORDS.match(status) else False if _OPEN_WORDS.match(status) else None
        if owner and owner.strip("-–—?").strip().lower() in ("", "tbd", "none", "n/a", "unassigned", "?"):
            owner = None
        # In a table, "\|" is a pipe inside the cell, code spans included (GFM).
        markdown = _as_written(table_text, row[text_col][1]).replace("\\|", "|")
        result.append(ActionItem(span=span, text=plain(markdown), owner=owner, ticket=ticket, due=due, done=done,
                                 section=table.section, source="table", markdown=markdown,
                                 text_span=row[text_col][1]))
    return result
