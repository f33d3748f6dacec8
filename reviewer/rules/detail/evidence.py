"""PM505 missing-evidence-links and PM506 missing-impact-graph."""

from __future__ import annotations

from reviewer.document.model import Postmortem, SectionKind
from reviewer.findings import Dimension, Severity
from reviewer.nlp.metrics import evidence_links, has_evidence
from reviewer.rules.base import Hit, rule


def _anchor(doc: Postmortem, *kinds: SectionKind) -> tuple[int, int]:
    for kind in kinds:
        for section in doc.sections_of(kind):
            return section.heading.start, section.heading.end
    for section in doc.sections:
        if section.level == 1:
            return section.heading.start, section.heading.end
    return 0, 0


@rule(
    code="PM505", name="missing-evidence-links", dimension=Dimension.DETAIL, severity=Severity.WARNING,
    summary="No links to the evidence: tickets, pull requests, dashboards, status updates or chat.",
    what="Classifies every link by its address (issue trackers, pull requests and commits, dashboards and "
         "monitoring, status pages and public posts, chat archives, incident documents) and reports a document "
         "with none, and no ticket key on any action item. Links in HTML comments do not count.",
    why="Links let a reader check the postmortem against what really happened, and find the fix and the "
        "follow-up work a year later.",
    example="A postmortem that mentions \"the fix\" and \"the dashboard\" but links neither.",
    use_instead="Link the incident ticket, the pull request with the fix, the dashboard panel and the status "
                "page update where they are mentioned.",
    should_flag=["# Outage\n\n## Resolution\nWe reverted the change and the dashboard recovered.\n"],
    should_pass=["# Outage\n\n## Resolution\nWe reverted the change "
                 "([PR #812](https://github.com/acme/api/pull/812)) and the "
                 "[dashboard](https://grafana.acme.dev/d/api-latency) recovered.\n"],
)
def missing_evidence_links(ctx):
    if has_evidence(ctx.doc):
        return
    start, end = _anchor(ctx.doc, SectionKind.TIMELINE, SectionKind.SUMMARY)
    yield Hit(start, end, "No links to the evidence: link the incident ticket, the pull requests, the dashboards, "
                          "the status page updates or the chat thread where they are mentioned.")


@rule(
    code="PM506", name="missing-impact-graph", dimension=Dimension.DETAIL, severity=Severity.SUGGESTION,
    summary="A high-severity postmortem shows no graph or screenshot of the impact.",
    what="At the full bar, reports a document with no image and no link to a dashboard, pointing at the impact "
         "section (or the summary).",
    why="A graph of error rate or traffic shows the shape and size of the impact at a glance, and the "
        "recovery, in a way no sentence does.",
    example="A SEV-1 impact section with only text.",
    use_instead="Add a screenshot of the error-rate or traffic panel across the incident window "
                "(`![Error rate 10:00–11:00 UTC](img/error-rate.png)`), or link the dashboard.",
    should_flag=["---\nseverity: SEV-1\n---\n# Outage\n\n## Impact\nCheckout failed for 1,200 customers.\n"],
    should_pass=["---\nseverity: SEV-1\n---\n# Outage\n\n## Impact\nCheckout failed for 1,200 customers.\n\n"
                 "![Checkout error rate](img/errors.png)\n"],
    full_bar_only=True,
)
def missing_impact_graph(ctx):
    doc = ctx.doc
    if doc.images or any(kind == "dashboard" for _, kind in evidence_links(doc)):
        return
    start, end = _anchor(doc, SectionKind.IMPACT, SectionKind.SUMMARY)
    yield Hit(start, end, "No graph or screenshot of the impact: add the error-rate or traffic panel across the "
                          "incident window, or link the dashboard.")
