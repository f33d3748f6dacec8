"""What the reviewers' pages show, built from the API's own service functions (blocking).

The pages never review, search or group anything themselves: they call
`api.reviews.service` (the review and the similar incidents of a draft),
`api.incidents.service` (incidents, similar, feedback, root causes, trends) and
`api.rules.service` (rule docs), and turn the answers into small view objects the
templates print. The router runs these functions in a worker thread.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from api.incidents import service as incidents
from api.incidents.schemas import (
    is_draft_key,
    FeedbackRequest,
    IncidentOut,
    IncidentSummary,
    RecurrenceOut,
    RootCauseGroupOut,
    SimilarIncidentOut,
    SimilarRequest,
    TrendPointOut,
)
from api.pages.highlight import Piece, cut
from api.problems import InvalidField, NotFound
from api.reviews import service as reviews
from api.reviews.schemas import FindingOut, ReviewRequest, ReviewResponse
from api.rules import service as rules
from api.state import ServiceState
from reviewer.corpus.types import ROOT_CAUSE_CATEGORIES, IncidentFilters
from reviewer.errors import PmreviewError

PAGE_SIZE = 20
DIMENSIONS = ("blame", "time", "metrics", "detail")
# Raw HTML in rule docs is shown as text: docs are ours, but nothing on these pages trusts markup.
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


# -- reviews ---------------------------------------------------------------------------------
@dataclass(slots=True)
class DimensionRow:
    name: str
    score: float
    findings: int
    points: float


@dataclass(slots=True)
class ReviewView:
    """One reviewed document: the text in pieces, the findings, scores and facts; similar incidents."""

    text: str
    filename: str | None
    pieces: list[Piece]
    findings: list[FindingOut]
    flagged: list[str]  # the flagged text per finding (same order), for the list
    overall: float
    dimensions: list[DimensionRow]
    fails: bool
    suppressed: int
    facts: list[tuple[str, list[tuple[str, Any]]]]  # (group title, [(label, value)])
    similar: list[SimilarIncidentOut] | None = None
    similar_error: str | None = None
    recurrence: RecurrenceOut | None = None
    recurrence_titles: dict[str, str] = field(default_factory=dict)
    draft_key: str | None = None


def draft_key_for(text: str, given: str | None) -> str:
    """The key "not similar" feedback on a draft is remembered under.

    The review page hands the key back in its forms, so feedback survives edits of the same
    draft; a first review derives it from the text (a draft is not stored anywhere).
    """
    if given and is_draft_key(given):
        return given
    return "draft:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def check_document(state: ServiceState, text: str, filename: str | None) -> None:
    """The same limits as POST /v1/reviews, checked before any work (422 empty, 413 too long)."""
    if not text.strip():
        raise InvalidField.one(("form", "text"), "the document is empty: paste a postmortem in Markdown "
                               "or choose a file")
    if filename is not None and len(filename) > 1024:
        raise InvalidField.one(("form", "filename"), "the file name is longer than 1024 characters")
    reviews.check_length(state, text)


def review_draft(state: ServiceState, text: str, filename: str | None, draft_key: str | None) -> ReviewView:
    """A pasted draft: review, similar past incidents (without those marked not similar), recurrence."""
    key = draft_key_for(text, draft_key)
    config = reviews.request_config(state, None)
    k = reviews.effective_k(state, None)
    response = reviews.review_document(state, ReviewRequest(text=text, filename=filename, draft_key=key), config, k)
    view = _view(text, filename, response)
    view.draft_key = key
    if view.recurrence is not None and view.recurrence.earlier_incident_ids:
        view.recurrence_titles = _titles(state, view.recurrence.earlier_incident_ids)
    return view


def _view(text: str, filename: str | None, response: ReviewResponse) -> ReviewView:
    findings = response.findings
    lost: dict[str, float] = {d: 0.0 for d in response.scores.dimensions}
    counts: dict[str, int] = {d: 0 for d in response.scores.dimensions}
    for finding in findings:
        lost[finding.dimension] = lost.get(finding.dimension, 0.0) + finding.points
        counts[finding.dimension] = counts.get(finding.dimension, 0) + 1
    dimensions = [DimensionRow(name=d, score=s, findings=counts.get(d, 0), points=round(lost.get(d, 0.0), 2))
                  for d, s in sorted(response.scores.dimensions.items(),
                                     key=lambda item: DIMENSIONS.index(item[0]) if item[0] in DIMENSIONS else 99)]
    return ReviewView(
        text=text, filename=filename, pieces=cut(text, findings), findings=findings,
        flagged=[_quote(text, f.start, f.end) for f in findings], overall=response.scores.overall,
        dimensions=dimensions, fails=response.fails, suppressed=response.suppressed,
        facts=facts_view(response.facts), similar=response.similar, similar_error=response.similar_error,
        recurrence=response.recurrence)


def _quote(text: str, start: int, end: int, limit: int = 160) -> str:
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    flagged = " ".join(text[start:end].split())
    return flagged if len(flagged) <= limit else flagged[: limit - 1] + "…"


def feedback_on_draft(state: ServiceState, draft_key: str, other_id: str) -> None:
    if not is_draft_key(draft_key):
        raise InvalidField.one(("form", "draft_key"), "not a draft key (draft:…)")
    incidents.add_feedback(state, draft_key, FeedbackRequest(other_id=other_id))


def feedback_on_incident(state: ServiceState, incident_id: str, other_id: str) -> None:
    incidents.add_feedback(state, incident_id, FeedbackRequest(other_id=other_id))


# -- facts -----------------------------------------------------------------------------------
def minutes(value: Any) -> str | None:
    """72.0 → "1 h 12 min"; None stays None."""
    if not isinstance(value, (int, float)):
        return None
    total = int(round(value))
    days, rest = divmod(total, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if hours:
        parts.append(f"{hours} h")
    if mins or not parts:
        parts.append(f"{mins} min")
    return " ".join(parts)


_MOMENTS = (("impact_start", "Impact started"), ("detected", "Detected"), ("mitigated", "Mitigated"),
            ("resolved", "Resolved"), ("first_internal_comm", "First internal comms"),
            ("first_customer_comm", "First customer comms"))
_DURATIONS = (("time_to_detect", "Time to detect"), ("time_to_mitigate", "Time to mitigate"),
              ("time_to_resolve", "Time to resolve"), ("impact_duration", "Impact duration"),
              ("time_to_customer_comms", "Time to customer comms"))
_STATED = (("impact_minutes", "Impact (stated)"), ("time_to_detect_minutes", "Time to detect (stated)"),
           ("time_to_mitigate_minutes", "Time to mitigate (stated)"),
           ("time_to_resolve_minutes", "Time to resolve (stated)"))


def _moment_text(moment: dict[str, Any]) -> str:
    """"2024-05-02 09:10" when the date is known; a time of day ("20:52", "00:14, next day") when
    it is not: a placeholder date is never shown as a real one."""
    at = str(moment["at"])
    if moment.get("date_known", True) is not False and "T" in at:
        return at.replace("T", " ")[:16]
    clock = at.split("T")[-1][:5]
    offset = moment.get("day_offset")
    if isinstance(offset, int) and offset > 0:
        clock += ", next day" if offset == 1 else f", {offset} days later"
    return clock


def facts_view(facts: dict[str, Any]) -> list[tuple[str, list[tuple[str, Any]]]]:
    """The facts a reviewer reads: derived durations, key moments, stated metrics, time zone.

    Defensive on purpose: facts are added by other modules over time, and a missing or
    reshaped one must leave a gap on the page, not an error.
    """
    groups: list[tuple[str, list[tuple[str, Any]]]] = []
    durations = facts.get("durations") if isinstance(facts.get("durations"), dict) else {}
    rows = [(label, minutes(durations.get(key))) for key, label in _DURATIONS if minutes(durations.get(key))]
    for key, label in _MOMENTS:
        moment = durations.get(key)
        if isinstance(moment, dict) and moment.get("at"):
            at = _moment_text(moment)
            source = moment.get("source")
            rows.append((label, f"{at}" + (f" ({source})" if source else "")))
    if rows:
        groups.append(("Durations from the timeline", rows))
    metrics = facts.get("metrics") if isinstance(facts.get("metrics"), dict) else {}
    rows = []
    if metrics.get("severity"):
        rows.append(("Severity", str(metrics["severity"])))
    rows += [(label, minutes(metrics.get(key))) for key, label in _STATED if minutes(metrics.get(key))]
    numbers = [f"{n.get('text')} ({n.get('kind')})" for n in metrics.get("impact_numbers") or []
               if isinstance(n, dict) and n.get("text")]
    if numbers:
        rows.append(("Impact numbers", numbers))
    stated = [str(d.get("text")) for d in metrics.get("stated_durations") or [] if isinstance(d, dict) and d.get("text")]
    if stated:
        rows.append(("Stated durations", stated))
    if rows:
        groups.append(("Metrics", rows))
    zone = facts.get("time_zone") if isinstance(facts.get("time_zone"), dict) else {}
    if zone:
        rows = [("Time zone", zone.get("zone") or "not declared")]
        if zone.get("declared"):
            rows.append(("Declared in", str(zone["declared"])))
        if zone.get("consistent") is not None:
            rows.append(("Consistent", "yes" if zone.get("consistent") else "no"))
        groups.append(("Time zone", rows))
    document = facts.get("document") if isinstance(facts.get("document"), dict) else {}
    rows = [(label, document.get(key)) for key, label in (
        ("owner", "Owner"), ("timeline_rows", "Timeline rows"), ("action_items", "Action items"),
        ("action_items_with_owner", "Action items with an owner"), ("links", "Links")) if document.get(key) is not None]
    if rows:
        groups.append(("Document", rows))
    return groups


# -- incidents -------------------------------------------------------------------------------
@dataclass(slots=True)
class IncidentFilterForm:
    """The filters of /incidents as typed, with the errors of those that could not be read."""

    service: str = ""
    severity: str = ""
    category: str = ""  # root-cause category, one of ROOT_CAUSE_CATEGORIES
    since: str = ""
    until: str = ""
    text: str = ""
    page: int = 1
    errors: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, params: dict[str, str]) -> IncidentFilterForm:
        form = cls(**{name: (params.get(name) or "").strip()[:200]
                      for name in ("service", "severity", "category", "since", "until", "text")})
        if form.category and form.category not in ROOT_CAUSE_CATEGORIES:
            form.errors.append("category: the value given is not a root-cause category")
            form.category = ""
        raw_page = (params.get("page") or "1").strip()
        if raw_page.isdigit() and 1 <= int(raw_page) <= 100_000:
            form.page = int(raw_page)
        else:
            form.errors.append("page must be a whole number from 1 to 100,000")
        for name in ("since", "until"):
            value = getattr(form, name)
            if value:
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    form.errors.append(f"{name}: the value given is not a date (YYYY-MM-DD)")
                    setattr(form, name, "")
        return form

    def filters(self) -> IncidentFilters:
        return incidents.filters(self.service, dt.date.fromisoformat(self.since) if self.since else None,
                                 dt.date.fromisoformat(self.until) if self.until else None, self.severity,
                                 self.category)

    def query(self, **changes: Any) -> str:
        """The query string of these filters (for paging links)."""
        from urllib.parse import urlencode

        values = {name: getattr(self, name) for name in ("service", "severity", "category", "since", "until", "text")}
        values["page"] = self.page
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v and not (k == "page" and v == 1)})


@dataclass(slots=True)
class IncidentListView:
    form: IncidentFilterForm
    items: list[IncidentSummary]
    total: int
    pages: int
    ranked: list[SimilarIncidentOut] | None = None  # text search: matches with their reasons


def list_incidents(state: ServiceState, form: IncidentFilterForm) -> IncidentListView:
    """A page of incidents, newest first; with a text, the incidents closest to it in meaning."""
    offset = (form.page - 1) * PAGE_SIZE
    if form.text:
        # Text search is the corpus's similarity search (dense + BM25), limited to max_k results.
        k = state.settings.max_k
        chosen = form.filters()
        request = SimilarRequest(text=form.text, k=k, service=chosen.service, severity=chosen.severity,
                                 category=chosen.category, since=chosen.since, until=chosen.until)
        matches = incidents.similar_to_text(state, request, k)
        shown = matches[offset: offset + PAGE_SIZE]
        return IncidentListView(form=form, items=[m.incident for m in shown], total=len(matches),
                                pages=max(1, -(-len(matches) // PAGE_SIZE)), ranked=shown)
    page = incidents.list_incidents(state, form.filters(), offset, PAGE_SIZE)
    return IncidentListView(form=form, items=page.items, total=page.total, pages=max(1, -(-page.total // PAGE_SIZE)))


@dataclass(slots=True)
class IncidentView:
    incident: IncidentOut
    review: ReviewView | None
    review_error: str | None
    similar: list[SimilarIncidentOut]


def incident_page(state: ServiceState, incident_id: str) -> IncidentView:
    incident = incidents.get_incident(state, incident_id)  # NotFound → 404
    review, review_error = None, None
    text = incident.text or ""
    if text.strip():
        config = reviews.request_config(state, None)
        # The file's name, not the server's path to it.
        shown_name = Path(incident.source).name if incident.source else incident.id
        request = ReviewRequest(text=text, filename=shown_name, similar=False)
        try:
            reviews.check_length(state, text)
            review = _view(text, shown_name, reviews.review_document(state, request, config, 1))
        except PmreviewError as exc:  # too long, unreadable: the incident is still worth showing
            review_error = f"this postmortem could not be reviewed: {exc}"
    similar = incidents.similar_to_incident(state, incident_id, reviews.effective_k(state, None))
    return IncidentView(incident=incident, review=review, review_error=review_error, similar=similar)


def _titles(state: ServiceState, ids: list[str]) -> dict[str, str]:
    corpus = state.require_corpus()
    titles = {}
    for incident_id in dict.fromkeys(ids):
        incident = corpus.get(incident_id, with_text=False)
        titles[incident_id] = incident.title if incident is not None else incident_id
    return titles


# -- causes and trends -----------------------------------------------------------------------
@dataclass(slots=True)
class CausesView:
    groups: list[RootCauseGroupOut]
    titles: dict[str, str]
    min_count: int
    form: IncidentFilterForm


def causes_page(state: ServiceState, form: IncidentFilterForm, min_count: int = 2) -> CausesView:
    """Recurring root causes among the incidents dated within the form's range."""
    chosen = form.filters()
    groups = incidents.root_causes(state, chosen.since, chosen.until, min_count)
    titles = _titles(state, [i for g in groups for i in g.incident_ids])
    return CausesView(groups=groups, titles=titles, min_count=min_count, form=form)


