"""PM101 missing-section: the sections a postmortem needs, by severity and config."""

from reviewer.document import SectionKind
from reviewer.findings import Dimension, Severity
from reviewer.rules.base import Hit, rule

SECTION_NAMES = {
    SectionKind.SUMMARY: "Summary", SectionKind.IMPACT: "Impact", SectionKind.TIMELINE: "Timeline",
    SectionKind.TRIGGER: "Trigger", SectionKind.ROOT_CAUSE: "Root cause / Contributing factors",
    SectionKind.DETECTION: "Detection", SectionKind.RESPONSE: "Response", SectionKind.RESOLUTION: "Resolution",
    SectionKind.FIVE_WHYS: "Five whys", SectionKind.ACTION_ITEMS: "Action items",
    SectionKind.LESSONS: "Lessons learned", SectionKind.SUPPORTING_INFO: "Supporting information",
}

_FULL = """---
severity: SEV-3
---
# Cache outage

## Summary
Checkout failed for 12 minutes.

## Impact
4,100 failed checkouts.

## Timeline (UTC)
- 10:02 Alert fired.

## Root cause
An expired certificate.

## Action items
- [ ] Alert 14 days before expiry (@kim, OPS-12, due 2024-05-01)
"""


@rule(
    code="PM101", name="missing-section", dimension=Dimension.DETAIL, severity=Severity.ERROR,
    summary="A required section is missing.",
    what=("Checks that the document has each required section: by default Summary, Impact, Timeline, Root cause "
          "and Action items, and for documents held to the full bar (SEV-1/SEV-2 by default) also Detection, "
          "Resolution and Lessons learned. Equivalent headings count: \"Contributing factors\" is a root cause "
          "section, \"Recovery\" a resolution, \"What went well\" a lessons section. The timeline is checked by "
          "PM104."),
    why=("Readers look for the same sections in every postmortem; a missing root cause or action items section "
         "usually means the analysis was not done, not that it was left out."),
    example="A postmortem with a Summary and a Timeline but no Root cause section.",
    use_instead="Add the section (`pmreview init` writes a template with all of them).",
    should_flag=["# Outage\n\n## Summary\nThe API was down.\n"],
    should_pass=[_FULL],
)
def missing_section(ctx):
    required = list(ctx.config.required_sections)
    if ctx.full_bar:
        required += [k for k in ctx.config.required_sections_full_bar if k not in required]
    for name in required:
        try:
            kind = SectionKind(name)
        except ValueError:
            continue  # unknown names are rejected when the config is shown; never crash here
        if kind == SectionKind.TIMELINE:
            continue
        if not ctx.doc.has(kind):
            yield Hit(0, 0, f"Missing section: {SECTION_NAMES.get(kind, name)}.",
                      data={"section_kind": kind.value})
