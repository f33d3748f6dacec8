"""Positions: 0-based code-point offsets → lines, columns, UTF-16 and UTF-8 offsets.

Everything inside pmreview speaks 0-based code-point offsets into the original text. Output
formats and API clients want other units:

- lines and columns, 1-based (text, JSON, JUnit, GitHub: columns in code points);
- UTF-16 code units (SARIF's default `columnKind`, LanguageTool and LSP clients, browsers);
- UTF-8 bytes (tools that index the file as bytes).

`LineIndex(text)` is built once per text (O(n), a few regex scans) and answers each query
in O(log n) with `bisect`, so rendering thousands of findings on a large file stays cheap.

Line terminators are `\\r\\n`, `\\n` and a lone `\\r` — what CommonMark (and so the parser),
LSP and editors count; Unicode line separators (U+2028, …) are not line breaks here.
Offsets outside the text are clamped to `[0, len(text)]`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # two UTF-16 code units, four UTF-8 bytes
_NON_ASCII = re.compile("[^\x00-\x7f]")


def utf8_width(char: str) -> int:
    """Bytes of one code point in UTF-8 (a lone surrogate counts as the 3 bytes it would take)."""
    code = ord(char)
    if code < 0x80:
        return 1
    if code < 0x800:
        return 2
    if code < 0x10000:
        return 3
    return 4


class LineIndex:
    """Lines, columns and other offset units for one text.

        index = LineIndex(text)
        index.line_col(offset)        # (line, column): 1-based, column in code points
        index.line_col_utf16(offset)  # (line, column): 1-based, column in UTF-16 code units
        index.utf16_offset(offset)    # 0-based offset in UTF-16 code units
        index.byte_offset(offset)     # 0-based offset in UTF-8 bytes
        index.line_text(line)         # the line's text without its terminator
    """

    __slots__ = ("text", "_starts", "_content_ends", "_astral", "_non_ascii", "_extra_bytes")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        content_ends = []
        for match in _LINE_BREAK.finditer(text):
            content_ends.append(match.start())
            starts.append(match.end())
        content_ends.append(len(text))
        self._starts = starts  # offset where each line begins
        self._content_ends = content_ends  # offset where each line's terminator (or the text) begins
        self._astral: list[int] | None = None  # built on first UTF-16 query
        self._non_ascii: list[int] | None = None  # built on first byte query
        self._extra_bytes: list[int] | None = None

    def __len__(self) -> int:
        return len(self.text)

    @property
    def line_count(self) -> int:
        """Lines in the text: an empty text has one (empty) line; a final newline opens one more."""
        return len(self._starts)

    def clamp(self, offset: int) -> int:
        return max(0, min(int(offset), len(self.text)))

    def line_of(self, offset: int) -> int:
        """1-based line of the code point at `offset`."""
        return bisect_right(self._starts, self.clamp(offset))

    def line_start(self, line: int) -> int:
        """Offset where 1-based `line` begins."""
        return self._starts[self._line_number(line) - 1]

    def line_end(self, line: int) -> int:
        """Offset where 1-based `line`'s content ends (before its terminator)."""
        return self._content_ends[self._line_number(line) - 1]

    def line_text(self, line: int) -> str:
        """The text of 1-based `line`, without its line terminator."""
        number = self._line_number(line)
        return self.text[self._starts[number - 1]:self._content_ends[number - 1]]

    def line_col(self, offset: int) -> tuple[int, int]:
        """(line, column), both 1-based, the column counted in code points."""
        offset = self.clamp(offset)
        line = bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1

    def line_col_utf16(self, offset: int) -> tuple[int, int]:
        """(line, column), both 1-based, the column counted in UTF-16 code units (SARIF, LSP)."""
        offset = self.clamp(offset)
        line = bisect_right(self._starts, offset)
        return line, self.utf16_offset(offset) - self.utf16_offset(self._starts[line - 1]) + 1

    def utf16_offset(self, offset: int) -> int:
        """0-based offset in UTF-16 code units: each astral code point before it counts twice."""
        offset = self.clamp(offset)
        if self._astral is None:
            self._astral = [m.start() for m in _ASTRAL.finditer(self.text)]
        return offset + bisect_left(self._astral, offset)

    def utf16_length(self, start: int, end: int) -> int:
        """Length of `[start, end)` in UTF-16 code units."""
        return max(0, self.utf16_offset(end) - self.utf16_offset(start))

    def byte_offset(self, offset: int) -> int:
        """0-based offset in UTF-8 bytes."""
        offset = self.clamp(offset)
        if self._non_ascii is None:
            positions, extra, total = [], [], 0
            for match in _NON_ASCII.finditer(self.text):
                positions.append(match.start())
                total += utf8_width(match.group()) - 1
                extra.append(total)
            self._non_ascii, self._extra_bytes = positions, extra
        before = bisect_left(self._non_ascii, offset)  # non-ASCII code points before `offset`
        return offset + (self._extra_bytes[before - 1] if before else 0)

    def offset_of(self, line: int, column: int) -> int:
        """The code-point offset of a 1-based (line, column in code points); clamped to the line."""
        number = self._line_number(line)
        start = self._starts[number - 1]
        return max(start, min(start + int(column) - 1, self._content_ends[number - 1]))

    def _line_number(self, line: int) -> int:
        if not 1 <= line <= len(self._starts):
            raise IndexError(f"line {line} is outside 1..{len(self._starts)}")
        return int(line)


def is_document_level(start: int, end: int) -> bool:
    """A finding about the whole document (a missing section): the engine reports those at 0:0."""
    return start == 0 and end == 0
