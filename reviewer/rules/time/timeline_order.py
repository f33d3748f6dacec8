"""PM304 timeline-out-of-order and PM305 ambiguous-12h-time."""

from reviewer.findings import Dimension, Severity
from reviewer.nlp.times import ambiguous_12h_rows, resolve_rows
from reviewer.rules.base import Hit, rule


def _written_time(doc, entry) -> str:
    """A row's time as the reader sees it ("**10:42**" in a table cell reads 10:42)."""
    if entry.time_span is not None:
        return doc.quote(entry.time_span.start, entry.time_span.end) or entry.time_text
    return entry.time_text


def shared_rows(ctx):
    if ctx.analysis is not None:
        return ctx.analysis.shared("timeline_rows", lambda a: resolve_rows(ctx.doc))
    return resolve_rows(ctx.doc)


@rule(
    code="PM304", name="timeline-out-of-order", dimension=Dimension.TIME, severity=Severity.WARNING,
    summary="A timeline row's time is earlier than the row before it.",
    what=("Reads the timeline's rows in order, with their dates (written in the row, carried from a date "
          "sub-heading, or from the metadata), and reports a row whose time is earlier than the row before. A "
          "clock that only rolls past midnight with no date written (23:50, then 00:10) is read as the next day. "
          "On a 12-hour clock with no am/pm each row is read on the dial just after the row before (11:50, then "
          "1:03 is 13:03, and the rows after it stay in the afternoon until the dial comes round past midnight); "
          "only a short step back (10:20, then 10:14) is a reordering. One reordering is one finding: the rows "
          "after it are compared with it, not with the row before it. Separate lists (a \"Key events\" summary "
          "above the detailed timeline) are checked each on its own."),
    why=("An out-of-order row is either a typo in a time or date (which then corrupts every duration computed "
         "from it) or an event filed in the wrong place; both mislead the reader about what happened first."),
    example="`- 14:46 Admin responds` followed by `- 14:44 Admins discuss options`.",
    use_instead="Fix the time, or move the row to where it belongs.",
    should_flag=["# Outage\n\n## Timeline (UTC)\n- 10:02 Alert fired.\n- 10:20 Rolled back.\n- 10:14 Paged the DBA.\n",
                 "# Outage\n\n## Timeline (UTC)\n- 2024-03-02 10:02 Alert fired.\n- 2023-03-02 10:20 Rolled back.\n"],
    should_pass=["# Outage\n\n## Timeline (UTC)\n- 23:40 Alert fired.\n- 23:52 Paged the DBA.\n- 00:14 Rolled back.\n",
                 "# Outage\n\n## Timeline (PST)\n- 10:40 Alert fired.\n- 11:50 Paged the DBA.\n- 1:03 Rolled back.\n"
                 "- 1:40 Errors stop.\n- 3:15 Closed.\n",
                 "# Outage\n\n## Timeline (UTC)\n- 10:02 Alert fired.\n- 10:14 Paged the DBA.\n"],
)
def timeline_out_of_order(ctx):
    rows = shared_rows(ctx)
    by_index = {r.index: r for r in rows}
    for row in rows:
        if not row.out_of_order:
            continue
        entry = row.entry
        span = entry.time_span or entry.span
        before = by_index.get(row.previous) if row.previous is not None else None
        before_text = _written_time(ctx.doc, before.entry) if before is not None else "the row before"
        yield Hit(span.start, span.end,
                  f"Timeline row \"{_written_time(ctx.doc, entry)}\" is earlier than the row before it (\"{before_text}\"): fix the "
                  f"time or date, or move the row.",
                  data={"previous": before_text})


@rule(
    code="PM305", name="ambiguous-12h-time", dimension=Dimension.TIME, severity=Severity.SUGGESTION,
    summary="A 12-hour clock time with no am/pm makes the timeline's order ambiguous.",
    what=("Reports timeline times from 1:00 to 12:59 written without am/pm in a timeline that uses am/pm "
          "elsewhere, or where the order only makes sense if a time is read as pm (11:50, then 1:03)."),
    why="\"5:00\" in a 12-hour timeline is two different moments; readers and tools have to guess.",
    example="`- 11:24 AM Investigation starts` … `- 1:03 First alert fires`.",
    use_instead="Write am/pm on every time, or use a 24-hour clock: `13:03`.",
    should_flag=["# Outage\n\n## Timeline (PST)\n- 10:40 AM Alert fired.\n- 11:50 Paged the DBA.\n- 1:03 Rolled back.\n"],
    should_pass=["# Outage\n\n## Timeline (UTC)\n- 10:40 Alert fired.\n- 11:50 Paged the DBA.\n- 13:03 Rolled back.\n"],
)
def ambiguous_12h_time(ctx):
    for row in ambiguous_12h_rows(ctx.doc, shared_rows(ctx)):
        clock = row.entry.clock
        span = clock.span
        yield Hit(span.start, span.end,
                  f"\"{clock.text.strip()}\" has no am/pm in a 12-hour timeline: write am/pm or use a 24-hour clock.",
                  data={"read_as_pm": row.wrapped_12h})
