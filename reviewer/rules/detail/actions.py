"""PM507 no-action-items, PM508 action-item-incomplete, PM509 vague-action-item.

Action items come from the parser (`doc.action_items`: list items and table rows under an
action-items section, with the owner, ticket, due date and done state it read)."""

from __future__ import annotations

import re

from reviewer.document.model import BlockKind, SectionKind
from reviewer.findings import Dimension, Severity
from reviewer.rules.base import Hit, rule

# Prose that reports follow-up work already done ("we have switched to a token (Done)") is
# not a list of open items waiting to be written.
_REPORTED_DONE = re.compile(r"\((?:done|completed?|fixed|resolved)\)|\b(?:we\s+have|we've|has\s+been|have\s+been)\s+"
                            r"(?:\w+ed|done|made)\b", re.I)
_COMPLETE_ITEM = "- [ ] Add a CI check that rejects an empty pool size (owner: @ana, OPS-123, due 2026-02-01)"


@rule(
    code="PM507", name="no-action-items", dimension=Dimension.DETAIL, severity=Severity.WARNING,
    summary="The action-items section lists no items.",
    what="Reports an action-items section (\"Action items\", \"Follow-ups\", \"Next steps\", …) with prose in it but "
         "no list item or table row that the reviewer can read as an item. A missing or empty section is "
         "reported by the structure rules.",
    why="Follow-up work written as a paragraph has no owner, ticket or due date and is not tracked; in a month "
        "nobody knows whether it happened.",
    example="`## Action items` / `We will improve our alerting and look at the deploy process.`",
    use_instead="One item per line: `- [ ] Alert when checkout 5xx > 2% for 5 min (owner: @ana, OPS-123, due "
                "2026-02-01)`.",
    should_flag=["# Outage\n\n## Action items\nWe will improve our alerting and look at the deploy process.\n"],
    should_pass=["# Outage\n\n## Action items\n" + _COMPLETE_ITEM + "\n"],
)
def no_action_items(ctx):
    doc = ctx.doc
    if doc.action_items:
        return
    for section in doc.sections_of(SectionKind.ACTION_ITEMS):
        prose = [b for b in doc.blocks_in(section) if b.kind != BlockKind.HEADING and b.text.strip()]
        if prose and not any(_REPORTED_DONE.search(b.text) for b in prose):
            yield Hit(section.heading.start, section.heading.end,
                      f"\"{doc.heading_text(section)}\" has no items: write each follow-up as a list item or table row with an "
                      f"owner, a ticket and a due date.")
            return


@rule(
    code="PM508", name="action-item-incomplete", dimension=Dimension.DETAIL, severity=Severity.WARNING,
    summary="An open action item has no owner, no ticket or no due date.",
    what="For each action item not marked done, reports which of owner, ticket (a link or a key such as OPS-123 "
         "or #123) and due date it lacks. A missing owner is a warning; a missing ticket or due date alone is a "
         "suggestion.",
    why="An item nobody owns does not get done; without a ticket it cannot be tracked, and without a date it "
        "slips behind every other piece of work.",
    example="`- Add alerting on the payments pool size`",
    use_instead=_COMPLETE_ITEM,
    should_flag=["# Outage\n\n## Action items\n- Add alerting on the payments pool size\n"],
    should_pass=["# Outage\n\n## Action items\n" + _COMPLETE_ITEM + "\n",
                 "# Outage\n\n## Action items\n- [x] Roll back the config push\n"],
)
def action_item_incomplete(ctx):
    for item in ctx.doc.action_items:
        if item.done:
            continue
        missing = [name for name, value in (("owner", item.owner), ("ticket", item.ticket), ("due date", item.due))
                   if not value]
        if not missing:
            continue
        listed = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " or " + missing[-1]
        # The item's first line, without a trailing HTML comment.
        end = ctx.doc.text.find("\n", item.span.start, item.span.end)
        end = end if end > 0 else item.span.end
        comment = ctx.doc.text.find("<!--", item.span.start, end)
        end = ctx.doc.text[item.span.start : comment].rstrip().__len__() + item.span.start if comment > 0 else end
        yield Hit(item.span.start, end, f"Action item has no {listed}: add {'it' if len(missing) == 1 else 'them'}, e.g. "
                  f"\"(owner: @ana, OPS-123, due 2026-02-01)\".",
                  severity=None if item.owner is None else Severity.SUGGESTION, data={"missing": missing})


