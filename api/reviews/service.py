"""Reviews: per-request config, the length limit, the review itself and the similar incidents.

Functions here are blocking; the router runs them in a worker thread.
"""

from __future__ import annotations

import logging
import time

from api.caches import text_key
from api.incidents.schemas import RecurrenceOut, SimilarIncidentOut
from api.reviews.schemas import FindingOut, ReviewOptions, ReviewRequest, ReviewResponse, ScoresOut
from api.state import ServiceState, ServiceUnavailable
from reviewer.config import Config
from reviewer.errors import DocumentTooLarge, PmreviewError
from reviewer.findings import Finding
from reviewer.output.common import jsonable
from reviewer.output.positions import LineIndex
from reviewer.review import Review

log = logging.getLogger("pmreview.api")


def request_config(state: ServiceState, options: ReviewOptions | None) -> Config:
    """The service's review config with this request's overrides (ConfigError → 422)."""
    base = state.settings.review_config
    if options is None:
        return base
    overrides = options.model_dump(exclude_none=True)
    if not overrides:
        return base
    return base.merged(overrides)


def check_length(state: ServiceState, text: str) -> None:
    limit = min(state.settings.max_document_chars, state.settings.review_config.max_chars)
    if len(text) > limit:
        raise DocumentTooLarge(len(text), limit)


def effective_k(state: ServiceState, k: int | None) -> int:
    k = state.settings.default_k if k is None else k
    if k > state.settings.max_k:
        raise PmreviewError(f"k must be at most {state.settings.max_k} (max_k)")
    return k


def finding_out(finding: Finding, index: LineIndex) -> FindingOut:
    line, column = index.line_col(finding.start)
    end_line, end_column = index.line_col(max(finding.start, finding.end))
    return FindingOut(code=finding.code, name=finding.name, dimension=finding.dimension.value,
                      severity=finding.severity.value, message=finding.message, start=finding.start, end=finding.end,
                      start_utf16=index.utf16_offset(finding.start), end_utf16=index.utf16_offset(finding.end),
                      line=line, column=column, end_line=end_line, end_column=end_column, section=finding.section,
                      section_kind=finding.section_kind, replacements=finding.replacements,
                      confidence=finding.confidence, points=finding.points, fingerprint=finding.fingerprint,
                      data=jsonable(finding.data or {}))


def run_review(state: ServiceState, text: str, filename: str | None, config: Config) -> Review:
    """The review of `text` under `config`; an unchanged document sent again comes from the cache.

    The cached Review is shared between requests: callers read it, never change it.
    """
    reviewer = state.require_models()
    key = text_key(text, filename or "", config.model_dump_json())
    review = state.review_cache.get(key)
    if review is None:
        began = time.perf_counter()
        review = reviewer.review(text, path=filename, config=config)
        state.metrics.review_duration.observe(time.perf_counter() - began)
        state.metrics.review_words.observe(len(text.split()))
        if not review.error:
            state.review_cache.put(key, review)
    if review.error:
        raise PmreviewError(review.error)
    return review


def review_document(state: ServiceState, body: ReviewRequest, config: Config, k: int) -> ReviewResponse:
    """The whole POST /v1/reviews answer (blocking)."""
    began = time.perf_counter()
    review = run_review(state, body.text, body.filename, config)
    index = LineIndex(body.text)
    scores = review.scores
    assert scores is not None
    response = ReviewResponse(
        filename=body.filename,
        scores=ScoresOut(overall=scores.overall, dimensions={d.value: v for d, v in scores.dimensions.items()}),
        fails=review.fails(config),
        findings=[finding_out(f, index) for f in review.findings],
        suppressed=review.suppressed,
        facts=jsonable(review.facts or {}),
        duration_ms=0.0,
    )
    if body.similar and state.settings.similar_in_reviews:
        own_id = review.postmortem.metadata.id if review.postmortem is not None else None
        _add_similar(state, response, body.text, k, own_id, body.draft_key)
    response.duration_ms = round((time.perf_counter() - began) * 1000, 1)
    return response


def _add_similar(state: ServiceState, response: ReviewResponse, text: str, k: int, own_id: str | None,
                 draft_key: str | None) -> None:
    """Similar incidents and recurrence; a review never fails because the corpus cannot answer."""
    if not text.strip():
        response.similar = []
        return
    try:
        corpus = state.require_corpus()
        began = time.perf_counter()
        # The draft may already be in the corpus (re-reviewing an imported postmortem): not similar to itself.
        matches = corpus.similar(text, k=k + 1 if own_id else k, draft_key=draft_key)
        matches = [m for m in matches if m.incident.id != own_id][:k]
        recurrence = corpus.recurrence(text, exclude_id=own_id)
        state.metrics.similar_duration.observe(time.perf_counter() - began)
    except ServiceUnavailable as exc:
        response.similar_error = exc.detail
        return
    except PmreviewError as exc:
        response.similar_error = str(exc)
        return
    except Exception as exc:  # noqa: BLE001 - the findings are still worth returning
        log.exception("similar incidents failed")
        response.similar_error = f"similar incidents are unavailable ({type(exc).__name__})"
        return
    response.similar = [SimilarIncidentOut.of(m) for m in matches]
    response.recurrence = RecurrenceOut.of(recurrence)
