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


def _code_restorer(ctx: CheckContext, signal: BlameSignal):
    """words → the same words with the sentence's inline code given back (as written when `markdown`)."""
    blocks = ctx.doc.blocks_overlapping(signal.sentence.start, signal.sentence.end)

    def shown(words: str | None, markdown: bool = False) -> str | None:
        return restore_code(words, ctx.doc.text, blocks, signal.sentence, markdown=markdown) if words else words

    return shown


def hits(ctx: CheckContext, kind: str, fallback_advice: str) -> Iterator[Hit]:
    """Hits for every signal of `kind`: a clean drop-in rewrite goes into `replacements`,
    any other rewrite (or, without one, the rule's advice) into the message."""
    for signal in signals_of(ctx, kind):
        # Message, words and rewrite are built from the analyser's tokens, where inline code reads
        # "code": each gets its code back (as written in a rewrite that goes into the document).
        shown = _code_restorer(ctx, signal)
        message = shown(signal.message)
        replacements: list[str] = []
        rewrite = shown(signal.rewrite, markdown=signal.dropin)
        if rewrite and signal.dropin:
            replacements = [rewrite]
        elif rewrite:
            message += f" For example: \u201c{rewrite}\u201d"
        elif fallback_advice:
            message += f" {fallback_advice}"
        data = {"trigger": shown(signal.trigger), "kind": signal.kind, "rule_prior": signal.prior}
        if signal.agent:
            data["agent"] = shown(signal.agent)
        if rewrite:
            data["rewrite"] = rewrite
        if signal.classifier is not None:
            data["classifier"] = signal.classifier
        if "found_by" in signal.data:
            data["found_by"] = signal.data["found_by"]  # "model": the sentence model alone, no parse pattern
        yield Hit(signal.span.start, signal.span.end, message, replacements=replacements,
                  confidence=signal.confidence, data=data)
