"""Blame detection: one entry point, `blame_signals`, that the blame rules (PM201–PM206) call.

The parts, each in its module:

- `agents`: who does what (people as agents, negation, modality, conditions, quotation);
- `detectors`: the parse patterns, one per kind of blame, and which sentences are the author's;
- `features` and `model`: the sentence model (parse markers + placeholder n-grams + MiniLM
  word-piece vectors → a calibrated logistic regression), scored only on candidate sentences;
- `lexicon`: the word lists; `rewrites`: system-focused rewrites and advice;
- `signals`: what is reported (`BlameSignal`, one kind per rule).

How the two sources are joined, per authored sentence: a strong parse signal is reported unless
the model gives it less than `veto` (0: the strong patterns are precise on their own, and the
model, trained on shorter sentences than real prose has, vetoed true findings there); a weak
one only when the model agrees (`confirm`);
a candidate sentence with no parse signal is reported on the model's word alone when it is
confident (`alone`), as the kind the model finds most likely. The thresholds are settings of
the saved model (models/blame.json), chosen on cross-validated scores of our own training data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewer.nlp.blame.detectors import authored_sentences, detect, detect_sentence
from reviewer.nlp.blame.features import candidate, may_report_alone, reported_kind
from reviewer.nlp.blame.model import BlameModel, load_model
from reviewer.nlp.blame.rewrites import model_rewrite, participle
from reviewer.nlp.blame.signals import (COUNTERFACTUAL, HUMAN_ERROR, JUDGEMENT, MINIMISER, MODEL_ONLY,
                                        PERSON_ACTION, PERSON_FAULT, BlameSignal)

if TYPE_CHECKING:
    from reviewer.config import Config
    from reviewer.nlp.analysis import Analysis

__all__ = ["COUNTERFACTUAL", "HUMAN_ERROR", "JUDGEMENT", "MINIMISER", "PERSON_ACTION", "PERSON_FAULT", "BlameSignal",
           "blame_signals", "detect", "load_model", "participle", "review_block"]

# Kinds the sentence model was trained on (the rest are judged by the parse alone).
CLASSIFIED_KINDS = (PERSON_FAULT, HUMAN_ERROR, COUNTERFACTUAL, JUDGEMENT)
DEFAULT_THRESHOLDS = {"veto": 0.0, "confirm": 0.5, "alone": 0.9}


def _combine(signal: BlameSignal, probability: float | None, thresholds: dict[str, float]) -> BlameSignal | None:
    """The parse signal and the model together: a veto of a strong signal, a confirmation of a weak one."""
    if signal.kind not in CLASSIFIED_KINDS or probability is None:
        signal.confidence = round(signal.prior, 3)
        return signal
    signal.classifier = round(probability, 3)
    if signal.strong and probability < thresholds["veto"]:
        return None
    if not signal.strong and probability < thresholds["confirm"]:
        return None
    signal.confidence = round(min(0.99, 0.5 * signal.prior + 0.5 * probability + (0.1 if signal.strong else 0.0)), 3)
    return signal


def review_block(alone: Analysis, model: BlameModel | None, allowlist: frozenset[str],
                 thresholds: dict[str, float] | None = None) -> list[BlameSignal]:
    """Every blame signal of the authored sentences of `alone` (one block, see Analysis.per_block)."""
    limits = thresholds or (model.settings.thresholds if model is not None else DEFAULT_THRESHOLDS)
    out: list[BlameSignal] = []
    for sentence, kind, in_action in authored_sentences(alone):
        found = detect_sentence(sentence, kind, in_action, allowlist)
        classified = [s for s in found if s.kind in CLASSIFIED_KINDS]
        scored = None
        if model is not None and (classified or candidate(sentence.sent, allowlist)):
            scored = model.score_with_markers(sentence.sent, allowlist)
        for signal in found:
            kept = _combine(signal, scored[0] if scored else None, limits)
            if kept is not None:
                out.append(kept)
        if scored is not None and not classified and scored[0] >= limits["alone"] and not in_action:
            kind = reported_kind(scored[2], scored[1])
            if may_report_alone(scored[2], sentence.sent, kind):
                out.append(_model_signal(sentence, scored[0], kind, allowlist))
    return out


_MESSAGES = {
    PERSON_FAULT: ("This sentence makes {who} the cause of the failure. Describe what the system allowed or failed "
                   "to catch, not who slipped: “The alert was not acted on: it paged one person and nothing escalated it.”"),
    HUMAN_ERROR: ("\"Human error\" is offered as the cause. It is where an investigation starts: name the conditions "
                  "that made the mistake possible and let it reach production: “The script accepted a production target "
                  "without asking for confirmation.”"),
    COUNTERFACTUAL: ("Hindsight judges what someone should have done. State what happened and what made the better "
                     "choice hard to see at the time: “No test covered the migration, and the review checklist does not ask "
                     "for one.”"),
    JUDGEMENT: ("This judges someone's competence or state of mind. Describe the action and its conditions; the "
                "judgement teaches nothing and makes people hide mistakes: “The change went out without a second "
                "review; nothing in the tool asks for one.”"),
}


def _model_signal(sentence, probability: float, kind: str, allowlist: frozenset[str]) -> BlameSignal:
    rewrite, agent = model_rewrite(sentence, kind, allowlist)
    who = f"\u201c{agent}\u201d" if agent else "a person"
    return BlameSignal(
        kind=kind, span=sentence.span, sentence=sentence.span, trigger=sentence.sent.text.strip()[:80],
        message=_MESSAGES[kind].format(who=who), prior=probability, strong=False, agent=agent, rewrite=rewrite,
        dropin=False, confidence=round(min(0.99, probability), 3), classifier=round(probability, 3),
        data={"found_by": MODEL_ONLY}, sent=sentence.sent)


def blame_signals(analysis: Analysis, config: Config) -> list[BlameSignal]:
    """The blame findings of a document, computed once per analysis for every blame rule,
    and once per block across reviews (an unchanged paragraph keeps its findings)."""
    allowlist = frozenset(w.strip().lower().lstrip("@") for w in (config.blame_allowlist or []) if w.strip())
    model = load_model()
    return analysis.shared("blame:" + ",".join(sorted(allowlist)),
                           lambda a: a.per_block("blame", lambda alone: review_block(alone, model, allowlist),
                                                 key=(allowlist, id(model))))
