"""PM309 date-only-row: a timeline row with a date and no time of day."""

import re

from reviewer.findings import Dimension, Severity
from reviewer.nlp.times import leading_date, resolve_rows
from reviewer.rules.base import Hit, rule


_NOT_AN_EVENT = re.compile(r"\b(all\s+times|times\s+(are|in)|time\s*zone)\b|^\W*(date|day|on)\W*$", re.I)


def _is_event(doc, entry, where) -> bool:
    """A row that reports something, not one that only sets the day ("Date: 2023-11-22",
    "All times in PST, on February 5th 2019")."""
    row_text = doc.text[entry.span.start : entry.span.end]
    rest = (row_text[: where.start - entry.span.start] + " " + row_text[where.end - entry.span.start :]).strip()
    words = re.findall(r"[A-Za-z]{2,}", rest)
    if len(words) < 2 or _NOT_AN_EVENT.search(rest):
        return False
    return True


@rule(
    code="PM309", name="date-only-row", dimension=Dimension.TIME, severity=Severity.SUGGESTION,
    summary="A timeline row gives a date but no time of day.",
    what=("Reports timeline rows whose time is only a date (\"2024-06-21: token removed\"). Rows that only set the "
          "date for the rows under them, and events that lie days before the incident, are common; this is a "
          "suggestion, not a fault."),
    why="Within the incident itself, a date alone cannot be ordered against the other rows or used for durations.",
    example="`- 2024-06-21: Image removed from the registry`",
    use_instead="`- 2024-06-21 14:05 UTC: Image removed from the registry`",
    should_flag=["# Outage\n\n## Timeline (UTC)\n- 2024-06-21: Image removed from the registry.\n"
                 "- 2024-06-28 10:02: Alert fired.\n"],
    should_pass=["# Outage\n\n## Timeline (UTC)\n- 2024-06-21 09:40: Image removed from the registry.\n"
                 "- 2024-06-28 10:02: Alert fired.\n"],
)
def date_only_row(ctx):
    for row in resolve_rows(ctx.doc):
        entry = row.entry
        where = leading_date(ctx.doc, entry) if row.date_only else None
        if where is None or not _is_event(ctx.doc, entry, where):
            continue
        written = ctx.doc.quote(where.start, where.end)
        yield Hit(where.start, where.end,
                  f"Timeline row \"{written}\" has a date but no time of day: add the time if it is known.")
