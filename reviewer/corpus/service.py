"""The corpus service: one object the CLI and the HTTP API use for past incidents.

    corpus = Corpus.open()                                  # PMREVIEW_DATABASE_URL, else SQLite in the data dir
    corpus.ensure_seeded()                                  # imports data/incidents when the store is empty
    report = corpus.import_records(records)                 # idempotent by id
    matches = corpus.similar(text="the certificate on the edge proxies expired", k=5)
    groups = corpus.root_causes(since=date(2019, 1, 1))
    corpus.recurrence(draft_text).message                   # "4 earlier incidents share this root cause (…)"

Thread safety: one Corpus may be shared by the threads of a web server; writes and index
updates take a lock, reads work on a consistent snapshot of the in-memory indexes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from reviewer.corpus.types import (
    ImportReport,
    Incident,
    IncidentFilters,
    IncidentRecord,
    Page,
    Recurrence,
    RootCauseGroup,
    SimilarMatch,
    TrendPoint,
)


class Corpus:
    """Past incidents: store + embeddings + lexical index + root-cause categories."""

    @classmethod
    def open(cls, url: str | None = None, *, embedder=None, classifier=None) -> "Corpus":
        """Open (creating when needed) the store at `url`.

        `url`: an SQLAlchemy URL; None reads PMREVIEW_DATABASE_URL, else a SQLite file in the
        user's data directory. `embedder`: an `Embedder` (default: all-MiniLM-L6-v2, loaded on
        first use, once per process). `classifier`: a root-cause `CategoryClassifier` (default:
        the shipped model in models/). Raises `CorpusError` on a bad URL or an unusable store.
        """
        raise NotImplementedError

    def close(self) -> None:
        """Release the database connections."""

    # -- writing ---------------------------------------------------------------------------
    def import_records(self, records: Iterable[IncidentRecord], *, batch_size: int = 32,
                       on_progress=None) -> ImportReport:
        """Store records (idempotent by id: a changed record is updated, an identical one left alone).

        A bad record (no id, no text, unreadable date) is skipped with its reason in the report;
        each batch is committed in one transaction, so an interrupted import leaves a
        consistent store and can simply be rerun. `on_progress(n)` is called after each batch.
        """
        raise NotImplementedError

    def import_record(self, record: IncidentRecord) -> ImportReport:
        """`import_records` for one record."""
        raise NotImplementedError

    def import_paths(self, paths: Iterable[str | Path], *, on_progress=None) -> ImportReport:
        """Import Markdown files, folders of them (recursively, *.md) and JSONL files of records."""
        raise NotImplementedError

    def delete(self, incident_id: str) -> bool:
        """Remove an incident (and its embeddings and feedback); False when it was not stored."""
        raise NotImplementedError

    def ensure_seeded(self, folder: str | Path | None = None) -> ImportReport | None:
        """Import the shipped example corpus (default data/incidents) when the store is empty."""
        raise NotImplementedError

    def feedback(self, incident_id: str, other_id: str, *, verdict: str = "not_similar") -> None:
        """Remember that `other_id` is not similar to `incident_id` (both orders); never suggested again.

        `incident_id` may also be a draft's key (see `draft_key`) for drafts not stored.
        """
        raise NotImplementedError

    # -- reading ---------------------------------------------------------------------------
    def get(self, incident_id: str, *, with_text: bool = True) -> Incident | None:
        raise NotImplementedError

    def list(self, filters: IncidentFilters | None = None, *, offset: int = 0, limit: int = 50) -> Page:
        """Incidents newest first, filtered; `total` counts every match, not only this page."""
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError

    def similar(self, text: str | None = None, *, incident_id: str | None = None, k: int = 5,
                filters: IncidentFilters | None = None) -> list[SimilarMatch]:
        """The k past incidents most similar to a text (a draft postmortem) or a stored incident.

        Dense similarity per field (root cause, summary, whole text) fused with a lexical (BM25)
        ranking and the root-cause category by reciprocal rank fusion; each match says which
        sections matched and which root-cause terms are shared. Pairs marked "not similar" and
        the incident itself are left out.
        """
        raise NotImplementedError

    def root_causes(self, since: date | None = None, *, min_count: int = 2) -> list[RootCauseGroup]:
        """Incidents grouped by recurring root cause, largest groups first."""
        raise NotImplementedError

    def trends(self, filters: IncidentFilters | None = None) -> list[TrendPoint]:
        """Per month: incidents, severity counts, impact minutes, mean time to resolve."""
        raise NotImplementedError

    def recurrence(self, text: str, *, exclude_id: str | None = None) -> Recurrence:
        """Does this draft's root cause recur? Earlier incidents that share it, and a message."""
        raise NotImplementedError
