"""The root-cause category of an incident, from the classifier trained on data/training/root_causes*.jsonl.

The model (models/root_causes.skops, see models/root_causes.md) is a scikit-learn pipeline
over the root-cause text; `python -m reviewer.training.build root_causes` rebuilds it.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from reviewer.corpus.types import ROOT_CAUSE_CATEGORIES
from reviewer.errors import ModelUnavailable
from reviewer.resources import models_dir

log = logging.getLogger("pmreview")

MODEL_FILE = "root_causes.skops"


class CategoryClassifier(Protocol):
    """Texts → probabilities over ROOT_CAUSE_CATEGORIES (columns in that order)."""

    def probabilities(self, texts: list[str]) -> np.ndarray: ...


def model_path() -> Path:
    return models_dir() / MODEL_FILE


def load_pipeline(path: Path | None = None):
    """The trained scikit-learn pipeline, read with skops (only the types it was saved with)."""
    import skops.io as sio

    path = path or model_path()
    if not path.exists():
        raise ModelUnavailable(f"the root-cause model {path} is missing; "
                               "rebuild it with `python -m reviewer.training.build root_causes`")
    untrusted = sio.get_untrusted_types(file=path)
    allowed = [t for t in untrusted if t.startswith(("sklearn.", "numpy.", "scipy.", "reviewer.", "builtins."))]
    if len(allowed) != len(untrusted):
        raise ModelUnavailable(f"{path} holds types pmreview does not load: {sorted(set(untrusted) - set(allowed))}")
    return sio.load(path, trusted=allowed)


_pipelines: dict[Path, object] = {}
_pipelines_lock = threading.Lock()


class SkopsCategoryClassifier:
    """The shipped classifier, loaded on first use and shared by the whole process."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path

    @property
    def pipeline(self):
        path = (self.path or model_path()).resolve()
        with _pipelines_lock:
            if path not in _pipelines:
                _pipelines[path] = load_pipeline(path)
            return _pipelines[path]

    def probabilities(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(ROOT_CAUSE_CATEGORIES)), dtype=np.float32)
        pipeline = self.pipeline
        raw = pipeline.predict_proba(list(texts))
        out = np.zeros((len(texts), len(ROOT_CAUSE_CATEGORIES)), dtype=np.float32)
        for column, label in enumerate(pipeline.classes_):
            if label in ROOT_CAUSE_CATEGORIES:
                out[:, ROOT_CAUSE_CATEGORIES.index(label)] = raw[:, column]
        return out


class KeywordCategoryClassifier:
    """A small rule-of-thumb classifier for tests (and a fallback): keyword counts per category."""

    KEYWORDS = {
        "expiry": ("expired", "expiry", "expire", "certificate", "renew"),
        "dns": ("dns", "resolver", "nameserver", "zone", "record"),
        "config-change": ("config", "configuration", "flag", "setting", "push"),
        "database": ("database", "replica", "failover", "primary", "query"),
        "resource-exhaustion": ("disk", "full", "memory", "leak", "descriptor"),
        "capacity-overload": ("traffic", "overload", "capacity", "spike", "load"),
        "time": ("dst", "leap", "clock", "timezone", "daylight"),
        "dependency": ("provider", "vendor", "third-party", "upstream", "dependency"),
        "hardware-power": ("power", "hardware", "switch", "rack", "disk failure"),
    }

    def probabilities(self, texts: list[str]) -> np.ndarray:
        out = np.full((len(texts), len(ROOT_CAUSE_CATEGORIES)), 1e-3, dtype=np.float32)
        for row, text in enumerate(texts):
            lowered = text.lower()
            for category, words in self.KEYWORDS.items():
                out[row, ROOT_CAUSE_CATEGORIES.index(category)] += sum(lowered.count(w) for w in words)
        out /= out.sum(axis=1, keepdims=True)
        return out


def best(probabilities: np.ndarray) -> list[tuple[str, float]]:
    """(category, probability) of the most likely category per row."""
    columns = probabilities.argmax(axis=1)
    return [(ROOT_CAUSE_CATEGORIES[c], float(probabilities[i, c])) for i, c in enumerate(columns)]
