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
                message["headers"] = list(message["headers"]) + [(b"x-request-id", request_id.encode())]
            await send(message)

        try:
            declared = _content_length(headers.get(b"content-length"))
            if declared is not None and declared > self.max_body_bytes:
                await self._refuse(send_observed, 413, too_large_message(self.max_body_bytes))
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
                await self.app(scope, receive_limited, send_observed)
            except HTTPException as exc:  # raised by receive_limited outside a route (e.g. in a dependency)
                if response_started:
                    raise
                await self._refuse(send_observed, exc.status_code, str(exc.detail))
        finally:
            elapsed = time.perf_counter() - started
            route = _route_label(scope, status)
            self.metrics.observe_request(scope.get("method", "?"), route, status, elapsed)
            client = scope.get("client")
            log_request(scope.get("method", "?"), route, status, elapsed, request_id,
                        client[0] if client else None)

    @staticmethod
    async def _refuse(send: Send, status: int, detail: str) -> None:
        body = json.dumps({"detail": detail}).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


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
