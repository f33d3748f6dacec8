"""POST /v1/reviews: a postmortem in, findings, scores, facts and similar incidents out."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.deps import get_state, require_reader
from api.errors_doc import ERROR_RESPONSES
from api.reviews import service
from api.reviews.schemas import ReviewRequest, ReviewResponse
from api.state import ServiceState

router = APIRouter(tags=["reviews"])


@router.post("/v1/reviews", response_model=ReviewResponse, dependencies=[Depends(require_reader)],
             responses=ERROR_RESPONSES, summary="Review a postmortem")
async def create_review(body: ReviewRequest, state: ServiceState = Depends(get_state)) -> ReviewResponse:
    """Findings with spans (code points and UTF-16), line/column, replacements; scores per dimension;
    the extracted facts (durations, metrics); the similar past incidents unless `similar` is false."""
    state.require_models()
    config = service.request_config(state, body.config)
    service.check_length(state, body.text)
    k = service.effective_k(state, body.k)
    return await state.run(service.review_document, state, body, config, k, chars=len(body.text))
