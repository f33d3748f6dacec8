"""analyse: spaCy once per prose block, batched, cached by content hash.

An edited document re-analyses only the blocks whose text changed. Checks read the
Analysis; what several of them need (time expressions, metrics) is computed once through
`Analysis.shared`.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from reviewer.document import Postmortem, ProseBlock, Span

T = TypeVar("T")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(slots=True)
class Sentence:
    block: ProseBlock
    sent: Any  # spacy.tokens.Span
    span: Span  # in the original text

    @property
    def text(self) -> str:
        return self.sent.text

    def token_span(self, first: Any, last: Any | None = None) -> Span:
        """Original-text span from token `first` to token `last` (inclusive)."""
        last = last if last is not None else first
        return self.block.original_span(first.idx, last.idx + len(last.text))


@dataclass(slots=True)
class AnalyzedBlock:
    block: ProseBlock
    doc: Any  # spacy.tokens.Doc

    def span_of(self, start_char: int, end_char: int) -> Span:
        return self.block.original_span(start_char, end_char)


@dataclass
class Analysis:
    doc: Postmortem
    blocks: list[AnalyzedBlock]
    _shared: dict[str, Any] = field(default_factory=dict)

    def sentences(self, *, include_quoted: bool = False) -> Iterator[Sentence]:
        for analyzed in self.blocks:
            if analyzed.block.quoted and not include_quoted:
                continue
            for sent in analyzed.doc.sents:
                if not sent.text.strip():
                    continue
                yield Sentence(analyzed.block, sent, analyzed.block.original_span(sent.start_char, sent.end_char))

    def shared(self, name: str, compute: Callable[[Analysis], T]) -> T:
        """A result several checks need, computed once per analysis."""
        if name not in self._shared:
            self._shared[name] = compute(self)
        return self._shared[name]


class Analyzer:
    """Holds the spaCy pipeline and the per-block cache; safe to share between threads."""

    def __init__(self, nlp: Any, *, cache_size: int = 50_000, batch_size: int = 64) -> None:
        self.nlp = nlp
        self.cache_size = cache_size
        self.batch_size = batch_size
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.parsed_blocks = 0  # how many blocks went through spaCy (the rest came from the cache)

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()

    def analyze_many(self, docs: Sequence[Postmortem]) -> list[Analysis]:
        """Analyse several documents in one batched pass over their uncached blocks."""
        wanted: dict[str, str] = {}
        keyed: list[list[tuple[ProseBlock, str]]] = []
        for doc in docs:
            keys = []
            for block in doc.blocks:
                if not block.text.strip():
                    continue
                key = self._key(block.text)
                keys.append((block, key))
                wanted.setdefault(key, block.text)
            keyed.append(keys)
        with self._lock:
            missing = [(k, t) for k, t in wanted.items() if k not in self._cache]
            if missing:
                # spaCy cannot encode lone surrogates (possible from JSON); U+FFFD keeps every offset.
                texts = (_LONE_SURROGATE.sub("\ufffd", t) for _, t in missing)
                for (key, _), parsed in zip(missing, self.nlp.pipe(texts, batch_size=self.batch_size)):
                    self._cache[key] = parsed
                self.parsed_blocks += len(missing)
            found = {}
            for key in wanted:
                self._cache.move_to_end(key)
                found[key] = self._cache[key]
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return [Analysis(doc, [AnalyzedBlock(block, found[key]) for block, key in keys]) for doc, keys in zip(docs, keyed)]

    def analyze(self, doc: Postmortem) -> Analysis:
        return self.analyze_many([doc])[0]
