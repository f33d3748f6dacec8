"""Derived durations: the incident's key times, from the metadata and the timeline.

    from reviewer.nlp.durations import derive_durations
    d = derive_durations(doc, analysis)      # analysis is optional; with it, rows are read by lemma
    d.time_to_detect                          # minutes, or None
    d.detected.at, d.detected.source          # datetime, "metadata" | "timeline"

Stable interface (other checks, e.g. the metrics rules, compare stated durations with it):

`derive_durations(doc, analysis=None) -> Durations`, a pydantic model with
- `impact_start`, `detected`, `mitigated`, `resolved`, `first_internal_comm`,
  `first_customer_comm`: each an `IncidentTime | None` with `at` (naive datetime; for rows
  with no date written, day 2000-01-01 plus any midnight roll-overs, and `date_known` false), `source` ("metadata" or
  "timeline"), `text` (the row's event or the metadata value), `start`/`end` (where it is
  written) and `row` (index into `doc.timeline`, or None);
- `time_to_detect` (impact start → detected; None when the first row known is the detection
  itself), `time_to_mitigate` (impact start → mitigated),
  `time_to_resolve` (impact start → resolved), `impact_duration` (impact start → mitigated,
  or resolved when there is no mitigation), `time_to_customer_comms` (impact start → first
  customer communication): minutes as floats, None when a side is unknown or the result
  would be negative;
- `zone`: the document's time zone when known (for display).

Rows are recognised by what they say: lemmas from the spaCy parse when the Analysis is given
("alerts fired", "PagerDuty paged" → detection), lower-cased word stems otherwise. Metadata
(front matter or a "Key: value" table: started, detected, mitigated, resolved) wins over rows.
Next comes the impact window the author states in prose ("Between 10:26 AM and 2:40 PM PST, …",
read by reviewer.nlp.impact_window): its start is the impact start and its end the mitigation
(source "statement"); a timeline row that summarises the window reports the window, not an
event at the time the row was written. `window` holds the stated window as a dict, or None.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, computed_field, field_serializer

from reviewer.document.model import Postmortem, Span
from reviewer.facts import fact
from reviewer.nlp.impact_window import PLACEHOLDER_DAY, stated_window

if TYPE_CHECKING:
    from reviewer.nlp.analysis import Analysis


class IncidentTime(BaseModel):
    at: datetime  # naive; when `date_known` is false the date part is a placeholder (2000-01-01 + roll-overs)
    date_known: bool = True
    source: str  # "metadata" | "statement" (the impact window as stated in prose) | "timeline"
    text: str
    start: int | None = None
    end: int | None = None
    row: int | None = None

    @field_serializer("at")
    def _at_as_known(self, at: datetime) -> str:
        """In JSON, `at` is a date-time when the date is known, else a time of day ("20:52:00"):
        never the placeholder date, which readers and tools would take for a real one."""
        return at.isoformat() if self.date_known else at.time().isoformat()

    @computed_field  # type: ignore[prop-decorator]
    @property
    def day_offset(self) -> int | None:
        """With no date known: how many midnights the timeline crossed before this time (0, 1, …)."""
        return None if self.date_known else (self.at.date() - PLACEHOLDER_DAY).days


class Durations(BaseModel):
    impact_start: IncidentTime | None = None
    detected: IncidentTime | None = None
    mitigated: IncidentTime | None = None
    resolved: IncidentTime | None = None
    first_internal_comm: IncidentTime | None = None
    first_customer_comm: IncidentTime | None = None
    time_to_detect: float | None = None
    time_to_mitigate: float | None = None
    time_to_resolve: float | None = None
    impact_duration: float | None = None
    time_to_customer_comms: float | None = None
    zone: str | None = None
    window: dict | None = None  # the stated impact window (reviewer.nlp.impact_window), when written


# What a row says, as lemmas (single words) and phrases over the lemmatised, lower-cased text.
EVENT_LEMMAS: dict[str, set[str]] = {
    "impact": {"outage", "degrade", "degradation", "fail", "failure", "error", "down", "unavailable", "break", "crash",
               "drop", "spike", "begin", "start", "oom", "timeout", "unresponsive", "impact", "affect", "lose"},
    "detection": {"alert", "page", "pager", "pagerduty", "alarm", "ticket", "report", "notice", "detect", "observe",
                  "discover", "notify", "pingdom", "opsgenie", "monitor", "spot", "flag"},
    "internal_comm": {"declare", "slack", "channel", "call", "bridge", "escalate", "ping", "huddle", "zoom", "meet",
                      "war", "page", "incident"},
    "customer_comm": {"customer", "user", "statuspage", "tweet", "twitter", "announce", "announcement", "public",
                      "mailing", "email", "communicate", "comms", "notify", "inform", "post", "blog", "publish"},
    "status_page": {"statuspage", "status"},
    "remediation": {"rollback", "revert", "restart", "redeploy", "deploy", "failover", "scale", "patch", "hotfix",
                    "fix", "cordon", "drain", "delete", "disable", "enable", "increase", "bump", "apply", "roll",
                    "replace", "rotate", "revoke", "kill", "reboot", "migrate", "remove", "merge", "update", "change",
                    "mitigate", "workaround", "block", "recreate", "upgrade", "downgrade", "switch"},
    "mitigation": {"mitigate", "mitigation", "restore", "recover", "recovery", "functional", "stable", "stabilise",
                   "stabilize", "workaround", "repair", "operational", "normal", "healthy", "work"},
    "resolution": {"resolve", "resolution", "close", "end", "fix", "restore", "resolved", "over", "clear"},
}
_STRONG_RESOLUTION = re.compile(r"\b(resolv|resolution|all[- ]clear|(outage|incident|issue|disruption)s? (is |was |has )?"
                                r"(closed|over|ended|ends|fixed)|clos(e|es|ed) the (incident|issue|ticket)|"
                                r"(outage|incident|disruption) to an end|service (is |was )?(fully )?restored|closed (it )?out|"
                                r"fully (restored|recovered)|back to normal)", re.I)
# Outcomes, not attempts: "Mitigated", "service restored"; not "decision made to restore", "mitigation began".
_MITIGATION_PHRASES = re.compile(r"\b(mitigated|restored|recover(ed|s|y complete)|repaired|(working|moving|flowing|serving|up|succeed\w*) again|"
                                 r"back (up|to normal|online|to (100 ?%|baseline|pre-incident|expected|usual|full))|"
                                 r"is confirmed to be functional|stabili[sz]ed|outage ends|errors? (stop|stopped|drop)|"
                                 r"service appears|operational)", re.I)
_DETECTION_PHRASES = re.compile(r"\b(alert|pag(e|ed|es)\b|pagerduty|alarm|ticket|report(s|ed)?\b|notic(e|ed|es)|fires|fired|"
                                r"acknowledg|"
                                r"detect|observ|discover|first (seen|noticed)|pingdom|opsgenie|monitoring)", re.I)
_INTERNAL_PHRASES = re.compile(r"(?:\b(declar|war ?room|slack|incident channel|call (started|opened)|bridge|"
                               r"escalat|ping(s|ed)?\b|paged|google meet|zoom|huddle|incident lead|incident (commander|manager)|"
                               r"joins|joined)|(?<![\w&])#[A-Za-z][\w-]+)", re.I)
_CUSTOMER_PHRASES = re.compile(r"\b(status ?page|status\.\w+|status (note|message|post)|help ?cent(re|er)|"
                               r"(customers?|users?|partners?|merchants?|clients?|players?|community|subscribers?|tenants?)"
                               r"\b[^.;]{0,40}\b(told|notified|informed|emailed|contacted|messaged|updated|warned)|"
                               r"(told|notified|informed|emailed|contacted|messaged|warned) (all |affected |the )*"
                               r"(customers?|users?|partners?|merchants?|clients?|players?|subscribers?|tenants?)|"
                               r"customers?\b|users? (were |are )?(notified|informed|told)|"
                               r"informed users|notif(y|ied) (users|customers)|tweet|twitter|mailing list|announce|"
                               r"public(ly)?|blog post|status update|post(ed)? an update|comms? (went|sent|distributed)|"
                               r"communicat)", re.I)
_STATUS_PAGE = re.compile(r"\b(status ?page|status\.[\w.]+|statuspage|status (update|note|post|message))", re.I)
_IMPACT_PHRASES = re.compile(r"\b(outage|degrad|fail(s|ed|ing|ure)?\b|errors?\b|down\b|unavailable|broke|crash|"
                             r"drops?\b|dropped|spik|start(s|ed)? (failing|degrading|erroring|returning|growing|climbing|rising|timing out)|"
                             r"oom|out of memory|backing up|"
                             r"timeouts?|unresponsive|impact|affected|latency)", re.I)
_TRIGGER_PHRASES = re.compile(r"\b(deploy|merged?|rolled out|roll-?out|config(uration)? change|upgrade|bump|released?|"
                              r"migration|pushed)", re.I)

CATEGORY_PATTERNS = {
    "impact": _IMPACT_PHRASES,
    "detection": _DETECTION_PHRASES,
    "internal_comm": _INTERNAL_PHRASES,
    "customer_comm": _CUSTOMER_PHRASES,
    "status_page": _STATUS_PAGE,
    "mitigation": _MITIGATION_PHRASES,
    "resolution": _STRONG_RESOLUTION,
}


def _row_lemmas(doc: Postmortem, span: Span, analysis: Analysis | None) -> set[str]:
    if analysis is None:
        return set()
    lemmas: set[str] = set()
    # The blocks of the row by bisection, not a scan of every block per row (quadratic in a long table).
    by_block = analysis.shared("analyzed_by_block", lambda a: {id(ab.block): ab for ab in a.blocks})
    for block in doc.blocks_overlapping(span.start, span.end):
        analyzed = by_block.get(id(block))
        if analyzed is None:
            continue
        for token in analyzed.doc:
            at = block.to_original(token.idx)
            if span.start <= at < span.end and not token.is_stop and not token.is_punct:
                lemmas.add(token.lemma_.lower())
    return lemmas


# Work towards an outcome, or an outcome expected, is not the outcome: "continue to work towards
# resolution", "we will monitor until fully recovered", "we expect to restore service by 14:00".
_NOT_YET_OUTCOME = re.compile(
    r"\b(?:work(?:s|ed|ing)?\s+(?:towards?|on|to)|progress\s+(?:towards?|on)|until|once|when|expect(?:s|ed|ing)?\s+(?:to|the|a|full)|"
    r"will|to\s+(?:fully\s+)?|estimated?|eta\s+(?:for|of)|path\s+to|begin(?:ning)?\s+to|start(?:ing)?\s+to|signs\s+of|"
    r"continu\w+\s+(?:to\s+)?(?:work\w*\s+)?(?:towards?|on)?)\s*(?:\w{1,30}\s+){0,2}?(?:a\s+|the\s+|full\s+|fully\s+|complete\s+)?"
    r"(?:resolution|resolv\w*|recover\w*|restor\w*|mitigat\w*)", re.I)


def classify_row(doc: Postmortem, index: int, analysis: Analysis | None = None) -> set[str]:
    """What a timeline row reports: impact, detection, internal_comm, customer_comm,
    status_page, remediation, mitigation, resolution (any number of them)."""
    entry = doc.timeline[index]
    text = entry.event
    found = {name for name, pattern in CATEGORY_PATTERNS.items() if pattern.search(text)}
    lemmas = _row_lemmas(doc, entry.event_span, analysis)
    if lemmas:
        if lemmas & {"alert", "page", "pagerduty", "alarm", "ticket", "notice", "detect", "discover", "observe"}:
            found.add("detection")
        if lemmas & {"declare", "escalate", "slack", "huddle", "bridge"}:
            found.add("internal_comm")
        if "status_page" in found:
            found.add("customer_comm")
        if lemmas & {"customer", "user"} and lemmas & {"notify", "inform", "email", "tell", "announce", "communicate",
                                                       "update", "message"}:
            found.add("customer_comm")
        if lemmas & EVENT_LEMMAS["remediation"] - {"update", "change", "merge"}:
            found.add("remediation")
        if lemmas & {"resolve", "resolution"}:
            found.add("resolution")
    elif re.search(r"\b(roll(ed)? ?back|revert|restart|redeploy|failover|fail(ed)? over|scal(e|ed)|patch|hot ?fix|"
                   r"fix(ed)?|cordon|drain|delet|disabl|increas|bump|appl(y|ied)|rotat|revok|reboot|migrat|mitigat)",
                   text, re.I):
        found.add("remediation")
    if found & {"mitigation", "resolution"}:
        achieved = _NOT_YET_OUTCOME.sub(" ", text)
        for name in ("mitigation", "resolution"):
            if name in found and not CATEGORY_PATTERNS[name].search(achieved):
                found.discard(name)
    if "mitigation" in found:
        found.add("remediation")
    return found


def _from_metadata(doc: Postmortem, name: str) -> IncidentTime | None:
    value = getattr(doc.metadata, name, None)
    if not isinstance(value, datetime):
        return None
    span = doc.metadata.spans.get(name)
    return IncidentTime(at=value.replace(tzinfo=None), source="metadata", text=value.isoformat(),
                        start=span.start if span else None, end=span.end if span else None)


def _minutes(a: IncidentTime | None, b: IncidentTime | None) -> float | None:
    if a is None or b is None:
        return None
    minutes = (b.at - a.at).total_seconds() / 60
    return round(minutes, 1) if minutes >= 0 else None


def derive_durations(doc: Postmortem, analysis: Analysis | None = None) -> Durations:
    """The incident's key times and the durations between them (see the module docstring)."""
    if analysis is not None:
        return analysis.shared("durations", lambda a: _derive(doc, a))
    return _derive(doc, None)


