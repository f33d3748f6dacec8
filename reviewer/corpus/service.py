"""The corpus service: one object the CLI and the HTTP API use for past incidents.

    corpus = Corpus.open()                                  # PMREVIEW_DATABASE_URL, else SQLite in the data dir
    corpus.ensure_seeded()                                  # imports data/incidents when the store is empty
    report = corpus.import_records(records)                 # idempotent by id
    matches = corpus.similar("the certificate on the edge proxies expired", k=5)
    groups = corpus.root_causes(since=date(2019, 1, 1))
    corpus.recurrence(draft_text).message                   # "4 earlier incidents share this root cause (…)"

Thread safety: one Corpus may be shared by the threads of a web server; imports, deletes
and index loading take one lock; searches read the in-memory indexes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from reviewer.corpus import groups as grouping
from reviewer.corpus.categories import CategoryClassifier, TrainedCategoryClassifier, decided, unknown_threshold
from reviewer.corpus.causes import CauseReading, cause_spans, cause_text
from reviewer.corpus.embeddings import Embedder, embedder_from_name
from reviewer.corpus.errors import BadRecord, CorpusError, StoreError
from reviewer.corpus.extract import (
    DERIVED_VERSION,
    body_text,
    content_hash,
    extract,
    field_texts,
    rederive,
    record_from_mapping,
    record_from_markdown,
    valid_id,
)
from reviewer.corpus.index import LexicalIndex, TermCounts, VectorIndex, terms
from reviewer.corpus.store import Store, StoredItem, open_store
from reviewer.corpus.taxonomy import TeamTaxonomy
from reviewer.corpus.types import (
    EMBEDDED_FIELDS,
    FieldLimitExceeded,
    ROOT_CAUSE_CATEGORIES,
    ImportReport,
    Incident,
    IncidentFilters,
    IncidentRecord,
    MatchReason,
    Page,
    Recurrence,
    RootCauseGroup,
    SimilarMatch,
    SkippedRecord,
    TrendPoint,
    check_storable,
    id_problem,
)
from reviewer.document import parse
from reviewer.errors import ModelUnavailable, PmreviewError

log = logging.getLogger("pmreview")

RRF_K = 60  # reciprocal rank fusion constant (Cormack et al.): 1 / (60 + rank)
CANDIDATES = 200  # rows each ranking contributes to the fusion
MAX_K = 100
MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class SearchWeights:
    """How much each ranking counts in the fusion (0 leaves it out). Measured in benchmarks/bench_retrieval.py."""

    root_cause: float = 1.0
    summary: float = 0.5
    text: float = 1.0
    lexical: float = 1.0
    category: float = 1.0
    cause: float = 1.0  # the cause spans alone (root-cause sections, else causal sentences)
    # "relevance": rank by the classifier's learned P(same cause) from category match, cause
    # cosine and BM25, leaving out what is below its threshold; "rrf": reciprocal rank fusion
    # with the weights above (also the fallback of a classifier without that model).
    fusion: str = "relevance"


# A field matches "well" above this cosine; below it only the best field is named in the reason.
SECTION_MATCH = 0.45
# Recurrence: same category and root causes at least this close (cosine); without a category, closer.
RECURRENCE_SAME_CATEGORY = 0.35
RECURRENCE_NO_CATEGORY = 0.6
DRAFT_PREFIX = "draft:"


@dataclass(slots=True)
class _Query:
    """A query ready for ranking: a vector per field, the words, the category probabilities."""

    vectors: dict[str, np.ndarray]
    text: str
    root_cause_text: str
    category_probabilities: np.ndarray | None
    exclude: str | None  # the incident itself, when querying by id
    date: date | None


RECENT_QUERIES = 16


class Corpus:
    """Past incidents: store + embeddings + lexical index + root-cause categories."""

    def __init__(self, store: Store, *, embedder: Embedder | None = None,
                 classifier: CategoryClassifier | None = None, weights: SearchWeights | None = None,
                 taxonomy: TeamTaxonomy | None = None) -> None:
        self.store = store
        self.taxonomy = taxonomy  # a team's own root-cause categories (config `cause-taxonomy`)
        self.embedder: Embedder = embedder or embedder_from_name()
        self._classifier = classifier
        self._classifier_failed = False
        self.weights = weights or SearchWeights()
        self._lock = threading.RLock()
        self._vectors: dict[str, VectorIndex] | None = None
        self._lexical: LexicalIndex | None = None
        self._root_cause_lexical = TermCounts()  # the root-cause text of each incident
        self._applied_change = 0  # the store's last change that the in-memory indexes include
        # The last drafts' queries: a review asks for similar incidents and for recurrence of the
        # same text, and each would otherwise parse, classify and look up its embeddings again.
        self._recent_queries: OrderedDict[str, _Query] = OrderedDict()

    @classmethod
    def open(cls, url: str | None = None, *, embedder: Embedder | None = None,
             classifier: CategoryClassifier | None = None, weights: SearchWeights | None = None,
             taxonomy: TeamTaxonomy | None = None) -> "Corpus":
        """Open (creating when needed) the store at `url`.

        `url`: an SQLAlchemy URL; None reads PMREVIEW_DATABASE_URL, else a SQLite file in the
        user's data directory. `embedder`: an `Embedder` (default: all-MiniLM-L6-v2, loaded on
        first use, once per process). `classifier`: a root-cause `CategoryClassifier` (default:
        the shipped model in models/). Raises `CorpusError` on a bad URL or an unusable store.
        """
        corpus = cls(open_store(url), embedder=embedder, classifier=classifier, weights=weights, taxonomy=taxonomy)
        corpus.rederive_stored()
        return corpus

    def rederive_stored(self) -> list[str]:
        """Correct what an earlier version derived from the stored texts (action items, summary,
        root cause, resolution, a derived title), once per DERIVED_VERSION: opening a store
        written before is enough, with no manual step. Vectors, given fields and "not similar"
        marks stay as they are. Returns the ids it changed."""
        method = getattr(self.store, "rederive", None)
        if method is None:
            return []
        try:
            changed = method(DERIVED_VERSION, rederive) or []
        except Exception:  # noqa: BLE001 - a store that cannot be corrected is still a store to read
            log.exception("stored incidents could not be re-derived")
            return []
        if changed:
            log.info("re-derived the shown text of %d stored incidents", len(changed))
        return changed

    def close(self) -> None:
        """Release the database connections."""
        self.store.close()

    def __enter__(self) -> "Corpus":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- models ------------------------------------------------------------------------------
    @property
    def classifier(self) -> CategoryClassifier | None:
        if self._classifier is None and not self._classifier_failed:
            self._classifier = TrainedCategoryClassifier()
        return self._classifier

    def _category_probabilities(self, texts: list[str], vectors: np.ndarray | None = None) -> np.ndarray | None:
        classifier = self.classifier
        if classifier is None or not texts:
            return None
        try:
            return classifier.probabilities(texts, vectors, self.embedder.name)
        except ModelUnavailable as exc:
            log.warning("root-cause categories unavailable: %s", exc)
            self._classifier_failed, self._classifier = True, None
            return None

    # -- indexes -----------------------------------------------------------------------------
    def _indexes(self) -> tuple[dict[str, VectorIndex], LexicalIndex]:
        """The in-memory indexes, loaded from the store on first use (re-embedding what another model
        made), then kept up to date with what other processes write to the same store."""
        with self._lock:
            if self._vectors is not None and self._lexical is not None and not self._catch_up():
                self._vectors = self._lexical = None  # too far behind the change log: load everything
            if self._vectors is None or self._lexical is None:
                # Read before loading: a change committed during the load is applied again, never missed.
                self._applied_change = self.store.last_change()
                vectors: dict[str, VectorIndex] = {}
                categories = self.store.categories()
                for name in EMBEDDED_FIELDS:
                    ids, matrix = self.store.vectors(name, self.embedder.name)
                    if matrix is not None:
                        index = VectorIndex(matrix.shape[1])
                        index.upsert(ids, matrix, [_category_code(categories.get(i)) for i in ids])
                        vectors[name] = index
                lexical = LexicalIndex()
                texts = self.store.lexical_texts()
                lexical.upsert({i: whole for i, whole, _ in texts})
                self._root_cause_lexical = TermCounts({i: _cause_of(whole, rc) for i, whole, rc in texts})
                self._vectors, self._lexical = vectors, lexical
                missing = [i for i, _, _ in texts if any(name not in vectors or vectors[name].row_of(i) is None
                                                         for name in EMBEDDED_FIELDS)]
                if missing:
                    self._reembed(missing)
            return self._vectors, self._lexical

    def _catch_up(self) -> bool:
        """Apply to the in-memory indexes what was written or deleted since they were loaded,
        by this process or another one sharing the store; False when the store's change log
        no longer goes back that far."""
        since = self.store.changed_since(self._applied_change)
        if since is None:
            return False
        changed, last = since
        if not changed:
            return True
        assert self._vectors is not None and self._lexical is not None
        ordered = sorted(changed)
        for start in range(0, len(ordered), 500):  # within the SQL parameter limits
            chunk = ordered[start : start + 500]
            texts = self.store.lexical_texts(chunk)
            present = {incident_id for incident_id, _, _ in texts}
            for incident_id in set(chunk) - present:
                for index in self._vectors.values():
                    index.remove(incident_id)
                self._lexical.remove(incident_id)
                self._root_cause_lexical.pop(incident_id)
            if not present:
                continue
            categories = self.store.categories(chunk)
            for name in EMBEDDED_FIELDS:
                ids, matrix = self.store.vectors(name, self.embedder.name, chunk)
                if matrix is not None:
                    self._vector_index(name, matrix.shape[1]).upsert(
                        ids, matrix, [_category_code(categories.get(i)) for i in ids])
                # An incident whose vectors another model made stays out of this index: re-embedding
                # it here would replace them, and the other process would do the same in turn.
            self._lexical.upsert({i: whole for i, whole, _ in texts})
            self._root_cause_lexical.update({i: _cause_of(whole, rc) for i, whole, rc in texts})
        self._applied_change = last
        return True

    def _reembed(self, ids: list[str]) -> None:
        """Vectors for stored incidents that have none from the current model (the model changed)."""
        log.info("embedding %d stored incidents with %s", len(ids), self.embedder.name)
        for start in range(0, len(ids), 64):
            chunk = ids[start : start + 64]
            items = []
            for incident_id in chunk:
                incident = self.store.get(incident_id)
                if incident is None:
                    continue
                # The stored fields stay as imported (a JSONL record's title, date, services…);
                # only the prose, which comes from the text alone, is read again.
                items.append((incident, body_text(parse(incident.text or ""))))
            self._write_items([(inc, prose, self.store.hashes([inc.id]).get(inc.id, ("", set()))[0])
                               for inc, prose in items])

    def _vector_index(self, name: str, dimension: int) -> VectorIndex:
        assert self._vectors is not None
        if name not in self._vectors:
            self._vectors[name] = VectorIndex(dimension)
        return self._vectors[name]

    # -- writing -----------------------------------------------------------------------------
    def import_records(self, records: Iterable[IncidentRecord | BadRecordEntry], *, batch_size: int = 64,
                       on_progress: Callable[[int], None] | None = None) -> ImportReport:
        """Store records (idempotent by id: a changed record is updated, an identical one left alone).

        A bad record (no id, no text, unreadable date) is skipped with its reason in the report;
        each batch is committed in one transaction, so an interrupted import leaves a
        consistent store and can simply be rerun. `on_progress(n)` is called after each batch
        with the number of records it handled.
        """
        report = ImportReport()
        batch: list[IncidentRecord | BadRecordEntry] = []
        for record in records:
            batch.append(record)
            if len(batch) >= batch_size:
                report.merge(self._import_batch(batch))
                if on_progress:
                    on_progress(len(batch))
                batch = []
        if batch:
            report.merge(self._import_batch(batch))
            if on_progress:
                on_progress(len(batch))
        return report

    def import_record(self, record: IncidentRecord) -> ImportReport:
        """`import_records` for one record."""
        return self.import_records([record])

    def import_paths(self, paths: Iterable[str | Path], *,
                     on_progress: Callable[[int], None] | None = None,
                     on_total: Callable[[int], None] | None = None) -> ImportReport:
        """Import Markdown files, folders of them (recursively, *.md) and JSONL files of records.

        `on_total(n)` is told how many records were found before the import starts.
        """
        entries = list(read_paths(paths))
        if on_total:
            on_total(len(entries))
        return self.import_records(entries, on_progress=on_progress)

    def _import_batch(self, batch: list["IncidentRecord | BadRecordEntry"]) -> ImportReport:
        report = ImportReport()
        extracted: dict[str, tuple[Incident, str, str]] = {}
        for record in batch:
            if isinstance(record, BadRecordEntry):
                report.skipped.append(SkippedRecord(id=record.id, source=record.source, reason=record.reason))
                continue
            try:
                if not isinstance(record, IncidentRecord):
                    raise BadRecord("not an incident record")
                if not record.id or not isinstance(record.text, str) or not record.text.strip():
                    raise BadRecord("a record needs an id and a non-empty text")
                incident, prose = extract(record)
                _check_storable(incident)
            except BadRecord as exc:
                report.skipped.append(SkippedRecord(id=_reportable_id(record), source=getattr(record, "source", None),
                                                    reason=str(exc), field=exc.field))
                continue
            except Exception:  # noqa: BLE001 - one bad record must not end the import
                log.exception("cannot import a record")
                report.skipped.append(SkippedRecord(id=_reportable_id(record), source=getattr(record, "source", None),
                                                    reason="this record could not be read (the log has the details)"))
                continue
            if incident.id in extracted:
                earlier = extracted[incident.id][0]
                report.skipped.append(SkippedRecord(id=incident.id, source=earlier.source,
                                                    reason="the same id comes again later in this import; the later record is kept"))
            extracted[incident.id] = (incident, prose, content_hash(record))
        if not extracted:
            return report
        with self._lock:
            self._indexes()
            stored = self.store.hashes(list(extracted))
            to_write = []
            for incident_id, (incident, prose, digest) in extracted.items():
                previous = stored.get(incident_id)
                if previous is not None and previous[0] == digest and self.embedder.name in previous[1]:
                    report.unchanged.append(incident_id)
                    continue
                (report.updated if previous is not None else report.imported).append(incident_id)
                to_write.append((incident, prose, digest))
            if to_write:
                try:
                    self._write_items(to_write)
                except PmreviewError:
                    raise  # StoreError included: fixed words, the database's message chained for the log
                except Exception as exc:
                    # Never the exception's text: a driver's message may hold the URL, SQL and values.
                    raise StoreError("the import could not be written to the store") from exc
        return report

    def _write_items(self, items: list[tuple[Incident, str, str]]) -> None:
        """Classify, embed (one batched encode, identical texts once), write in one transaction, index."""
        per_item = [field_texts(inc, prose) for inc, prose, _ in items]
        unique = list(dict.fromkeys(text for texts in per_item for text in texts.values()))
        encoded = self.embedder.encode(unique)
        vector_of = {text: encoded[i] for i, text in enumerate(unique)}
        # The category of what has none given: from the cause text and its vector ("unknown",
        # stored as none, when no category is likely).
        unclassified = [(inc, texts) for (inc, _, _), texts in zip(items, per_item) if not inc.category]
        if unclassified:
            probabilities = self._category_probabilities([texts["cause"] for _, texts in unclassified],
                                                         np.vstack([vector_of[texts["cause"]] for _, texts in unclassified]))
            if probabilities is not None:
                threshold = unknown_threshold(self.classifier)
                for (incident, _), (category, _) in zip(unclassified, decided(probabilities, threshold)):
                    if category is not None:
                        incident.category, incident.category_source = category, "classifier"
        stored = [StoredItem(incident=inc, prose=prose, content_hash=digest,
                             vectors={name: vector_of[texts[name]] for name in EMBEDDED_FIELDS},
                             model=self.embedder.name)
                  for (inc, prose, digest), texts in zip(items, per_item)]
        numbers = self.store.write(stored)
        if numbers is not None and numbers[0] == self._applied_change + 1:
            self._applied_change = numbers[1]  # nobody else wrote in between: nothing to read back
        # The store is committed; the in-memory indexes follow.
        assert self._vectors is not None and self._lexical is not None
        ids = [item.incident.id for item in stored]
        codes = [_category_code(item.incident.category) for item in stored]
        for name in EMBEDDED_FIELDS:
            matrix = np.vstack([item.vectors[name] for item in stored])
            self._vector_index(name, matrix.shape[1]).upsert(ids, matrix, codes)
        self._lexical.upsert({item.incident.id: f"{item.incident.title}\n{item.prose}" for item in stored})
        self._root_cause_lexical.update({item.incident.id: cause_text(item.incident.root_cause, "", item.prose)
                                         for item in stored})

    def delete(self, incident_id: str) -> bool:
        """Remove an incident (and its embeddings and feedback); False when it was not stored."""
        with self._lock:
            deleted = self.store.delete(incident_id)
            if self._vectors is not None and self._lexical is not None:
                for index in self._vectors.values():
                    index.remove(incident_id)
                self._lexical.remove(incident_id)
                self._root_cause_lexical.pop(incident_id)
        return deleted

    def ensure_seeded(self, folder: str | Path | None = None) -> ImportReport | None:
        """Import the shipped example corpus (default data/incidents) when the store is empty."""
        if self.count() > 0:
            return None
        from reviewer.resources import example_corpus_dir

        folder = Path(folder) if folder is not None else example_corpus_dir()
        if not folder.is_dir():
            log.warning("no example corpus at %s", folder)
            return None
        return self.import_paths([folder])

    def feedback(self, incident_id: str, other_id: str, *, verdict: str = "not_similar") -> None:
        """Remember that `other_id` is not similar to `incident_id` (both orders); never suggested again.

        `incident_id` may also be a draft's key (see `draft_key`) for drafts not stored.
        """
        if verdict != "not_similar":
            raise CorpusError("verdict must be not_similar (the one verdict)")
        if not incident_id or not other_id or incident_id == other_id:
            raise CorpusError("feedback needs two different ids")
        if self.store.get(other_id, with_text=False) is None:
            raise CorpusError("other_id: no such incident in the corpus")
        self.store.add_feedback(incident_id, other_id, verdict)

    # -- reading -----------------------------------------------------------------------------
    def get(self, incident_id: str, *, with_text: bool = True) -> Incident | None:
        return self.store.get(incident_id, with_text=with_text)

    def list(self, filters: IncidentFilters | None = None, *, offset: int = 0, limit: int = 50) -> Page:
        """Incidents newest first, filtered; `total` counts every match, not only this page."""
        if offset < 0 or not 1 <= limit <= MAX_PAGE:
            raise CorpusError(f"offset must be ≥ 0 and limit from 1 to {MAX_PAGE}")
        items, total = self.store.list(filters, offset, limit)
        return Page(items=items, total=total, offset=offset, limit=limit)

    def count(self) -> int:
        return self.store.count()

    def similar(self, text: str | None = None, *, incident_id: str | None = None, k: int = 5,
                filters: IncidentFilters | None = None, draft_key: str | None = None) -> list[SimilarMatch]:
        """The k past incidents most similar to a text (a draft postmortem) or a stored incident.

        Dense similarity per field (root cause, summary, whole text) fused with a lexical (BM25)
        ranking and the root-cause category by reciprocal rank fusion; each match says which
        sections matched and which root-cause terms are shared. Pairs marked "not similar"
        (with the incident, or with `draft_key` for a draft) and the incident itself are left out.
        """
        if (text is None) == (incident_id is None):
            raise CorpusError("give either a text or an incident id")
        if not 1 <= k <= MAX_K:
            raise CorpusError(f"k must be from 1 to {MAX_K}")
        query = self._query_for_id(incident_id) if incident_id is not None else self._query_for_text(text or "")
        return self._rank(query, k, filters, feedback_key=incident_id or draft_key)

    def cause(self, text: str) -> CauseReading:
        """The root-cause category of a text (a draft or a report), "unknown" (None) when none is
        likely, and its team category when a taxonomy is configured."""
        query = self._query_for_text(text)
        spans = cause_spans(query.root_cause_text, "", "")
        category, probability = None, 0.0
        if query.category_probabilities is not None:
            (category, probability), = decided(query.category_probabilities[None, :],
                                               unknown_threshold(self.classifier))
        reading = CauseReading(category=category, probability=probability, spans=spans)
        if self.taxonomy is not None:
            (reading.team_category, reading.team_probability), = self.taxonomy.classify(
                query.vectors["cause"][None, :], self.embedder,
                query.category_probabilities[None, :] if query.category_probabilities is not None else None)
        return reading

    def _query_for_text(self, text: str) -> _Query:
        if not text.strip():
            raise CorpusError("the text to compare is empty")
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        with self._lock:
            known = self._recent_queries.get(key)
        if known is not None:
            return known
        query = self._make_query(text)
        with self._lock:
            self._recent_queries[key] = query
            while len(self._recent_queries) > RECENT_QUERIES:
                self._recent_queries.popitem(last=False)
        return query

    def _make_query(self, text: str) -> _Query:
        try:
            # The text's own id (front matter), so that a stored postmortem is not similar to itself.
            record = record_from_markdown(text, None, fallback_id="query")
            if not valid_id(record.id):
                record.id = "query"  # an id the store could not hold cannot be stored either
            incident, prose = extract(record)
        except BadRecord as exc:
            raise CorpusError(str(exc)) from None
        own_id = incident.id if incident.id != "query" else None
        texts = field_texts(incident, prose)
        unique = list(dict.fromkeys(texts.values()))
        encoded = self.embedder.encode(unique)
        vectors = {name: encoded[unique.index(texts[name])] for name in EMBEDDED_FIELDS}
        root_cause = texts["cause"]
        probabilities = None
        if incident.category:
            probabilities = np.zeros(len(ROOT_CAUSE_CATEGORIES), dtype=np.float32)
            probabilities[ROOT_CAUSE_CATEGORIES.index(incident.category)] = 1.0
        else:
            found = self._category_probabilities([texts["cause"]], vectors["cause"][None, :])
            probabilities = found[0] if found is not None else None
        return _Query(vectors=vectors, text=f"{incident.title}\n{prose}", root_cause_text=root_cause,
                      category_probabilities=probabilities, exclude=own_id, date=incident.date)

    def _query_for_id(self, incident_id: str) -> _Query:
        vectors_by_field, lexical = self._indexes()
        incident = self.store.get(incident_id, with_text=False)
        if incident is None:
            raise CorpusError("no such incident in the corpus")
        vectors = {name: index.vector(incident_id).copy() for name, index in vectors_by_field.items()
                   if index.vector(incident_id) is not None}
        probabilities = None
        if incident.category and incident.category_source == "given":
            probabilities = np.zeros(len(ROOT_CAUSE_CATEGORIES), dtype=np.float32)
            probabilities[ROOT_CAUSE_CATEGORIES.index(incident.category)] = 1.0
        elif incident.category:
            # A classified incident ranks with its whole distribution, as a draft does: neighbours
            # in its second-likeliest category still count (measured: better than its top category alone).
            cause = self._root_cause_lexical.get(incident_id) or incident.root_cause or incident.summary or incident.title
            found = self._category_probabilities([cause], vectors["cause"][None, :] if "cause" in vectors else None)
            probabilities = found[0] if found is not None else None
        whole = lexical._docs.get(incident_id, incident.title)
        return _Query(vectors=vectors, text=whole, root_cause_text=self._root_cause_lexical.get(incident_id, whole),
                      category_probabilities=probabilities, exclude=incident_id, date=incident.date)

    def _rank(self, query: _Query, k: int, filters: IncidentFilters | None, feedback_key: str | None,
              ) -> list[SimilarMatch]:
        """Reciprocal rank fusion of the per-field dense rankings, BM25 and the category match.

        Each ranking contributes only its top CANDIDATES rows (argpartition), so a query over a
        large corpus costs a few matrix-vector products, not full sorts.
        """
        vectors_by_field, lexical = self._indexes()
        base = vectors_by_field.get("text")
        if base is None or len(base) == 0:
            return []
        # One consistent view per index: an import in another thread may grow them meanwhile.
        ids, base_matrix, base_codes = base.snapshot()
        n = len(ids)
        allowed = np.ones(n, dtype=bool)
        if filters is not None and any(getattr(filters, f) for f in ("service", "since", "until", "severity", "category")):
            keep = self.store.ids(filters)
            allowed &= np.fromiter((i in keep for i in ids), dtype=bool, count=n)
        banned = self.store.not_similar_to(feedback_key) if feedback_key else set()
        if query.exclude:
            banned.add(query.exclude)
        for banned_id in banned:
            row = base.row_of(banned_id)
            if row is not None and row < n and ids[row] == banned_id:
                allowed[row] = False
        if not allowed.any():
            return []

        # Every ranking as a score per row of the "text" index.
        field_scores: dict[str, np.ndarray] = {}
        for name in EMBEDDED_FIELDS:
            index = vectors_by_field.get(name)
            if index is None or name not in query.vectors:
                continue
            if index is base:
                field_ids, matrix = ids, base_matrix
            else:
                field_ids, matrix, _ = index.snapshot()
            scores = matrix @ np.asarray(query.vectors[name], dtype=np.float32)
            if field_ids != ids:  # other order (or mid-import): align to the "text" index, 0 where missing
                where = {i: r for r, i in enumerate(field_ids)}
                position = np.fromiter((where.get(i, -1) for i in ids), dtype=np.int64, count=n)
                scores = np.where(position >= 0, scores[np.maximum(position, 0)], 0.0).astype(np.float32)
            field_scores[name] = scores
        weights = self.weights
        # The learned P(same cause) ranks alone: none of the fused rankings below is needed.
        relevance = self._relevance() if weights.fusion == "relevance" else None
        if relevance is not None:
            return self._rank_by_relevance(query, k, relevance, ids, allowed, field_scores, base_codes, lexical)
        rankings: list[tuple[float, np.ndarray]] = [
            (getattr(weights, name), field_scores[name]) for name in EMBEDDED_FIELDS
            if name in field_scores and getattr(weights, name) > 0]
        if weights.lexical > 0 and len(lexical):
            lexical_scores = lexical.scores(query.text)
            lexical_ids = lexical.ids
            if lexical_ids != ids:
                where = {i: r for r, i in enumerate(lexical_ids)}
                lexical_scores = np.array([lexical_scores[where[i]] if i in where else 0.0 for i in ids], dtype=np.float32)
            rankings.append((weights.lexical, lexical_scores))
        if weights.category > 0 and query.category_probabilities is not None:
            codes = base_codes
            with_unknown = np.append(query.category_probabilities, 0.0).astype(np.float32)  # code -1 → 0
            category_scores = with_unknown[codes]
            # Ties inside a category are broken by the whole-text similarity.
            tie_break = field_scores.get("text", np.zeros(n, dtype=np.float32))
            rankings.append((weights.category, category_scores + 1e-3 * tie_break))

        candidates = min(n, max(CANDIDATES, 10 * k))
        fused = np.zeros(n, dtype=np.float64)
        for weight, scores in rankings:
            masked = np.where(allowed, scores, -np.inf)
            top = np.argpartition(-masked, candidates - 1)[:candidates] if candidates < n else np.arange(n)
            top = top[np.argsort(-masked[top], kind="stable")]
            top = top[np.isfinite(masked[top])]
            fused[top] += weight / (RRF_K + np.arange(1, len(top) + 1))
        best_possible = sum(weight / (RRF_K + 1) for weight, _ in rankings) or 1.0
        fused[~allowed] = 0.0
        best_rows = np.argpartition(-fused, k - 1)[:k] if k < n else np.arange(n)
        best_rows = best_rows[np.argsort(-fused[best_rows], kind="stable")]
        chosen = [(ids[row], int(row)) for row in best_rows if fused[row] > 0]
        incidents = self.store.get_many([incident_id for incident_id, _ in chosen])
        query_category = None
        if query.category_probabilities is not None:
            query_category = ROOT_CAUSE_CATEGORIES[int(np.argmax(query.category_probabilities))]
        matches = []
        for incident_id, row in chosen:
            incident = incidents.get(incident_id)
            if incident is None:
                continue
            per_field = {name: round(float(scores[row]), 3) for name, scores in field_scores.items()}
            matches.append(SimilarMatch(
                incident=incident, score=round(float(fused[row] / best_possible), 3),
                similarity=max(per_field.values(), default=0.0),
                reason=self._reason(query, incident, per_field, query_category, lexical)))
        return matches

    def _relevance(self):
        try:
            return getattr(self.classifier, "relevance", None)
        except ModelUnavailable:
            return None

    def _rank_by_relevance(self, query: _Query, k: int, relevance, ids: list[str], allowed: np.ndarray,
                           field_scores: dict[str, np.ndarray], codes: np.ndarray, lexical: LexicalIndex,
                           ) -> list[SimilarMatch]:
        """The k incidents most likely to share the query's cause, none below the threshold."""
        n = len(ids)
        zeros = np.zeros(n, dtype=np.float64)
        if query.category_probabilities is not None:
            category_match = np.append(query.category_probabilities, 0.0).astype(np.float64)[codes]
        else:
            category_match = zeros
        bm25 = zeros
        if len(lexical):
            scores = lexical.scores(query.text)
            lexical_ids = lexical.ids
            if lexical_ids != ids:
                where = {i: r for r, i in enumerate(lexical_ids)}
                scores = np.array([scores[where[i]] if i in where else 0.0 for i in ids], dtype=np.float64)
            bm25 = np.where(allowed, scores, 0.0).astype(np.float64)
        cause = field_scores.get("cause", field_scores.get("root_cause", zeros)).astype(np.float64)
        probability = relevance.probability(category_match, cause, bm25)
        # Ties (same category, no words in common) are broken by the whole-text similarity.
        ranking = probability + 1e-4 * field_scores.get("text", zeros)
        ranking[~allowed | (probability < relevance.keep_above)] = -np.inf
        rows = np.argpartition(-ranking, k - 1)[:k] if k < n else np.arange(n)
        rows = [int(r) for r in rows[np.argsort(-ranking[rows], kind="stable")] if np.isfinite(ranking[r])]
        incidents = self.store.get_many([ids[r] for r in rows])
        query_category = None
        if query.category_probabilities is not None:
            query_category = ROOT_CAUSE_CATEGORIES[int(np.argmax(query.category_probabilities))]
        matches = []
        for row in rows:
            incident = incidents.get(ids[row])
            if incident is None:
                continue
            per_field = {name: round(float(scores[row]), 3) for name, scores in field_scores.items()}
            matches.append(SimilarMatch(
                incident=incident, score=round(float(probability[row]), 3),
                similarity=max(per_field.values(), default=0.0),
                reason=self._reason(query, incident, per_field, query_category, lexical)))
        return matches

    def _reason(self, query: _Query, incident: Incident, per_field: dict[str, float], query_category: str | None,
                lexical: LexicalIndex) -> MatchReason:
        ordered = sorted(per_field.items(), key=lambda item: -item[1])
        sections = [name for name, score in ordered if score >= SECTION_MATCH] or [name for name, _ in ordered[:1]]
        query_terms = set(terms(query.root_cause_text))
        incident_terms = set(terms(self._root_cause_lexical.get(incident.id) or incident.root_cause or incident.summary))
        shared = sorted(query_terms & incident_terms, key=lambda t: (-lexical.idf(t), t))[:6]
        return MatchReason(sections=sections, shared_terms=shared,
                           same_category=bool(query_category and incident.category == query_category),
                           category=incident.category, field_scores=per_field,
                           matched_spans=_matched_spans(query.root_cause_text,
                                                        self._root_cause_lexical.get(incident.id) or "", lexical))

    def root_causes(self, since: date | None = None, *, until: date | None = None,
                    min_count: int = 2) -> list[RootCauseGroup]:
        """Incidents grouped by recurring root cause, largest groups first (only incidents dated ≥ since)."""
        vectors_by_field, _ = self._indexes()
        incidents = self.store.all_incidents(IncidentFilters(since=since, until=until))
        # Inside a category, incidents are grouped by the closeness of their cause spans.
        index = vectors_by_field.get("cause") or vectors_by_field.get("root_cause")

        def vector_of(incident_id: str) -> np.ndarray | None:
            return index.vector(incident_id) if index is not None else None

        return grouping.root_cause_groups(incidents, vector_of, min_count=min_count)

    def trends(self, filters: IncidentFilters | None = None) -> list[TrendPoint]:
        """Per month: incidents, severity counts, impact minutes, mean time to resolve."""
        return grouping.trends(self.store.all_incidents(filters))

    def recurrence(self, text: str, *, exclude_id: str | None = None) -> Recurrence:
        """Does this draft's root cause recur? Earlier incidents that share it, and a message.

        Earlier: dated before the draft when both have a date. Shared: same root-cause category
        and root causes close in meaning (or, without a category, closer still).
        """
        query = self._query_for_text(text)
        vectors_by_field, lexical = self._indexes()
        field_name = "cause" if "cause" in vectors_by_field and "cause" in query.vectors else "root_cause"
        index = vectors_by_field.get(field_name)
        category = None
        if query.category_probabilities is not None:  # "unknown" when no category is likely
            (category, _), = decided(query.category_probabilities[None, :], unknown_threshold(self.classifier))
        if index is None or len(index) == 0:
            return Recurrence(category=category, label=None, earlier_incident_ids=[], count=0,
                              message="no earlier incidents in the corpus to compare with")
        root_cause_ids, matrix, _ = index.snapshot()
        scores = matrix @ np.asarray(query.vectors[field_name], dtype=np.float32)
        top = np.argpartition(-scores, 199)[:200] if len(scores) > 200 else np.arange(len(scores))
        candidates = [(root_cause_ids[r], float(scores[r])) for r in top[np.argsort(-scores[top])]]
        stored = self.store.get_many([i for i, _ in candidates])
        shared: list[Incident] = []
        for incident_id, similarity in candidates:
            incident = stored.get(incident_id)
            if incident is None or incident_id in (exclude_id, query.exclude):
                continue
            if query.date and incident.date and incident.date >= query.date:
                continue
            same = category is not None and incident.category == category
            if (same and similarity >= RECURRENCE_SAME_CATEGORY) or similarity >= RECURRENCE_NO_CATEGORY:
                shared.append(incident)
        shared.sort(key=lambda i: (i.date or date.min, i.id))
        words = grouping.group_terms([query.root_cause_text] + [i.root_cause or i.summary for i in shared],
                                     self._root_cause_lexical.document_frequency(),
                                     max(len(self._root_cause_lexical), 1),
                                     leave_out=grouping.category_words(category)) if shared else []
        label = (category or "root cause") + (": " + ", ".join(words) if words else "")
        count = len(shared)
        if count == 0:
            message = "no earlier incident in the corpus shares this root cause"
        else:
            since = min((i.date for i in shared if i.date), default=None)
            message = (f"{count} earlier incident{'s' if count != 1 else ''} share{'s' if count == 1 else ''} "
                       f"this root cause ({label})" + (f" since {since.isoformat()}" if since else ""))
        return Recurrence(category=category, label=label if count else None,
                          earlier_incident_ids=[i.id for i in shared], count=count, message=message)


