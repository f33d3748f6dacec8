"""What people and tools read: the author's own words, cut from the original text by offsets.

The analyser reads normalised prose (`ProseBlock.text`: code spans replaced by the word
"code", link targets and markers dropped) so that spaCy sees clean sentences. That prose
never leaves the analysis. Every text that is shown (API fields, pages, CLI and CI
messages, recurrence notes) is made here from the original text:

- `inline_source(text, span)`: the inline Markdown written in `span`, as the author wrote it
  (the container markers of continuation lines, "> " or list indentation, dropped);
- `plain(markdown)`: that Markdown with the markup removed — code spans keep their content,
  links keep their text (an autolink its address), emphasis markers, HTML, comments and
  images go, escapes and entities are resolved, whitespace is collapsed;
- `quote(text, start, end)`: `plain(inline_source(...))` of a span, for messages.
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import TYPE_CHECKING, NamedTuple

from markdown_it import MarkdownIt

from reviewer.document.prose import CODE_WORD, to_prose

if TYPE_CHECKING:  # the model imports this module: for the annotation only
    from reviewer.document.model import Span


class Range(NamedTuple):
    """A 0-based, half-open range of characters: anything with `start` and `end` will do here (the
    document model's Span among them), so this module needs nothing from the model that uses it."""

    start: int
    end: int


# HTML on: raw tags and comments become html_inline tokens, which are then left out (never shown).
_md = MarkdownIt("commonmark", {"html": True}).enable(["strikethrough"])
# Continuation lines of a list item or a blockquote carry the container's markers.
_CONTAINER_PREFIX = re.compile(r"\n[ \t]*(?:>[ \t]?)*[ \t]*")
CHECKBOX = re.compile(r"^\s*\[[ xX]\]\s+")
# "[label][ref]" and "[label][]": an inline parse does not know the document's reference
# definitions, so the label stands for the link (as the prose does).
_REFERENCE_LINK = re.compile(r"(?<!!)\[([^\]\n]+)\]\[[^\]\n]*\]")
_WHITESPACE = re.compile(r"\s+")


def inline_source(text: str, span: Range) -> str:
    """The inline Markdown in `span` of `text`, continuation lines joined without their container markers."""
    start, end = max(0, span.start), min(len(text), span.end)
    return _CONTAINER_PREFIX.sub("\n", text[start:end]).strip()


def resolve_reference_links(markdown: str) -> str:
    return _REFERENCE_LINK.sub(lambda m: m.group(1), markdown) if "][" in markdown else markdown


def plain(markdown: str) -> str:
    """Inline Markdown → the words a reader sees, markup removed, whitespace collapsed."""
    if not markdown:
        return ""
    source = resolve_reference_links(markdown)
    if not any(ch in source for ch in "`*_[]<>&\\~!"):
        return _WHITESPACE.sub(" ", source).strip()
    try:
        tokens = _md.parseInline(source)
    except Exception:  # noqa: BLE001 - a parser oddity must not hide the author's text
        return _WHITESPACE.sub(" ", source).strip()
    out: list[str] = []
    for block in tokens:
        for token in block.children or []:
            if token.type in ("text", "code_inline"):
                out.append(token.content)
            elif token.type in ("softbreak", "hardbreak"):
                out.append(" ")
    return _WHITESPACE.sub(" ", "".join(out)).strip()


def quote(text: str, start: int, end: int, limit: int | None = None) -> str:
    """The words written in text[start:end], markup removed; cut to `limit` characters with "…".

    For a span inside a block, `quote_in_block` reads the markup of the whole block (a span may
    start or end inside emphasis)."""
    return _cut(plain(inline_source(text, Range(start, end))), limit)


def _cut(shown: str, limit: int | None) -> str:
    if limit is not None and len(shown) > limit:
        shown = shown[: max(limit - 1, 0)].rstrip() + "…"
    return shown


def source_with_offsets(text: str, span: Range) -> tuple[str, list[int]]:
    """The inline Markdown in `span` and each char's offset in `text`, continuation lines without
    their container markers."""
    start, end = max(0, span.start), min(len(text), span.end)
    chars: list[str] = []
    offsets: list[int] = []
    pos = start
    for m in _CONTAINER_PREFIX.finditer(text, start, end):
        chars.append(text[pos : m.start() + 1])  # up to and with the newline
        offsets.extend(range(pos, m.start() + 1))
        pos = m.end()
    chars.append(text[pos:end])
    offsets.extend(range(pos, end))
    return "".join(chars), offsets


def quote_in_blocks(text: str, blocks, start: int, end: int, limit: int | None = None) -> str:
    """The words shown of text[start:end], read through the blocks (ProseBlock) it overlaps: the
    markup of each whole block decides what is markup, so a span cut inside "**…**" or a code
    span quotes words, never stray markers or the analyser's placeholder."""
    pieces: list[str] = []
    for block in blocks:
        words, where, ordered = _shown_block(text, block.span.start, block.span.end)
        if ordered:  # the characters standing in [start, end), found by bisection
            pieces.append(words[bisect.bisect_left(where, start) : bisect.bisect_left(where, end)])
        else:
            pieces.append("".join(ch for ch, at in zip(words, where) if start <= at < end))
    shown = _WHITESPACE.sub(" ", " ".join(pieces)).strip()
    return _cut(shown, limit) if shown else quote(text, start, end, limit)


@functools.lru_cache(maxsize=32)
def _shown_block(text: str, start: int, end: int) -> tuple[str, list[int], bool]:
    """A block's shown words and where each stood, read once per block, not once per finding
    quoted from it (that was quadratic in a long paragraph full of findings). `text` hashes
    once (str caches its hash), and a hit compares the same object."""
    raw, offsets = source_with_offsets(text, Range(start, end))
    words, where = to_prose(CHECKBOX.sub(lambda m: " " * len(m.group(0)), raw, count=1), offsets, shown=True)
    ordered = all(a <= b for a, b in zip(where, where[1:]))
    return words, where, ordered


_PLACEHOLDER_WORD = re.compile(rf"\b{CODE_WORD}\b")


def restore_code(words: str, text: str, blocks, sentence: Span, *, markdown: bool) -> str:
    """Words built from the analyser's tokens of a sentence (a rewrite), with each placeholder for
    inline code given back its code: as written (`x`, for text that goes into the document) when
    `markdown`, else its content. The n-th "code" of `words` is the n-th one of the sentence,
    whether the author wrote the word or a code span (rewrites keep the order of their words)."""
    if CODE_WORD not in words:
        return words
    slots: list[str] = []
    for block in blocks:
        for m in _PLACEHOLDER_WORD.finditer(block.text):
            at = block.offsets[m.start()] if m.start() < len(block.offsets) else -1
            if not sentence.contains(at):
                continue
            code = re.match(r"(`+)((?:.|\n)+?)\1", text[at:]) if text.startswith("`", at) else None
            if code is None:
                slots.append(m.group(0))
            else:
                content = code.group(2).strip() if code.group(2).strip() else code.group(2)
                slots.append(code.group(0) if markdown else content)
    if not slots:
        return words
    taken = iter(slots)
    return _PLACEHOLDER_WORD.sub(lambda m: next(taken, m.group(0)), words)
