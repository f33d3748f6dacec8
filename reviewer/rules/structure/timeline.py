"""PM104 missing-timeline, PM105 invalid-front-matter."""

from reviewer.document import SectionKind
from reviewer.findings import Dimension, Severity
from reviewer.rules.base import Hit, rule


@rule(
    code="PM104", name="missing-timeline", dimension=Dimension.TIME, severity=Severity.ERROR,
    summary="The document has no timeline, or its timeline has no rows.",
    what=("Reports a document with no timeline: no Timeline section and no list or table of timestamped rows "
          "anywhere; or a Timeline section with nothing in it that reads as a row."),
    why="The timeline is where readers check detection, response and communication; without it the durations "
        "and the order of events cannot be checked.",
    example="A postmortem that tells the story in prose with no times.",
    use_instead="Add `## Timeline (UTC)` with one row per event: `- 10:02 UTC — First alert fired (PagerDuty)`.",
    should_flag=["# Outage\n\n## Summary\nThe API was down for a while.\n"],
    should_pass=["# Outage\n\n## Timeline (UTC)\n- 10:02 Alert fired.\n- 10:14 Rolled back.\n"],
)
def missing_timeline(ctx):
    if ctx.doc.timeline:
        return
    sections = ctx.doc.sections_of(SectionKind.TIMELINE)
    if sections:
        s = sections[0]
        yield Hit(s.heading.start, s.heading.end, f"The \"{ctx.doc.heading_text(s)}\" section has no timeline rows.")
    else:
        yield Hit(0, 0, "No timeline: add a Timeline section with one timestamped row per event.")


@rule(
    code="PM105", name="invalid-front-matter", dimension=Dimension.DETAIL, severity=Severity.ERROR,
    summary="The YAML front matter cannot be read.",
    what="Reports front matter (between `---` lines at the top) that is not valid YAML or not a mapping.",
    why="Severity, owner and incident times in the front matter drive other checks; unreadable, they are lost.",
    example="`severity: [SEV-1` (an unclosed bracket).",
    use_instead="Fix the YAML: `severity: SEV-1`.",
    should_flag=["---\nseverity: [SEV-1\n---\n# Outage\n"],
    should_pass=["---\nseverity: SEV-1\n---\n# Outage\n"],
)
def invalid_front_matter(ctx):
    doc = ctx.doc
    if doc.front_matter_error and doc.front_matter_span:
        yield Hit(doc.front_matter_span.start, doc.front_matter_span.end, f"Invalid front matter: {doc.front_matter_error}.")
