"""What a postmortem says about its cause: the spans the classifier reads and retrieval embeds.

The root cause / trigger / contributing-factor / 5-whys sections when the document has them;
else the sentences of the summary and prose that state a cause ("because", "due to",
"caused", "after", "triggered"…); else the summary. Plain string work (no model, no parse):
the parse already happened in extract.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A sentence ends at . ! ? (or a line break) followed by space and a capital, digit or quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9])|\n+")
# Words that state a cause: the strong ones first (a sentence with one is a cause span before
# any sentence with only a weak one, which may as well describe the impact).
_CAUSAL = re.compile(
    r"\b(?:because|due to|owing to|caus(?:e|ed|es|ing)|root[- ]?caus\w*|trigger\w*|led to|lead(?:s|ing)? to"
    r"|result(?:ed|ing|s)? from|as a result of|traced (?:back )?to|stem(?:med|s)? from|the reason|why"
    r"|contribut\w*|went wrong|we determined|we identified|was found|introduced)\b", re.IGNORECASE)
_WEAK_CAUSAL = re.compile(
    r"\b(?:after|when|failed|failure|broke|bug|defect|fault|misconfigur\w*|expired|ran out|exhaust\w*|overload\w*"
    r"|result(?:ed|ing|s)? in)\b", re.IGNORECASE)
# Inline labels of status-page reports written as one paragraph ("… Root Cause: … Mitigation: …"):
# the text after a cause label, up to the next label of another part, is the cause section.
_CAUSE_LABEL = re.compile(
    r"(?:(?:preliminary |final )?root causes?(?: and mitigation)?(?: analysis)?|what went wrong,? and why\??"
    r"|contributing factors?|trigger|cause)\s*[:?]\s+", re.IGNORECASE)
_OTHER_LABEL = re.compile(
    r"(?:mitigation|next steps|how did we respond\??|how are we making[^:?]*|summary of impact|customer impact"
    r"|impact|resolution|recovery|timeline|what happens next\??|provide feedback|what happened\??"
    r"|how can we make[^:?]*|detection|lessons learned)\s*[:?]\s+", re.IGNORECASE)
MAX_SPANS = 6
MAX_SPAN_CHARS = 400
MAX_CAUSE_CHARS = 1500


def sentences(text: str) -> list[str]:
    """The sentences of a text (a line break also ends one), stripped, empty ones dropped."""
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s and s.strip()]


def _clip(span: str) -> str:
    return span if len(span) <= MAX_SPAN_CHARS else span[:MAX_SPAN_CHARS].rsplit(" ", 1)[0]


def cause_spans(root_cause: str, summary: str, prose: str) -> list[str]:
    """The cause spans of a document, in document order, at most MAX_SPANS of them.

    `root_cause`: the text of its root-cause / trigger / 5-whys sections ("" when none);
    `summary`: its summary; `prose`: its whole prose."""
    if root_cause.strip():
        return [_clip(s) for s in sentences(root_cause)[:MAX_SPANS]]
    labelled = _labelled_cause(summary + "\n" + prose)
    if labelled:
        return [_clip(s) for s in sentences(labelled)[:MAX_SPANS]]
    seen: set[str] = set()
    strong, weak = [], []
    for position, sentence in enumerate(sentences(summary) + sentences(prose)):
        if sentence in seen or len(sentence.split()) < 4:
            continue
        seen.add(sentence)
        if _CAUSAL.search(sentence):
            strong.append((position, sentence))
        elif _WEAK_CAUSAL.search(sentence):
            weak.append((position, sentence))
    chosen = sorted((strong + weak)[:MAX_SPANS])  # strong first, then back in document order
    if chosen:
        return [_clip(s) for _, s in chosen]
    fallback = sentences(summary) or sentences(prose)
    return [_clip(s) for s in fallback[:2]]


def _labelled_cause(text: str) -> str:
    """The text after inline cause labels, each up to the next label of another part ("" when none)."""
    parts = []
    for match in _CAUSE_LABEL.finditer(text):
        if match.start() > 0 and text[match.start() - 1].isalnum():
            continue
        rest = text[match.end():]
        end = _OTHER_LABEL.search(rest)
        parts.append(rest[: end.start()] if end else rest)
    return " ".join(p.strip() for p in parts if p.strip())


def cause_text(root_cause: str, summary: str, prose: str) -> str:
    """The cause spans joined into one text (what the classifier reads and the "cause" field embeds)."""
    text = " ".join(cause_spans(root_cause, summary, prose))
    return text[:MAX_CAUSE_CHARS]


@dataclass(slots=True)
class CauseReading:
    """What the reviewer reads of a text's cause: the built-in category ("unknown" = None) and,
    with a team taxonomy, the team's category; the spans both were read from."""

    category: str | None
    probability: float
    spans: list[str] = field(default_factory=list)
    team_category: str | None = None
    team_probability: float | None = None

    def to_dict(self) -> dict:
        return {"category": self.category or "unknown", "probability": round(self.probability, 3),
                "team_category": self.team_category if self.team_probability is not None else None,
                "team_probability": None if self.team_probability is None else round(self.team_probability, 3),
                "spans": list(self.spans)}
