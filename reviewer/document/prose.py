"""Raw inline Markdown → prose for NLP, with an offset map back to the original text.

Code spans become the neutral word "code", link targets, URLs, images and HTML disappear,
emphasis markers and backslash escapes go; every kept character remembers where it stood.
"""

from __future__ import annotations

import re

_INLINE = re.compile(
    r"(?P<code>(?P<ticks>`+)(?:.|\n)+?(?P=ticks))"
    r"|(?P<image>!\[[^\]\n]*\]\([^)\n]*\))"
    r"|(?P<link>\[(?P<label>[^\]\n]*)\](?:\((?P<target>[^)\n]*)\)|\[[^\]\n]*\]))"
    r"|(?P<autolink><(?:https?|mailto|ftp):[^>\s]+>)"
    r"|(?P<url>\b(?:https?|ftp)://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"])"
    r"|(?P<comment><!--(?:.|\n)*?-->)"
    r"|(?P<html></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)"
    r"|(?P<escape>\\[!-/:-@\[-`{-~])"
    r"|(?P<emph>\*{1,3}|~~|(?<![A-Za-z0-9])_{1,3}|_{1,3}(?![A-Za-z0-9]))"
    r"|(?P<checkbox>^\s*\[[ xX]\]\s)"
)

CODE_WORD = "code"


def to_prose(raw: str, offsets: list[int]) -> tuple[str, list[int]]:
    """Mask `raw` (inline Markdown whose char i stood at `offsets[i]`) into prose."""
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
        if m.group("code") is not None:
            # The word stands for the whole span: its first letter maps to the opening backticks,
            # its last to the closing ones, so a prose span ending on it ends after the code.
            out.append(CODE_WORD)
            out_offsets.extend([offsets[m.start()]] * (len(CODE_WORD) - 1) + [offsets[m.end() - 1]])
        elif m.group("link") is not None:
            # keep the label, itself masked (it may hold code or emphasis)
            label_start = m.start("label")
            label, label_offsets = to_prose(m.group("label"), offsets[label_start : m.end("label")])
            out.append(label)
            out_offsets.extend(label_offsets)
        elif m.group("escape") is not None:
            keep(m.start() + 1, m.end())
        elif kind in ("image", "autolink", "url", "comment", "html", "emph", "checkbox"):
            pass
    keep(pos, len(raw))
    return "".join(out), out_offsets
