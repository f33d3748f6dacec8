"""Incidents: the HTTP side of reviewer.corpus.service.Corpus (blocking; the router runs it in a thread)."""

from __future__ import annotations

import datetime as dt

from pydantic import ValidationError

from api.incidents.schemas import (
    is_draft_key,
    FeedbackRequest,
    FeedbackResult,
    ImportResult,
    IncidentImport,
    IncidentOut,
    IncidentPage,
    IncidentSummary,
    RootCauseGroupOut,
    SimilarIncidentOut,
    SimilarRequest,
    TrendPointOut,
)
from api.problems import InvalidField, NotFound, UnsupportedMediaType, load_json
from api.state import ServiceState
from reviewer.corpus.errors import BadRecord
from reviewer.corpus.extract import record_from_mapping, record_from_markdown
from reviewer.corpus.types import IncidentFilters, IncidentRecord
from reviewer.errors import PmreviewError



MARKDOWN_TYPES = ("text/markdown", "text/x-markdown", "text/plain")


def record_from_body(raw: bytes, content_type: str, id_param: str | None) -> IncidentRecord:
    """The body of POST /v1/incidents → an IncidentRecord (422/415 on a body that is not one)."""
    media = content_type.split(";")[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        data = load_json(raw, ("body",))
        try:
            body = IncidentImport.model_validate(data)
        except ValidationError as exc:
            raise InvalidField([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None
        mapping = body.model_dump(exclude_none=True)
        if id_param:
            mapping["id"] = id_param
        try:
            return record_from_mapping(mapping, source="api")
        except BadRecord as exc:
            raise InvalidField([{"loc": ("body",), "msg": str(exc), "type": "bad_record"}]) from None
    if media in MARKDOWN_TYPES:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidField([{"loc": ("body",), "msg": f"not UTF-8 (byte {exc.start})", "type": "unicode"}]) from None
        try:
            if id_param:
                return record_from_mapping({"id": id_param, "text": text}, source="api")
            return record_from_markdown(text, "api")
        except BadRecord as exc:
            reason = str(exc) + ("; give ?id=… or an id in the front matter" if "id" in str(exc) else "")
            raise InvalidField([{"loc": ("body",), "msg": reason, "type": "bad_record"}]) from None
    raise UnsupportedMediaType("send the incident as application/json or text/markdown (the Content-Type header)")


def import_incident(state: ServiceState, record: IncidentRecord) -> ImportResult:
    corpus = state.require_corpus()
    report = corpus.import_record(record)
    if report.skipped:
        skipped = report.skipped[0]
        location = ("body", skipped.field) if skipped.field else ("body",)
        raise InvalidField([{"loc": location, "msg": skipped.reason, "type": "bad_record"}])
    incident = corpus.get(record.id, with_text=False)
    if incident is None:  # deleted by another request in between
        raise NotFound(f"incident {record.id!r} was removed while it was imported")
    return ImportResult(id=record.id, status=ImportResult.status_of(report, record.id),  # type: ignore[arg-type]
                        incident=IncidentSummary.of(incident))


def filters(service: str | None = None, since: dt.date | None = None, until: dt.date | None = None,
            severity: str | None = None, category: str | None = None) -> IncidentFilters:
    return IncidentFilters(service=service or None, since=since, until=until, severity=severity or None,
                           category=category or None)


def list_incidents(state: ServiceState, chosen: IncidentFilters, offset: int, limit: int) -> IncidentPage:
    if limit > state.settings.max_page_size:
        raise InvalidField.one(("query", "limit"), f"must be at most {state.settings.max_page_size} (max_page_size)")
    page = state.require_corpus().list(chosen, offset=offset, limit=limit)
    return IncidentPage(items=[IncidentSummary.of(i) for i in page.items], total=page.total, offset=page.offset,
                        limit=page.limit)


def get_incident(state: ServiceState, incident_id: str) -> IncidentOut:
    incident = state.require_corpus().get(incident_id)
    if incident is None:
        raise NotFound(f"no incident {incident_id!r}")
    return IncidentOut.of(incident)


def delete_incident(state: ServiceState, incident_id: str) -> None:
    if not state.require_corpus().delete(incident_id):
        raise NotFound(f"no incident {incident_id!r}")


def check_k(state: ServiceState, k: int | None, location: tuple[str, ...] = ("query", "k")) -> int:
    """The number of similar incidents to return: the default, or `k` when it is within max_k (the
    maximum the OpenAPI document states, from the same setting)."""
    if k is not None and k > state.settings.max_k:
        raise InvalidField.one(location, f"must be at most {state.settings.max_k} (max_k)", "less_than_equal")
    from api.reviews.service import effective_k

    return effective_k(state, k)


def similar_to_incident(state: ServiceState, incident_id: str, k: int) -> list[SimilarIncidentOut]:
    corpus = state.require_corpus()
    if corpus.get(incident_id, with_text=False) is None:
        raise NotFound(f"no incident {incident_id!r}")
    return [SimilarIncidentOut.of(m) for m in corpus.similar(incident_id=incident_id, k=k)]


def similar_to_text(state: ServiceState, body: SimilarRequest, k: int) -> list[SimilarIncidentOut]:
    if not body.text.strip():
        raise InvalidField([{"loc": ("body", "text"), "msg": "the text is empty", "type": "value_error"}])
    chosen = filters(body.service, body.since, body.until, body.severity, body.category)
    matches = state.require_corpus().similar(body.text, k=k, filters=chosen, draft_key=body.draft_key)
    return [SimilarIncidentOut.of(m) for m in matches]


def add_feedback(state: ServiceState, incident_id: str, body: FeedbackRequest) -> FeedbackResult:
    corpus = state.require_corpus()
    if not is_draft_key(incident_id) and corpus.get(incident_id, with_text=False) is None:
        raise NotFound(f"no incident {incident_id!r} (feedback on a draft uses its draft key, 'draft:…')")
    if corpus.get(body.other_id, with_text=False) is None:
        raise NotFound(f"no incident {body.other_id!r}")
    if body.other_id == incident_id:
        raise PmreviewError("an incident cannot be marked not similar to itself")
    corpus.feedback(incident_id, body.other_id, verdict=body.verdict)
    return FeedbackResult(incident_id=incident_id, other_id=body.other_id, verdict=body.verdict)


def root_causes(state: ServiceState, since: dt.date | None, until: dt.date | None,
                min_count: int) -> list[RootCauseGroupOut]:
    groups = state.require_corpus().root_causes(since, until=until, min_count=min_count)
    return [RootCauseGroupOut.of(g) for g in groups]


def trends(state: ServiceState, chosen: IncidentFilters) -> list[TrendPointOut]:
    return [TrendPointOut.of(p) for p in state.require_corpus().trends(chosen)]
