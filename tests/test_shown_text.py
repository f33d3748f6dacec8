"""What people and tools read is what the author wrote (issue 18).

The analyser reads normalised prose (inline code replaced by the word "code"); nothing shown
takes its text from there. These tests check the document layer: action items, titles,
headings and quotes are cut from the original text, with the Markdown markup removed.
"""

from __future__ import annotations

import re

import pytest

from reviewer.document import parse
from reviewer.document.prose import CODE_WORD
from reviewer.document.shown import inline_source, plain, quote
from reviewer.document.model import Span


@pytest.mark.parametrize("markdown, shown", [
    ("Pin `terraform` to 1.5 in the runner image", "Pin terraform to 1.5 in the runner image"),
    ("Use ``a `tick` inside`` code", "Use a `tick` inside code"),
    ("Read the [runbook](https://wiki.example/rb) first", "Read the runbook first"),
    ("Page **only** the _primary_ on-call", "Page only the primary on-call"),
    ("Drop ~~the~~ old flag", "Drop the old flag"),
    ("Alert at <https://grafana.example/d/1>", "Alert at https://grafana.example/d/1"),
    ("See https://status.example.com/x for details", "See https://status.example.com/x for details"),
    ("Escape \\*stars\\* and use &amp;", "Escape *stars* and use &"),
    ("Skip <b>raw</b> html <!-- hidden --> here", "Skip raw html here"),
    ("A diagram ![graph](g.png) here", "A diagram here"),
    ("Keep snake_case_names and 2 * 3 maths", "Keep snake_case_names and 2 * 3 maths"),
    ("Two\nlines", "Two lines"),
    ("See [the ticket][ops] for it", "See the ticket for it"),
])
def test_plain_removes_markup_and_keeps_the_authors_words(markdown, shown):
    assert plain(markdown) == shown


def test_inline_source_drops_container_markers_of_continuation_lines():
    text = "> - first `part`\n>   second part\n"
    start = text.index("first")
    assert inline_source(text, Span(start, text.index("part\n") + 4)) == "first `part`\nsecond part"
    assert quote(text, start, len(text)) == "first part second part"
    assert quote("a" * 50, 0, 50, limit=10) == "aaaaaaaaa…"


ACTIONS = """# The `apply` outage

## Action items
- [ ] Block retries of `apply` jobs whose commit is not the current HEAD (owner: @ana, OPS-1, due 2026-02-01)
- [x] `prevent_destroy` on ASGs, load balancers
  and DNS zones for **live video** <!-- pmreview-disable-line PM508 -->
- Move duration maths to `time.monotonic()`; see the [lint rule](https://lint.example/r/7)

| Action | Owner | Ticket |
|---|---|---|
| Reject `a \\| b` in `deploy.yaml` | @bo | OPS-2 |
"""


def test_action_items_show_code_links_and_text_as_written():
    doc = parse(ACTIONS)
    texts = [a.text for a in doc.action_items]
    assert texts == [
        "Block retries of apply jobs whose commit is not the current HEAD (owner: @ana, OPS-1, due 2026-02-01)",
        "prevent_destroy on ASGs, load balancers and DNS zones for live video",
        "Move duration maths to time.monotonic(); see the lint rule",
        "Reject a | b in deploy.yaml",
    ]
    assert not any(CODE_WORD in t.split() for t in texts)
    markdown = [a.markdown for a in doc.action_items]
    assert markdown[0].startswith("Block retries of `apply` jobs")  # no checkbox
    assert markdown[1] == "`prevent_destroy` on ASGs, load balancers\nand DNS zones for **live video**"
    assert markdown[2].endswith("[lint rule](https://lint.example/r/7)")
    assert markdown[3] == "Reject `a | b` in `deploy.yaml`"
    for item in doc.action_items:
        # The shown words are read from where the item stands.
        assert item.text_span is not None and item.span.covers(item.text_span)
        assert item.text in plain(inline_source(doc.text, item.text_span)).replace("\\|", "|")


def test_titles_and_headings_are_shown_as_written():
    doc = parse(ACTIONS)
    assert doc.title == "The apply outage"
    assert doc.sections[1].title == f"The {CODE_WORD} outage"  # the analyser's prose, kept inside
    labelled = parse("# x\n\n**Root `cause`**: the pool\n")
    label = next(s for s in labelled.sections if s.level == 7)
    assert labelled.heading_text(label) == "Root cause"


def test_a_prose_span_ending_on_inline_code_ends_after_the_code():
    doc = parse("Then `deploy-bot` removed it.\n")
    block = doc.blocks[0]
    at = block.text.index(CODE_WORD)
    span = block.original_span(0, at + len(CODE_WORD))
    assert doc.text[span.start : span.end] == "Then `deploy-bot`"
    assert doc.readable(block) == "Then deploy-bot removed it."


@pytest.mark.parametrize("between", ["### Other things\n\n#### Remediation\n", "### Follow-ups\n",
                                     "### Notes\nSome words.\n\n#### Action items\n", "**Next steps**:\n\n"])
def test_an_action_item_under_nested_headings_is_read_once(between):
    doc = parse(f"# Outage\n\n## Action items\n\n{between}\n- Add alerting on the pool size\n\n"
                "| Action | Owner |\n|---|---|\n| Add a CI check | @bo |\n")
    assert [a.text for a in doc.action_items] == ["Add alerting on the pool size", "Add a CI check"]


