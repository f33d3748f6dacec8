"""Every error leaves as JSON `{"detail": ...}` with the right status, never as a stack trace.

- validation (bad JSON, a missing or wrong field) → 422, with each field's location and reason
  (the offending input is left out: it may be a whole document);
- pmreview's own errors: DocumentTooLarge → 413, ModelUnavailable → 503, others → 422;
- a part still loading → 503 with Retry-After;
- anything unexpected → 500 with the request id only; the traceback goes to the log.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.problems import InvalidField, NotFound, UnsupportedMediaType, safe_location
from api.state import ServiceUnavailable
from reviewer.corpus.errors import BadRecord, StoreError, StoreRefused, StoreUnavailable
from reviewer.errors import ConfigError, DocumentTooLarge, ModelUnavailable, PmreviewError

log = logging.getLogger("pmreview.api")


def field_errors(exc: RequestValidationError) -> list[dict]:
    out = []
    for error in exc.errors():
        location = safe_location(error.get("loc", ()))
        reason = str(error.get("msg", "invalid"))
        detail = (error.get("ctx") or {}).get("error")
        if error.get("type") == "json_invalid" and detail:
            reason = f"{reason}: {detail} (at character {location[-1] if len(location) > 1 else '?'})"
            location = location[:1]
        out.append({"field": ".".join(location) or "body", "loc": location, "reason": reason,
                    "type": error.get("type", "value_error")})
    return out


def allowed_methods(routes, path: str) -> list[str]:
    """Every method some route answers at this path (through included routers), OPTIONS included."""
    methods: set[str] = set()

    def walk(candidates) -> None:
        for route in candidates:
            router = getattr(route, "original_router", None)
            if router is not None:
                walk(router.routes)
            elif getattr(route, "methods", None) and route.path_regex.match(path):
                methods.update(route.methods)

    walk(routes)
    order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
    return sorted(methods | {"OPTIONS"}, key=lambda m: (order.index(m) if m in order else len(order), m))


def request_id_of(request: Request) -> str | None:
    return request.scope.get("state", {}).get("request_id")


def store_failure(request: Request, exc: StoreError, cause: BaseException) -> JSONResponse:
    """A database failure: the detail (driver message, SQL) to the log under the request id; the
    client gets fixed words and that id. A store that is down: 503 + Retry-After; a refused record: 422."""
    request_id = request_id_of(request)
    log.error("store error: %s", type(cause).__name__, exc_info=cause,
              extra={"fields": {"request_id": request_id, "route": request.scope.get("path")}})
    body = {"detail": f"{exc}; the server log has the details under request id {request_id}",
            "request_id": request_id}
    if isinstance(exc, StoreRefused):
        return JSONResponse(body, status_code=422)
    return JSONResponse(body, status_code=503, headers={"Retry-After": str(exc.retry_after or 30)})


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = field_errors(exc)
        summary = "; ".join(f"{e['field']}: {e['reason']}" for e in errors[:5])
        return JSONResponse({"detail": f"invalid request: {summary}", "errors": errors}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.__cause__ is not None and request.method in ("POST", "PUT", "PATCH"):
            # FastAPI's body reader turns an unreadable body (bytes that are not UTF-8, a broken form)
            # into a bare 400; it is a malformed field like any other.
            cause = exc.__cause__
            reason = ("not valid UTF-8" if isinstance(cause, UnicodeDecodeError)
                      else f"cannot be read ({type(cause).__name__})")
            errors = [{"field": "body", "loc": ["body"], "reason": reason, "type": "body_unreadable"}]
            return JSONResponse({"detail": f"invalid request: body: {reason}", "errors": errors}, status_code=422)
        if exc.status_code == 405:
            # Starlette names the methods of the first route whose path matched; the path may have more
            # (GET and DELETE /v1/incidents/{id} are two routes). OPTIONS is answered with them all.
            allowed = ", ".join(allowed_methods(request.app.routes, request.scope.get("path", "")))
            if request.method == "OPTIONS":
                return Response(status_code=204, headers={"Allow": allowed})
            return JSONResponse({"detail": f"{request.method} is not allowed here; allowed: {allowed}"},
                                status_code=405, headers={"Allow": allowed})
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(ServiceUnavailable)
    async def unavailable(request: Request, exc: ServiceUnavailable) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return JSONResponse({"detail": exc.detail}, status_code=503, headers=headers)

    @app.exception_handler(PmreviewError)
    async def pmreview_error(request: Request, exc: PmreviewError) -> JSONResponse:
        if isinstance(exc, StoreError):
            return store_failure(request, exc, exc.__cause__ or exc)
        if isinstance(exc, BadRecord) and exc.field:
            errors = [{"field": f"body.{exc.field}", "loc": ["body", exc.field], "reason": str(exc),
                       "type": "bad_record"}]
            return JSONResponse({"detail": f"invalid request: body.{exc.field}: {exc}", "errors": errors},
                                status_code=422)
        if isinstance(exc, InvalidField):
            errors = field_errors(RequestValidationError(exc.errors))
            return JSONResponse({"detail": str(exc), "errors": errors}, status_code=422)
        if isinstance(exc, NotFound):
            return JSONResponse({"detail": str(exc)}, status_code=404)
        if isinstance(exc, UnsupportedMediaType):
            return JSONResponse({"detail": str(exc)}, status_code=415)
        if isinstance(exc, DocumentTooLarge):
            return JSONResponse({"detail": str(exc)}, status_code=413)
        if isinstance(exc, ModelUnavailable):
            return JSONResponse({"detail": str(exc)}, status_code=503)
        # Another refusal in words (a config override, a rule of the corpus): the request as the field.
        field = "body.config" if isinstance(exc, ConfigError) else "request"
        errors = [{"field": field, "loc": field.split("."), "reason": str(exc), "type": "value_error"}]
        return JSONResponse({"detail": str(exc), "errors": errors}, status_code=422)

    @app.exception_handler(SQLAlchemyError)
    async def sql_error(request: Request, exc: SQLAlchemyError) -> JSONResponse:
        return store_failure(request, StoreUnavailable(), exc)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        request_id = request_id_of(request)
        log.error("unhandled error", exc_info=exc, extra={"fields": {"request_id": request_id,
                                                                     "route": request.scope.get("path")}})
        return JSONResponse({"detail": "internal error; the server log has the details", "request_id": request_id},
                            status_code=500)
