"""The reviewers' web pages: server-rendered HTML (Jinja2), plain CSS, a few lines of optional JS.

    /                       paste a postmortem (or choose a file) → POST /review
    /review                 the review: highlighted text, findings, scores, facts, similar incidents
    /incidents              past incidents, paged, filtered (service, severity, dates, text)
    /incidents/{id}         one incident: its review, similar incidents, "not similar" buttons
    /causes                 recurring root causes
    /trends                 per month: incidents by severity, impact minutes, MTTR (inline SVG)
    /rules, /rules/{code}   the rules and their docs

Errors are pages too (404, 413, 422, 503, 403), never JSON or a traceback.

Writes from pages (the "not similar" buttons) follow the API's token rule: when
PMREVIEW_API_TOKEN is set, the form must carry that token in its "API token" field (a
password field, sent in the POST body, never in a URL, never stored in a cookie or echoed
back); without it the page answers 403 and says why. When `protect_reads` is set the pages
are turned off (403): a browser cannot send the bearer header the API then requires.

Every page form (review, "not similar") is obeyed only when it comes from the service's own
pages, token or not (api.pages.csrf: Sec-Fetch-Site, else Origin, else the form's hidden token
tied to a SameSite cookie); another site's form gets a 403 page and nothing is done.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import SQLAlchemyError

from api.deps import get_state
from api.errors import request_id_of
from api.pages import csrf, service
from api.pages.inline import inline_html
from api.problems import InvalidField, NotFound
from api.state import ServiceState, ServiceUnavailable
from reviewer.corpus.errors import StoreError, StoreRefused
from reviewer.errors import DocumentTooLarge, PmreviewError

log = logging.getLogger("pmreview.api")

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals.update(severity_class=service.severity_class, minutes=service.minutes,
                             root_cause_categories=service.ROOT_CAUSE_CATEGORIES)
templates.env.filters["incident_url"] = lambda incident_id: "/incidents/" + quote(str(incident_id), safe="/")
templates.env.filters["percent"] = lambda value: f"{round(float(value) * 100)}%"
templates.env.filters["inline_markdown"] = inline_html
# The form cookie of the page being rendered (set by `render`, read by the templates' forms).
_form_cookie: contextvars.ContextVar[str] = contextvars.ContextVar("pmreview_form_cookie", default="")
templates.env.globals["csrf_token"] = lambda action: csrf.token_for_action(_form_cookie.get(), action)

router = APIRouter(include_in_schema=False)


class PageForbidden(Exception):
    """A page write without the token, or pages turned off by `protect_reads`: HTTP 403."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _error_page(request: Request, status: int, title: str, detail: str, *,
                headers: dict[str, str] | None = None, refresh: int | None = None,
                errors: list[str] | None = None) -> HTMLResponse:
    return templates.TemplateResponse(request, "error.html", {
        "status": status, "title": title, "detail": detail, "errors": errors or [],
        "refresh": refresh if request.method == "GET" else None, "state": None,
    }, status_code=status, headers=headers)


def error_response(request: Request, exc: Exception) -> HTMLResponse:
    """The page for an error: what went wrong in words, and what to do."""
    if isinstance(exc, PageForbidden):
        return _error_page(request, 403, "Not allowed", exc.detail)
    if isinstance(exc, ServiceUnavailable):
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return _error_page(request, 503, "Not ready yet", exc.detail + ". This page reloads by itself; "
                           "a form you sent can be sent again in a few seconds.", headers=headers,
                           refresh=exc.retry_after)
    if isinstance(exc, NotFound):
        return _error_page(request, 404, "Not found", str(exc))
    if isinstance(exc, DocumentTooLarge):
        return _error_page(request, 413, "Document too long",
                           f"The {exc}. Split the document, or ask the operator to raise max_document_chars.")
    if isinstance(exc, InvalidField):
        reasons = [str(e.get("msg", "invalid")) for e in exc.errors]
        return _error_page(request, 422, "Cannot review this", "; ".join(reasons), errors=[])
    if isinstance(exc, StoreError):
        request_id = request_id_of(request)
        log.error("store error", exc_info=exc.__cause__ or exc, extra={"fields": {"request_id": request_id}})
        detail = f"{exc} (request id {request_id})."
        if isinstance(exc, StoreRefused):
            return _error_page(request, 422, "Cannot store that", detail)
        return _error_page(request, 503, "Store not reachable", detail,
                           headers={"Retry-After": str(exc.retry_after or 30)})
    if isinstance(exc, PmreviewError):
        return _error_page(request, 422, "Cannot do that", str(exc))
    if isinstance(exc, SQLAlchemyError):
        log.error("store error", exc_info=exc)
        return _error_page(request, 503, "Store not reachable", "The incident store is not reachable; "
                           "try again later.", headers={"Retry-After": "30"})
    request_id = request_id_of(request)
    log.error("page failed", exc_info=exc, extra={"fields": {"request_id": request_id,
                                                             "route": request.scope.get("path")}})
    return _error_page(request, 500, "Something went wrong", "An internal error; the server log has the details"
                       + (f" (request id {request_id})." if request_id else "."))


