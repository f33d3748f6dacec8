"""PM503 vague-event and PM504 generic-cause."""

from __future__ import annotations

import re

from reviewer.document.model import SectionKind
from reviewer.document.timeexpr import find_clocks
from reviewer.findings import Dimension, Severity
from reviewer.nlp.analysis import SpanIndex, built_for
from reviewer.nlp.metrics import DURATION
from reviewer.rules.base import Hit, rule

_DURATION = re.compile(DURATION, re.I)

# Sections written in the author's voice about what happened (not plans, not lessons).
_EVENT_SECTIONS = {SectionKind.SUMMARY, SectionKind.IMPACT, SectionKind.TIMELINE, SectionKind.DETECTION,
                   SectionKind.RESPONSE, SectionKind.RESOLUTION, SectionKind.UNKNOWN, SectionKind.TRIGGER,
                   SectionKind.ROOT_CAUSE}

# (pattern, what is missing, how to say it). Each matches a whole statement with no actor,
# channel or time; the sentence passes when it carries a clock time, a link or the detail.
_COMMS = re.compile(
    r"\b(?:(?:public|internal|external|customer|the|some|an?)\s+)?(?:comms|communications?|updates?|notifications?|"
    r"announcements?|messages?|notices?)\s+(?:went|were|was|got|had\s+been|have\s+been)\s+(?:out|sent(?:\s+out)?|"
    r"posted|published|issued)\b", re.I)
_TOLD = re.compile(
    r"\b(?:customers|users|clients|merchants|stakeholders|partners|everyone|people|the\s+public)\s+(?:were|was|got|have\s+been|"
    r"had\s+been)\s+(?:notified|informed|told|updated|alerted|contacted|made\s+aware)\b", re.I)
_FIXED = re.compile(
    r"\b(?:the|this|that)\s+(?:issue|problem|incident|bug|outage|error|situation)\s+(?:was|were|got|has\s+been|"
    r"had\s+been)\s+(?:fixed|resolved|addressed|handled|sorted(?:\s+out)?|taken\s+care\s+of|dealt\s+with|"
    r"mitigated|remediated)\b", re.I)
_CHANGES = re.compile(
    r"\b(?:some|various|several|a\s+few|certain|a\s+number\s+of)\s+(?:changes|fixes|tweaks|adjustments|updates|"
    r"modifications|improvements|steps|actions)\s+(?:were|was|had\s+been|have\s+been)\s+(?:made|applied|done|"
    r"deployed|pushed|taken|implemented|rolled\s+out)\b", re.I)
_WE_FIXED = re.compile(r"\b(?:we|the\s+team|engineers?|someone)\s+(?:fixed|resolved|addressed|handled|sorted)\s+"
                       r"(?:it|the\s+(?:issue|problem|incident))\s*[.;]?$", re.I)
_VAGUE_EVENTS = [
    (_COMMS, "which channel (status page, email, Slack #channel), who posted it and at what time",
     "We posted the first update on the public status page at 11:32 UTC."),
    (_TOLD, "how they were told (status page, email, in-app banner), by whom and at what time",
     "We e-mailed the 1,240 affected customers at 12:30 UTC and posted on the status page at 10:21 UTC."),
    (_FIXED, "what was done, by whom, and when", "The on-call rolled back release 4.2.1 at 10:44 UTC; errors stopped at 10:46."),
    (_CHANGES, "which changes, where (link the pull request or ticket), and when",
     "We raised the pool size from 20 to 80 (PR #1234) at 10:40 UTC."),
    (_WE_FIXED, "how it was fixed and when", "We fixed it by reverting the config push (PR #1234) at 10:44 UTC."),
]
# Details that make such a statement precise: a channel, a link, a ticket, "by <doing>".
_DETAIL = re.compile(r"(?:status\s*page|statuspage|twitter|tweet|e-?mail|slack|#[\w-]+|mailing\s+list|blog|"
                     r"\bvia\b|\bon\s+the\b|\bby\s+\w+ing\b|\bby\s+(?:reverting|rolling|restarting)|\bPR\b|"
                     r"pull\s+request|[A-Z][A-Z0-9]+-\d+|https?://)", re.I)


@rule(
    code="PM503", name="vague-event", dimension=Dimension.DETAIL, severity=Severity.WARNING,
    summary="An event with no actor, channel or time: \"comms went out\", \"the issue was fixed\".",
    what="Finds statements of events that leave out who did it, how and when: communications that \"went out\", "
         "customers who \"were notified\", "
         "an issue that \"was fixed\" or \"resolved\", \"some changes were made\", \"we fixed it\". A sentence "
         "that carries a clock time or the detail (a channel, a link, a ticket, \"by reverting …\") passes. "
         "Lessons and action items are not read.",
    why="The reader of a postmortem wants exactly what the vague sentence leaves out: which channel customers "
        "were told on and when, which change fixed it. Without it the timeline cannot be checked.",
    example="`Then public comms went out.`",
    use_instead="`We posted the first update on the public status page at 11:32 UTC.`",
    should_flag=["# Outage\n\n## Response\nThen public comms went out.\n",
                 "# Outage\n\n## Resolution\nThe issue was fixed and some changes were made.\n"],
    should_pass=["# Outage\n\n## Response\nPublic comms went out on the status page at 11:32 UTC.\n",
                 "# Outage\n\n## Resolution\nThe issue was fixed by reverting the config push (PR #1234).\n"],
    needs_nlp=True,
)
def vague_event(ctx):
    return ctx.per_block("PM503", _vague_events)


