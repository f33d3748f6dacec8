"""The blame sentence model: feature vector, the saved arrays, calibrated scores.

One feature vector per candidate sentence (reviewer.nlp.blame.features): hashed 1–2-grams of
its placeholder words, its named parse markers, and the average of MiniLM word-piece vectors
over its words. A multinomial logistic regression over the five labels; P(blame) = 1 − P(none),
calibrated with two Platt floats fitted on cross-validated scores of the training data.

Why word-piece vectors and not the full MiniLM sentence encoder: on this machine the encoder
costs ~40 ms a sentence against ~6 ms for the whole spaCy parse, which would break the review's
speed budget (≤ 1.3× the parse). The model's own input embeddings (the first layer of the
all-MiniLM-L6-v2 the product ships, centred and reduced to 64 dimensions at build time) keep
its sense of related words ("neglected" near "forgot", "rookie" near "inexperienced") at a cost
of microseconds, and load in milliseconds.

Saved as arrays + settings, never pickle: `models/blame.npz` (coef_, intercept_, classes_,
the feature scaling, the word-piece vocabulary and vectors; read with allow_pickle=False) and
`models/blame.json` (feature settings, marker names, thresholds, Platt a/b). Loaded once per
process, with the spaCy pipeline (reviewer.review._default_analyzer).
"""

from __future__ import annotations

import json
import logging
import math
import threading
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from reviewer.nlp.blame import features as feats
from reviewer.resources import models_dir

log = logging.getLogger("pmreview")

ARRAYS_FILE = "blame.npz"
SETTINGS_FILE = "blame.json"
NONE = "none"


def stable_hash(text: str, bits: int) -> int:
    return zlib.crc32(text.encode("utf-8")) & ((1 << bits) - 1)


class WordPieces:
    """MiniLM's word-piece vocabulary and (reduced) input vectors: an average vector for words."""

    def __init__(self, vocab: list[str], vectors: np.ndarray) -> None:
        self.index = {piece: i for i, piece in enumerate(vocab)}
        self.vectors = vectors.astype(np.float32)
        self._cache: dict[str, tuple[int, ...]] = {}

    def pieces(self, word: str) -> tuple[int, ...]:
        known = self._cache.get(word)
        if known is not None:
            return known
        text = "".join(ch for ch in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(ch) != "Mn")
        ids: list[int] = []
        start = 0
        while start < len(text):
            end = len(text)
            found = None
            while end > start:
                piece = text[start:end] if start == 0 else "##" + text[start:end]
                if piece in self.index:
                    found = self.index[piece]
                    break
                end -= 1
            if found is None:  # a character MiniLM does not know: the word reads as unknown
                ids = []
                break
            ids.append(found)
            start = end
        result = tuple(ids)
        if len(self._cache) < 200_000:
            self._cache[word] = result
        return result

    def average(self, words: list[str]) -> np.ndarray:
        ids = [i for w in words for i in self.pieces(w)]
        if not ids:
            return np.zeros(self.vectors.shape[1], dtype=np.float32)
        vector = self.vectors[ids].mean(axis=0)
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector


@dataclass
class Settings:
    hash_bits: int
    ngrams: int
    markers: list[str]
    embedding_dim: int
    thresholds: dict[str, float]
    platt: tuple[float, float]

    @property
    def hashed(self) -> int:
        return 1 << self.hash_bits

    @property
    def width(self) -> int:
        return self.hashed + len(self.markers) + self.embedding_dim


def sparse_features(sent: Any, settings: Settings, allowlist: frozenset[str] = frozenset(),
                    found: set[str] | None = None) -> tuple[dict[int, float], list[str]]:
    """(index → value for the hashed n-grams and the markers, the words the vectors read)."""
    words = feats.words(sent, allowlist)
    grams = list(words)
    for n in range(2, settings.ngrams + 1):
        grams += [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]
    out: dict[int, float] = {}
    if grams:
        weight = 1.0 / math.sqrt(len(grams))
        for gram in grams:
            index = stable_hash(gram, settings.hash_bits)
            out[index] = out.get(index, 0.0) + weight
    position = {name: settings.hashed + i for i, name in enumerate(settings.markers)}
    for marker in (found if found is not None else feats.markers(sent, allowlist)):
        if marker in position:
            out[position[marker]] = 1.0
    return out, feats.embedding_words(sent, allowlist)


