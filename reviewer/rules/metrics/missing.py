"""PM401–PM405: the figures every postmortem states (severity, impact duration, time to detect
and resolve, quantified impact), found anywhere in the document by reviewer.nlp.metrics."""

from __future__ import annotations

from reviewer.document.model import SectionKind
from reviewer.findings import Dimension, Severity
from reviewer.nlp.durations import derive_durations
from reviewer.nlp.metrics import document_metrics
from reviewer.rules.base import Hit, rule

# Enough prose around the figures for the should-pass examples to read like a document.
_GOOD = (
    "---\nseverity: SEV-2\n---\n# Checkout outage\n\n## Summary\n"
    "Checkout returned errors for 42 minutes; 1,200 customers could not pay. Time to detect: 6 minutes. "
    "Time to resolve: 42 minutes.\n"
)


def metrics_of(ctx):
    return document_metrics(ctx.doc, ctx.analysis)


def anchor(ctx, *kinds: SectionKind) -> tuple[int, int]:
    """Where a document-level finding points: the heading of the first section of `kinds`
    (the summary or impact, where the figure belongs), else the title, else the start."""
    doc = ctx.doc
    for kind in kinds:
        for section in doc.sections_of(kind):
            return section.heading.start, section.heading.end
    for section in doc.sections:
        if section.level == 1:
            return section.heading.start, section.heading.end
    return 0, 0


def _from_metadata(*times) -> bool:
    """Both ends written as metadata fields (`started`, `detected`, …): the figure is stated exactly."""
    return all(t is not None and t.source == "metadata" for t in times)


def _when_derivable(minutes: float | None) -> Severity | None:
    """The timeline already gives the figure: the reader can work it out, so it is a suggestion."""
    return Severity.SUGGESTION if minutes is not None else None


def _derived_note(minutes: float | None) -> str:
    if minutes is None:
        return ""
    return f" The timeline suggests about {_fmt(minutes)}; state the figure so readers do not have to work it out."


def _missing_figure(ctx, stated, ends, derived, kinds, message: str) -> list[Hit]:
    """One finding when a figure is neither stated nor given exactly by metadata times; a
    suggestion naming the figure when the timeline lets a reader derive it."""
    if stated is not None or _from_metadata(*ends):
        return []
    start, end = anchor(ctx, *kinds)
    return [Hit(start, end, message + _derived_note(derived), severity=_when_derivable(derived))]


def _fmt(minutes: float) -> str:
    minutes = round(minutes)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {rest:02d} min" if rest else f"{hours} h"
    return f"{hours // 24} d {hours % 24} h"


@rule(
    code="PM401", name="missing-severity", dimension=Dimension.METRICS, severity=Severity.WARNING,
    summary="The document does not state the incident's severity.",
    what="Looks for a severity in the front matter, a metadata table or list (\"Severity: SEV-2\"), or the prose "
         "(\"this was a SEV-1\", \"severity: high\"). Reports when there is none, or when the value written is "
         "not a level (\"SEV-?\").",
    why="Severity decides who is told, how fast, and how closely the postmortem is reviewed; trends across "
        "incidents are computed from it.",
    example="A postmortem with a title, summary and timeline but no severity anywhere.",
    use_instead="Add `severity: SEV-2` to the front matter (or a `Severity` row in the metadata table).",
    should_flag=["# Checkout outage\n\n## Summary\nCheckout returned errors for 42 minutes.\n",
                 "---\nseverity: SEV-?\n---\n# Checkout outage\n\n## Summary\nCheckout returned errors for 42 minutes.\n"],
    should_pass=[_GOOD, "# Checkout outage\n\n## Summary\nThis SEV-1 incident stopped checkout for 42 minutes.\n"],
    needs_nlp=True,
)
def missing_severity(ctx):
    metrics = metrics_of(ctx)
    if metrics.severity is not None and metrics.severity_level is None:
        start, end = metrics.severity_span or anchor(ctx)
        yield Hit(start, end, f"Severity \"{metrics.severity}\" is not a level the reviewer can read: use SEV-1 "
                              f"(most severe) to SEV-5, P1–P5 or critical/high/medium/low.")
        return
    if metrics.severity is None:
        start, end = anchor(ctx)
        yield Hit(start, end, "No severity stated: add one (e.g. `severity: SEV-2` in the front matter) so the "
                              "review bar and the trends can use it.")


@rule(
    code="PM402", name="missing-impact-duration", dimension=Dimension.METRICS, severity=Severity.WARNING,
    summary="The document does not say how long the impact lasted.",
    what="Looks for a stated impact duration: a `duration`/`downtime` field, \"lasted 47 minutes\", \"unavailable "
         "for 2 hours\", \"1h 28m of downtime\", an impact window such as \"between 13:46 and 17:30\", or "
         "`started` and `mitigated`/`resolved` metadata fields. Reports when there is none; a suggestion when "
         "the timeline gives it.",
    why="Minutes of impact are the first figure a reader looks for, and the one trends and error budgets are "
        "computed from; deriving it from the timeline is work every reader would have to repeat.",
    example="`Checkout returned errors until the rollback finished.`",
    use_instead="`Checkout returned errors for 42 minutes (10:02–10:44 UTC).`",
    should_flag=["---\nseverity: SEV-2\n---\n# Checkout outage\n\n## Summary\nCheckout returned errors until the "
                 "rollback finished.\n"],
    should_pass=[_GOOD, "# Outage\n\n## Impact\nThe API was unavailable between 13:46 and 17:30 UTC.\n"],
    needs_nlp=True,
)
def missing_impact_duration(ctx):
    d = derive_durations(ctx.doc, ctx.analysis)
    return _missing_figure(ctx, metrics_of(ctx).impact_minutes, (d.impact_start, d.mitigated or d.resolved),
                           d.impact_duration, (SectionKind.IMPACT, SectionKind.SUMMARY),
                           "The document does not state how long the impact lasted (e.g. \"checkout returned "
                           "errors for 42 minutes\").")


