"""PM102 empty-section and PM103 placeholder-text."""

import re

from reviewer.findings import Dimension, Severity
from reviewer.rules.base import Hit, rule

PLACEHOLDER = re.compile(
    # Question marks stand for a value only on their own: "??:?? UTC", "Owner: ??", not "the DNS??".
    r"(?<![\w-])(?:TBD|TBA|TODO|FIXME|XXX|TK)(?![\w-])|(?<![\w?!])\?{2,}(?::\?{2,})*(?!\w)|\blorem ipsum\b"
    r"|\[(?:insert|add|fill in|describe)[^\]]*\]"
    r"|<(?:insert|add|fill in|describe)[^>]*>|\{\{[^}]*\}\}",
    re.I,
)


def _own_content(ctx, section):
    """Text under the heading that is not a sub-heading or an HTML comment."""
    doc = ctx.doc
    body = doc.text[section.body.start : section.span.end]
    for comment in doc.comments:
        if section.body.start <= comment.span.start < section.span.end:
            rel = comment.span.start - section.body.start
            body = body[:rel] + " " * (comment.span.end - comment.span.start) + body[rel + comment.span.end - comment.span.start:]
    for child in doc.sections:
        if child.parent == section.index or (child.index > section.index and section.span.covers(child.heading)):
            rel = child.heading.start - section.body.start
            body = body[:rel] + " " * (child.heading.end - child.heading.start) + body[rel + child.heading.end - child.heading.start:]
    return body


@rule(
    code="PM102", name="empty-section", dimension=Dimension.DETAIL, severity=Severity.ERROR,
    summary="A section has a heading and nothing under it.",
    what="Reports a heading with no text, list, table or image under it (HTML comments do not count).",
    why="An empty section reads as an unfinished draft and hides whether the question was considered at all.",
    example="`## Detection` followed directly by `## Resolution`.",
    use_instead="Write the section, or remove the heading if it really does not apply and say why elsewhere.",
    should_flag=["# Outage\n\n## Detection\n\n## Resolution\nWe rolled back at 10:02 UTC.\n"],
    should_pass=["# Outage\n\n## Detection\nA Pingdom check paged the on-call at 10:04 UTC.\n"],
)
def empty_section(ctx):
    for section in ctx.doc.sections[1:]:
        if section.level == 7:
            continue  # a bold label's text stands on the same line
        if not _own_content(ctx, section).strip():
            yield Hit(section.heading.start, section.heading.end, f"Section \"{ctx.doc.heading_text(section)}\" is empty.")


@rule(
    code="PM103", name="placeholder-text", dimension=Dimension.DETAIL, severity=Severity.ERROR,
    summary="Placeholder text (TBD, TODO, ??, lorem ipsum) is left in the document.",
    what="Finds placeholders: TBD, TBA, TODO, FIXME, XXX, runs of question marks standing on their own (not \"why??\" "
         "after a word), lorem ipsum, [insert …], {{…}}.",
    why="A placeholder is a question the postmortem has not answered yet; publishing it loses the answer.",
    example="`Root cause: TBD`",
    use_instead="Answer it, or write what is still unknown and who is finding out (with a ticket).",
    should_flag=["# Outage\n\n## Root cause\nTBD\n", "# Outage\n\nStarted at ??:?? UTC.\n"],
    should_pass=["# Outage\n\n## Root cause\nThe certificate expired at 10:00 UTC.\n",
                 "# Outage\n\n## Detection\nWas it the DNS?? Nobody could tell for ten minutes.\n"],
)
def placeholder_text(ctx):
    doc = ctx.doc
    for block in doc.blocks:
        for m in PLACEHOLDER.finditer(block.text):
            span = block.original_span(m.start(), m.end())
            if any(c.covers(span) for c in doc.code_spans):
                continue
            yield Hit(span.start, span.end, f"Placeholder \"{doc.quote(span.start, span.end)}\" left in the document.")