# Openings that do not describe a bounded piece of work, with how to make them one.
_VAGUE_OPENINGS: list[tuple[re.Pattern[str], str, Severity]] = [
    (re.compile(r"(?:investigate|look\s+into|look\s+at|dig\s+into|explore|research|figure\s+out|understand)\b", re.I),
     "an investigation has no end: say what question it answers and what decision follows, e.g. \"Decide whether "
     "to <change> (findings in OPS-123, by 2026-02-01)\", or name the change itself",
     Severity.SUGGESTION),
    (re.compile(r"(?:consider|think\s+about|discuss|talk\s+about|evaluate\s+whether|reflect\s+(?:on|if|whether|about))\b",
                re.I),
     "make it a decision with an owner and a date, e.g. \"Decide whether to <change> by 2026-02-01\", or name the "
     "change", Severity.SUGGESTION),
    (re.compile(r"(?:be\s+(?:more\s+)?(?:careful|vigilant|cautious|diligent|mindful|aware)|pay\s+(?:more\s+)?attention|"
                r"keep\s+an\s+eye\s+on|remember\s+to|don'?t\s+forget|try\s+harder|do\s+better|"
                r"communicate\s+better|be\s+more\s+\w+)\b", re.I),
     "care cannot be tracked: name the safeguard that makes it unnecessary (a check, an alert, a guard rail, an "
     "automated step)", Severity.WARNING),
    (re.compile(r"(?:make\s+sure|ensure\s+that\s+(?:we|people|everyone|engineers|the\s+team)|try\s+to)\b", re.I),
     "name the change that makes it so: \"Document …\", \"Add a CI check that …\", \"Alert when …\", "
     "\"Automate …\"", Severity.SUGGESTION),
]
_LEAD = re.compile(r"^\s*(?:\[[ xX]\]\s*)?(?:(?:we|the\s+team|engineering|ops)\s+(?:will|should|must|need\s+to|could)\s+|"
                   r"(?:todo|action|ai)\s*:\s*|(?:we\s+)?(?:should|need\s+to|must)\s+)?", re.I)


@rule(
    code="PM509", name="vague-action-item", dimension=Dimension.DETAIL, severity=Severity.WARNING,
    summary="An action item that is not actionable: \"investigate\", \"look into\", \"be more careful\", "
            "\"make sure …\".",
    what="Reads how each open action item begins (after \"We will\", \"We should\", \"TODO:\"). Open-ended "
         "investigations (\"investigate\", \"look into\", \"explore\"), deliberations (\"consider\", \"discuss\") "
         "and goals with no means (\"make sure\", \"try to\") are suggestions; exhortations (\"be more careful\", "
         "\"remember to\", \"pay attention\") are warnings. Each finding says the specific, bounded form to use.",
    why="An action item is done when someone can say it is done. \"Be more careful\" never is, and \"investigate X\" "
        "is done the moment anyone has looked.",
    example="`- Be more careful when editing the load balancer config`",
    use_instead="`- Add a CI check that rejects a load-balancer config with no healthy backends (owner: @ana, "
                "OPS-124, due 2026-02-01)`",
    should_flag=["# Outage\n\n## Action items\n- Be more careful when editing the load balancer config\n",
                 "# Outage\n\n## Action items\n- Investigate the memory spikes (owner: @ana, OPS-9, due 2026-02-01)\n"],
    should_pass=["# Outage\n\n## Action items\n" + _COMPLETE_ITEM + "\n",
                 "# Outage\n\n## Action items\n- [x] Investigate the memory spikes\n"],
)
def vague_action_item(ctx):
    for item in ctx.doc.action_items:
        if item.done:
            continue
        text = item.text
        lead = _LEAD.match(text)
        rest = text[lead.end() if lead else 0 :]
        for pattern, advice, severity in _VAGUE_OPENINGS:
            m = pattern.match(rest)
            if not m:
                continue
            # Point at the opening words, in the original text.
            written = ctx.doc.text[item.span.start : item.span.end]
            at = written.lower().find(m.group(0).lower())
            start = item.span.start + at if at >= 0 else item.span.start
            end = start + len(m.group(0)) if at >= 0 else item.span.end
            yield Hit(start, end, f"\"{m.group(0)}\" is not a bounded task: {advice}.", severity=severity,
                      data={"advice": advice})
            break