class BlameModel:
    """The saved classifier: score sentences, P(blame) calibrated, and the most likely kind."""

    def __init__(self, arrays: dict[str, np.ndarray], settings: Settings) -> None:
        self.settings = settings
        self.coef = arrays["coef"].astype(np.float32)
        self.intercept = arrays["intercept"].astype(np.float32)
        self.classes = [str(c) for c in arrays["classes"]]
        self.dense_mean = arrays["dense_mean"].astype(np.float32)
        self.dense_scale = arrays["dense_scale"].astype(np.float32)
        self.pieces = WordPieces([str(v) for v in arrays["vocab"]], arrays["vectors"])
        self._none = self.classes.index(NONE)
        self._dense_start = settings.hashed + len(settings.markers)

    @classmethod
    def load(cls, directory: Path) -> BlameModel:
        settings_data = json.loads((directory / SETTINGS_FILE).read_text(encoding="utf-8"))
        settings = Settings(hash_bits=int(settings_data["hash_bits"]), ngrams=int(settings_data["ngrams"]),
                            markers=list(settings_data["markers"]), embedding_dim=int(settings_data["embedding_dim"]),
                            thresholds={k: float(v) for k, v in settings_data["thresholds"].items()},
                            platt=(float(settings_data["platt"][0]), float(settings_data["platt"][1])))
        with np.load(directory / ARRAYS_FILE, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        return cls(arrays, settings)

    def dense(self, words: list[str]) -> np.ndarray:
        return (self.pieces.average(words) - self.dense_mean) / self.dense_scale

    def logits(self, sparse: dict[int, float], dense: np.ndarray) -> np.ndarray:
        if sparse:
            index = np.fromiter(sparse.keys(), dtype=np.int64, count=len(sparse))
            value = np.fromiter(sparse.values(), dtype=np.float32, count=len(sparse))
            out = self.coef[:, index] @ value
        else:
            out = np.zeros(len(self.classes), dtype=np.float32)
        return out + self.coef[:, self._dense_start:] @ dense + self.intercept

    def calibrate(self, raw: float) -> float:
        """Platt scaling of the raw P(blame) (on its log-odds)."""
        raw = min(max(raw, 1e-6), 1 - 1e-6)
        a, b = self.settings.platt
        return 1.0 / (1.0 + math.exp(-(a * math.log(raw / (1 - raw)) + b)))

    def score(self, sent: Any, allowlist: frozenset[str] = frozenset()) -> tuple[float, str]:
        """(calibrated P(blame), the most likely blame label) for one spaCy sentence."""
        probability, kind, _ = self.score_with_markers(sent, allowlist)
        return probability, kind

    def score_with_markers(self, sent: Any, allowlist: frozenset[str] = frozenset()) -> tuple[float, str, set[str]]:
        """`score`, and the sentence's parse markers (for `features.may_report_alone`)."""
        found = feats.markers(sent, allowlist)
        sparse, words = sparse_features(sent, self.settings, allowlist, found)
        logits = self.logits(sparse, self.dense(words))
        logits = logits - logits.max()
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum()
        blame = 1.0 - float(probabilities[self._none])
        order = np.argsort(-probabilities)
        kind = next(self.classes[i] for i in order if i != self._none)
        return self.calibrate(blame), kind, found


_lock = threading.Lock()
_model: BlameModel | None = None
_missing = False


def load_model(directory: Path | None = None) -> BlameModel | None:
    """The saved model (once per process), or None when it has not been built."""
    global _model, _missing
    with _lock:
        if directory is None and (_model is not None or _missing):
            return _model
        target = directory or models_dir()
        if not (target / ARRAYS_FILE).is_file() or not (target / SETTINGS_FILE).is_file():
            if directory is None:
                _missing = True
            log.warning("blame model %s is missing; blame rules use the parse alone "
                        "(rebuild: python -m reviewer.training.build blame)", target / ARRAYS_FILE)
            return None
        model = BlameModel.load(target)
        if directory is None:
            _model = model
        return model