@rule(
    code="PM403", name="missing-time-to-detect", dimension=Dimension.METRICS, severity=Severity.WARNING,
    summary="A high-severity postmortem does not state the time to detect.",
    what="At the full bar (by default SEV-1 and SEV-2), looks for a stated time to detect: a `Time to detect` "
         "field, \"detected within ten minutes\", \"went unnoticed for 3 hours\", or `started` and `detected` "
         "metadata fields. Reports when there is none; a suggestion when the timeline gives it.",
    why="Time to detect measures the monitoring; without it the postmortem cannot argue for better alerting, "
        "and the figure cannot be tracked across incidents.",
    example="A SEV-1 postmortem whose timeline has the first alert but whose text never says how long it took.",
    use_instead="`Time to detect: 6 minutes (impact 10:02 UTC, first page 10:08 UTC).`",
    should_flag=["---\nseverity: SEV-1\n---\n# Outage\n\n## Summary\nCheckout returned errors for 42 minutes.\n"],
    should_pass=["---\nseverity: SEV-1\n---\n# Outage\n\n## Summary\nCheckout returned errors for 42 minutes. "
                 "Time to detect: 6 minutes.\n"],
    needs_nlp=True, full_bar_only=True,
)
def missing_time_to_detect(ctx):
    d = derive_durations(ctx.doc, ctx.analysis)
    return _missing_figure(ctx, metrics_of(ctx).time_to_detect_minutes, (d.impact_start, d.detected),
                           d.time_to_detect, (SectionKind.DETECTION, SectionKind.SUMMARY),
                           "No time to detect stated (e.g. \"Time to detect: 6 minutes\").")


@rule(
    code="PM404", name="missing-time-to-resolve", dimension=Dimension.METRICS, severity=Severity.WARNING,
    summary="A high-severity postmortem does not state the time to resolve.",
    what="At the full bar (by default SEV-1 and SEV-2), looks for a stated time to resolve: a `Time to resolve` "
         "field, \"resolved in 2 hours\", \"took 3 hours to recover\", or `started` and `resolved` metadata "
         "fields. Reports when there is none; a suggestion when the timeline gives it.",
    why="Time to resolve (MTTR, averaged) is the figure most teams track; each postmortem must give it.",
    example="A SEV-2 postmortem that ends with \"the service recovered\" and no figure.",
    use_instead="`Time to resolve: 1 h 29 min (impact 14:22, resolved 15:51 UTC).`",
    should_flag=["---\nseverity: SEV-2\n---\n# Outage\n\n## Summary\nCheckout returned errors for 42 minutes.\n"],
    should_pass=["---\nseverity: SEV-2\n---\n# Outage\n\n## Summary\nCheckout returned errors and was resolved in "
                 "42 minutes.\n"],
    needs_nlp=True, full_bar_only=True,
)
def missing_time_to_resolve(ctx):
    d = derive_durations(ctx.doc, ctx.analysis)
    return _missing_figure(ctx, metrics_of(ctx).time_to_resolve_minutes, (d.impact_start, d.resolved),
                           d.time_to_resolve, (SectionKind.RESOLUTION, SectionKind.SUMMARY),
                           "No time to resolve stated (e.g. \"Time to resolve: 1 h 29 min\").")


@rule(
    code="PM405", name="missing-impact-numbers", dimension=Dimension.METRICS, severity=Severity.WARNING,
    summary="The impact is not quantified: no count of users, requests, errors, money or a percentage.",
    what="Looks, in any section but the action items and lessons, for a number attached to what was affected "
         "(\"1,200 customers\", \"415 jobs were unable to start\", \"a third of visitors\", \"error rate 12%\", "
         "\"$4,000 in refunds\") in a sentence that says something went wrong. Resource figures (CPU, memory, "
         "disk) and load are not impact. Reports when there is none.",
    why="\"Users were affected\" cannot be compared with any other incident; a number can, and it decides how "
        "much the follow-up work is worth.",
    example="`Some customers could not check out.`",
    use_instead="`1,200 customers (4% of active sessions) could not check out; 310 support tickets were opened.`",
    should_flag=["---\nseverity: SEV-3\n---\n# Outage\n\n## Impact\nCustomers could not check out for 42 minutes.\n"],
    should_pass=[_GOOD, "# Outage\n\n## Impact\nThe error rate rose to 12% of requests for 42 minutes.\n"],
    needs_nlp=True,
)
def missing_impact_numbers(ctx):
    if metrics_of(ctx).impact_numbers:
        return
    start, end = anchor(ctx, SectionKind.IMPACT, SectionKind.SUMMARY)
    yield Hit(start, end, "The impact is not quantified: say how many users, requests or errors were affected "
                          "(a count or a percentage), and any cost or support tickets.")
