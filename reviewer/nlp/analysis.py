"""analyse: spaCy once per prose block, batched, cached by content hash.

An edited document re-analyses only the blocks whose text changed. Checks read the
Analysis; what several of them need (time expressions, metrics) is computed once through
`Analysis.shared`. What a check finds inside one block, from that block and its
surroundings alone, is kept with the block's cached spaCy Doc through `Analysis.per_block`,
so a re-review after a one-paragraph edit recomputes only that paragraph.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import threading
from array import array
from collections import Counter, OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, Self, TypeVar

import numpy as np

from reviewer.document import Postmortem, ProseBlock, Span

T = TypeVar("T")
_NO_TENSOR = np.zeros((0, 0), dtype=np.float32)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# spaCy's tokenizer peels prefixes and suffixes off a space-free run one at a time, each time
# searching the rest: quadratic in the run. Past 48 characters no run is a word, so every
# 48th character of one is read as a space (same length: every offset holds).
_LONG_RUN = re.compile(r"\S{48}")
# Emoji, pictographs, dingbats, arrows and their joiners/selectors: the small English model reads
# "🔥 Dave forgot …" with the emoji as the verb. spaCy reads them as spaces (one per code point,
# so every offset stays where it was); the text itself is unchanged.
_SYMBOLS = re.compile("[\u2022\u2190-\u21ff\u2300-\u23ff\u25a0-\u27bf\u2b00-\u2bff\u200d\u20e3\ufe0e\ufe0f"
                      "\U0001f000-\U0001faff\U000e0020-\U000e007f]+")


def _for_spacy(text: str) -> str:
    """What spaCy reads of a block: the same length, with what it cannot parse as spaces or U+FFFD
    (spaCy cannot encode lone surrogates, possible from JSON)."""
    text = _LONE_SURROGATE.sub("\ufffd", text)
    text = _LONG_RUN.sub(lambda m: m.group(0)[:-1] + " ", text)
    return _SYMBOLS.sub(lambda m: " " * len(m.group(0)), text)


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


class BlockLocal(Protocol):
    """A result found inside one block, that can be moved with the block (see Analysis.per_block)."""

    def moved(self, delta: int, block: ProseBlock) -> Self:
        """A copy at `delta` characters from where it was found, in `block` (the same text)."""
        ...


B = TypeVar("B", bound=BlockLocal)

# How far around a block the surrounding spans are told apart (see _surroundings): enough for
# "a timeline row that starts at most 4 characters before the block".
_NEAR = 8


# What _surroundings records of the spans around a block: (span, tag) per kind.
_SURROUNDING: dict[str, Callable[[Postmortem], list[tuple[Span, Hashable]]]] = {
    "code": lambda doc: [(s, "code") for s in doc.code_spans],
    "timeline": lambda doc: [(e.span, e.clock is not None) for e in doc.timeline],
    "action": lambda doc: [(a.span, "action") for a in doc.action_items],
    "section": lambda doc: [(s.span, s.kind) for s in doc.sections],
}


class SpanIndex:
    """The spans that reach into a window, found by bisection: a block's surroundings (or the
    rows holding a sentence) cost what is near it, not the whole document's rows (a 5,000-row
    table was quadratic). `around(span.end, span.start)` gives the spans covering `span`."""

    def __init__(self, items: list[tuple[Span, Hashable]]) -> None:
        self.items = items
        self.order = sorted(range(len(items)), key=lambda i: items[i][0].start)
        self.starts = [items[i][0].start for i in self.order]
        self.reach: list[int] = []  # the furthest end up to each span, in order of start
        furthest = -1
        for i in self.order:
            furthest = max(furthest, items[i][0].end)
            self.reach.append(furthest)

    def around(self, low: int, high: int) -> list[tuple[Span, Hashable]]:
        """In their original order, the spans that start at most at `high` and end at least at `low`."""
        j = bisect.bisect_right(self.starts, high) - 1
        hits = []
        while j >= 0 and self.reach[j] >= low:
            if self.items[self.order[j]][0].end >= low:
                hits.append(self.order[j])
            j -= 1
        return [self.items[i] for i in sorted(hits)]


_BUILT: OrderedDict[tuple[int, str], tuple[Any, Any]] = OrderedDict()
_BUILT_LOCK = threading.Lock()


def built_for(owner: list, kind: str, build: Callable[[list], T]) -> T:
    """`build(owner)` made once per list (a document's timeline, say) and kind, for the
    computations `Analysis.per_block` runs block by block: an index of the whole document
    built once, not once per block. The last 32 are kept, each with its list (so an id
    cannot be reused while it is kept)."""
    key = (id(owner), kind)
    with _BUILT_LOCK:
        known = _BUILT.get(key)
        if known is not None and known[0] is owner:
            _BUILT.move_to_end(key)
            return known[1]
    value = build(owner)
    with _BUILT_LOCK:
        _BUILT[key] = (owner, value)
        while len(_BUILT) > 32:
            _BUILT.popitem(last=False)
    return value


@dataclass
class Analysis:
    doc: Postmortem
    blocks: list[AnalyzedBlock]
    _shared: dict[str, Any] = field(default_factory=dict)
    _contexts: dict[int, tuple] = field(default_factory=dict)
    block_hits: int = 0  # per_block results reused from an earlier review (for tests and benchmarks)
    deadline: Any = None  # reviewer.budget.Deadline: checked between blocks (a review stopped past its budget)
    _nearby: dict[str, SpanIndex] = field(default_factory=dict)

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

    def alone(self, analyzed: AnalyzedBlock) -> Analysis:
        """This document seen through one block: what `per_block` gives each computation."""
        return Analysis(self.doc, [analyzed], deadline=self.deadline)

    def per_block(self, name: str, compute: Callable[[Analysis], list[B]], *, key: Hashable = ()) -> list[B]:
        """`compute` run on each block alone (`alone`), the results in document order.

        `compute` may read the block's text and parse, and, of the rest of the document, only
        what `_surroundings` records: its section, the code, timeline and action-item spans
        around it. Its results are kept on the block's cached spaCy Doc under `name`, `key` (the
        options that change them) and those surroundings, and moved to where the block is now
        when an edited document brings the same block back. tests/test_block_cache.py checks
        that a re-review equals a fresh one; a computation that reads more of the document
        belongs in `shared`.
        """
        out: list[B] = []
        for analyzed in self.blocks:
            if self.deadline is not None:
                self.deadline.check()
            memo = analyzed.doc.user_data
            cache_key = ("pmreview", name, key, self._surroundings(analyzed.block))
            start = analyzed.block.span.start
            cached = memo.get(cache_key)
            if cached is None:
                found = compute(self.alone(analyzed))
                memo[cache_key] = (start, found)
                out.extend(found)
                continue
            self.block_hits += 1
            was, found = cached
            # Copies, moved to where the block is now: what a caller does with them stays out of the cache.
            out.extend(item.moved(start - was, analyzed.block) for item in found)
        return out

    def _surroundings(self, block: ProseBlock) -> tuple:
        """What of the document outside its text a block-local computation may depend on,
        relative to the block's start (so that the same block elsewhere gives the same key)."""
        known = self._contexts.get(id(block))
        if known is not None:
            return known
        doc = self.doc
        base, end = block.span.start, block.span.end
        low, high = -_NEAR, end - base + _NEAR

        def near(kind: str) -> tuple[tuple[int, int, Hashable], ...]:
            # Clamped just outside the block: "covers the block" and "starts 4 characters
            # before it" stay the same; how far outside does not matter.
            index = self._nearby.get(kind)
            if index is None:
                index = self._nearby[kind] = SpanIndex(_SURROUNDING[kind](doc))
            return tuple((max(s.start - base, low), min(s.end - base, high), tag)
                         for s, tag in index.around(base - _NEAR, end + _NEAR))

        section = doc.section_of(block)
        context = (
            doc.text[base:end],  # the source: masked prose reads the same for other code or link targets
            array("i", (o - base for o in block.offsets)).tobytes(),
            block.kind, block.quoted, block.table_row is None, block.table_column,
            (section.kind, section.title, section.level) if section is not None else None,
            near("code"), near("timeline"), near("action"), near("section"),
        )
        self._contexts[id(block)] = context
        return context


