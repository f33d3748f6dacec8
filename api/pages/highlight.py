"""The postmortem text cut into pieces for the review page: plain text, highlighted spans, pins.

Findings carry exact 0-based code-point spans (`start`, `end`, half-open). Spans overlap
freely (a sentence flagged as blameful inside a section flagged as thin), so the text is cut
at every span boundary; each piece knows every finding that covers it and links to the most
specific one (the shortest span). Zero-width findings (a missing section, reported at the
place it should be) become a numbered pin at their position.

Nothing here escapes HTML: the template does, for every piece.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


class Span(Protocol):
    start: int
    end: int
    severity: str


SEVERITY_RANK = {"error": 3, "warning": 2, "suggestion": 1}


@dataclass(slots=True)
class Piece:
    """One run of the text. `covering`: finding numbers (1-based) over it, most specific first.

    `anchors`: finding numbers whose span starts here (the page puts `id="h-N"` there);
    `pins`: zero-width findings at this position (the text is then empty).
    """

    text: str
    start: int
    end: int
    covering: list[int] = field(default_factory=list)
    anchors: list[int] = field(default_factory=list)
    pins: list[int] = field(default_factory=list)

    @property
    def primary(self) -> int | None:
        return self.covering[0] if self.covering else None


def cut(text: str, findings: Sequence[Span]) -> list[Piece]:
    """Pieces that, joined, give back `text` exactly; finding i of `findings` is number i + 1.

    Spans outside the text are clamped to it (an offset from a stale client must not break
    the page); a span with end < start counts as zero-width.
    """
    length = len(text)
    spans: list[tuple[int, int, int]] = []  # (start, end, number)
    pins: dict[int, list[int]] = {}
    for number, finding in enumerate(findings, 1):
        start = max(0, min(int(finding.start), length))
        end = max(start, min(int(finding.end), length))
        if end == start:
            pins.setdefault(start, []).append(number)
        else:
            spans.append((start, end, number))

    def specificity(number: int) -> tuple[int, int, int]:
        start, end, _ = by_number[number]
        return (end - start, -SEVERITY_RANK.get(findings[number - 1].severity, 0), number)

    by_number = {number: (start, end, number) for start, end, number in spans}
    boundaries = sorted({0, length, *pins, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    starting: dict[int, list[int]] = {}
    ending: dict[int, list[int]] = {}
    for start, end, number in spans:
        starting.setdefault(start, []).append(number)
        ending.setdefault(end, []).append(number)

    pieces: list[Piece] = []
    active: set[int] = set()
    for position, following in zip(boundaries, boundaries[1:] + [None]):
        for number in ending.get(position, ()):
            active.discard(number)
        opened = sorted(starting.get(position, ()))
        active.update(opened)
        if position in pins:
            pieces.append(Piece(text="", start=position, end=position, pins=pins[position]))
        if following is None or following == position:
            continue
        pieces.append(Piece(text=text[position:following], start=position, end=following,
                            covering=sorted(active, key=specificity), anchors=opened))
    return pieces
