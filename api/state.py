"""What the app holds for its lifetime: the reviewer (one Analyzer, one spaCy pipeline), the corpus,
readiness, the review thread limit and the metrics.

Start-up runs in a background thread so that the server answers /healthz at once and
/readyz says when it is ready: load spaCy (and warm it with one review), open the store,
load the embedding model; then the service is ready. Seeding an empty store with the
example corpus comes after that and never holds readiness back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from api.caches import CachingEmbedder, LruCache
from api.metrics import Metrics
from api.settings import Settings
from reviewer.corpus.embeddings import SentenceTransformerEmbedder
from reviewer.corpus.service import Corpus
from reviewer.errors import PmreviewError
from reviewer.nlp.analysis import SMALL_TEXT_CHARS, Analyzer
from reviewer.review import Reviewer

log = logging.getLogger("pmreview.api")

T = TypeVar("T")

RETRY_FIRST_SECONDS = 1.0
RETRY_MAX_SECONDS = 30.0
SMALL_REVIEW_WORKERS = 2  # threads of the small-review lane (texts of at most SMALL_TEXT_CHARS characters)
WARM_UP_TEXT = "# Warm-up\n\n## Summary\n\nThe proxy restarted at 10:02 UTC after the certificate expired.\n"


class ServiceUnavailable(Exception):
    """A part the request needs is not ready (still loading, or failed to load): HTTP 503."""

    def __init__(self, detail: str, retry_after: int | None = 5) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after


class ServiceState:
    def __init__(self, settings: Settings, *, analyzer: Analyzer | None = None,
                 corpus_factory: Callable[[], Corpus] | None = None) -> None:
        self.settings = settings
        self.metrics = Metrics()
        self.reviewer = Reviewer(settings.review_config, analyzer=analyzer)
        self._corpus_factory = corpus_factory or self._default_corpus
        self.review_cache = LruCache(settings.review_cache_size)
        self.corpus: Corpus | None = None
        self.models_loaded = threading.Event()
        self.corpus_ready = threading.Event()
        self.started = threading.Event()  # start-up finished, successfully or not
        self.seeded = threading.Event()  # seeding finished (or was not needed)
        self.seeding = False
        self.seed_report: dict[str, Any] | None = None
        self.models_error: str | None = None
        self.corpus_error: str | None = None
        self.started_at = time.time()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.review_limiter = anyio.CapacityLimiter(settings.review_workers)
        # A lane of its own for small texts (an editor's paragraph): never queued behind large reviews.
        self.small_review_limiter = anyio.CapacityLimiter(SMALL_REVIEW_WORKERS)
        self.metrics.track_corpus_size(lambda: self.corpus.count() if self.corpus_ready.is_set() and self.corpus else None)

    def _default_corpus(self) -> Corpus:
        return Corpus.open(self.settings.database_url, embedder=CachingEmbedder(SentenceTransformerEmbedder()))

    # -- start-up ----------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._start_up, name="pmreview-start-up", daemon=True)
        self._thread.start()

    def _start_up(self) -> None:
        try:
            self._load_models()
            opened = self._open_corpus()
        finally:
            self.started.set()
            self.metrics.ready.set(1 if self.ready else 0)
        # A store that is not there yet (a database still starting, another worker creating the
        # tables of a new SQLite file) is tried again, with backoff, until it answers or we stop.
        delay = RETRY_FIRST_SECONDS
        while not opened and not self._stopping.wait(delay):
            opened = self._open_corpus()
            delay = min(delay * 2, RETRY_MAX_SECONDS)
        if opened and self.settings.seed_corpus and not self._stopping.is_set():
            self._seed()
        self.seeded.set()

    def _load_models(self) -> None:
        began = time.perf_counter()
        try:
            self.reviewer.analyzer  # loads the spaCy pipeline once
            self.reviewer.review(WARM_UP_TEXT)  # imports every rule and fact module, warms spaCy
        except PmreviewError as exc:
            self.models_error = str(exc)
            log.error("cannot load the language models: %s", exc)
            return
        except Exception as exc:  # noqa: BLE001 - reported by /readyz, not a crash of the server
            self.models_error = f"{type(exc).__name__}: {exc}"
            log.exception("cannot load the language models")
            return
        self.models_loaded.set()
        log.info("language models loaded", extra={"fields": {"seconds": round(time.perf_counter() - began, 2)}})

    def _open_corpus(self) -> bool:
        """Open the store and load the embedding model; False (and `corpus_error` set) when that fails."""
        began = time.perf_counter()
        self._limit_torch_threads()
        try:
            corpus = self._corpus_factory()
            corpus.count()  # the store is reachable
            corpus.embedder.encode(["warm up"])  # the embedding model is loaded
            self.corpus = corpus
        except PmreviewError as exc:
            self.corpus_error = str(exc)
            log.error("the corpus is not available: %s", exc)
            return False
        except Exception as exc:  # noqa: BLE001
            self.corpus_error = f"{type(exc).__name__}: {exc}"
            log.exception("the corpus is not available")
            return False
        self.corpus_error = None
        self.corpus_ready.set()
        self.metrics.ready.set(1 if self.ready else 0)
        log.info("corpus ready", extra={"fields": {"seconds": round(time.perf_counter() - began, 2)}})
        return True

    def _limit_torch_threads(self) -> None:
        # Measured in benchmarks/bench_api.py: on a busy 2-core machine, MiniLM with 2 intra-op threads
        # took ~3.5x longer per draft than with 1; requests run side by side in threads anyway.
        if not self.settings.torch_threads:
            return
        try:
            import torch
        except ImportError:
            return
        torch.set_num_threads(self.settings.torch_threads)

    def _seed(self) -> None:
        assert self.corpus is not None
        self.seeding = True
        try:
            report = self.corpus.ensure_seeded()
            if report is not None:
                self.seed_report = {"imported": len(report.imported), "updated": len(report.updated),
                                    "skipped": len(report.skipped)}
                log.info("example corpus loaded", extra={"fields": self.seed_report})
        except Exception as exc:  # noqa: BLE001 - the service works without the examples
            if self._seeded_elsewhere():
                # Several worker processes share one empty store at first start: one of them wins.
                self.seed_report = {"imported": 0, "updated": 0, "skipped": 0, "by": "another process"}
                log.info("example corpus loaded by another process")
            else:
                self.seed_report = {"error": f"{type(exc).__name__}: {exc}"}
                log.exception("cannot load the example corpus")
        finally:
            self.seeding = False

    def _seeded_elsewhere(self) -> bool:
        try:
            return self.corpus is not None and self.corpus.count() > 0
        except Exception:  # noqa: BLE001
            return False

    def wait_started(self, timeout: float | None = None) -> bool:
        """Block until start-up has finished (tests, benchmarks); True when it has."""
        return self.started.wait(timeout)

    def close(self) -> None:
        self._stopping.set()
        if self.corpus is not None:
            try:
                self.corpus.close()
            except Exception:  # noqa: BLE001
                log.exception("closing the corpus failed")

    # -- readiness ---------------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self.models_loaded.is_set() and self.corpus_ready.is_set()

    def require_models(self) -> Reviewer:
        if not self.models_loaded.is_set():
            if self.models_error:
                raise ServiceUnavailable(f"the language models could not be loaded: {self.models_error}", None)
            raise ServiceUnavailable("the service is starting: the language models are still loading")
        return self.reviewer

    def require_corpus(self) -> Corpus:
        if not self.corpus_ready.is_set() or self.corpus is None:
            if self.corpus_error:
                raise ServiceUnavailable(f"the incident corpus is not available: {self.corpus_error}", 30)
            raise ServiceUnavailable("the service is starting: the incident corpus is still loading")
        return self.corpus

    # -- work off the event loop -------------------------------------------------------------
    async def run(self, function: Callable[..., T], *args: Any, chars: int | None = None) -> T:
        """Run blocking work (reviews, searches) in a worker thread, at most `review_workers` at once;
        a review of at most SMALL_TEXT_CHARS characters (`chars`) in the small lane instead, so it
        never waits for large ones (inside, the Analyzer lets it parse first: see Analyzer._turn)."""
        small = chars is not None and chars <= SMALL_TEXT_CHARS
        limiter = self.small_review_limiter if small else self.review_limiter
        return await anyio.to_thread.run_sync(function, *args, limiter=limiter)
