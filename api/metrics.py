"""Prometheus metrics of one app: requests and latencies per route, review durations, corpus size.

Each app gets its own CollectorRegistry, so that several apps in one process (tests) do not
collide in the global one.

With several server processes (`workers` > 1) a scrape reaches one of them, so each would
report only its own share. `api.server` then sets PROMETHEUS_MULTIPROC_DIR before the workers
start: prometheus_client keeps every process's values in files there, and a scrape of any
worker adds them up (counters and histograms summed; readiness the lowest of the workers;
the corpus size as last counted).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from api.settings import METRICS_DIR_ENV

# Editors expect answers within a second; the buckets resolve that range finely.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        # prometheus_client chose how to store values when it was imported, from the same variable.
        self.multiprocess = bool(os.environ.get(METRICS_DIR_ENV))
        self._count_corpus: Callable[[], int | None] | None = None
        self.registry = CollectorRegistry()
        self.requests = Counter("pmreview_http_requests", "HTTP requests by route template and status.",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("pmreview_http_request_duration_seconds", "HTTP request latency by route template.",
                                 ["method", "route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.review_duration = Histogram("pmreview_review_duration_seconds",
                                         "Time to review one document (parse, analyse, checks, score).",
                                         buckets=LATENCY_BUCKETS, registry=self.registry)
        self.similar_duration = Histogram("pmreview_similar_duration_seconds",
                                          "Time to find the similar past incidents of one text.",
                                          buckets=LATENCY_BUCKETS, registry=self.registry)
        self.review_words = Histogram("pmreview_review_document_words", "Words per reviewed document.",
                                      buckets=(100, 500, 1000, 2000, 4000, 8000, 16000, 50000),
                                      registry=self.registry)
        self.corpus_size = Gauge("pmreview_corpus_incidents", "Incidents in the corpus store.", registry=self.registry,
                                 multiprocess_mode="mostrecent")
        self.ready = Gauge("pmreview_ready", "1 when the models are loaded and the store is reachable "
                           "(in every worker process).", registry=self.registry, multiprocess_mode="min")

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def track_corpus_size(self, count: Callable[[], int | None]) -> None:
        """Read the corpus size at scrape time (see render)."""
        self._count_corpus = count

    def _corpus_size_now(self) -> float:
        """The corpus size, or -1 when the store cannot say (a scrape must not fail because it is down)."""
        if self._count_corpus is None:
            return -1.0
        try:
            value = self._count_corpus()
        except Exception:  # noqa: BLE001 - a scrape must not fail because the store is down
            return -1.0
        return -1.0 if value is None else float(value)

    def render(self) -> bytes:
        self.corpus_size.set(self._corpus_size_now())
        if not self.multiprocess:
            return generate_latest(self.registry)
        from prometheus_client import multiprocess

        every_worker = CollectorRegistry()
        multiprocess.MultiProcessCollector(every_worker)
        return generate_latest(every_worker)
