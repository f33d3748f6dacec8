"""The FastAPI app: factory, lifespan (models loaded once, in the background), middleware, routers.

    from api.app import create_app
    app = create_app()                          # settings from PMREVIEW_* and $PMREVIEW_CONFIG
    app = create_app(Settings(api_token="t"), analyzer=shared_analyzer, corpus_factory=lambda: corpus)

`uvicorn --factory api.app:create_app` runs it; `api.server.serve` does that for the CLI.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api import errors
from api.health.router import router as health_router
from api.incidents.router import router as incidents_router
from api.languagetool.router import router as languagetool_router
from api.logs import LOGGING_ENV, configure_logging
from api.middleware import RequestObserver
from api.reviews.router import router as reviews_router
from api.rules.router import router as rules_router
from api.settings import Settings
from api.state import ServiceState
from reviewer import __version__
from reviewer.corpus.service import Corpus
from reviewer.nlp.analysis import Analyzer

DESCRIPTION = """Review incident postmortems: blameful phrasing, vague times, missing metrics, thin detail;
similar past incidents and recurring root causes.

Positions: `start`/`end` are 0-based code-point offsets; `start_utf16`/`end_utf16` the same in UTF-16
code units. `POST /v2/check` (LanguageTool-compatible) reports `offset`/`length` in UTF-16 code units.
Writes need `Authorization: Bearer <PMREVIEW_API_TOKEN>` when a token is configured. See api/README.md."""


def create_app(settings: Settings | None = None, *, analyzer: Analyzer | None = None,
               corpus_factory: Callable[[], Corpus] | None = None) -> FastAPI:
    """The service. `analyzer` and `corpus_factory` let tests and benchmarks share loaded models."""
    settings = settings or Settings.load()
    if os.environ.get(LOGGING_ENV):
        configure_logging(settings.log_level, settings.log_format)
    state = ServiceState(settings, analyzer=analyzer, corpus_factory=corpus_factory)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.start()  # loads models in a background thread; /readyz says when they are loaded
        try:
            yield
        finally:
            state.close()

    app = FastAPI(title="pmreview", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.service = state
    errors.install(app)
    for router in (reviews_router, languagetool_router, rules_router, incidents_router, health_router):
        app.include_router(router)
    app.include_router(__import__("api.pages.router", fromlist=["router"]).router)  # reviewers' web pages
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
                           allow_headers=["Authorization", "Content-Type", "X-Request-Id"],
                           expose_headers=["X-Request-Id", "Retry-After"], max_age=600)
    # Outermost, so that it sees (and times, logs, counts) every response, including CORS preflights.
    app.add_middleware(RequestObserver, metrics=state.metrics, max_body_bytes=settings.max_body_bytes)
    return app