@dataclass(slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # for the <title> tooltip and screen readers
    css: str = ""


@dataclass(slots=True)
class Chart:
    """A bar chart drawn server-side as inline SVG (viewBox units)."""

    title: str
    unit: str
    width: float
    height: float
    bars: list[Bar]
    maximum: float
    ticks: list[tuple[float, str]]  # (x, month label) under the bars
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css class, label)


CHART_WIDTH = 800.0  # viewBox units; the SVG scales to the page width, text with it
CHART_HEIGHT = 200.0
TOP = 16.0  # room for the maximum's gridline label
BOTTOM = 22.0  # room for month labels
LABEL_WIDTH = 52.0  # a "2024-05" label at font size 11, with a little air


def _months(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    out = []
    while (year, month) <= end and len(out) < 1200:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def severity_class(severity: str) -> str:
    """"SEV-1" / "P1" / "1" → "sev1"; anything without a level → "sevx"."""
    match = re.search(r"[0-5]", severity or "")
    return f"sev{match.group(0)}" if match else "sevx"


def _chart(title: str, unit: str, months: list[str], stacks: dict[str, list[tuple[str, float]]],
           legend: list[tuple[str, str]] | None = None) -> Chart:
    """`stacks`: per month, (css class, value) parts stacked bottom-up. Every month gets a slot,
    so the gaps between incidents show as gaps in time."""
    maximum = max((sum(v for _, v in stacks.get(m, [])) for m in months), default=0.0) or 1.0
    plot = CHART_HEIGHT - TOP - BOTTOM
    slot = CHART_WIDTH / max(len(months), 1)
    bar_width = max(slot * 0.75, 0.5)
    step = max(1, math.ceil(LABEL_WIDTH / slot))  # month labels never overlap
    bars: list[Bar] = []
    ticks: list[tuple[float, str]] = []
    for i, month in enumerate(months):
        x = i * slot + (slot - bar_width) / 2
        y = TOP + plot
        for css, value in stacks.get(month, []):
            if value <= 0:
                continue
            height = plot * value / maximum
            y -= height
            shown = f"{value:g}" if unit != "minutes" else (minutes(value) or "0")
            bars.append(Bar(x=round(x, 2), y=round(y, 2), width=round(bar_width, 2), height=round(height, 2),
                            label=f"{month}: {shown}" + (f" {css_label(css, legend)}" if legend else ""), css=css))
        if i % step == 0 and i * slot + LABEL_WIDTH <= CHART_WIDTH + 4:  # a label cut by the edge is noise
            ticks.append((round(i * slot, 2), month))
    return Chart(title=title, unit=unit, width=CHART_WIDTH, height=CHART_HEIGHT, bars=bars, maximum=maximum,
                 ticks=ticks, legend=legend or [])


def css_label(css: str, legend: list[tuple[str, str]] | None) -> str:
    return next((label for c, label in legend or [] if c == css), css)


@dataclass(slots=True)
class TrendsView:
    points: list[TrendPointOut]
    charts: list[Chart]
    severities: list[str]
    form: IncidentFilterForm


def trends_page(state: ServiceState, form: IncidentFilterForm) -> TrendsView:
    points = incidents.trends(state, form.filters())
    if not points:
        return TrendsView(points=[], charts=[], severities=[], form=form)
    months = _months(points[0].month, points[-1].month)
    by_month = {p.month: p for p in points}
    severities = sorted({s for p in points for s in p.severity_counts}, key=lambda s: (severity_class(s), s))
    legend = [(severity_class(s), s) for s in severities]
    # One legend entry per colour: several spellings of a level share it.
    legend = list({css: (css, label) for css, label in reversed(legend)}.values())[::-1]
    incidents_stack = {m: [(severity_class(s), float(n)) for s, n in sorted(p.severity_counts.items(),
                                                                             key=lambda item: severity_class(item[0]))]
                       for m, p in by_month.items()}
    # Merge parts of the same colour within a month so each month has one bar part per level.
    for month, parts in incidents_stack.items():
        merged: dict[str, float] = {}
        for css, value in parts:
            merged[css] = merged.get(css, 0.0) + value
        incidents_stack[month] = sorted(merged.items())
    charts = [
        _chart("Incidents per month, by severity", "incidents", months, incidents_stack, legend),
        _chart("Impact minutes per month", "minutes", months,
               {m: [("impact", p.impact_minutes)] for m, p in by_month.items()}),
        _chart("Mean time to resolve", "minutes", months,
               {m: [("mttr", p.mean_time_to_resolve_minutes or 0.0)] for m, p in by_month.items()}),
    ]
    return TrendsView(points=points, charts=charts, severities=severities, form=form)


# -- rules -----------------------------------------------------------------------------------
@dataclass(slots=True)
class RuleView:
    code: str
    name: str
    html: str  # rendered from the rule's Markdown doc; raw HTML in it is escaped


def rule_page(code: str) -> RuleView:
    detail = rules.rule_detail(code)
    if detail is None:
        raise NotFound(f"no rule {code!r}")
    return RuleView(code=detail.code, name=detail.name, html=_markdown.render(detail.doc))


def rule_list() -> list[Any]:
    return rules.list_rules()
