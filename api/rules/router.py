"""GET /v1/rules and GET /v1/rules/{code}: what each rule checks, why, and what to write instead."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query

from api.deps import require_reader
from api.errors_doc import ERROR_RESPONSES, ErrorBody
from api.rules import service
from api.rules.schemas import RuleDetail, RuleList

router = APIRouter(tags=["rules"], dependencies=[Depends(require_reader)])


@router.get("/v1/rules", response_model=RuleList, responses=ERROR_RESPONSES, summary="List the rules")
async def list_rules(
    category: str | None = Query(None, max_length=20, description="meta, structure, blame, time, metrics, detail"),
    dimension: str | None = Query(None, max_length=20, description="blame, time, metrics, detail"),
) -> RuleList:
    return RuleList(items=service.list_rules(category, dimension))


@router.get("/v1/rules/{code}", response_model=RuleDetail,
            responses={**ERROR_RESPONSES, 404: {"model": ErrorBody, "description": "no such rule"}},
            summary="One rule's documentation")
async def get_rule(code: str) -> RuleDetail:
    """By code (PM201) or name (kebab-case)."""
    detail = service.rule_detail(code)
    if detail is None:
        raise HTTPException(404, f"no rule {code!r}; GET /v1/rules lists them")
    return detail
