"""Caches for the editor loop: the same document comes again and again with small edits.

- `ReviewCache`: a finished review per (text, configuration). A review is a pure function of
  those two, so an unchanged document (an editor re-sending on focus or save) costs a lookup.
  Edited documents miss it and go through the pipeline, whose Analyzer re-parses only the
  paragraphs that changed.
- `CachingEmbedder`: wraps the corpus' embedder and remembers vectors by what the model reads
  of a text (`input_key`: the token ids up to the model's length limit, when the embedder can
  say), so a draft's root cause, summary and whole text are embedded once for both the
  similar search and the recurrence check, and only the fields an edit changed within what
  the model reads are embedded again.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

import numpy as np


def text_key(*parts: str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1f")
    return digest.hexdigest()


class LruCache:
    """A small thread-safe LRU map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> Any | None:
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: str, value: Any) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


class CachingEmbedder:
    """An Embedder that remembers the vectors of recent texts (same `name`: stored vectors stay valid)."""

    def __init__(self, inner: Any, size: int = 2048) -> None:
        self.inner = inner
        self._cache = LruCache(size)
        self._read = LruCache(size)  # text → what the model reads of it (tokenising is not free either)

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def _key(self, text: str) -> str:
        key = text_key(text)
        read = getattr(self.inner, "input_key", None)
        if read is None:
            return key
        known = self._read.get(key)
        if known is None:
            known = text_key(read(text))
            self._read.put(key, known)
        return known

    def encode(self, texts: list[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        found = [self._cache.get(k) for k in keys]
        missing = [i for i, vector in enumerate(found) if vector is None]
        if missing:
            fresh = self.inner.encode([texts[i] for i in missing])
            for row, i in enumerate(missing):
                found[i] = fresh[row]
                self._cache.put(keys[i], fresh[row])
        if not texts:
            return self.inner.encode([])
        return np.vstack(found).astype(np.float32, copy=False)
