"""Heading text → canonical section kind.

The synonyms come from the common postmortem templates (Google SRE book, PagerDuty,
Atlassian, Azure, Elastic, dastergon's collection) and from how published postmortems name
their sections. Exact names are tried first, then keywords in order, so that
"Root cause remediations" is an action list and not a root cause.
"""

from __future__ import annotations

import re

from reviewer.document.model import SectionKind as K

_EXACT: dict[str, K] = {}


def _add(kind: K, *names: str) -> None:
    for name in names:
        _EXACT[name] = kind


_add(K.SUMMARY, "summary", "executive summary", "issue summary", "incident summary", "overview",
     "tl dr", "tldr", "abstract", "description", "incident description", "outage description",
     "synopsis", "introduction", "what happened", "incident overview", "summary of the incident",
     "incident", "report", "brief")
_add(K.IMPACT, "impact", "customer impact", "user impact", "end user impact", "summary of impact",
     "affected users", "what was impacted", "infrastructure impact", "productivity impact",
     "business impact", "blast radius", "scope", "scope and impact", "impact assessment",
     "who was affected", "affected services", "impact and severity", "customer impact assessment")
_add(K.TIMELINE, "timeline", "timeline of events", "incident timeline", "chain of events",
     "sequence of events", "incident timing", "chronology", "detailed timeline", "events",
     "timeline and response", "time line", "key events", "key times", "log of events", "event log", "timeline utc")
_add(K.TRIGGER, "trigger", "triggers", "trigger s", "triggering event", "what triggered it",
     "what triggered the incident", "precipitating event")
_add(K.ROOT_CAUSE, "root cause", "root causes", "root cause s", "root cause analysis",
     "contributing factors", "contributing factor", "contributing conditions analysis",
     "contributing conditions", "causes", "cause", "what caused the incident",
     "how did this happen", "why did this happen", "root cause and mitigation", "rca",
     "causes and contributing factors", "underlying cause", "what went wrong technically",
     "technical details", "technical analysis", "analysis", "cause analysis", "process breakdown s",
     "process breakdown")
_add(K.DETECTION, "detection", "identified", "how it was identified", "how was it detected", "how we found out", "how it was detected",
     "alerting", "monitoring", "detection and response")
_add(K.RESPONSE, "response", "incident response", "incident response coordination",
     "investigation", "escalation", "response and recovery", "diagnosis", "troubleshooting",
     "further issues and mitigations")
_add(K.RESOLUTION, "resolution", "recovery", "mitigation", "resolution and recovery",
     "recovery efforts", "mitigation resolution", "mitigation and resolution", "remediation",
     "how we fixed it", "fix", "the fix", "workaround", "repair", "recovery steps",
     "resolution and mitigation", "mitigation and recovery", "current status")
_add(K.FIVE_WHYS, "five whys", "5 whys", "the five whys", "5 why", "why analysis",
     "five whys analysis")
_add(K.ACTION_ITEMS, "action items", "action items followups", "action items follow ups",
     "action items and followups", "action items and follow ups", "follow ups", "followups",
     "follow up", "follow up items", "next steps", "corrective and preventative measures",
     "corrective and preventive measures", "corrective actions", "preventive actions",
     "preventative actions", "remediation items", "what we re doing to fix this",
     "what we re doing about it", "what we re doing differently", "what we are doing about it",
     "recommendations", "technical improvements", "process improvements",
     "documentation improvements", "testing and process improvements", "todo", "to do", "tasks",
     "root cause remediations", "actions", "review actions", "follow up actions", "post incident actions", "action plan", "improvements", "prevention",
     "preventing recurrence", "future work", "remediations", "open action items")
_add(K.LESSONS, "lessons learned", "lessons learnt", "lessons", "what went well",
     "what went wrong", "what went poorly", "what went badly", "where we got lucky",
     "where did we get lucky", "what didn t go so well", "what did not go well",
     "what could have gone better", "takeaways", "key takeaways", "what we learnt",
     "what we learned", "conclusions", "conclusion", "learnings", "key learnings",
     "retrospective", "things that went well", "things that went wrong", "went well",
     "went wrong", "got lucky", "what can we learn from this incident and improve",
     "what we learned from this", "reflections")
_add(K.SUPPORTING_INFO, "supporting information", "supporting documents", "appendix", "references",
     "links", "logs", "graphs", "resources", "useful resources", "related incidents",
     "additional information", "further reading", "supporting material", "attachments",
     "related links", "evidence", "dashboards", "glossary", "appendices")

# Metadata labels that would otherwise match a keyword ("Time to resolve" is a figure, not a
# Resolution section).
_add(K.UNKNOWN, "time to resolve", "time to repair", "time to detect", "time to mitigate", "time to recover",
     "time to acknowledge", "time to restore", "duration", "severity", "status", "date", "owner", "authors",
     "impact start", "impact end", "detected at", "resolved at", "mitigated at", "incident commander", "context")

# Keyword fallbacks, in order: the first that matches wins.
_KEYWORDS: list[tuple[re.Pattern[str], K]] = [
    (re.compile(r"\bfive whys?\b|\b5 whys?\b"), K.FIVE_WHYS),
    (re.compile(r"\baction items?\b|\bfollow ?ups?\b|\bremediation items?\b|\bnext steps\b"
                r"|\bcorrective\b|\bpreventi?v|\bimprovements?\b"), K.ACTION_ITEMS),
    (re.compile(r"\btimeline\b|\bchronolog"), K.TIMELINE),
    (re.compile(r"\blessons?\b|\bwent (well|wrong|poorly|badly)\b|\blucky\b|\btakeaways?\b"
                r"|\blearn(ed|t|ings)\b"), K.LESSONS),
    (re.compile(r"\broot ?causes?\b|\bcontributing\b|\bcaused?\b"), K.ROOT_CAUSE),
    (re.compile(r"\btrigger"), K.TRIGGER),
    (re.compile(r"\bimpact"), K.IMPACT),
    (re.compile(r"\bdetect"), K.DETECTION),
    (re.compile(r"\brecover|\bresolution\b|\bresolv|\bmitigat"), K.RESOLUTION),
    (re.compile(r"\bresponse\b|\binvestigat"), K.RESPONSE),
    (re.compile(r"\bsummary\b|\boverview\b"), K.SUMMARY),
    (re.compile(r"\bappendix\b|\bsupporting\b|\breferences\b"), K.SUPPORTING_INFO),
]

_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]|[ivx]+[.)]|[a-z][.)])\s+", re.I)
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise_heading(title: str) -> str:
    """Lower case, numbering and punctuation gone: "2. Root Cause(s):" → "root cause s"."""
    text = _NUMBERING.sub("", title.strip().lower())
    text = text.replace("’", "'").replace("'", " ")
    return _NON_WORD.sub(" ", text).strip()


def heading_kind(title: str) -> K:
    name = normalise_heading(title)
    if not name:
        return K.UNKNOWN
    if name in _EXACT:
        return _EXACT[name]
    if re.match(r"time to \w+$|mtt\w$", name):
        return K.UNKNOWN
    # "Timeline (all times UTC)", "Root cause: expired certificate": try the part before
    # a parenthesis or colon as an exact name first.
    head = normalise_heading(re.split(r"[(:\-–—]", title.strip(), maxsplit=1)[0])
    if head in _EXACT:
        return _EXACT[head]
    # Long headings are usually titles or statements ("Deleting things can have unintended
    # consequences"), not section names: only short ones go through the keywords.
    if len(name.split()) > 7:
        return K.UNKNOWN
    for pattern, kind in _KEYWORDS:
        if pattern.search(name):
            return kind
    return K.UNKNOWN
