"""GET /healthz (the process answers), GET /readyz (models loaded, store reachable), GET /metrics."""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response

from api.deps import get_state
from api.health.schemas import Health, Readiness
from api.health.service import readiness
from api.state import ServiceState

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Alive")
async def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, summary="Ready: models loaded and store reachable",
            responses={503: {"model": Readiness, "description": "not ready yet (or a part failed to load)"}})
async def readyz(state: ServiceState = Depends(get_state)) -> JSONResponse:
    # Off the event loop (it asks the store), and not behind the reviews' thread limit.
    report = await anyio.to_thread.run_sync(readiness, state)
    return JSONResponse(report.model_dump(mode="json"), status_code=200 if report.ready else 503)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}})
async def metrics(state: ServiceState = Depends(get_state)) -> Response:
    state.metrics.ready.set(1 if state.ready else 0)
    body = await anyio.to_thread.run_sync(state.metrics.render)  # the corpus size gauge asks the store
    return Response(body, media_type=state.metrics.content_type)
