"""POST /v2/check and GET /v2/languages: enough of the LanguageTool HTTP API for editor plugins.

Errors leave as LanguageTool's server sends them: a plain-text body `Error: <reason>` with the
status (400 for a bad request where the rest of the API says 422; 401, 413, 503 as they are),
because clients read any JSON body as a result: language_tool_python would fail on a missing
`matches` (KeyError) instead of raising its own LanguageToolError with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import PlainTextResponse, Response
from fastapi.routing import APIRoute

from api.deps import get_state, require_reader
from api.languagetool import service
from api.languagetool.schemas import CheckResponse, LanguageEntry
from api.problems import InvalidField
from api.reviews.service import check_length, run_review
from api.state import ServiceState

KEPT_HEADERS = ("retry-after", "www-authenticate")


async def plain_text_error(request: Request, exc: Exception) -> Response:
    """The app's own answer to `exc` (status, reason, headers), as LanguageTool words it."""
    handler = next((request.app.exception_handlers[cls] for cls in type(exc).__mro__
                    if cls in request.app.exception_handlers), None)
    if handler is None:
        raise exc
    answer = await handler(request, exc)
    if isinstance(exc, InvalidField):
        reason = "; ".join(str(error["msg"]) for error in exc.errors)
    else:
        try:
            reason = str(json.loads(answer.body).get("detail") or "the request failed")
        except (ValueError, AttributeError):
            reason = "the request failed"
    status = 400 if answer.status_code == 422 else answer.status_code
    headers = {key: value for key, value in answer.headers.items() if key.lower() in KEPT_HEADERS}
    return PlainTextResponse(f"Error: {reason}", status_code=status, headers=headers)


class LanguageToolRoute(APIRoute):
    """A route whose errors (validation, auth, limits, anything) are LanguageTool's plain text."""

    def get_route_handler(self) -> Callable[[Request], Any]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:  # noqa: BLE001 - every error is answered, in LanguageTool's form
                return await plain_text_error(request, exc)

        return answer


router = APIRouter(tags=["languagetool"], route_class=LanguageToolRoute)
LT_ERRORS = {
    status: {"description": description, "content": {"text/plain": {"schema": {"type": "string"},
                                                                   "example": f"Error: {example}"}}}
    for status, description, example in (
        ("400", "a bad request: no text or data, both, bad JSON in data, another language",
         service.MISSING_TEXT),
        ("401", "an API token is needed (only when the service protects reads)", "the API token is not valid"),
        ("413", "the text is longer than the service accepts", "the text is too long"),
        ("503", "the models are still loading (Retry-After)", "the review models are still loading"),
    )
}
# Form fields cannot say "one of these two"; the request body schema can.
TEXT_OR_DATA = {"requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {
    "anyOf": [{"required": ["text"]}, {"required": ["data"]}]}}}}}


async def _sent_empty_text(request: Request) -> bool:
    fields = request.query_params if request.method == "GET" else await request.form()
    return "text" in fields


def rule_url_for(request: Request) -> Callable[[str], str]:
    """Each rule's page on this service (`/rules/PM201`), as the client reached it."""
    base = str(request.base_url).rstrip("/")
    return lambda code: f"{base}/rules/{code}"


@router.post("/v2/check", response_model=CheckResponse, dependencies=[Depends(require_reader)],
             responses=LT_ERRORS, openapi_extra=TEXT_OR_DATA, summary="Check a text (LanguageTool-compatible)")
async def check(
    request: Request,
    state: ServiceState = Depends(get_state),
    text: str | None = Form(None, description="the text to check (Markdown); `text` or `data` is required"),
    data: str | None = Form(None, description="annotated text as JSON: {\"annotation\": [{\"text\": …}, "
                                              "{\"markup\": …}]}; `text` or `data` is required"),
    language: str = Form("auto", description="en, en-US, en-GB, … or auto"),
    motherTongue: str | None = Form(None, description="accepted and not used (pmreview has no false-friend rules)"),
    enabledRules: str | None = Form(None, description="rule codes, comma-separated"),
    disabledRules: str | None = Form(None, description="rule codes, comma-separated"),
    enabledCategories: str | None = Form(None, description="BLAME, TIME, METRICS, DETAIL, STRUCTURE, META"),
    disabledCategories: str | None = Form(None, description="BLAME, TIME, METRICS, DETAIL, STRUCTURE, META"),
    enabledOnly: bool = Form(False, description="run only the enabled rules and categories"),
) -> CheckResponse:
    """LanguageTool's /v2/check: `matches` with `offset` and `length` in **UTF-16 code units**,
    `message`, `replacements[{value}]`, `rule{id, description, category, urls}`, `context`.

    `text` or `data` is required; an empty text is valid and has no matches. A fragment (no
    heading, or a single paragraph) gets no whole-document findings. Errors are plain text
    (`Error: …`), as LanguageTool's server sends them."""
    return await _check(request, state, text, data, language, enabledRules, disabledRules, enabledCategories,
                        disabledCategories, enabledOnly)


@router.get("/v2/check", response_model=CheckResponse, dependencies=[Depends(require_reader)],
            responses=LT_ERRORS, summary="Check a text given in the query (LanguageTool-compatible)")
async def check_get(
    request: Request,
    state: ServiceState = Depends(get_state),
    text: str | None = Query(None), data: str | None = Query(None), language: str = Query("auto"),
    enabledRules: str | None = Query(None), disabledRules: str | None = Query(None),
    enabledCategories: str | None = Query(None), disabledCategories: str | None = Query(None),
    enabledOnly: bool = Query(False), motherTongue: str | None = Query(None),
) -> CheckResponse:
    """The same as POST, for clients that send the text in the query string (short texts only);
    `text` or `data` is required."""
    return await _check(request, state, text, data, language, enabledRules, disabledRules, enabledCategories,
                        disabledCategories, enabledOnly)


async def _check(request: Request, state: ServiceState, text: str | None, data: str | None, language: str,
                 enabled_rules: str | None, disabled_rules: str | None, enabled_categories: str | None,
                 disabled_categories: str | None, enabled_only: bool) -> CheckResponse:
    long_code = service.check_language(language)
    if text is None and data is None and await _sent_empty_text(request):
        text = ""  # FastAPI reads an empty form field as absent; LanguageTool as an empty text
    document = service.text_of(text, data)
    check_length(state, document)
    overrides = service.config_overrides(enabled_rules, disabled_rules, enabled_only, enabled_categories,
                                         disabled_categories)
    if not document.strip():  # LanguageTool answers an empty text with no matches; so do we
        return service.response([], document, long_code)
    state.require_models()
    fragment = service.is_fragment(document)
    if fragment:
        base_ignore = state.settings.review_config.ignore
        overrides["ignore"] = [*base_ignore, *overrides.get("ignore", []), *service.DOCUMENT_RULES]
    config = state.settings.review_config.merged(overrides) if overrides else state.settings.review_config
    review = await state.run(run_review, state, document, None, config, chars=len(document))
    findings = service.fragment_findings(review.findings) if fragment else review.findings
    return service.response(findings, document, long_code, rule_url_for(request))


@router.get("/v2/languages", response_model=list[LanguageEntry], dependencies=[Depends(require_reader)],
            responses=LT_ERRORS, summary="Languages (LanguageTool-compatible)")
async def languages() -> list[LanguageEntry]:
    """English (which /v2/check reviews) and the languages clients offer as a `motherTongue`."""
    return service.LANGUAGES