# Our own draft: inline code in headings, table times in bold, vague statements cut through
# emphasis, action items with code. Its words never include the analyser's placeholder word.
MARKED_UP = """# The `zq-sync` outage

## Summary
TBD

## Timeline (UTC)
| Time | Event |
|---|---|
| **10:20** | The `zq-sync` job restarted |
| **10:02** | Alert fired for `zq-queue` |
| 10:30 PDT | Rolled back `zq-sync` |

## Root cause
Some **issue** with `zq-pool` happened.

## `zq-detect` notes

## Resolution
Then **public comms** went out around 11.

## Action items
- Investigate `zq-pool` sizing
- **Be more careful** with `zq-conf`
"""


def test_messages_quote_the_authors_words_not_the_analysers_prose(review_text):
    import re

    review = review_text(MARKED_UP)
    assert CODE_WORD not in MARKED_UP
    quoted = [(f.code, q) for f in review.findings for q in re.findall(r"\"([^\"]+)\"", f.message)]
    codes = {code for code, _ in quoted}
    assert {"PM102", "PM304", "PM503", "PM509"} <= codes, codes  # the rules that quote the document fire
    for code, words in quoted:
        assert "**" not in words and "`" not in words, (code, words)
        assert not re.search(rf"\b{CODE_WORD}\b", words), (code, words)
    messages = {f.code: f.message for f in review.findings}
    assert '"zq-detect notes"' in messages["PM102"]
    assert '"10:02"' in messages["PM304"] and '"10:20"' in messages["PM304"]
    assert '"public comms went out"' in messages["PM503"]


def test_a_quote_cut_inside_markup_reads_words():
    doc = parse("Then **public comms** went out; see `a b` and <https://x.example/s>.\n")
    text = doc.text
    assert doc.quote(text.index("public"), text.index("out") + 3) == "public comms went out"
    assert doc.quote(text.index("comms"), text.index("went")) == "comms"
    assert doc.quote(text.index("`a"), text.index("b`") + 2) == "a b"
    assert doc.quote(text.index("<https"), text.index(">.") + 1) == "https://x.example/s"
    assert doc.quote(0, len(text)) == "Then public comms went out; see a b and https://x.example/s."


@pytest.mark.parametrize("sentence, written", [
    ("Dave forgot to renew the `edge-cert` certificate on the proxy.", "`edge-cert`"),
    ("Dave forgot to review the code of `zq-mod` before the deploy.", "the code of `zq-mod`"),
])
def test_rewrites_give_inline_code_back(review_text, sentence, written):
    review = review_text(f"# Outage\n\n## Root cause\n{sentence}\n", select=["PM201"])
    rewrites = [r for f in review.findings for r in f.replacements]
    assert rewrites, [f.message for f in review.findings]
    assert any(written.lower() in r.lower() for r in rewrites), rewrites


def test_a_time_with_no_known_date_is_shown_as_a_time(review_text):
    from api.pages.service import facts_view
    from reviewer.output.common import jsonable

    undated = review_text("# x\n\n## Timeline (UTC)\n- 20:52 Errors start for checkout\n- 21:10 Alert fired\n"
                          "- 00:14 Resolved, errors stop\n")
    durations = jsonable(undated.facts)["durations"]
    assert durations["impact_start"]["at"] == "20:52:00" and durations["impact_start"]["date_known"] is False
    assert durations["resolved"]["at"] == "00:14:00" and durations["resolved"]["day_offset"] == 1
    shown = dict(dict(facts_view(jsonable(undated.facts)))["Durations from the timeline"])
    assert shown["Impact started"].startswith("20:52") and "2000" not in " ".join(shown.values())
    assert shown["Resolved"].startswith("00:14, next day")

    dated = review_text("# x\n\n## Timeline (UTC)\n- 2024-05-02 20:52 Errors start for checkout\n"
                        "- 2024-05-02 21:10 Alert fired\n")
    durations = jsonable(dated.facts)["durations"]
    assert durations["impact_start"]["at"] == "2024-05-02T20:52:00" and durations["impact_start"]["day_offset"] is None
    shown = dict(dict(facts_view(jsonable(dated.facts)))["Durations from the timeline"])
    assert shown["Impact started"].startswith("2024-05-02 20:52")


def test_blame_messages_give_inline_code_back(review_text):
    review = review_text("# Outage\n\n## Root cause\n`@ops-bot` forgot to renew the certificate on the proxy.\n"
                         "Dave carelessly deleted the `zq-jobs` queue.\n", select=["PM2"])
    texts = [f.message for f in review.findings] + [r for f in review.findings for r in f.replacements]
    assert review.findings
    assert not any(re.search(rf"\b{CODE_WORD}\b", t) for t in texts), texts


def test_timeline_moments_in_the_facts_quote_the_rows_as_written(review_text):
    review = review_text("# x\n\n## Timeline (UTC)\n- 20:52 `deploy-bot` pushed the **bad** config\n"
                         "- 21:10 Alert fired for `zq-queue`\n")
    durations = review.facts["durations"]
    assert durations["impact_start"]["text"] == "deploy-bot pushed the bad config"
    assert durations["detected"]["text"] == "Alert fired for zq-queue"


def test_a_findings_section_is_its_heading_as_written(review_text):
    review = review_text("# x\n\n## The `zq-pool` notes\n\nThen **public comms** went out.\n", select=["PM503"])
    assert [f.section for f in review.findings] == ["The zq-pool notes"]


def test_the_document_facts_list_sections_as_written(review_text):
    review = review_text("# The `zq` outage\n\n## Root `zq-cause`\n\nThe pool ran out.\n", select=["PM101"])
    facts = review.facts["document"]
    assert facts["title"] == "The zq outage"
    assert [s["title"] for s in facts["sections"]] == ["The zq outage", "Root zq-cause"]
