"""The root-cause category of an incident, from the classifier trained on data/training/root_causes*.jsonl.

The model (models/root_causes.skops, see models/root_causes.md) is a scikit-learn pipeline
over the root-cause text; `python -m reviewer.training.build root_causes` rebuilds it.
"""

from __future__ import annotations

import json
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
# A second head over sentence embeddings, and which embedder made its training vectors.
EMBEDDING_MODEL_FILE = "root_causes_embedding.skops"
EMBEDDING_INFO_FILE = "root_causes_embedding.json"


class CategoryClassifier(Protocol):
    """Texts → probabilities over ROOT_CAUSE_CATEGORIES (columns in that order).

    `vectors` (optional): the texts' sentence embeddings made by the embedder named `embedder`;
    a classifier that has a head trained on that embedder's vectors may use them too.
    """

    def probabilities(self, texts: list[str], vectors: np.ndarray | None = None,
                      embedder: str | None = None) -> np.ndarray: ...


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
    """The shipped classifier, loaded on first use and shared by the whole process.

    The text model (TF-IDF → logistic regression) always runs; when the caller passes the
    texts' embeddings from the embedder the embedding head was trained with, the two heads'
    probabilities are averaged (measured in benchmarks/bench_retrieval.py).
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path

    def _load(self, path: Path):
        path = path.resolve()
        with _pipelines_lock:
            if path not in _pipelines:
                _pipelines[path] = load_pipeline(path)
            return _pipelines[path]

    @property
    def pipeline(self):
        return self._load(self.path or model_path())

    def embedding_head(self, embedder: str | None):
        """The embedding head and the embedder it expects, when both exist and match."""
        folder = (self.path or model_path()).parent
        info_path, head_path = folder / EMBEDDING_INFO_FILE, folder / EMBEDDING_MODEL_FILE
        if embedder is None or not info_path.exists() or not head_path.exists():
            return None
        try:
            info = json.loads(info_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if info.get("embedder") != embedder:
            return None
        return self._load(head_path)

    @staticmethod
    def _columns(model, raw: np.ndarray) -> np.ndarray:
        out = np.zeros((raw.shape[0], len(ROOT_CAUSE_CATEGORIES)), dtype=np.float32)
        for column, label in enumerate(model.classes_):
            if label in ROOT_CAUSE_CATEGORIES:
                out[:, ROOT_CAUSE_CATEGORIES.index(label)] = raw[:, column]
        return out

    def probabilities(self, texts: list[str], vectors: np.ndarray | None = None,
                      embedder: str | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(ROOT_CAUSE_CATEGORIES)), dtype=np.float32)
        pipeline = self.pipeline
        out = self._columns(pipeline, pipeline.predict_proba(list(texts)))
        head = self.embedding_head(embedder) if vectors is not None else None
        if head is not None and vectors.shape == (len(texts), head.coef_.shape[1]):
            out = (out + self._columns(head, head.predict_proba(vectors))) / 2
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

    def probabilities(self, texts: list[str], vectors: np.ndarray | None = None,
                      embedder: str | None = None) -> np.ndarray:
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
