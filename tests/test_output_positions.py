"""LineIndex: lines, columns, UTF-16 and UTF-8 offsets, checked against slow direct computations."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.output.positions import LineIndex, is_document_level

BREAK = re.compile(r"\r\n|\r|\n")


def slow_line_col(text: str, offset: int) -> tuple[int, int]:
    """Walk the text: the reference the fast index must agree with."""
    line_start, line = 0, 1
    for match in BREAK.finditer(text):
        if match.end() > offset:
            break
        line_start, line = match.end(), line + 1
    return line, offset - line_start + 1


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


tricky = st.sampled_from(list("ab \t\r\n\u00e9\u4e2d\U0001f680\U0001d4bb\u200d\ud800"))
texts = st.text(alphabet=tricky | st.characters(), max_size=60)


@settings(max_examples=200, deadline=None)
@given(text=texts, data=st.data())
def test_every_unit_agrees_with_a_direct_computation(text, data):
    index = LineIndex(text)
    offset = data.draw(st.integers(0, len(text)))
    assert index.line_col(offset) == slow_line_col(text, offset)
    assert index.utf16_offset(offset) == utf16_units(text[:offset])
    assert index.byte_offset(offset) == len(text[:offset].encode("utf-8", "surrogatepass"))
    line, column = index.line_col(offset)
    line_start = offset - column + 1
    assert index.line_col_utf16(offset) == (line, utf16_units(text[line_start:offset]) + 1)
    assert index.offset_of(line, column) == offset or text[line_start:offset].endswith("\r")
    assert index.line_count == len(BREAK.findall(text)) + 1


def test_crlf_and_lone_cr_each_end_one_line():
    text = "one\r\ntwo\rthree\nfour"
    index = LineIndex(text)
    assert index.line_count == 4
    assert [index.line_text(n) for n in range(1, 5)] == ["one", "two", "three", "four"]
    assert index.line_col(text.index("two")) == (2, 1)
    assert index.line_col(text.index("three")) == (3, 1)
    assert index.line_col(text.index("four") + 2) == (4, 3)
    assert index.line_end(1) == 3 and index.line_start(2) == 5


def test_astral_character_counts_once_in_columns_twice_in_utf16():
    text = "ok\n\U0001f680 Dave forgot"
    index = LineIndex(text)
    start = text.index("Dave")
    assert index.line_col(start) == (2, 3)
    assert index.line_col_utf16(start) == (2, 4)
    assert index.utf16_offset(start) == start + 1
    assert index.byte_offset(start) == start + 3
    assert index.utf16_length(start - 2, start) == 3


def test_ends_empty_text_and_out_of_range_offsets():
    empty = LineIndex("")
    assert empty.line_col(0) == (1, 1)
    assert empty.line_text(1) == ""
    text = "a\n"
    index = LineIndex(text)
    assert index.line_col(len(text)) == (2, 1)  # after the final newline: an empty last line
    assert index.line_col(999) == (2, 1)  # clamped
    assert index.line_col(-5) == (1, 1)
    with pytest.raises(IndexError):
        index.line_text(3)


def test_document_level_is_only_the_empty_span_at_zero():
    assert is_document_level(0, 0)
    assert not is_document_level(0, 1)
    assert not is_document_level(5, 5)


def test_a_long_text_is_indexed_once_and_queried_cheaply():
    # Not timed: counts the work. Queries must not rescan the text (the index keeps its tables).
    text = ("line with \U0001f680 emoji and caf\u00e9\r\n" * 5000)
    index = LineIndex(text)
    offsets = list(range(0, len(text) + 1, len(text) // 40))
    assert [index.line_col(o) for o in offsets] == [slow_line_col(text, o) for o in offsets]
    assert index._astral is None  # built lazily, on the first UTF-16 query
    index.utf16_offset(len(text))
    assert len(index._astral) == 5000
