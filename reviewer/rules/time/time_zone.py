"""PM302 missing-time-zone and PM303 mixed-time-zones."""

from reviewer.document import SectionKind
from reviewer.findings import Dimension, Severity
from reviewer.nlp.times import detect_zone
from reviewer.rules.base import Hit, rule


def shared_zone(ctx):
    if ctx.analysis is not None:
        return ctx.analysis.shared("time_zone", lambda a: detect_zone(ctx.doc))
    return detect_zone(ctx.doc)


@rule(
    code="PM302", name="missing-time-zone", dimension=Dimension.TIME, severity=Severity.WARNING,
    summary="The document gives times but never says which time zone they are in.",
    what=("Reports a document whose timeline has clock times while nothing says which zone they are in: no "
          "statement (\"All times UTC\", \"(all times in Pacific Time)\"), no zone in the timeline heading or its "
          "time column (\"Time (UTC)\"), no `timezone` in the front matter, and no zone written on the times. "
          "Any explicit zone is fine; UTC is the suggestion."),
    why=("\"10:02\" means three different moments to readers in three offices. Without a zone, times cannot be "
         "matched with logs, graphs and status page updates, and a timeline that crosses midnight or a daylight "
         "saving change cannot be checked."),
    example="`## Timeline` followed by `- 10:02 Alert fired`.",
    use_instead="`## Timeline (all times UTC)`, or write the zone on the times: `- 10:02 UTC Alert fired`.",
    should_flag=["# Outage\n\n## Timeline\n- 10:02 Alert fired.\n- 10:14 Rolled back.\n"],
    should_pass=["# Outage\n\n## Timeline\nAll times in UTC.\n\n- 10:02 Alert fired.\n- 10:14 Rolled back.\n",
                 "# Outage\n\n## Timeline\n| Time (PDT) | Event |\n|---|---|\n| 10:02 | Alert fired |\n",
                 "# Outage\n\n## Timeline\n- 10:02 CET Alert fired.\n- 10:14 CET Rolled back.\n"],
)
def missing_time_zone(ctx):
    doc = ctx.doc
    info = shared_zone(ctx)
    if info.zone is not None:
        return
    timed = [e for e in doc.timeline if e.clock is not None and e.time_span is not None]
    if not timed:
        return
    timelines = doc.sections_of(SectionKind.TIMELINE)
    if timelines:
        start, end = timelines[0].heading.start, timelines[0].heading.end
    else:
        start, end = timed[0].time_span.start, timed[0].time_span.end
    yield Hit(start, end, "The timeline's times have no time zone: say which one they are in (\"All times UTC\") "
                          "or write it on each time (\"10:02 UTC\").",
              data={"timed_rows": len(timed)})


@rule(
    code="PM303", name="mixed-time-zones", dimension=Dimension.TIME, severity=Severity.WARNING,
    summary="A time is written in another zone than the rest of the document, with no conversion.",
    what=("Reports a clock time written with a zone that differs from the document's zone (declared, or the one "
          "its times are written in) when no conversion is given next to it. PST and PDT, or a zone with its UTC "
          "offset (\"CEST (UTC+2)\"), count as the same zone; quoted material (alerts, chat logs) is left alone."),
    why="Readers compare times across the document; one time in another zone reads as a gap or a reordering that "
        "never happened.",
    example="`All times UTC` and, in the text, `the rollback finished at 10:40 PDT`.",
    use_instead="Convert it (`17:40 UTC`), or give both (`10:40 PDT (17:40 UTC)`).",
    should_flag=["# Outage\n\n## Timeline (UTC)\n- 10:02 Alert fired.\n- 10:14 Rolled back.\n\n"
                 "## Resolution\nThe fix shipped at 11:40 PDT.\n"],
    should_pass=["# Outage\n\n## Timeline (UTC)\n- 10:02 Alert fired.\n- 10:14 Rolled back.\n\n"
                 "## Resolution\nThe fix shipped at 4:40 PDT (11:40 UTC).\n"],
)
def mixed_time_zones(ctx):
    info = shared_zone(ctx)
    for zone, span in info.mixed:
        text = ctx.doc.quote(span.start, span.end)
        yield Hit(span.start, span.end,
                  f"\"{text}\" is in {zone}, but the document's times are in {info.zone}: convert it or give both.",
                  data={"zone": zone, "document_zone": info.zone})
