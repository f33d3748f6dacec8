"""parse: Markdown text → Postmortem. Pure, fast, and it never raises on any text.

markdown-it gives block tokens with line ranges; the exact character positions of inline
text are recovered by aligning each inline token's raw content with its source lines.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from reviewer.document.headings import heading_kind
from reviewer.document.metadata import metadata_from_front_matter, metadata_from_pairs
from reviewer.document.model import (
    ActionItem,
    BlockKind,
    Comment,
    Link,
    Postmortem,
    ProseBlock,
    Section,
    SectionKind,
    Span,
    Table,
)
from reviewer.document.prose import to_prose
from reviewer.document.timeexpr import find_clocks, find_dates
from reviewer.document.rows import ListItem, read_action_items, read_timeline
from reviewer.errors import DocumentTooLarge

DEFAULT_MAX_CHARS = 2_000_000

_md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])

# Front matter opens the file; a leading HTML comment (a licence or provenance header) may stand before it.
_FRONT_MATTER = re.compile(
    r"\A(?:\ufeff)?(?>\s*<!--.*?-->)*+\s*?(?:^|\n)---[ \t]*\r?\n(.*?)(?:\r?\n)(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
# A comment's body stops at the next "<!--": unclosed openers are not each read to the end.
_COMMENT = re.compile(r"<!--((?:(?!<!--).)*?)-->", re.S)
# Linear: a label or target stops at the next "[", so the run read from one "[" never holds
# another "[" to be read again from ("[[[[…" or "[a]([a]([a](…" cost what they are long).
_LINK = re.compile(r"(?P<bang>!?)\[(?P<text>[^\[\]\n]*+)\]\((?P<url><[^>\n\[]*+>|[^)\s\[]*+)(?:\s++\"[^\"\n]*+\")?\)")
# A bare URL is read at most 2,048 characters far, so URLs nested in URLs cannot make it quadratic.
_AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^>\s]++)>|(?<![(<\w])((?:https?|ftp)://[^\s<>()\[\]]{1,2047}[^\s<>()\[\].,;:!?'\"])")
# Inline code: a backtick run opens only where it starts (and is at most 16 long), its content
# stops at the next backtick: each character is read once, whatever the backticks.
_INLINE_CODE = re.compile(r"(?<!`)(`{1,16}+)(?!`)[^`\n]++\1")
_HTML_IMG = re.compile(r"<img\b[^<>]*?\bsrc=[\"']([^\"'<>]++)[\"'][^<>]*+>", re.I)
# "**Impact**: ..." or "**Root cause:** ..." — a bold label standing in for a heading.
_BOLD_LABEL = re.compile(r"^(?:\*\*|__)([^*_\n]{2,40}?)(?::\s*)?(?:\*\*|__)\s*:?")
_QUOTED_SECTION = re.compile(r"\b(logs?|chat|transcripts?|slack|irc|thread|messages?)\b", re.I)


@dataclass(slots=True)
class _Inline:
    """An inline token located in the source: raw content and each char's offset."""

    raw: str
    offsets: list[int]
    span: Span


class _Source:
    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.line_cursor: dict[int, int] = {}

    def line_range(self, first: int, last: int) -> tuple[int, int]:
        start = self.line_starts[first] if first < len(self.line_starts) else len(self.text)
        end = self.line_starts[last] if last < len(self.line_starts) else len(self.text)
        return start, end

    def locate(self, token: Token) -> _Inline:
        """Find where each char of the inline token's content stands in the source."""
        content = token.content
        first, last = token.map if token.map else (0, len(self.line_starts))
        region_start, region_end = self.line_range(first, last)
        # Table cells of one row share a line: continue after the previous cell.
        cursor = max(region_start, self.line_cursor.get(first, region_start))
        offsets: list[int] = []
        text = self.text
        for line in content.split("\n"):
            at = text.find(line, cursor, region_end) if line else -1
            if line and at >= 0:
                offsets.extend(range(at, at + len(line)))
                cursor = at + len(line)
            else:
                # Not a verbatim substring (tabs, escaped pipes): match char by char.
                for ch in line:
                    found = text.find(ch, cursor, region_end)
                    if found < 0:
                        found = min(cursor, max(region_end - 1, 0))
                    offsets.append(found)
                    cursor = found + 1
            offsets.append(min(cursor, max(len(text) - 1, 0)))  # the "\n" between lines
        offsets.pop()
        self.line_cursor[first] = cursor
        if offsets:
            span = Span(offsets[0], offsets[-1] + 1)
        else:
            span = Span(region_start, region_start)
        return _Inline(content, offsets, span)