def _check_storable(incident: Incident) -> None:
    """The limits every store holds (types.FIELD_LIMITS), checked before the write: BadRecord naming the field."""
    try:
        check_storable({"id": incident.id, "title": incident.title, "severity": incident.severity,
                        "owner": incident.owner, "services": incident.services, "tags": incident.tags,
                        "text": incident.text, "source": incident.source})
    except FieldLimitExceeded as exc:
        raise BadRecord(str(exc), field=exc.field) from None


def _reportable_id(record: object) -> str | None:
    """The record's id for a report, when it is a valid one (a bad id is not repeated back)."""
    value = getattr(record, "id", None)
    return value if id_problem(value) is None else None


SPAN_MATCH_IDF = 4.0  # the shared words of two spans must weigh at least this (sum of idf) to be named


def _matched_spans(query_cause: str, incident_cause: str, lexical: LexicalIndex) -> list[str]:
    """[query span, incident span]: the pair of cause sentences sharing the heaviest words, or []."""
    best_pair, best_weight = [], SPAN_MATCH_IDF
    incident_spans = [(span, set(terms(span))) for span in cause_spans(incident_cause, "", "")]
    for query_span in cause_spans(query_cause, "", ""):
        query_terms = set(terms(query_span))
        for span, span_terms in incident_spans:
            weight = sum(lexical.idf(t) for t in query_terms & span_terms)
            if weight > best_weight:
                best_pair, best_weight = [query_span, span], weight
    if best_pair and best_pair[0] == best_pair[1]:
        return [best_pair[0]]
    return best_pair