def _vague_events(ctx):
    doc = ctx.doc
    timed_rows = built_for(doc.timeline, "timed rows",
                           lambda rows: SpanIndex([(e.span, None) for e in rows if e.clock is not None]))
    for sentence in ctx.analysis.sentences():
        block = sentence.block
        section = doc.section_of(block)
        if section is not None and section.kind not in _EVENT_SECTIONS:
            continue
        text = sentence.text
        if timed_rows.around(sentence.span.end, sentence.span.start):
            continue  # a timeline row: its time is in the row's time column
        if find_clocks(text, allow_dot=True) or _DETAIL.search(text) or '"' in text or _DURATION.search(text):
            continue
        if re.search(r"\b(?:will|would|should|must|need\s+to|if|until|before)\b", text, re.I):
            continue  # a plan, a condition or an ordering, not a report of the event
        base = sentence.sent.start_char
        for pattern, missing, better in _VAGUE_EVENTS:
            m = pattern.search(text.strip()) if pattern is _WE_FIXED else pattern.search(text)
            if not m:
                continue
            offset = len(text) - len(text.lstrip()) if pattern is _WE_FIXED else 0
            span = block.original_span(base + m.start() + offset, base + m.end() + offset)
            yield Hit(span.start, span.end, f"\"{doc.quote(span.start, span.end)}\" leaves out {missing}.",
                      data={"example": better})
            break


# "the issue" refers back to a cause described elsewhere; only an indefinite one names nothing.
_GENERIC = (r"(?:an?\s+|some\s+)?(?:(?:network|technical|infrastructure|configuration|config|software|hardware|"
            r"system|server|database|dns|unknown|unexpected|internal|random|minor|temporary|transient)\s+)?"
            r"(?:issues?|problems?|glitch(?:es)?|bugs?|errors?|failures?|hiccups?|fault)")
_GENERIC_CAUSE = re.compile(
    r"\b(?:caused\s+by|due\s+to|because\s+of|(?:root\s+)?cause\s+(?:was|is|:)|resulted\s+from|result\s+of|"
    r"triggered\s+by|blamed\s+on)\s+(?P<cause>" + _GENERIC + r")\s*(?=$|[.;!]|,\s*(?:and|but|so|which\s+was\s+fixed)\b|"
    r"\s+(?:and|but|so)\s+(?:it|we|the)\b)", re.I)
_SOMETHING = re.compile(r"\b(?P<cause>something\s+(?:went\s+wrong|broke|failed|happened)|things\s+went\s+wrong|"
                        r"an?\s+(?:unknown|unexpected)\s+(?:issue|problem|error)\s+occurred)\b", re.I)
_CAUSE_SECTIONS = {SectionKind.SUMMARY, SectionKind.ROOT_CAUSE, SectionKind.TRIGGER, SectionKind.UNKNOWN,
                   SectionKind.IMPACT}


@rule(
    code="PM504", name="generic-cause", dimension=Dimension.DETAIL, severity=Severity.WARNING,
    summary="A cause that names nothing: \"a network issue\", \"a bug\", \"something went wrong\".",
    what="Finds causes given only as a generic category (\"caused by a network issue\", \"due to a bug\", "
         "\"the root cause was a configuration error\", \"something went wrong\") with nothing after them that "
         "says which one, in the summary, root-cause, trigger and impact sections.",
    why="A generic cause cannot be fixed, searched for or recognised the next time; the whole value of the "
        "postmortem is in the specifics.",
    example="`The outage was caused by a network issue.`",
    use_instead="`The outage was caused by a BGP route withdrawal at our transit provider that blackholed "
                "traffic to eu-west-1 for 12 minutes.`",
    should_flag=["# Outage\n\n## Root cause\nThe outage was caused by a network issue.\n",
                 "# Outage\n\n## Summary\nSomething went wrong with the deploy.\n"],
    should_pass=["# Outage\n\n## Root cause\nThe outage was caused by a network issue in eu-west-1: a BGP route "
                 "withdrawal at the transit provider.\n",
                 "# Outage\n\n## Root cause\nA bug in the retry loop (PR #812) retried without backoff.\n"],
    needs_nlp=True,
)
def generic_cause(ctx):
    return ctx.per_block("PM504", _generic_causes)


def _generic_causes(ctx):
    doc = ctx.doc
    for sentence in ctx.analysis.sentences():
        block = sentence.block
        section = doc.section_of(block)
        if section is not None and section.kind not in _CAUSE_SECTIONS:
            continue
        text = sentence.text
        if '"' in text or re.search(r"\b(?:if|would|could|might)\b", text, re.I):
            continue
        base = sentence.sent.start_char
        for pattern in (_GENERIC_CAUSE, _SOMETHING):
            m = pattern.search(text)
            if m:
                span = block.original_span(base + m.start("cause"), base + m.end("cause"))
                yield Hit(span.start, span.end,
                          f"\"{doc.quote(span.start, span.end)}\" does not say what the cause was: name the failing "
                          f"component, the change or condition that broke it, and how.")
                break