def _mask_front_matter(text: str) -> tuple[str, dict | None, Span | None, str | None]:
    """Front matter out of the Markdown (same line count), parsed as YAML."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return text, None, None, None
    error = None
    data: dict | None = None
    try:
        loaded = yaml.safe_load(m.group(1))
        if isinstance(loaded, dict):
            data = {str(k): v for k, v in loaded.items()}
        elif loaded is not None:
            error = "front matter is not a mapping of fields"
    except yaml.YAMLError as exc:
        error = f"front matter is not valid YAML: {str(exc).splitlines()[0]}"
    except Exception as exc:  # noqa: BLE001 - any YAML oddity is the author's, not a crash
        error = f"front matter could not be read: {exc}"
    opening = text.rfind("---", 0, m.start(1))
    span = Span(opening, m.end())
    blanked = text[:opening] + re.sub(r"[^\n]", " ", text[opening : m.end()]) + text[m.end() :]
    return blanked, data, span, error


def parse(text: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> Postmortem:
    """Parse a postmortem. Raises DocumentTooLarge above `max_chars`, nothing else."""
    if len(text) > max_chars:
        raise DocumentTooLarge(len(text), max_chars)
    markdown, front_matter, fm_span, fm_error = _mask_front_matter(text)
    # markdown-it normalises "\r\n" and NUL; keep lengths equal so lines map 1:1.
    markdown = markdown.replace("\r", " ").replace("\0", " ")
    source = _Source(text)
    tokens = _md.parse(markdown)

    sections: list[Section] = [
        Section(0, "", 0, SectionKind.UNKNOWN, Span(0, 0), Span(0, len(text)), Span(0, len(text)))
    ]
    blocks: list[ProseBlock] = []
    tables: list[Table] = []
    list_items: list[ListItem] = []
    list_ids: list[int] = []
    code_spans: list[Span] = []

    quote_depth = 0
    list_depth = 0
    item_stack: list[list] = []  # open list items: [span, first paragraph block, depth, checkbox]
    table: Table | None = None
    row: list[tuple[str, Span]] | None = None
    in_head = False
    column = 0
    pending_heading: tuple[int, Token] | None = None

    def current_section() -> int:
        return len(sections) - 1

    def open_section(title: str, level: int, heading: Span) -> None:
        sections.append(Section(len(sections), title, level, heading_kind(title), heading, Span(heading.start, len(text)), Span(heading.end, len(text))))

    def prose_block(kind: BlockKind, located: _Inline, **extra) -> ProseBlock:
        prose, offsets = to_prose(located.raw, located.offsets)
        block = ProseBlock(kind, prose, offsets, located.span, current_section(), quoted=quote_depth > 0, **extra)
        blocks.append(block)
        return block

    for i, token in enumerate(tokens):
        t = token.type
        if t == "heading_open":
            pending_heading = (int(token.tag[1]), token)
        elif t == "inline" and pending_heading is not None:
            level, opener = pending_heading
            pending_heading = None
            start, end = source.line_range(*opener.map) if opener.map else (0, 0)
            while end > start and text[end - 1] in "\r\n":
                end -= 1
            located = source.locate(token)
            title, _ = to_prose(located.raw, located.offsets)
            open_section(title.strip(), level, Span(start, end))
            prose_block(BlockKind.HEADING, located)
        elif t == "blockquote_open":
            quote_depth += 1
        elif t == "blockquote_close":
            quote_depth -= 1
        elif t in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
            list_ids.append(i)
        elif t in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            list_ids.pop()
        elif t == "list_item_open":
            start, end = source.line_range(*token.map) if token.map else (0, 0)
            item_stack.append([Span(start, end), None, list_depth, None, list_ids[-1] if list_ids else -1])
        elif t == "list_item_close":
            span, first_block, depth, checked, list_id = item_stack.pop()
            end = span.end
            while end > span.start and text[end - 1] in "\r\n \t":
                end -= 1
            section = first_block.section if first_block is not None else current_section()
            list_items.append(ListItem(depth, Span(span.start, end), first_block, section, checked, list_id))
        elif t == "table_open":
            start, end = source.line_range(*token.map) if token.map else (0, 0)
            table = Table(Span(start, end), [], [], current_section())
        elif t == "table_close":
            if table is not None:
                tables.append(table)
            table = None
        elif t == "thead_open":
            in_head = True
        elif t == "thead_close":
            in_head = False
        elif t == "tr_open":
            row, column = [], 0
        elif t == "tr_close":
            if table is not None and row is not None and not in_head:
                table.rows.append(row)
            row = None
        elif t == "inline" and row is not None:
            located = source.locate(token)
            cell_text = located.raw.strip()
            if in_head and table is not None:
                table.header.append(to_prose(located.raw, located.offsets)[0].strip())
            else:
                row.append((cell_text, located.span))
                if cell_text and table is not None:
                    prose_block(BlockKind.TABLE_CELL, located, table_row=len(table.rows), table_column=column)
            column += 1
        elif t == "inline":
            located = source.locate(token)
            in_item = bool(item_stack)
            top_item = in_item and list_depth == 1 and item_stack[-1][1] is None
            label = _BOLD_LABEL.match(located.raw) if (not in_item or top_item) and quote_depth == 0 else None
            # Bold labels open pseudo-sections: in paragraphs only when they name a known kind
            # ("**Impact**: ..."); at the start of a top-level list item always ("- **Context**:"),
            # since such lists are the document's outline.
            if label and (top_item or heading_kind(label.group(1)) != SectionKind.UNKNOWN) and _is_block_start(tokens, i):
                # A bold label opens a pseudo-section below whatever heading it sits in.
                start = located.span.start
                label_end = located.offsets[label.end() - 1] + 1 if label.end() else start
                open_section(label.group(1).strip(), 7, Span(start, label_end))
            block = prose_block(BlockKind.LIST_ITEM if in_item else BlockKind.PARAGRAPH, located)
            if in_item and item_stack[-1][1] is None:
                item_stack[-1][1] = block
                box = re.match(r"\s*\[([ xX])\]\s", located.raw)
                if box:
                    item_stack[-1][3] = box.group(1).lower() == "x"
        elif t in ("fence", "code_block"):
            if token.map:
                start, end = source.line_range(*token.map)
                code_spans.append(Span(start, end))

    _close_sections(sections, len(text))
    _mark_quoted_sections(sections, blocks)

    in_code = _SpanIndex(code_spans)
    comments = [Comment(m.group(1).strip(), Span(m.start(), m.end())) for m in _COMMENT.finditer(text)
                if not in_code.contains(m.start())]
    links, images = _find_links(text, in_code)
    inline_code = [Span(m.start(), m.end()) for m in _INLINE_CODE.finditer(text)]

    metadata = metadata_from_front_matter(front_matter or {}, fm_span)
    _metadata_from_top(metadata, sections, tables, blocks, text)
    timeline = read_timeline(text, sections, tables, blocks, list_items, metadata)
    action_items: list[ActionItem] = read_action_items(text, sections, tables, list_items, links)
    link_starts = [ln.span.start for ln in links]
    for entry in timeline:
        first = bisect.bisect_left(link_starts, entry.span.start)
        last = bisect.bisect_right(link_starts, entry.span.end)
        entry.links = [ln for ln in links[first:last] if entry.span.covers(ln.span)]
    return Postmortem(
        text=text,
        metadata=metadata,
        front_matter=front_matter,
        front_matter_span=fm_span,
        front_matter_error=fm_error,
        sections=sections,
        timeline=timeline,
        action_items=action_items,
        links=links,
        images=images,
        tables=tables,
        blocks=blocks,
        comments=comments,
        code_spans=sorted(code_spans + inline_code, key=lambda s: s.start),
    )


def _is_block_start(tokens: list[Token], index: int) -> bool:
    return index > 0 and tokens[index - 1].type == "paragraph_open"


def _close_sections(sections: list[Section], length: int) -> None:
    """Each section ends where the next heading of the same or a higher level starts."""
    headings = sections[1:]
    if headings:
        sections[0].span = Span(0, headings[0].heading.start)
        sections[0].body = Span(0, headings[0].heading.start)
    stack: list[Section] = []
    for index, section in enumerate(headings):
        next_start = headings[index + 1].heading.start if index + 1 < len(headings) else length
        section.body = Span(section.heading.end, max(section.heading.end, next_start))
        while stack and stack[-1].level >= section.level:
            stack.pop()
        if stack:
            section.parent = stack[-1].index
            stack[-1].children.append(section.index)
        stack.append(section)
        end = length
        for later in headings[index + 1 :]:
            if later.level <= section.level:
                end = later.heading.start
                break
        section.span = Span(section.heading.start, max(section.heading.end, end))
        # A sub-heading that is a time or a date inside a timeline ("### 4:19 pm",
        # "### 2021-06-02") is part of that timeline.
        if section.kind == SectionKind.UNKNOWN and section.parent is not None:
            parent = sections[section.parent]
            if parent.kind == SectionKind.TIMELINE:
                section.kind = SectionKind.TIMELINE
        # "## Timeline" then "## July 22", "## July 23" at the same level: days of it.
        if section.kind == SectionKind.UNKNOWN and index > 0 and _is_date_or_time(section.title):
            previous = headings[index - 1]
            if previous.kind == SectionKind.TIMELINE and previous.level >= section.level:
                section.kind = SectionKind.TIMELINE


def _is_date_or_time(title: str) -> bool:
    """A heading that is only a date and/or a time: "July 22", "2018-03-13 07:28", "4:19 pm"."""
    rest = title
    for _, span in find_dates(title, default_year=2000):
        rest = rest[: span.start] + " " * (span.end - span.start) + rest[span.end :]
    for clock in find_clocks(rest, allow_dot=True):
        rest = rest[: clock.span.start] + " " * (clock.span.end - clock.span.start) + rest[clock.span.end :]
    return rest != title and len(re.sub(r"[\W_]+", "", rest)) <= 3


def _mark_quoted_sections(sections: list[Section], blocks: list[ProseBlock]) -> None:
    """Blocks under a "Chat logs" / "Slack thread" heading are evidence, not the author's voice."""
    # Not the document title: "# Elasticsearch no longer receiving logs" is the whole incident.
    quoted = [s.span for s in sections[1:] if s.level >= 2 and _QUOTED_SECTION.search(s.title)
              and s.kind in (SectionKind.UNKNOWN, SectionKind.SUPPORTING_INFO)]
    if not quoted:
        return
    for block in blocks:
        if any(span.covers(block.span) for span in quoted):
            block.quoted = True


