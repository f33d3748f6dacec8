"""The root-cause category of an incident, from the classifier trained on data/training/root_causes*.jsonl.

The model (models/root_causes.npz + models/root_causes.json, see models/root_causes.md) is two
logistic regressions over the cause text — word TF-IDF and the sentence embedding — combined
and calibrated; `python -m reviewer.training.build root_causes` rebuilds it. Stored as arrays
and settings: loading is NumPy (allow_pickle=False) and JSON, no pickle, no skops.
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

SETTINGS_FILE = "root_causes.json"
ARRAYS_FILE = "root_causes.npz"
# Below this calibrated probability of the most likely category, the category is "unknown".
DEFAULT_UNKNOWN_BELOW = 0.25


class CategoryClassifier(Protocol):
    """Texts → probabilities over ROOT_CAUSE_CATEGORIES (columns in that order).

    `vectors` (optional): the texts' sentence embeddings made by the embedder named `embedder`;
    a classifier that has a head trained on that embedder's vectors may use them too.
    """

    def probabilities(self, texts: list[str], vectors: np.ndarray | None = None,
                      embedder: str | None = None) -> np.ndarray: ...


def model_path() -> Path:
    return models_dir() / SETTINGS_FILE


class Relevance:
    """P(a past incident shares the query's cause) from the similar-search signals (category
    match, cause cosine, relative BM25), learned at build time on our examples."""

    def __init__(self, coef: np.ndarray, intercept: float, keep_above: float) -> None:
        self.coef, self.intercept, self.keep_above = coef, intercept, keep_above

    def probability(self, category_match: np.ndarray, cause_cosine: np.ndarray, bm25: np.ndarray) -> np.ndarray:
        features = relevance_features(category_match, cause_cosine, bm25)
        logit = (self.intercept + self.coef[0] * features[:, 0] + self.coef[1] * features[:, 1]
                 + self.coef[2] * features[:, 2])
        return 1.0 / (1.0 + np.exp(-logit))


def relevance_features(category_match: np.ndarray, cause_cosine: np.ndarray, bm25: np.ndarray) -> np.ndarray:
    """Per candidate: the query's probability of the candidate's category, the cosine of the two
    cause embeddings, and BM25 over the whole texts relative to the query's best BM25 score
    (what `Relevance` was trained on, reviewer/training/root_causes.py, and reads)."""
    top = float(bm25.max()) if bm25.size else 0.0
    lexical = bm25 / top if top > 0 else np.zeros_like(bm25)
    return np.column_stack([category_match, cause_cosine, lexical]).astype(np.float64)


class _Model:
    """The loaded arrays and settings of one trained classifier."""

    def __init__(self, settings_path: Path) -> None:
        arrays_path = settings_path.with_name(ARRAYS_FILE)
        if not settings_path.exists() or not arrays_path.exists():
            raise ModelUnavailable(f"the root-cause model {settings_path.name} is missing; "
                                   "rebuild it with `python -m reviewer.training.build root_causes`")
        try:
            settings = json.loads(settings_path.read_text(encoding="utf-8"))
            with np.load(arrays_path, allow_pickle=False) as arrays:
                self.idf = arrays["idf"]
                self.lexical_coef, self.lexical_intercept = arrays["lexical_coef"], arrays["lexical_intercept"]
                self.embedding_coef, self.embedding_intercept = arrays["embedding_coef"], arrays["embedding_intercept"]
            if settings.get("classes") != list(ROOT_CAUSE_CATEGORIES):
                raise ValueError("its categories are not this version's")
            from sklearn.feature_extraction.text import TfidfVectorizer

            lexical = dict(settings["lexical"])
            lexical["ngram_range"] = tuple(lexical["ngram_range"])
            lexical.pop("min_df", None)
            self.vectorizer = TfidfVectorizer(vocabulary={t: i for i, t in enumerate(settings["terms"])}, **lexical)
            self.vectorizer.idf_ = self.idf
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelUnavailable(f"cannot read the root-cause model {settings_path.name}: {exc}") from None
        self.embedder = settings["embedder"]
        self.dimension = int(settings["dimension"])
        self.lexical_weight = float(settings["lexical_weight"])
        self.temperature = float(settings["temperature"])
        self.unknown_below = float(settings.get("unknown_below", DEFAULT_UNKNOWN_BELOW))
        relevance = settings.get("relevance")
        self.relevance = Relevance(np.asarray(relevance["coef"], dtype=np.float64), float(relevance["intercept"]),
                                   float(relevance["keep_above"])) if relevance else None

    @staticmethod
    def _log_softmax(scores: np.ndarray) -> np.ndarray:
        scores = scores - scores.max(axis=1, keepdims=True)
        return scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))

    def probabilities(self, texts: list[str], vectors: np.ndarray | None, embedder: str | None) -> np.ndarray:
        lexical = self._log_softmax(np.asarray(self.vectorizer.transform(texts) @ self.lexical_coef.T)
                                    + self.lexical_intercept)
        combined = lexical
        if vectors is not None and embedder == self.embedder and vectors.shape == (len(texts), self.dimension):
            embedding = self._log_softmax(np.asarray(vectors, dtype=np.float64) @ self.embedding_coef.T
                                          + self.embedding_intercept)
            combined = self.lexical_weight * lexical + (1 - self.lexical_weight) * embedding
        scores = combined / self.temperature
        scores -= scores.max(axis=1, keepdims=True)
        out = np.exp(scores)
        return (out / out.sum(axis=1, keepdims=True)).astype(np.float32)


_models: dict[Path, _Model] = {}
_models_lock = threading.Lock()


class TrainedCategoryClassifier:
    """The shipped classifier, loaded on first use and shared by the whole process.

    The lexical head always runs; when the caller passes the texts' embeddings from the
    embedder the embedding head was trained with, the two are combined (weights and
    temperature measured at build time, see models/root_causes.md).
    `path`: the settings file (default models/root_causes.json; the arrays sit beside it).
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path

    @property
    def model(self) -> _Model:
        path = (self.path or model_path()).resolve()
        with _models_lock:
            if path not in _models:
                _models[path] = _Model(path)
            return _models[path]

    @property
    def unknown_below(self) -> float:
        return self.model.unknown_below

    @property
    def relevance(self) -> Relevance | None:
        return self.model.relevance

    def probabilities(self, texts: list[str], vectors: np.ndarray | None = None,
                      embedder: str | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(ROOT_CAUSE_CATEGORIES)), dtype=np.float32)
        return self.model.probabilities(list(texts), vectors, embedder)


# The name callers knew before the model moved from skops to arrays + settings.
SkopsCategoryClassifier = TrainedCategoryClassifier


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


def decided(probabilities: np.ndarray, unknown_below: float) -> list[tuple[str | None, float]]:
    """`best`, with None ("unknown": no category is likely) where the top probability is below the threshold."""
    return [(category if p >= unknown_below else None, p) for category, p in best(probabilities)]


def unknown_threshold(classifier: object) -> float:
    """The classifier's calibrated "unknown" threshold (0 for one that has none: it always answers)."""
    try:
        return float(getattr(classifier, "unknown_below", 0.0))
    except ModelUnavailable:
        return 0.0
