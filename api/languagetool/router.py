"""POST /v2/check and GET /v2/languages: enough of the LanguageTool HTTP API for editor plugins."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query

from api.deps import get_state, require_reader
from api.errors_doc import ERROR_RESPONSES
from api.languagetool import service
from api.languagetool.schemas import CheckResponse, LanguageEntry
from api.reviews.service import check_length, run_review
from api.state import ServiceState

router = APIRouter(tags=["languagetool"])


@router.post("/v2/check", response_model=CheckResponse, dependencies=[Depends(require_reader)],
             responses=ERROR_RESPONSES, summary="Check a text (LanguageTool-compatible)")
async def check(
    state: ServiceState = Depends(get_state),
    text: str | None = Form(None, description="the text to check (Markdown)"),
    data: str | None = Form(None, description="annotated text as JSON: {\"annotation\": [{\"text\": …}, {\"markup\": …}]}"),
    language: str = Form("auto", description="en, en-US, en-GB, … or auto"),
    enabledRules: str | None = Form(None, description="rule codes, comma-separated"),
    disabledRules: str | None = Form(None, description="rule codes, comma-separated"),
    enabledCategories: str | None = Form(None, description="BLAME, TIME, METRICS, DETAIL, STRUCTURE, META"),
    disabledCategories: str | None = Form(None, description="BLAME, TIME, METRICS, DETAIL, STRUCTURE, META"),
    enabledOnly: bool = Form(False, description="run only the enabled rules and categories"),
) -> CheckResponse:
    """LanguageTool's /v2/check: `matches` with `offset` and `length` in **UTF-16 code units**,
    `message`, `replacements[{value}]`, `rule{id, description, category}`, `context`."""
    return await _check(state, text, data, language, enabledRules, disabledRules, enabledCategories,
                        disabledCategories, enabledOnly)


@router.get("/v2/check", response_model=CheckResponse, dependencies=[Depends(require_reader)],
            responses=ERROR_RESPONSES, summary="Check a text given in the query (LanguageTool-compatible)")
async def check_get(
    state: ServiceState = Depends(get_state),
    text: str | None = Query(None), data: str | None = Query(None), language: str = Query("auto"),
    enabledRules: str | None = Query(None), disabledRules: str | None = Query(None),
    enabledCategories: str | None = Query(None), disabledCategories: str | None = Query(None),
    enabledOnly: bool = Query(False),
) -> CheckResponse:
    """The same as POST, for clients that send the text in the query string (short texts only)."""
    return await _check(state, text, data, language, enabledRules, disabledRules, enabledCategories,
                        disabledCategories, enabledOnly)


async def _check(state: ServiceState, text: str | None, data: str | None, language: str, enabled_rules: str | None,
                 disabled_rules: str | None, enabled_categories: str | None, disabled_categories: str | None,
                 enabled_only: bool) -> CheckResponse:
    state.require_models()
    long_code = service.check_language(language)
    document = service.text_of(text, data)
    check_length(state, document)
    overrides = service.config_overrides(enabled_rules, disabled_rules, enabled_only, enabled_categories,
                                         disabled_categories)
    config = state.settings.review_config.merged(overrides) if overrides else state.settings.review_config
    review = await state.run(run_review, state, document, None, config)
    return service.response(review.findings, document, long_code)


@router.get("/v2/languages", response_model=list[LanguageEntry], dependencies=[Depends(require_reader)],
            summary="Languages (LanguageTool-compatible)")
async def languages() -> list[LanguageEntry]:
    return service.LANGUAGES
