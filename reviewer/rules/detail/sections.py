"""PM501 thin-section and PM502 incomplete-summary."""

from __future__ import annotations

import re

from reviewer.document.model import BlockKind, SectionKind
from reviewer.findings import Dimension, Severity
from reviewer.document.timeexpr import find_clocks
from reviewer.nlp.metrics import DURATION, document_metrics
from reviewer.rules.base import Hit, rule
from reviewer.rules.structure.empty_sections import PLACEHOLDER

# Fewest words a section kind needs below the full bar; the full bar multiplies them by
# `full_bar_factor`. Timeline and action items are judged by their rows, not their words.
# A trigger is often one precise line ("Deploy of auth 3.1 at 10:02 UTC"), so it has no minimum.
DEFAULT_MIN_WORDS = {"summary": 20, "impact": 10, "root_cause": 20, "detection": 6, "response": 10,
                     "resolution": 6, "lessons": 8}
_ANY_DURATION = re.compile(r"\b" + DURATION, re.I)
_WORD = re.compile(r"[A-Za-z0-9][\w'’.-]*")


def section_words(doc, kind: SectionKind) -> tuple[int, list]:
    """Words written under every section of `kind` (subsections of another kind not counted twice)."""
    sections = doc.sections_of(kind)
    if not sections:
        return 0, []
    counted: set[int] = set()
    words = 0
    for section in sections:
        for block in doc.blocks_in(section):
            if block.kind == BlockKind.HEADING or id(block) in counted:
                continue
            owner = doc.section_of(block)
            if owner is not None and owner.kind != kind and owner.index != section.index:
                continue
            counted.add(id(block))
            words += len(_WORD.findall(block.text))
    return words, sections


@rule(
    code="PM501", name="thin-section", dimension=Dimension.DETAIL, severity=Severity.WARNING,
    summary="A section is too short for what it has to say (the bar rises with severity).",
    what="Counts the words under each section kind (summary, impact, root cause, detection, response, "
         "resolution, lessons; all sections of one kind together) and reports a kind below its minimum "
         "(`min_words`); documents at the full bar (SEV-1/2 by default) need `full_bar_factor` times as many. "
         "Empty sections are PM102's.",
    why="A one-line root cause or impact section is a sign that the question was not really answered; the "
        "worse the incident, the more a reader needs.",
    example="`## Root cause` followed by `A bad config.`",
    use_instead="Say what failed, why it failed, and why the safeguards did not stop it, with the evidence.",
    should_flag=["# Outage\n\n## Root cause\nA bad config push.\n"],
    should_pass=["# Outage\n\n## Root cause\nA config push at 10:02 UTC set the connection pool of the payments "
                 "service to 0, because the deploy tool reads an empty value as zero. The canary stage checks "
                 "only HTTP health, which stayed green, so the change reached every region within six minutes.\n"],
    options={"min_words": dict(DEFAULT_MIN_WORDS), "full_bar_factor": 1.5},
)
def thin_section(ctx):
    minimums = dict(DEFAULT_MIN_WORDS)
    minimums.update(ctx.options.get("min_words") or {})
    factor = float(ctx.options.get("full_bar_factor", 1.5)) if ctx.full_bar else 1.0
    for name, minimum in minimums.items():
        try:
            kind = SectionKind(name)
        except ValueError:
            continue
        words, sections = section_words(ctx.doc, kind)
        needed = int(round(minimum * factor))
        if not sections or words == 0 or words >= needed:
            continue  # absent (PM101) or empty (PM102) is reported elsewhere
        if any(PLACEHOLDER.search(ctx.doc.section_text(section)) for section in sections):
            continue  # a "TBD" section is unfinished (PM103), not thin
        first = sections[0]
        yield Hit(first.heading.start, first.heading.end,
                  f"Section \"{ctx.doc.heading_text(first)}\" has {words} word{'s' if words != 1 else ''}; {_article(kind.value)} {kind.value.replace('_', ' ')} section needs at "
                  f"least {needed}{' at this severity' if factor > 1 else ''}.",
                  data={"words": words, "needed": needed})


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