# A parse that yields the spaCy lane between pieces of about this many characters, and a
# text this small (all its uncached blocks together) that goes before larger ones.
CHUNK_CHARS = 4_000
SMALL_TEXT_CHARS = 5_000


def _parts(text: str) -> list[str]:
    """`text` cut into parts of at most about 2 × CHUNK_CHARS characters, each ending after a
    sentence end or a space where it can (the text joined again is `text`)."""
    if len(text) <= 2 * CHUNK_CHARS:
        return [text]
    parts, start = [], 0
    while len(text) - start > 2 * CHUNK_CHARS:
        low, high = start + CHUNK_CHARS // 2, start + CHUNK_CHARS
        cut = max(text.rfind(". ", low, high), text.rfind("\n", low, high))
        cut = cut if cut >= 0 else text.rfind(" ", low, high)
        end = cut + 1 if cut >= 0 else high
        parts.append(text[start:end])
        start = end
    parts.append(text[start:])
    return parts


def _joined(docs: list[Any]) -> Any:
    from spacy.tokens import Doc

    return Doc.from_docs(docs, ensure_whitespace=False)


class Analyzer:
    """Holds the spaCy pipeline and the per-block cache; safe to share between threads.

    `cache_size` counts blocks (paragraphs, list items, cells). A cached block costs about
    18 KB (its parse without the tok2vec tensor, and its per-block results), so the default
    10,000 holds some fifty 2,000-word documents in about 180 MB.
    """

    def __init__(self, nlp: Any, *, cache_size: int = 10_000, batch_size: int = 64) -> None:
        self.nlp = nlp
        self.cache_size = cache_size
        self.batch_size = batch_size
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()  # the cache
        self.parsed_blocks = 0  # how many blocks went through spaCy (the rest came from the cache)
        # The spaCy lane: one parse at a time, in pieces of some CHUNK_CHARS; between pieces a
        # small text waiting goes first, so an editor's paragraph never waits for a whole large
        # document (see _turn).
        self._lane = threading.Condition()
        self._lane_busy = False
        self._small_waiting = 0

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()

    @contextmanager
    def _turn(self, small: bool) -> Iterator[None]:
        """Hold the spaCy lane: small texts before large ones, each large one between pieces."""
        with self._lane:
            if small:
                self._small_waiting += 1
            try:
                while self._lane_busy or (not small and self._small_waiting > 0):
                    self._lane.wait()
            finally:
                if small:
                    self._small_waiting -= 1
            self._lane_busy = True
        try:
            yield
        finally:
            with self._lane:
                self._lane_busy = False
                self._lane.notify_all()

    def _pieces(self, missing: list[tuple]) -> Iterator[list[tuple]]:
        """Batches of (…, text) items of about CHUNK_CHARS characters (or batch_size items)."""
        piece: list[tuple] = []
        chars = 0
        for item in missing:
            piece.append(item)
            chars += len(item[-1])
            if chars >= CHUNK_CHARS or len(piece) >= self.batch_size:
                yield piece
                piece, chars = [], 0
        if piece:
            yield piece

    def analyze_many(self, docs: Sequence[Postmortem], *, deadline: Any = None) -> list[Analysis]:
        """Analyse several documents in one batched pass over their uncached blocks; `deadline`
        (reviewer.budget.Deadline) is checked between pieces of the parse."""
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
        found: dict[str, Any] = {}
        with self._lock:
            for key in wanted:
                cached = self._cache.get(key)
                if cached is not None:
                    self._cache.move_to_end(key)
                    found[key] = cached
        missing = [(k, t) for k, t in wanted.items() if k not in found]
        small = sum(len(t) for _, t in missing) <= SMALL_TEXT_CHARS
        # A long block is parsed in parts of about CHUNK_CHARS (cut after a sentence or a space)
        # joined back into one Doc with the same text: spaCy's cost per character rises with the
        # length of what it is given at once, and the lane can be yielded between the parts.
        jobs = [(key, part) for key, text in missing for part in _parts(_for_spacy(text))]
        counts = Counter(key for key, _ in jobs)
        parts: dict[str, list[Any]] = {}
        for piece in self._pieces(jobs):
            if deadline is not None:
                deadline.check()
            with self._turn(small):
                parsed_docs = list(self.nlp.pipe((t for _, t in piece), batch_size=self.batch_size))
            complete = []
            for (key, _), parsed in zip(piece, parsed_docs):
                # No check reads the tok2vec output, and it is over half of what a cached Doc weighs.
                parsed.tensor = _NO_TENSOR
                parts.setdefault(key, []).append(parsed)
                if len(parts[key]) == counts[key]:
                    complete.append(key)
            with self._lock:
                for key in complete:
                    done = parts.pop(key)
                    parsed = done[0] if len(done) == 1 else _joined(done)
                    parsed.tensor = _NO_TENSOR
                    self._cache[key] = found[key] = parsed
                self.parsed_blocks += len(complete)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return [Analysis(doc, [AnalyzedBlock(block, found[key]) for block, key in keys], deadline=deadline)
                for doc, keys in zip(docs, keyed)]

    def analyze(self, doc: Postmortem) -> Analysis:
        return self.analyze_many([doc])[0]
