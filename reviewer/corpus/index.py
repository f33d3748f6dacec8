"""In-memory search structures: one normalised float32 matrix per embedded field, and a BM25 index.

Both are loaded from the store when a Corpus opens and updated on import/delete, so a
query never touches the database for ranking.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# Words every postmortem uses; they say nothing about a root cause.
GENERIC_WORDS = frozenset("""
incident incidents outage outages customer customers user users service services issue issues problem problems
impact impacted affected affecting caused cause causes causing root result resulted resulting team teams time
minute minutes hour hours day days started start began error errors failed fail failing failure failures
request requests system systems production prod engineer engineers went back due new one two three number
also could would still including include includes however later approximately around across within
did does doing done got get gets make made use used using need needed way able like just set sets
date dates tracked utc gmt pst pdt est edt cet cest bst ist
monday tuesday wednesday thursday friday saturday sunday weekend morning afternoon evening night today yesterday
january february march april may june july august september october november december week month year
""".split())
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | GENERIC_WORDS
_TOKEN = re.compile(r"[a-z][a-z0-9]+(?:[-_.][a-z0-9]+)*")


# Words that end in "s" without being plurals.
_NOT_PLURAL = frozenset("postgres kubernetes redis dns aws https tls ssl status always series canvas alias "
                        "chaos atlas gas bus ios macos windows news analysis process access".split())


def normalise_token(token: str) -> str:
    """A light stemmer: plurals folded so that "certificates" meets "certificate"."""
    if token in _NOT_PLURAL:
        return token
    if len(token) > 5 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 5 and token.endswith(("ches", "shes", "sses", "xes")):
        return token[:-2]
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def terms(text: str) -> list[str]:
    """Content words of a text, lower-cased and lightly stemmed, stop words left out."""
    out = []
    for token in _TOKEN.findall(text.lower()):
        if token in STOP_WORDS or len(token) < 3 or token.isdigit():
            continue
        token = normalise_token(token)
        if token not in STOP_WORDS:
            out.append(token)
    return out


class TermCounts:
    """Texts by id, and in how many of them each term occurs: counted once after a change,
    not on every query (a recurrence check reads it for every review)."""

    def __init__(self, texts: dict[str, str] | None = None) -> None:
        self._texts: dict[str, str] = dict(texts or {})
        self._frequency: Counter[str] | None = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._texts)

    def get(self, text_id: str, default: str | None = None) -> str | None:
        return self._texts.get(text_id, default)

    def update(self, texts: dict[str, str]) -> None:
        with self._lock:
            self._texts.update(texts)
            self._frequency = None

    def pop(self, text_id: str) -> None:
        with self._lock:
            if self._texts.pop(text_id, None) is not None:
                self._frequency = None

    def document_frequency(self) -> Counter[str]:
        with self._lock:
            if self._frequency is None:
                frequency: Counter[str] = Counter()
                for text in self._texts.values():
                    frequency.update(set(terms(text)))
                self._frequency = frequency
            return self._frequency


class VectorIndex:
    """Unit vectors by id in one contiguous float32 matrix; top-k by dot product with argpartition."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self._matrix = np.zeros((0, dimension), dtype=np.float32)
        self._codes = np.zeros(0, dtype=np.int16)  # a small label per row (the root-cause category), -1 none
        self._ids: list[str] = []
        self._row: dict[str, int] = {}
        self._size = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._size

    @property
    def matrix(self) -> np.ndarray:
        """The live rows (a view; do not write to it)."""
        return self._matrix[: self._size]

    @property
    def ids(self) -> list[str]:
        return self._ids[: self._size]

    @property
    def codes(self) -> np.ndarray:
        """The label of each live row (a view)."""
        return self._codes[: self._size]

    def snapshot(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Ids, matrix and codes that belong together, even while another thread imports."""
        with self._lock:
            return self._ids[: self._size], self._matrix[: self._size], self._codes[: self._size].copy()

    def row_of(self, incident_id: str) -> int | None:
        return self._row.get(incident_id)

    def vector(self, incident_id: str) -> np.ndarray | None:
        row = self._row.get(incident_id)
        return None if row is None else self._matrix[row]

    def upsert(self, ids: list[str], vectors: np.ndarray, codes: list[int] | None = None) -> None:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dimension or len(ids) != len(vectors):
            raise ValueError(f"expected {len(ids)} vectors of dimension {self.dimension}, got {vectors.shape}")
        with self._lock:
            new = [i for i in dict.fromkeys(ids) if i not in self._row]
            needed = self._size + len(new)
            if needed > len(self._matrix):
                # Grow geometrically so that importing one by one stays linear.
                grown = np.zeros((max(needed, 2 * len(self._matrix), 64), self.dimension), dtype=np.float32)
                grown[: self._size] = self._matrix[: self._size]
                self._matrix = grown
                grown_codes = np.full(len(grown), -1, dtype=np.int16)
                grown_codes[: self._size] = self._codes[: self._size]
                self._codes = grown_codes
            for incident_id in new:
                self._row[incident_id] = self._size
                if self._size < len(self._ids):
                    self._ids[self._size] = incident_id
                else:
                    self._ids.append(incident_id)
                self._size += 1
            rows = np.fromiter((self._row[i] for i in ids), dtype=np.int64, count=len(ids))
            self._matrix[rows] = vectors
            self._codes[rows] = -1 if codes is None else np.asarray(codes, dtype=np.int16)

    def remove(self, incident_id: str) -> None:
        with self._lock:
            row = self._row.pop(incident_id, None)
            if row is None:
                return
            last = self._size - 1
            if row != last:  # move the last row into the hole
                moved = self._ids[last]
                self._matrix[row] = self._matrix[last]
                self._codes[row] = self._codes[last]
                self._ids[row] = moved
                self._row[moved] = row
            self._size = last

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Cosine similarity of the (unit) query with every row."""
        return self.matrix @ np.asarray(query, dtype=np.float32)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The k best (id, cosine) pairs, best first; `allowed` is a boolean row mask."""
        scores = self.scores(query)
        return top_k(scores, k, self.ids, allowed)


def top_k(scores: np.ndarray, k: int, ids: list[str], allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
    n = len(scores)
    if n == 0 or k <= 0:
        return []
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    k = min(k, n)
    best = np.argpartition(-scores, k - 1)[:k] if k < n else np.arange(n)
    best = best[np.argsort(-scores[best], kind="stable")]
    return [(ids[i], float(scores[i])) for i in best if np.isfinite(scores[i])]


class LexicalIndex:
    """Okapi BM25 over the documents' words.

    The term counts live in sparse chunks: the documents as first loaded, then one small chunk
    per import. A changed or removed document's old row is marked dead. The collection figures
    BM25 needs (how many documents, their average length, in how many each term occurs) are
    kept up to date with every change, and the weights are computed at query time for the
    query's terms only, so an import costs in proportion to what it imports, not to the corpus.
    When chunks or dead rows pile up, the next query compacts everything into one chunk.
    """

    MAX_CHUNKS = 8  # more chunks make each query slower; merging them reads no words again

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self._docs: dict[str, str] = {}
        self._lock = threading.Lock()
        self._vocabulary: dict[str, int] = {}
        self._df = np.zeros(0, dtype=np.int64)  # documents (alive) each term occurs in
        self._chunks: list[_Chunk] = []
        self._where: dict[str, tuple[int, int]] = {}  # id → (chunk, row) of its alive row
        self._total_length = 0.0
        self._dead = 0
        self._ids: list[str] | None = None  # alive ids in chunk order (cached)

    def __len__(self) -> int:
        return len(self._docs)

    def upsert(self, docs: dict[str, str]) -> None:
        if not docs:
            return
        with self._lock:
            for doc_id in docs:
                self._kill(doc_id)
            self._docs.update(docs)
            self._add_chunk(list(docs))

    def remove(self, incident_id: str) -> None:
        with self._lock:
            if self._docs.pop(incident_id, None) is not None:
                self._kill(incident_id)

    # -- changes (under the lock) -------------------------------------------------------------
    def _kill(self, doc_id: str) -> None:
        place = self._where.pop(doc_id, None)
        if place is None:
            return
        chunk = self._chunks[place[0]]
        chunk.alive[place[1]] = False
        row = chunk.rows[place[1]]
        self._df[row.indices] -= 1
        self._total_length -= float(chunk.lengths[place[1]])
        self._dead += 1
        self._ids = None

    def _add_chunk(self, ids: list[str]) -> None:
        columns: list[int] = []
        counts: list[float] = []
        pointers = [0]
        for doc_id in ids:
            counted = Counter(terms(self._docs[doc_id]))
            for term, count in counted.items():
                column = self._vocabulary.get(term)
                if column is None:
                    column = self._vocabulary[term] = len(self._vocabulary)
                columns.append(column)
                counts.append(count)
            pointers.append(len(columns))
        width = len(self._vocabulary)
        if len(self._df) < width:
            self._df = np.concatenate([self._df, np.zeros(width - len(self._df), dtype=np.int64)])
        rows = sparse.csr_matrix((np.asarray(counts, dtype=np.float32), np.asarray(columns, dtype=np.int64),
                                  np.asarray(pointers, dtype=np.int64)), shape=(len(ids), width))
        np.add.at(self._df, rows.indices, 1)
        lengths = np.asarray(rows.sum(axis=1), dtype=np.float64).ravel()
        self._total_length += float(lengths.sum())
        index = len(self._chunks)
        self._chunks.append(_Chunk(ids=list(ids), rows=rows, columns=rows.tocsc(), lengths=lengths,
                                   alive=np.ones(len(ids), dtype=bool)))
        for row, doc_id in enumerate(ids):
            self._where[doc_id] = (index, row)
        self._ids = None

    def _compact_if_needed(self) -> None:
        """Merge the chunks' alive rows into one (no words are read again)."""
        alive = len(self._where)
        if len(self._chunks) <= self.MAX_CHUNKS and self._dead <= max(1000, alive // 4):
            return
        width = len(self._vocabulary)
        ids: list[str] = []
        parts, lengths = [], []
        for chunk in self._chunks:
            rows = chunk.rows[chunk.alive]
            rows.resize((rows.shape[0], width))  # later terms: empty columns
            parts.append(rows)
            lengths.append(chunk.lengths[chunk.alive])
            ids += [doc_id for doc_id, keep in zip(chunk.ids, chunk.alive) if keep]
        merged = sparse.vstack(parts, format="csr") if parts else sparse.csr_matrix((0, width), dtype=np.float32)
        self._chunks = [_Chunk(ids=ids, rows=merged, columns=merged.tocsc(),
                               lengths=np.concatenate(lengths) if lengths else np.zeros(0),
                               alive=np.ones(len(ids), dtype=bool))]
        self._where = {doc_id: (0, row) for row, doc_id in enumerate(ids)}
        self._dead = 0
        self._ids = None

    # -- queries ------------------------------------------------------------------------------
    def ids_unlocked(self) -> list[str]:
        if self._ids is None:
            self._ids = [doc_id for chunk in self._chunks for doc_id, alive in zip(chunk.ids, chunk.alive) if alive]
        return self._ids

    @property
    def ids(self) -> list[str]:
        """The documents in the order of `scores`."""
        with self._lock:
            self._compact_if_needed()
            return self.ids_unlocked()

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of the query against every document, in `ids` order."""
        with self._lock:
            self._compact_if_needed()
            alive = len(self._where)
            if alive == 0:
                return np.zeros(0, dtype=np.float32)
            average = self._total_length / alive or 1.0
            columns = [self._vocabulary[t] for t in dict.fromkeys(terms(query)) if t in self._vocabulary]
            parts = []
            for chunk in self._chunks:
                total = np.zeros(len(chunk.ids), dtype=np.float64)
                norm = self.k1 * (1 - self.b + self.b * chunk.lengths / average)
                for column in columns:
                    if column >= chunk.columns.shape[1]:
                        continue  # a term first seen after this chunk was made
                    start, stop = chunk.columns.indptr[column], chunk.columns.indptr[column + 1]
                    if start == stop:
                        continue
                    rows, tf = chunk.columns.indices[start:stop], chunk.columns.data[start:stop]
                    df = float(self._df[column])
                    # BM25 term weight: idf · tf(k1+1) / (tf + k1(1 − b + b·len/avg)).
                    idf = np.log(1 + (alive - df + 0.5) / (df + 0.5))
                    total[rows] += idf * tf * (self.k1 + 1) / (tf + norm[rows])
                parts.append(total[chunk.alive])
            return np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, dtype=np.float32)

    def idf(self, term: str) -> float:
        with self._lock:
            column = self._vocabulary.get(term)
            alive = len(self._where)
            if column is None or alive == 0:
                return 0.0
            df = float(self._df[column])
            if df == 0:
                return 0.0  # only in documents since changed or removed
            return float(np.log(1 + (alive - df + 0.5) / (df + 0.5)))


@dataclass(slots=True)
class _Chunk:
    """Term counts of some documents: by row (to take a row out) and by column (to score)."""

    ids: list[str]
    rows: sparse.csr_matrix
    columns: sparse.csc_matrix
    lengths: np.ndarray
    alive: np.ndarray