_HAPPENED = re.compile(r"\b(?:because|due\s+to|caused|after|when|following|trigger\w*|fail\w*|broke|crash\w*|expired|"
                       r"deploy\w*|change\w*|outage|error\w*|bug|misconfigur\w*|overload\w*|exhaust\w*|ran\s+out|"
                       r"went\s+down|stopped|dropped|leak\w*|compromis\w*)\b", re.I)
_IMPACT = re.compile(r"\b(?:users?|customers?|clients?|visitors?|requests?|unavailable|unable|could\s*n[o']t|cannot|"
                     r"did\s*n[o']t|did\s+not|errors?|down|outage|degraded|impact\w*|affect\w*|failed|failing|lost|"
                     r"slow\w*|latency|disrupt\w*|broken|stuck|timeouts?|cut\s+off|logged\s+out|delayed|rejected|"
                     r"refused|missing|dropped|declined|crash\w*|late|missed|unusable|wrong|incorrect\w*|"
                     r"duplicat\w*|overcharg\w*|charged|exposed|leaked|compromised|no\s+longer|deleted|corrupt\w*)\b",
                     re.I)


@rule(
    code="PM502", name="incomplete-summary", dimension=Dimension.DETAIL, severity=Severity.SUGGESTION,
    summary="The summary does not say what happened, what the impact was and how long it lasted.",
    what="Reads the summary section (or the preamble before the first section, when there is no summary) and "
         "reports which of the three it lacks: what happened (a cause or failure), the impact (who or what was "
         "affected) and the duration (a stated length or a clock-time window).",
    why="Most readers read only the summary; it has to carry the incident on its own.",
    example="`## Summary` / `We had an incident with the API yesterday and it has been fixed.`",
    use_instead="`A config push at 10:02 UTC set the payments pool size to 0; checkout returned errors to "
                "1,200 customers for 42 minutes until the push was rolled back.`",
    should_flag=["# Outage\n\n## Summary\nWe had an incident with the API yesterday and we have written this report "
                 "so that everyone knows.\n"],
    should_pass=["# Outage\n\n## Summary\nA config push set the payments pool size to 0; checkout returned errors "
                 "to 1,200 customers for 42 minutes until the push was rolled back.\n"],
    needs_nlp=True,
)
def incomplete_summary(ctx):
    doc = ctx.doc
    summaries = doc.sections_of(SectionKind.SUMMARY)
    if not summaries:
        return
    section = summaries[0]
    blocks = [b for b in doc.blocks_in(section) if b.kind != BlockKind.HEADING and not b.quoted]
    text = " ".join(b.text for b in blocks)
    if not text.strip():
        return  # empty: PM102
    metrics = document_metrics(doc, ctx.analysis)
    # A stated duration, any length of time, or a start and an end time written in the summary.
    has_duration = (any(section.span.start <= d.start < section.span.end for d in metrics.durations)
                    or bool(_ANY_DURATION.search(text)) or len(find_clocks(text, allow_dot=True)) >= 2)
    missing = []
    # "What happened" is hard to recognise; only a short summary with no failure word in it
    # is reported, so that a plain-spoken account is never flagged.
    if not _HAPPENED.search(text) and len(text.split()) < 25:
        missing.append("what happened")
    if not _IMPACT.search(text) and not any(section.span.start <= n.start < section.span.end
                                            for n in metrics.impact_numbers):
        missing.append("the impact")
    if not has_duration:
        missing.append("how long it lasted")
    if not missing:
        return
    listed = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
    yield Hit(section.heading.start, section.heading.end,
              f"The summary does not say {listed}; a reader of the summary alone should learn what failed, who "
              f"was affected and for how long.", data={"missing": missing})
