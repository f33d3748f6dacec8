"""One ASGI middleware around every request: request id, body size limit, access log, metrics.

The body limit is enforced twice: a declared Content-Length above it is refused before the
app runs; a body streamed without one is counted as it arrives and refused when it passes
the limit (raised as an HTTPException so that FastAPI's body reader passes it on as a 413).
"""

from __future__ import annotations

import json
import time
import uuid

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.logs import log_request
from api.metrics import Metrics
from api.problems import MAX_JSON_DEPTH, InvalidField, json_depth, too_deep


# Pages load only the service's own script and stylesheet (no inline script or style, no other
# origin), post forms only to the service, and may not be framed (clickjacking: the token field).
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# FastAPI's /docs and /redoc load Swagger UI / ReDoc from their CDN with an inline start-up script.
DOCS_POLICY = ("default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
               "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
               "font-src https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com "
               "https://cdn.redoc.ly; connect-src 'self'; worker-src blob:; base-uri 'none'; frame-ancestors 'none'")
# Everything else (JSON, CSS, JS, metrics) is never a document: nothing may load or frame it.
OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'"
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")
_COMMON = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
           (b"x-frame-options", b"DENY")]


def security_headers(path: str, headers) -> list[tuple[bytes, bytes]]:
    """The headers every answer carries (nosniff, Referrer-Policy, no framing) and its CSP.

    Referrer-Policy same-origin, not no-referrer: under no-referrer a browser sends
    `Origin: null` with a form post, and the pages' cross-site check reads Origin."""
    names = {name.lower() for name, _ in headers}
    media = next((value for name, value in headers if name.lower() == b"content-type"), b"")
    if path in DOCS_PATHS:
        policy = DOCS_POLICY
    elif media.startswith(b"text/html"):
        policy = PAGE_POLICY
    else:
        policy = OTHER_POLICY
    extra = [(name, value) for name, value in _COMMON if name not in names]
    if b"content-security-policy" not in names:
        extra.append((b"content-security-policy", policy.encode()))
    return extra


def too_large_message(limit: int) -> str:
    return f"request body is larger than the limit of {limit:,} bytes (max_body_bytes)"


class RequestObserver:
    def __init__(self, app: ASGIApp, *, metrics: Metrics, max_body_bytes: int) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = dict(scope.get("headers") or [])
        request_id = _clean_request_id(headers.get(b"x-request-id")) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        response_started = False

        async def send_observed(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message.setdefault("headers", [])
                message["headers"] = (list(message["headers"]) + [(b"x-request-id", request_id.encode())]
                                      + security_headers(scope.get("path", ""), message["headers"]))
            await send(message)

        try:
            declared = _content_length(headers.get(b"content-length"))
            # LanguageTool clients read any JSON body as a result: they get LanguageTool's plain text.
            plain = str(scope.get("path", "")).startswith("/v2/")
            if declared is not None and declared > self.max_body_bytes:
                await self._refuse(send_observed, 413, too_large_message(self.max_body_bytes), plain=plain)
                return
            received = 0

            async def receive_limited() -> Message:
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > self.max_body_bytes:
                        raise HTTPException(413, too_large_message(self.max_body_bytes))
                return message

            try:
                app_receive = receive_limited
                if scope.get("method") in ("POST", "PUT", "PATCH") and _is_json(headers.get(b"content-type")):
                    # Every JSON body is measured before any parser sees it: nesting past the limit is a
                    # 422 here, never a RecursionError in json or pydantic (the body is already bounded).
                    body = await _read_body(receive_limited)
                    if json_depth(body) > MAX_JSON_DEPTH:
                        await self._refuse_invalid(send_observed, too_deep(("body",)))
                        return
                    app_receive = _replay(body, receive)
                await self.app(scope, app_receive, send_observed)
            except HTTPException as exc:  # raised by receive_limited outside a route (e.g. in a dependency)
                if response_started:
                    raise
                await self._refuse(send_observed, exc.status_code, str(exc.detail), plain=plain)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_label(scope, status)
            self.metrics.observe_request(scope.get("method", "?"), route, status, elapsed)
            client = scope.get("client")
            log_request(scope.get("method", "?"), route, status, elapsed, request_id,
                        client[0] if client else None)

    async def _refuse_invalid(self, send: Send, error: InvalidField) -> None:
        from api.errors import field_errors
        from fastapi.exceptions import RequestValidationError

        errors = field_errors(RequestValidationError(error.errors))
        await self._refuse(send, 422, str(error), errors=errors)

    @staticmethod
    async def _refuse(send: Send, status: int, detail: str, *, plain: bool = False, **extra) -> None:
        if plain:
            body, kind = f"Error: {detail}".encode(), b"text/plain; charset=utf-8"
        else:
            body, kind = json.dumps({"detail": detail, **extra}).encode(), b"application/json"
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


def _is_json(content_type: bytes | None) -> bool:
    """JSON, or no type at all (FastAPI reads a body without a Content-Type as JSON)."""
    if not content_type:
        return True
    media = content_type.split(b";")[0].strip().lower()
    return media == b"application/json" or media.endswith(b"+json")


async def _read_body(receive: Receive) -> bytes:
    parts = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(parts)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the app the body already read, then whatever the client sends next."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return replayed


def _content_length(raw: bytes | None) -> int | None:
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return None


def _clean_request_id(raw: bytes | None) -> str | None:
    """A client's X-Request-Id, if it is short and printable (it goes into logs and headers)."""
    if not raw or len(raw) > 64:
        return None
    text = raw.decode("latin-1")
    return text if all(c.isalnum() or c in "-_.:" for c in text) else None


def _route_label(scope: Scope, status: int) -> str:
    """The route template ("/v1/incidents/{incident_id}"), so that metrics do not grow per id."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if path:
        return path
    endpoint = scope.get("endpoint")
    if endpoint is not None:
        return scope.get("path", "?") if scope.get("path") in ("/docs", "/redoc", "/openapi.json") else "<other>"
    return "<unmatched>"