def page(handler: Callable[..., Awaitable[Response]]) -> Callable[..., Awaitable[Response]]:
    """Turn every error of a page handler into an error page (the app's handlers answer JSON)."""

    @functools.wraps(handler)
    async def wrapped(request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            state: ServiceState = request.app.state.service
            if state.settings.protect_reads:
                raise PageForbidden("This service requires the API token for reads (protect_reads), and a browser "
                                    "page cannot send it; use the HTTP API with 'Authorization: Bearer <token>'.")
            return await handler(request, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a page
            return error_response(request, exc)

    return wrapped


def check_write_token(state: ServiceState, given: str | None) -> None:
    """Page writes need the API token, when one is configured, typed into the form."""
    expected = state.settings.api_token
    if expected is None:
        return
    if not given:
        raise PageForbidden("This service is configured with an API token (PMREVIEW_API_TOKEN): changes need it. "
                            "Nothing was changed. Type the token into the “API token” field above the similar "
                            "incidents and select “Not similar” again.")
    if not secrets.compare_digest(given.strip().encode(), expected.encode()):
        raise PageForbidden("The API token typed into the form is not the service's token; nothing was changed. "
                            "Type it again and select “Not similar” again.")


def render(request: Request, name: str, status: int = 200, headers: str | None = None, **context: Any) -> HTMLResponse:
    """`headers`: a Retry-After value to pass on, when there is one. The page's forms carry the
    token of the browser's form cookie (set here when the browser has none; see api.pages.csrf)."""
    state: ServiceState = request.app.state.service
    cookie, new_cookie = csrf.form_cookie(request)
    reset = _form_cookie.set(cookie)
    try:
        response = templates.TemplateResponse(request, name, {"state": state, "auth": state.settings.auth_enabled,
                                                              **context}, status_code=status,
                                              headers={"Retry-After": headers} if headers else None)
    finally:
        _form_cookie.reset(reset)
    if new_cookie:
        csrf.set_form_cookie(response, cookie)
    return response


async def check_same_origin(request: Request) -> None:
    """Refuse (403 page, nothing done) a form posted from another site; see api.pages.csrf."""
    form = await request.form()  # already read by FastAPI for the handler's fields: cached
    token = form.get(csrf.FIELD)
    reason = csrf.cross_site_reason(request, token if isinstance(token, str) else None)
    if reason:
        raise PageForbidden(f"Nothing was done: {reason}. Only pmreview's own pages may send this form; "
                            "open the page again from this service and send it from there.")


# -- static ----------------------------------------------------------------------------------
@router.get("/static/pages.css")
async def stylesheet() -> FileResponse:
    return FileResponse(STATIC / "pages.css", media_type="text/css", headers={"Cache-Control": "max-age=300"})


@router.get("/static/pages.js")
async def script() -> FileResponse:
    return FileResponse(STATIC / "pages.js", media_type="text/javascript", headers={"Cache-Control": "max-age=300"})


# -- review ----------------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
@page
async def home(request: Request) -> Response:
    return render(request, "index.html", text="", filename="")


async def _document(text: str, filename: str, upload: UploadFile | None) -> tuple[str, str | None]:
    """The document from the form: the pasted text, or else the chosen file (UTF-8)."""
    if upload is not None and upload.filename and not text.strip():
        raw = await upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidField.one(("form", "upload"), f"the file is not UTF-8 text (byte {exc.start})") from None
        filename = filename.strip() or upload.filename
    text = text.replace("\r\n", "\n") if "\r\n" in text else text  # browsers send textarea lines as CRLF
    return text, (filename.strip() or None)


@router.post("/review", response_class=HTMLResponse)
@page
async def review(request: Request, state: ServiceState = Depends(get_state), text: str = Form(""),
                 filename: str = Form(""), draft_key: str = Form(""),
                 upload: UploadFile | None = File(None)) -> Response:
    await check_same_origin(request)
    text, name = await _document(text, filename, upload)
    try:
        service.check_document(state, text, name)
        view = await state.run(service.review_draft, state, text, name, draft_key or None)
    except (ServiceUnavailable, DocumentTooLarge, InvalidField) as exc:
        # The form again, with the reason and the text as typed: nothing the author wrote is lost.
        failed = error_response(request, exc)
        return render(request, "index.html", status=failed.status_code, text=text, filename=name or "",
                      error=failed.context, headers=failed.headers.get("retry-after"))
    return render(request, "review.html", view=view, notice=None)


@router.get("/review")
async def review_by_get() -> RedirectResponse:
    """A bookmarked or reloaded review URL: a review needs the document, which lives in the form."""
    return RedirectResponse("/", status_code=303)


@router.post("/review/not-similar", response_class=HTMLResponse)
@page
async def draft_not_similar(request: Request, state: ServiceState = Depends(get_state), text: str = Form(""),
                            filename: str = Form(""), draft_key: str = Form(""), other_id: str = Form(""),
                            token: str = Form("")) -> Response:
    """'Not similar' on a draft's suggestion: remembered under the draft's key, then the review again."""
    await check_same_origin(request)
    text, name = await _document(text, filename, None)
    service.check_document(state, text, name)
    key = service.draft_key_for(text, draft_key or None)
    try:
        check_write_token(state, token)
    except PageForbidden as refused:
        # The review again with the reason next to the buttons, rather than a page that loses the draft.
        view = await state.run(service.review_draft, state, text, name, key)
        return render(request, "review.html", status=403, view=view, notice=None, refused=refused.detail)
    await state.run(service.feedback_on_draft, state, key, other_id.strip())
    view = await state.run(service.review_draft, state, text, name, key)
    return render(request, "review.html", view=view,
                  notice=f"{other_id.strip()} will no longer be suggested for this draft.")


# -- incidents -------------------------------------------------------------------------------
@router.get("/incidents", response_class=HTMLResponse)
@page
async def incident_list(request: Request, state: ServiceState = Depends(get_state)) -> Response:
    form = service.IncidentFilterForm.read(dict(request.query_params))
    view = await state.run(service.list_incidents, state, form)
    return render(request, "incidents.html", view=view)


@router.post("/incidents/{incident_id:path}/not-similar", response_class=HTMLResponse)
@page
async def incident_not_similar(request: Request, incident_id: str, state: ServiceState = Depends(get_state),
                               other_id: str = Form(""), token: str = Form("")) -> Response:
    await check_same_origin(request)
    try:
        check_write_token(state, token)
    except PageForbidden as refused:
        view = await state.run(service.incident_page, state, incident_id)
        return render(request, "incident.html", status=403, view=view, notice=None, refused=refused.detail)
    await state.run(service.feedback_on_incident, state, incident_id, other_id.strip())
    # Post/redirect/get: a reload of the incident page does not send the feedback again.
    target = "/incidents/" + quote(incident_id, safe="/") + "?marked=" + quote(other_id.strip(), safe="") + "#similar"
    return RedirectResponse(target, status_code=303)


@router.get("/incidents/{incident_id:path}", response_class=HTMLResponse)
@page
async def incident(request: Request, incident_id: str, state: ServiceState = Depends(get_state)) -> Response:
    view = await state.run(service.incident_page, state, incident_id)
    marked = request.query_params.get("marked")
    notice = f"{marked[:200]} will no longer be suggested for this incident." if marked else None
    return render(request, "incident.html", view=view, notice=notice)


# -- corpus-wide -----------------------------------------------------------------------------
@router.get("/causes", response_class=HTMLResponse)
@page
async def causes(request: Request, state: ServiceState = Depends(get_state)) -> Response:
    form = service.IncidentFilterForm.read(dict(request.query_params))
    raw = request.query_params.get("min_count", "2").strip()
    min_count = int(raw) if raw.isdigit() and 1 <= int(raw) <= 1000 else 2
    if raw and str(min_count) != raw:
        form.errors.append("min_count must be a whole number from 1 to 1000")
    view = await state.run(service.causes_page, state, form, min_count)
    return render(request, "causes.html", view=view)


@router.get("/trends", response_class=HTMLResponse)
@page
async def trends(request: Request, state: ServiceState = Depends(get_state)) -> Response:
    form = service.IncidentFilterForm.read(dict(request.query_params))
    view = await state.run(service.trends_page, state, form)
    return render(request, "trends.html", view=view)


# -- rules -----------------------------------------------------------------------------------
@router.get("/rules", response_class=HTMLResponse)
@page
async def rule_index(request: Request) -> Response:
    return render(request, "rules.html", rules=service.rule_list())


@router.get("/rules/{code}", response_class=HTMLResponse)
@page
async def rule(request: Request, code: str) -> Response:
    return render(request, "rule.html", rule=service.rule_page(code))