def _derive(doc: Postmortem, analysis: Analysis | None) -> Durations:
    from reviewer.nlp.times import detect_zone, resolve_rows

    window = stated_window(doc, analysis)
    rows = [r for r in resolve_rows(doc) if r.at is not None and not r.out_of_order and not r.date_only]
    if window is not None:
        # A row that summarises the window ("Between 10:26 and 14:40 we saw errors; resolved")
        # reports the window, not an event at the time the row was written.
        rows = [r for r in rows if not r.entry.span.covers(window.span)]
    if any(r.day_known for r in rows):
        rows = [r for r in rows if r.day_known]  # a row with no date cannot be placed among dated ones
    kinds = {r.index: classify_row(doc, r.index, analysis) for r in rows}

    def row_time(row) -> IncidentTime:
        entry = row.entry
        return IncidentTime(at=row.at, date_known=row.day_known, source="timeline",
                            text=(doc.quote(entry.event_span.start, entry.event_span.end) or entry.event)[:200],
                            start=entry.span.start, end=entry.span.end, row=row.index)

    if window is not None and window.start_date_known and rows and not any(r.day_known for r in rows):
        # "Between 10:26 and 14:40 on 3 March" over a timeline of bare clock times: the rows are
        # that day's (their own roll-overs kept), so that the two can be compared.
        day = window.start.date() - PLACEHOLDER_DAY
        rows = [replace(r, at=r.at + day, day_known=True) for r in rows]
    # Rows in time order: a "Key events" summary above the detailed timeline is read with it.
    ordered = sorted(rows, key=lambda r: (r.at, r.index))
    # A last row weeks after all the others is a mistyped date ("2023-09-25" for "2023-07-25").
    while len(ordered) > 2 and (ordered[-1].at - ordered[-2].at).days > 14:
        ordered.pop()

    def first(kind: str, after: datetime | None = None):
        for row in ordered:
            if kind in kinds[row.index] and (after is None or row.at >= after):
                return row_time(row)
        return None

    result = Durations(zone=detect_zone(doc).zone, window=window.as_fact() if window is not None else None)
    result.impact_start = _from_metadata(doc, "started")
    window_start = window_end = None
    if window is not None:
        start_at, end_at = _window_on_timeline_day(window, ordered, detect_zone(doc))
        window_start = IncidentTime(at=start_at, date_known=window.start_date_known, source="statement",
                                    text=window.text, start=window.start_span.start, end=window.start_span.end)
        if end_at is not None and window.end_span is not None:
            window_end = IncidentTime(at=end_at, date_known=window.end_date_known, source="statement",
                                      text=window.text, start=window.end_span.start, end=window.end_span.end)
    result.impact_start = result.impact_start or window_start
    if result.impact_start is None and ordered:
        # The earliest impact row before the first sign the team knew (an alert, a report, an
        # incident declared); else that row when it reports impact ("403s reported by users");
        # else the trigger before it (a deploy, a config change); else the first row.
        signals = [t for t in (first("detection"), first("internal_comm")) if t is not None]
        first_signal = min(signals, key=lambda t: t.at) if signals else None
        before = [r for r in ordered if first_signal is None or r.at < first_signal.at]
        detection_row = next((r for r in ordered if first_signal is not None and r.index == first_signal.row), None)
        candidate = next((r for r in before if "impact" in kinds[r.index]), None) \
            or (detection_row if detection_row is not None and "impact" in kinds[detection_row.index] else None) \
            or next((r for r in before if _TRIGGER_PHRASES.search(r.entry.event)), None) \
            or ordered[0]
        result.impact_start = row_time(candidate)
    start_at = result.impact_start.at if result.impact_start else None
    result.detected = _from_metadata(doc, "detected") or first("detection", start_at)
    if result.detected is not None and result.impact_start is not None and result.detected.row == result.impact_start.row \
            and result.detected.source == "timeline" and "detection" not in kinds.get(result.impact_start.row, set()):
        result.detected = None
    after_detection = result.detected.at if result.detected else start_at
    result.resolved = _from_metadata(doc, "resolved") or first("resolution", after_detection)
    result.mitigated = _from_metadata(doc, "mitigated") or window_end or first("mitigation", after_detection)
    if result.mitigated is not None and result.resolved is not None and result.mitigated.at > result.resolved.at \
            and result.resolved.source == "timeline" and result.mitigated.source == "statement":
        result.resolved = None  # a row written before the stated end of impact cannot be its resolution
    if result.mitigated is not None and result.resolved is not None and result.mitigated.at > result.resolved.at \
            and result.mitigated.source == "timeline":
        result.mitigated = None
    result.first_internal_comm = first("internal_comm", start_at)
    result.first_customer_comm = first("customer_comm", start_at)

    same_row = (result.detected is not None and result.impact_start is not None and result.detected.row is not None
                and result.detected.row == result.impact_start.row)
    # When the first thing the timeline knows is the detection, the time to detect is unknown, not zero.
    result.time_to_detect = None if same_row else _minutes(result.impact_start, result.detected)
    result.time_to_mitigate = _minutes(result.impact_start, result.mitigated)
    result.time_to_resolve = _minutes(result.impact_start, result.resolved)
    result.impact_duration = _minutes(result.impact_start, result.mitigated or result.resolved)
    result.time_to_customer_comms = _minutes(result.impact_start, result.first_customer_comm)
    return result


