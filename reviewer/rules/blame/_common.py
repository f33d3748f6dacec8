"""What the blame rules share: turning a BlameSignal into a Hit (message, rewrite, confidence)."""

from __future__ import annotations

from collections.abc import Iterator

from reviewer.document.shown import restore_code
from reviewer.nlp.blame import BlameSignal, blame_signals
from reviewer.rules.base import CheckContext, Hit


def signals_of(ctx: CheckContext, kind: str) -> list[BlameSignal]:
    if ctx.analysis is None:
        return []
    return [s for s in blame_signals(ctx.analysis, ctx.config) if s.kind == kind]


def hits(ctx: CheckContext, kind: str, fallback_advice: str) -> Iterator[Hit]:
    """Hits for every signal of `kind`: a clean drop-in rewrite goes into `replacements`,
    any other rewrite (or, without one, the rule's advice) into the message."""
    for signal in signals_of(ctx, kind):
        message = signal.message
        replacements: list[str] = []
        rewrite = signal.rewrite
        if rewrite:
            # Built from the analyser's tokens: its inline code reads "code" until given back.
            blocks = ctx.doc.blocks_overlapping(signal.sentence.start, signal.sentence.end)
            rewrite = restore_code(signal.rewrite, ctx.doc.text, blocks, signal.sentence, markdown=signal.dropin)
        if rewrite and signal.dropin:
            replacements = [rewrite]
        elif rewrite:
            message += f" For example: \u201c{rewrite}\u201d"
        elif fallback_advice:
            message += f" {fallback_advice}"
        data = {"trigger": signal.trigger, "kind": signal.kind, "rule_prior": signal.prior}
        if signal.agent:
            data["agent"] = signal.agent
        if rewrite:
            data["rewrite"] = rewrite
        if signal.classifier is not None:
            data["classifier"] = signal.classifier
        yield Hit(signal.span.start, signal.span.end, message, replacements=replacements,
                  confidence=signal.confidence, data=data)
