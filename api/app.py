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

from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from api import errors
from api.deps import require_reader, require_writer
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
    app.openapi = lambda: configured_openapi(app, settings)  # type: ignore[method-assign]
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


# -- the OpenAPI document, as this service is configured -------------------------------------
# The schemas in the code state the largest values any configuration may allow; the document a
# client reads states what this one allows (max_k, max_page_size) and which operations need
# the token, so that a client generated from it is never refused for obeying it.
BEARER = "HTTPBearer"


def configured_openapi(app: FastAPI, settings: Settings) -> dict[str, Any]:
    key = (settings.max_k, settings.max_page_size, settings.api_token is not None, settings.protect_reads)
    cached = getattr(app.state, "openapi_cache", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    maxima = {"k": settings.max_k, "limit": settings.max_page_size}
    for item in document.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter.get("name") in maxima:
                    _set_maximum(parameter.get("schema", {}), maxima[parameter["name"]])
    for schema in document.get("components", {}).get("schemas", {}).values():
        if "k" in schema.get("properties", {}):
            _set_maximum(schema["properties"]["k"], settings.max_k)
    _declare_security(app, document, settings)
    app.state.openapi_cache = (key, document)
    return document


def _set_maximum(schema: dict[str, Any], maximum: int) -> None:
    """Every integer (sub)schema here (`int | None` is an anyOf) gets this maximum."""
    if "maximum" in schema or schema.get("type") == "integer":
        schema["maximum"] = maximum
    for part in schema.get("anyOf", []) + schema.get("oneOf", []):
        _set_maximum(part, maximum)


def _api_routes(routes, inherited: frozenset) -> list[tuple[APIRoute, frozenset]]:
    """Every APIRoute with the functions it depends on (its own and its routers'), through included
    routers (FastAPI keeps them as a router object per include, not as flattened routes)."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            calls = {getattr(d, "dependency", None) for d in route.dependencies}
            calls |= {d.call for d in route.dependant.dependencies}
            found.append((route, inherited | calls))
            continue
        router = getattr(route, "original_router", None)
        if router is not None:
            found += _api_routes(router.routes, inherited | {getattr(d, "dependency", None)
                                                              for d in router.dependencies})
    return found


def _declare_security(app: FastAPI, document: dict[str, Any], settings: Settings) -> None:
    """Writes need the bearer token when one is configured; reads only with protect_reads; an
    operation that needs none says so (`security: [{}]` with the token accepted, or `[]`)."""
    kinds: dict[tuple[str, str], str] = {}
    for route, calls in _api_routes(app.routes, frozenset()):
        kind = "write" if require_writer in calls else "read" if require_reader in calls else "open"
        for method in route.methods:
            kinds[(route.path_format, method.lower())] = kind
    token = settings.api_token is not None
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            kind = kinds.get((path, method), "open")
            needed = token and (kind == "write" or (kind == "read" and settings.protect_reads))
            if needed:
                operation["security"] = [{BEARER: []}]
            elif token and kind == "read":
                operation["security"] = [{}, {BEARER: []}]  # the token is accepted, not needed
            else:
                operation.pop("security", None)
                operation["security"] = []
    if not token:
        document.get("components", {}).get("securitySchemes", {}).pop(BEARER, None)