def _window_on_timeline_day(window, ordered, zone_info) -> tuple[datetime, datetime | None]:
    """The window's times where the timeline's rows can be compared with them: on the
    timeline's day when the window has no date written and the rows do, and in the timeline's
    declared zone when the window is written in another one ("Between 02:00 and 03:00 PST" over
    a UTC timeline); as stated otherwise."""
    from reviewer.document.timeexpr import zone_offset
    from reviewer.nlp.times import same_zone

    start, end = window.start, window.end
    if ordered and window.zone and zone_info.zone and zone_info.declared not in (None, "times") \
            and not same_zone(window.zone, zone_info.zone):
        written, timeline = zone_offset(window.zone), zone_offset(zone_info.zone)
        if written is not None and timeline is not None:
            start = start + (timeline - written)
            end = end + (timeline - written) if end is not None else None
    dated = [r for r in ordered if r.day_known]
    if not window.start_date_known and dated:
        first_day = dated[0].at.date()
        shift = datetime(first_day.year, first_day.month, first_day.day) - datetime(start.year, start.month, start.day)
        start = start + shift
        end = end + shift if end is not None else None
    return start, end


@fact("durations")  # uses the Analysis when the review has one; never forces spaCy to run
def durations_fact(doc, analysis, config) -> dict:
    return derive_durations(doc, analysis).model_dump(mode="json")


@fact("time_zone")
def time_zone_fact(doc, analysis, config) -> dict:
    from reviewer.nlp.times import detect_zone

    if analysis is not None:
        return analysis.shared("time_zone", lambda a: detect_zone(doc)).as_fact()
    return detect_zone(doc).as_fact()
