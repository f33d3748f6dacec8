"""PM307 missing-key-event: the events every timeline should show."""

from reviewer.document import SectionKind
from reviewer.findings import Dimension, Severity
from reviewer.nlp.durations import classify_row
from reviewer.rules.base import Hit, rule

# category → (what to add, held to the full bar only?)
KEY_EVENTS = {
    "detection": ("the first alert, page or ticket (how the incident was detected)", False),
    "internal_comm": ("the first internal communication (incident declared, channel opened, on-call paged)", True),
    "customer_comm": ("the first communication to customers or users", True),
    "status_page": ("status page updates", True),
    "remediation": ("each remediation attempt (rollback, restart, fix deployed)", False),
    "resolution": ("the resolution (when the incident was resolved or closed)", False),
}

_ROWS = "\n- 10:05 PagerDuty alert fired for checkout errors.\n- 10:07 Incident declared in #inc-42.\n" \
        "- 10:12 Status page updated for customers.\n- 10:30 Rolled back release 4.2.\n- 10:45 Incident resolved.\n"


@rule(
    code="PM307", name="missing-key-event", dimension=Dimension.TIME, severity=Severity.SUGGESTION,
    summary="The timeline leaves out a key event: first alert, communications, status page, remediation, resolution.",
    what=("Reads what each timeline row says (with the spaCy parse and lemmas: \"PagerDuty paged\", \"alerts "
          "fired\", \"rolled back\", \"declared an incident\") and reports the key events no row shows: the first "
          "alert or ticket, each remediation attempt and the resolution for every document; the first internal "
          "and first customer communication and status page updates for documents held to the full bar "
          "(SEV-1/SEV-2 by default). Timelines with fewer than three rows are left to PM104."),
    why="These rows are what time to detect, time to resolve and time to notify customers are computed from; a "
        "timeline without them cannot answer how the response went.",
    example="A timeline that goes from \"deploy started\" to \"rolled back\" with no alert and no resolution.",
    use_instead="Add the rows: `10:05 UTC — PagerDuty alert fired`, `10:45 UTC — Incident resolved`.",
    should_flag=["# Outage\n\n## Timeline (UTC)\n- 10:00 Release 4.2 deployed.\n- 10:20 Engineers discussed the "
                 "graphs.\n- 10:30 Rolled back release 4.2.\n"],
    should_pass=["---\nseverity: SEV-1\n---\n# Outage\n\n## Timeline (UTC)\n- 10:00 Release 4.2 deployed." + _ROWS],
    needs_nlp=True,
)
def missing_key_event(ctx):
    doc = ctx.doc
    if len(doc.timeline) < 3:
        return
    seen: set[str] = set()
    for index in range(len(doc.timeline)):
        seen |= classify_row(doc, index, ctx.analysis)
    timelines = doc.sections_of(SectionKind.TIMELINE)
    if timelines:
        start, end = timelines[0].heading.start, timelines[0].heading.end
    else:
        first = doc.timeline[0].time_span or doc.timeline[0].span
        start, end = first.start, first.end
    for category, (what, full_bar_only) in KEY_EVENTS.items():
        if category in seen or (full_bar_only and not ctx.full_bar):
            continue
        yield Hit(start, end, f"The timeline does not show {what}: add a row with its time.",
                  severity=Severity.WARNING if ctx.full_bar and not full_bar_only else None,
                  data={"event": category})
