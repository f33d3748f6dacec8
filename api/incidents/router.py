"""Incidents: import, list, get, delete, similar, feedback, recurring root causes, trends.

Writes (import, delete, feedback) need the API token when one is configured. Incident ids
may contain '/', so the id routes use a path parameter and the /similar and /feedback
routes are registered before the plain id route.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Query, Request, Response

from api.deps import get_state, require_reader, require_writer
from api.errors_doc import ERROR_RESPONSES, NOT_FOUND, ErrorBody
from api.incidents import service
from api.incidents.schemas import (
    MAX_ID_CHARS,
    FeedbackRequest,
    FeedbackResult,
    ImportResult,
    IncidentImport,
    IncidentOut,
    IncidentPage,
    RootCauseList,
    SimilarList,
    SimilarRequest,
    TrendList,
)
from api.reviews.service import check_length
from api.state import ServiceState

router = APIRouter(tags=["incidents"])

ID_PATH = "{incident_id:path}"
FILTER_TEXT = dict(max_length=200)
_import_schema = IncidentImport.model_json_schema(ref_template="#/components/schemas/{model}")
IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": _import_schema},
            "text/markdown": {"schema": {"type": "string", "description": "the postmortem; the id from ?id= or "
                                                                           "the front matter"}},
        },
    }
}


@router.post("/v1/incidents", response_model=ImportResult, status_code=201, dependencies=[Depends(require_writer)],
             openapi_extra=IMPORT_BODY, summary="Import one incident (JSON or Markdown)",
             responses={**ERROR_RESPONSES, 200: {"model": ImportResult, "description": "updated or unchanged"},
                        415: {"model": ErrorBody, "description": "neither JSON nor Markdown"}})
async def import_incident(request: Request, response: Response, state: ServiceState = Depends(get_state),
                          id: str | None = Query(None, max_length=MAX_ID_CHARS, description="the id (else the front matter's)"),
                          ) -> ImportResult:
    """Idempotent by id: 201 for a new incident, 200 when it updated (or already held) that id."""
    state.require_corpus()
    raw = await request.body()
    record = service.record_from_body(raw, request.headers.get("content-type", ""), id)
    check_length(state, record.text)
    result = await state.run(service.import_incident, state, record)
    if result.status != "imported":
        response.status_code = 200
    return result


@router.get("/v1/incidents", response_model=IncidentPage, dependencies=[Depends(require_reader)],
            responses=ERROR_RESPONSES, summary="List incidents, newest first")
async def list_incidents(
    state: ServiceState = Depends(get_state),
    offset: int = Query(0, ge=0, le=10_000_000),
    limit: int = Query(20, ge=1, le=500, description="page size (at most max_page_size: the maximum stated here)"),
    service_name: str | None = Query(None, alias="service", **FILTER_TEXT),
    since: dt.date | None = Query(None, description="incidents on or after this date"),
    until: dt.date | None = Query(None, description="incidents on or before this date"),
    severity: str | None = Query(None, description="as written (SEV-1) or a level (1)", **FILTER_TEXT),
    category: str | None = Query(None, description="root-cause category", **FILTER_TEXT),
) -> IncidentPage:
    chosen = service.filters(service_name, since, until, severity, category)
    return await state.run(service.list_incidents, state, chosen, offset, limit)


@router.get(f"/v1/incidents/{ID_PATH}/similar", response_model=SimilarList, dependencies=[Depends(require_reader)],
            responses={**ERROR_RESPONSES, **NOT_FOUND}, summary="Incidents similar to a stored one")
async def similar_to_incident(incident_id: str, state: ServiceState = Depends(get_state),
                              k: int | None = Query(None, ge=1, le=100, description="how many (at most max_k: the maximum stated here)"),
                              ) -> SimilarList:
    k = service.check_k(state, k)
    return SimilarList(items=await state.run(service.similar_to_incident, state, incident_id, k))


@router.post(f"/v1/incidents/{ID_PATH}/feedback", response_model=FeedbackResult, status_code=201,
             dependencies=[Depends(require_writer)], responses={**ERROR_RESPONSES, **NOT_FOUND},
             summary="Mark a suggested incident as not similar")
async def add_feedback(incident_id: str, body: FeedbackRequest,
                       state: ServiceState = Depends(get_state)) -> FeedbackResult:
    """`incident_id` is a stored incident or a draft's key (`draft:…`); `other_id` will not be suggested for it again."""
    return await state.run(service.add_feedback, state, incident_id, body)


@router.get(f"/v1/incidents/{ID_PATH}", response_model=IncidentOut, dependencies=[Depends(require_reader)],
            responses={**ERROR_RESPONSES, **NOT_FOUND}, summary="One incident, with its text")
async def get_incident(incident_id: str, state: ServiceState = Depends(get_state)) -> IncidentOut:
    return await state.run(service.get_incident, state, incident_id)


@router.delete(f"/v1/incidents/{ID_PATH}", status_code=204, dependencies=[Depends(require_writer)],
               responses={**ERROR_RESPONSES, **NOT_FOUND}, summary="Remove an incident")
async def delete_incident(incident_id: str, state: ServiceState = Depends(get_state)) -> Response:
    await state.run(service.delete_incident, state, incident_id)
    return Response(status_code=204)


@router.post("/v1/similar", response_model=SimilarList, dependencies=[Depends(require_reader)],
             responses=ERROR_RESPONSES, summary="Past incidents similar to a text")
async def similar_to_text(body: SimilarRequest, state: ServiceState = Depends(get_state)) -> SimilarList:
    check_length(state, body.text)
    k = service.check_k(state, body.k, ("body", "k"))
    return SimilarList(items=await state.run(service.similar_to_text, state, body, k))


@router.get("/v1/root-causes", response_model=RootCauseList, dependencies=[Depends(require_reader)],
            responses=ERROR_RESPONSES, summary="Recurring root causes across the corpus")
async def root_causes(state: ServiceState = Depends(get_state),
                      since: dt.date | None = Query(None), until: dt.date | None = Query(None),
                      min_count: int = Query(2, ge=1, le=1000, description="smallest group reported"),
                      ) -> RootCauseList:
    return RootCauseList(items=await state.run(service.root_causes, state, since, until, min_count))


@router.get("/v1/trends", response_model=TrendList, dependencies=[Depends(require_reader)],
            responses=ERROR_RESPONSES, summary="Per month: incidents, severities, impact minutes, MTTR")
async def trends(
    state: ServiceState = Depends(get_state),
    service_name: str | None = Query(None, alias="service", **FILTER_TEXT),
    since: dt.date | None = Query(None), until: dt.date | None = Query(None),
    severity: str | None = Query(None, **FILTER_TEXT),
    category: str | None = Query(None, **FILTER_TEXT),
) -> TrendList:
    chosen = service.filters(service_name, since, until, severity, category)
    return TrendList(items=await state.run(service.trends, state, chosen))
