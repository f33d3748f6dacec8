"""The blame sentence classifier: features from the spaCy parse, the skops model, scoring.

Features are computed from the parse the pipeline already made (no second spaCy run): the
sentence's lemmas with people, numbers and times replaced by placeholders (so the model
learns "PER forget to renew", not names), plus a few parse markers (a person subject, a
modal + have, negation, a passive, a conditional). A hashing vectorizer turns them into
n-grams for a linear model, which keeps scoring to a fraction of a millisecond a sentence.

The model is loaded once per process (like the spaCy pipeline). When it is missing the blame
rules still run on the parse alone, and say so in the log.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from reviewer.nlp import blame_lexicon as lex
from reviewer.resources import models_dir

log = logging.getLogger("pmreview")

MODEL_FILE = "blame.skops"
LABELS = ("none", "person-fault", "human-error-cause", "counterfactual", "judgmental")

_lock = threading.Lock()
_model: Any = None
_model_missing = False


def sentence_features(sent: Any, allowlist: frozenset[str] = frozenset()) -> str:
    """One string of space-separated features for a spaCy sentence (Span or Doc)."""
    from reviewer.nlp.blame import _modal_perfect, person_strength

    words: list[str] = []
    markers: set[str] = set()
    for token in sent:
        if token.is_space or (token.is_punct and token.text not in ("?", "!")):
            continue
        strength = person_strength(token, allowlist) if token.pos_ in ("PROPN", "PRON", "NOUN") else 0.0
        lower = token.lower_
        if strength == 1.0 and token.pos_ == "PROPN" or token.text.startswith("@"):
            word = "PER"
        elif strength > 0 and token.pos_ == "PRON":
            word = lower
        elif token.like_num or token.ent_type_ in ("TIME", "DATE", "CARDINAL", "QUANTITY", "PERCENT", "MONEY"):
            word = "NUM"
        elif token.pos_ == "PROPN":
            word = "NAME"
        else:
            word = token.lemma_.lower()
        words.append(word)
        if token.dep_ in ("nsubj", "agent", "pobj") and strength == 1.0:
            markers.add("M_PERSON_SUBJ" if token.dep_ == "nsubj" else "M_PERSON_AGENT")
        if token.dep_ == "nsubj" and strength == 0.0 and token.pos_ in ("NOUN", "PROPN"):
            markers.add("M_THING_SUBJ")
        if token.dep_ == "neg":
            markers.add("M_NEG")
        if token.dep_ == "auxpass":
            markers.add("M_PASSIVE")
        if token.dep_ == "mark" and lower == "if":
            markers.add("M_IF")
        if token.tag_ == "VBN" and token.pos_ in ("VERB", "AUX") and _modal_perfect(token) is not None:
            markers.add("M_MODAL_PERFECT")
        if lower in lex.FAULT_ADVERBS:
            markers.add("M_FAULT_ADV")
        if token.lemma_.lower() in lex.FAULT_VERBS:
            markers.add("M_FAULT_VERB")
        if token.lemma_.lower() in lex.JUDGEMENT_WORDS or lower in lex.JUDGEMENT_WORDS:
            markers.add("M_JUDGEMENT")
    return " ".join(words + sorted(markers))


def model_path() -> Path:
    return models_dir() / MODEL_FILE


def load_model(path: Path | None = None) -> Any:
    """The trained pipeline (HashingVectorizer + LogisticRegression), or None when not built."""
    global _model, _model_missing
    with _lock:
        if _model is not None or (_model_missing and path is None):
            return _model
        target = path or model_path()
        if not target.is_file():
            _model_missing = True
            log.warning("blame classifier %s is missing; blame rules use the parse alone "
                        "(rebuild: python -m reviewer.training.build blame)", target)
            return None
        import skops.io as sio

        untrusted = sio.get_untrusted_types(file=target)
        allowed = [t for t in untrusted if t.startswith(("sklearn.", "numpy.", "scipy.", "builtins."))]
        model = sio.load(target, trusted=allowed)
        if path is None:
            _model = model
        return model


def blame_probabilities(model: Any, features: list[str]) -> list[float]:
    """P(any blame label) for each feature string."""
    if not features:
        return []
    probabilities = model.predict_proba(features)
    classes = list(model.classes_)
    none_index = classes.index("none")
    return [float(1.0 - row[none_index]) for row in probabilities]


def score_sentences(sentences: list[Any], allowlist: frozenset[str] = frozenset()) -> list[float | None]:
    """P(blame) for each spaCy sentence; None for each when the model is not available."""
    model = load_model()
    if model is None:
        return [None] * len(sentences)
    return blame_probabilities(model, [sentence_features(s, allowlist) for s in sentences])