class _SpanIndex:
    """Does any of these spans contain an offset? In O(log n), so a document with thousands of
    links and code spans is not checked link by span."""

    def __init__(self, spans: list[Span]) -> None:
        ordered = sorted(spans, key=lambda s: s.start)
        self.starts = [s.start for s in ordered]
        self.reach: list[int] = []  # the furthest end among the spans up to each one
        furthest = -1
        for span in ordered:
            furthest = max(furthest, span.end)
            self.reach.append(furthest)

    def contains(self, offset: int) -> bool:
        i = bisect.bisect_right(self.starts, offset) - 1
        return i >= 0 and self.reach[i] > offset


def _find_links(text: str, in_code: _SpanIndex) -> tuple[list[Link], list[Link]]:
    links: list[Link] = []
    images: list[Link] = []

    for m in _LINK.finditer(text):
        if in_code.contains(m.start()):
            continue
        link = Link(m.group("text"), m.group("url").strip("<>"), Span(m.start(), m.end()), bool(m.group("bang")))
        (images if link.is_image else links).append(link)
    taken = _SpanIndex([ln.span for ln in links + images])
    for m in _AUTOLINK.finditer(text):
        if in_code.contains(m.start()) or taken.contains(m.start()):
            continue
        url = m.group(1) or m.group(2)
        links.append(Link(url, url, Span(m.start(), m.end())))
    for m in _HTML_IMG.finditer(text):
        if not in_code.contains(m.start()):
            images.append(Link("", m.group(1), Span(m.start(), m.end()), True))
    links.sort(key=lambda ln: ln.span.start)
    images.sort(key=lambda ln: ln.span.start)
    return links, images


