"""What blame detection reports: the kinds (one per rule) and the signal found in a sentence."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from reviewer.document import ProseBlock, Span

PERSON_FAULT = "person-fault"
HUMAN_ERROR = "human-error-cause"
COUNTERFACTUAL = "counterfactual"
JUDGEMENT = "judgmental"
MINIMISER = "minimiser"
PERSON_ACTION = "person-action-item"
MODEL_ONLY = "model"  # how a signal was found: by the sentence model alone (no parse pattern)

@dataclass(slots=True)
class BlameSignal:
    kind: str
    span: Span  # what to flag, in the original text
    sentence: Span
    trigger: str  # the words that made it
    message: str
    prior: float
    strong: bool = True
    agent: str | None = None
    rewrite: str | None = None  # a system-focused sentence or phrase
    dropin: bool = False  # `rewrite` replaces `span` as it stands
    confidence: float = 0.0
    classifier: float | None = None  # P(blame) of the sentence, when it was scored
    data: dict[str, Any] = field(default_factory=dict)
    sent: Any = None  # the spaCy sentence it was found in (for the classifier; never serialised)

    def moved(self, delta: int, block: ProseBlock) -> BlameSignal:
        return replace(self, span=Span(self.span.start + delta, self.span.end + delta),
                       sentence=Span(self.sentence.start + delta, self.sentence.end + delta), data=dict(self.data))

