"""Raw inline Markdown → prose for NLP, with an offset map back to the original text.

Code spans become the neutral word "code", link targets, URLs, images and HTML disappear,
emphasis markers and backslash escapes go; every kept character remembers where it stood.
"""

from __future__ import annotations

import re

# Linear in the text, whatever it holds: a backtick run opens code only where it starts (at
# most 16 long) and looks at most 2,000 characters ahead for its closing run; labels and
# targets stop at the next "[" and comments at the next "<!--", so no run is read again from a
# later opener; bare URLs are read at most 2,048 characters far.
_INLINE = re.compile(
    r"(?P<code>(?<!`)(?P<ticks>`{1,16}+)(?!`)(?:.|\n){1,2000}?(?P=ticks))"
    r"|(?P<image>!\[[^\[\]\n]*+\]\([^)\n\[]*+\))"
    r"|(?P<link>\[(?P<label>[^\[\]\n]*+)\](?:\((?P<target>[^)\n\[]*+)\)|\[[^\[\]\n]*+\]))"
    r"|(?P<autolink><(?:https?|mailto|ftp):[^>\s]++>)"
    r"|(?P<url>\b(?:https?|ftp)://[^\s<>()\[\]]{1,2047}[^\s<>()\[\].,;:!?'\"])"
    r"|(?P<comment><!--(?:(?!<!--)(?:.|\n))*?-->)"
    r"|(?P<html></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)"
    r"|(?P<escape>\\[!-/:-@\[-`{-~])"
    r"|(?P<emph>\*{1,3}|~~|(?<![A-Za-z0-9])_{1,3}|_{1,3}(?![A-Za-z0-9]))"
    r"|(?P<checkbox>^\s*\[[ xX]\]\s)"
)

CODE_WORD = "code"


def to_prose(raw: str, offsets: list[int], *, shown: bool = False) -> tuple[str, list[int]]:
    """Mask `raw` (inline Markdown whose char i stood at `offsets[i]`) into prose.

    `shown`: the words a reader sees instead (for quotes in messages): code spans keep their
    content and URLs stay; markers, link targets, HTML and images go as in the prose."""
    out: list[str] = []
    out_offsets: list[int] = []

    def keep(start: int, end: int) -> None:
        out.append(raw[start:end])
        out_offsets.extend(offsets[start:end])

    pos = 0
    for m in _INLINE.finditer(raw):
        keep(pos, m.start())
        pos = m.end()
        kind = m.lastgroup
        if m.group("code") is not None and shown:
            ticks = len(m.group("ticks"))
            inner_start, inner_end = m.start() + ticks, m.end() - ticks
            if inner_end - inner_start >= 2 and raw[inner_start] == " " and raw[inner_end - 1] == " ":
                inner_start, inner_end = inner_start + 1, inner_end - 1  # CommonMark strips one space each side
            keep(inner_start, inner_end)
        elif m.group("code") is not None:
            # The word stands for the whole span: its first letter maps to the opening backticks,
            # its last to the closing ones, so a prose span ending on it ends after the code.
            out.append(CODE_WORD)
            out_offsets.extend([offsets[m.start()]] * (len(CODE_WORD) - 1) + [offsets[m.end() - 1]])
        elif m.group("link") is not None:
            # keep the label, itself masked (it may hold code or emphasis)
            label_start = m.start("label")
            label, label_offsets = to_prose(m.group("label"), offsets[label_start : m.end("label")], shown=shown)
            out.append(label)
            out_offsets.extend(label_offsets)
        elif m.group("escape") is not None:
            keep(m.start() + 1, m.end())
        elif shown and kind == "url":
            keep(m.start(), m.end())
        elif shown and kind == "autolink":
            keep(m.start() + 1, m.end() - 1)
        elif kind in ("image", "autolink", "url", "comment", "html", "emph", "checkbox"):
            pass
    keep(pos, len(raw))
    return "".join(out), out_offsets