def _cause_of(whole: str, root_cause: str) -> str:
    """The cause text of a stored incident from its lexical texts (title + prose, and its
    root-cause text, which the store gives as the prose when the document has no such section)."""
    prose = whole.split("\n", 1)[1] if "\n" in whole else whole
    return cause_text("" if root_cause == prose else root_cause, "", prose)


def _category_code(category: str | None) -> int:
    return ROOT_CAUSE_CATEGORIES.index(category) if category in ROOT_CAUSE_CATEGORIES else -1


@dataclass(frozen=True, slots=True)
class BadRecordEntry:
    """A record that could not even be read (bad JSON line, unreadable file): reported as skipped."""

    id: str | None
    source: str | None
    reason: str


# A folder of postmortems usually has a few files that are about the folder, not incidents.
_NOT_POSTMORTEMS = re.compile(r"^(?:readme|contributing|changelog|license|licence|code_of_conduct|template)$", re.I)


def read_paths(paths: Iterable[str | Path]) -> Iterator[IncidentRecord | BadRecordEntry]:
    """Records from Markdown files, folders (recursively, *.md, *.jsonl) and JSONL files, in a stable order.

    In a folder, a README, CONTRIBUTING, CHANGELOG, LICENSE or template file is reported as
    skipped; named on its own, any file is read."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".md", ".markdown", ".jsonl")
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            for file in files:
                if _NOT_POSTMORTEMS.match(file.stem):
                    yield BadRecordEntry(id=None, source=str(file),
                                         reason="a README, licence or template, not a postmortem (name the file to import it)")
                    continue
                yield from _read_file(file)
        elif path.is_file():
            yield from _read_file(path)
        else:
            yield BadRecordEntry(id=None, source=str(path), reason="no such file or folder")


def _read_file(path: Path) -> Iterator[IncidentRecord | BadRecordEntry]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        yield BadRecordEntry(id=None, source=str(path), reason=f"cannot read: {exc.strerror or exc}")
        return
    except UnicodeDecodeError as exc:
        yield BadRecordEntry(id=None, source=str(path), reason=f"not UTF-8 text (byte {exc.start})")
        return
    if path.suffix.lower() in (".jsonl", ".json"):
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            source = f"{path}:{number}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield BadRecordEntry(id=None, source=source, reason=f"not JSON: {exc.msg} (column {exc.colno})")
                continue
            try:
                yield record_from_mapping(data, source)
            except BadRecord as exc:
                yield BadRecordEntry(id=str(data.get("id")) if isinstance(data, dict) and data.get("id") else None,
                                     source=source, reason=str(exc))
        return
    try:
        yield record_from_markdown(text, str(path), fallback_id=path.stem)
    except BadRecord as exc:
        yield BadRecordEntry(id=None, source=str(path), reason=str(exc))


__all__ = ["BadRecordEntry", "Corpus", "CorpusError", "SearchWeights", "read_paths"]