_META_LINE = re.compile(r"^\s*(?:[-*]\s+)?(?:\*\*|__)?(?P<key>[A-Za-z][A-Za-z /()_-]{1,40}?)(?:\*\*|__)?\s*+[:|]\s*+(?:\*\*|__)?\s*+(?P<value>\S(?:.*\S)?)\s*$")


def _metadata_from_top(metadata, sections: list[Section], tables: list[Table], blocks: list[ProseBlock], text: str) -> None:
    """A metadata table or "Key: value" lines before the first level-2 section."""
    top_end = len(text)
    for section in sections[1:]:
        if section.level >= 2 and section.kind != SectionKind.UNKNOWN or section.level == 2:
            top_end = section.heading.start
            break
    pairs: list[tuple[str, str, Span]] = []
    for table in tables:
        if table.span.start >= top_end:
            break
        candidates = ([(table.header, None)] if len(table.header) == 2 else []) + [([c for c, _ in r], r) for r in table.rows if len(r) == 2]
        for cells, row in candidates:
            if row is not None:
                pairs.append((cells[0], cells[1], row[1][1]))
    for block in blocks:
        if block.span.start >= top_end or block.kind == BlockKind.TABLE_CELL:
            continue
        for line_match in re.finditer(r"[^\n]+", text[block.span.start : block.span.end]):
            m = _META_LINE.match(line_match.group(0))
            if m:
                start = block.span.start + line_match.start() + m.start("value")
                pairs.append((m.group("key"), m.group("value"), Span(start, start + len(m.group("value")))))
    metadata_from_pairs(metadata, pairs)
