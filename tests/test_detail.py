"""Detail rules PM501–PM512 and the parser's action-item owners they rely on."""

from datetime import date

import pytest

from reviewer.document import parse
from reviewer.rules.detail.process import business_days_between, five_whys_levels


def codes(review, code):
    return [f for f in review.findings if f.code == code]


@pytest.mark.parametrize("item,owner", [
    ("- Should nominate one person to be the driver for incidents", None),  # "driver" is not "dri"
    ("- The owner of the repo should rotate keys", None),  # no separator: not an owner field
    ("- Rotate keys (owner: @ana)", "@ana"),
    ("- Rotate keys, assigned to Li Wei", "Li Wei"),
    ("- Rotate keys @mo", "@mo"),
])
def test_action_item_owner(item, owner):
    doc = parse(f"# X\n\n## Action items\n{item}\n")
    assert doc.action_items[0].owner == owner


def test_business_days():
    monday = date(2026, 3, 2)
    assert business_days_between(monday, date(2026, 3, 6)) == 4  # Tue–Fri
    assert business_days_between(monday, date(2026, 3, 9)) == 5  # the weekend does not count
    assert business_days_between(monday, monday) == 0
    assert business_days_between(date(2026, 3, 9), monday) == 0


def test_late_draft_points_at_the_draft_date(review_text):
    text = "---\ntitle: X\ndate: 2026-03-02\ndrafted: 2026-03-20\n---\n# X\n"
    [finding] = codes(review_text(text, select=["PM511"]), "PM511")
    assert text[finding.start:finding.end].startswith("drafted")
    assert finding.data["business_days"] == 14
    assert review_text(text, select=["PM511"], rules={"PM511": {"max_business_days": 20}}).findings == []


def test_five_whys_levels_from_lists_and_lines():
    listed = parse("# X\n\n## 5 whys\n- Why A? B.\n- Why B? C.\n- Why C? D.\n")
    assert five_whys_levels(listed, listed.sections_of("five_whys")[0]) == 3
    lines = parse("# X\n\n## Five whys\nWhy A? B.\nWhy B? C.\nWhy C? D.\nWhy D? E.\nWhy E? F.\n")
    assert five_whys_levels(lines, lines.sections_of("five_whys")[0]) == 5


def test_thin_section_bar_rises_with_severity(review_text):
    body = "\n## Impact\nCheckout failed for 1,200 customers during the deploy window this morning in Europe.\n"
    low = review_text("---\nseverity: SEV-4\n---\n# X\n" + body, select=["PM501"])
    high = review_text("---\nseverity: SEV-1\n---\n# X\n" + body, select=["PM501"])
    assert codes(low, "PM501") == [] and len(codes(high, "PM501")) == 1


def test_thin_section_counts_all_sections_of_a_kind(review_text):
    text = ("# X\n\n## Root cause\nThe pool size was set to 0 by a config push.\n\n## Contributing factors\n"
            "The deploy tool reads an empty value as zero, and the canary checks only HTTP health, so it passed.\n")
    assert codes(review_text(text, select=["PM501"]), "PM501") == []


def test_incomplete_summary_lists_what_is_missing(review_text):
    review = review_text("# X\n\n## Summary\nA config push broke checkout; customers could not pay.\n",
                         select=["PM502"])
    [finding] = codes(review, "PM502")
    assert finding.data["missing"] == ["how long it lasted"] and finding.severity.value == "suggestion"


@pytest.mark.parametrize("sentence", [
    "Comms went out on the status page at 11:32 UTC.",
    "The issue was fixed by reverting PR #1234.",
    "The incident was resolved in 42 minutes.",
    "We will make sure the issue was fixed before closing.",
])
def test_vague_event_passes_precise_statements(review_text, sentence):
    assert codes(review_text(f"# X\n\n## Response\n{sentence}\n", select=["PM503"]), "PM503") == []


def test_vague_event_ignores_timeline_rows_with_a_time(review_text):
    text = "# X\n\n## Timeline\n- 2026-03-02 10:40: The team confirmed the incident was resolved.\n"
    assert codes(review_text(text, select=["PM503"]), "PM503") == []


@pytest.mark.parametrize("sentence,flagged", [
    ("The outage was caused by a network issue.", True),
    ("The outage was due to a bug.", True),
    ("The outage was caused by a bug in the retry loop that ignored backoff.", False),
    ("No data was lost as a result of the issue.", False),  # "the issue": described elsewhere
])
def test_generic_cause(review_text, sentence, flagged):
    review = review_text(f"# X\n\n## Root cause\n{sentence}\n", select=["PM504"])
    assert bool(codes(review, "PM504")) == flagged


def test_action_item_findings(review_text):
    text = ("# X\n\n## Action items\n- We will investigate the memory spikes\n- [x] Make sure backups run\n"
            "- Add a pool-size alert (owner: @ana)\n")
    review = review_text(text, select=["PM508", "PM509"])
    vague = codes(review, "PM509")
    assert [text[f.start:f.end] for f in vague] == ["investigate"]  # the done item is not judged
    incomplete = codes(review, "PM508")
    assert [f.data["missing"] for f in incomplete] == [["owner", "ticket", "due date"], ["ticket", "due date"]]
    assert [f.severity.value for f in incomplete] == ["warning", "suggestion"]


def test_action_items_in_prose_reported_done_are_not_missing(review_text):
    text = "# X\n\n- **Review actions**: We have switched to a scoped token for the registry. (Done)\n"
    assert codes(review_text(text, select=["PM507"]), "PM507") == []


def test_owner_on_an_action_item_is_not_the_document_owner(review_text):
    text = "# X\n\n## Summary\nText.\n\n## Action items\n- Add an alert (owner: @ana)\n"
    assert len(codes(review_text(text, select=["PM512"]), "PM512")) == 1
    text = "# X\n\nCreated by: Ana Lima\n\n## Summary\nText.\n"
    assert codes(review_text(text, select=["PM512"]), "PM512") == []


def test_evidence_needs_a_link_to_evidence(review_text):
    context_only = "# X\n\nSee the [design notes](https://github.com/acme/design-notes) for background.\n"
    assert len(codes(review_text(context_only, select=["PM505"]), "PM505")) == 1
    ticket_key = "# X\n\n## Action items\n- Add an alert (OPS-12)\n"
    assert codes(review_text(ticket_key, select=["PM505"]), "PM505") == []


def test_table_action_item_with_empty_cells_spans_its_row():
    text = ("# X\n\n## Action items\n\n| Action | Owner | Ticket | Due |\n|---|---|---|---|\n"
            "| Be more careful with weights | | | |\n| Look into a canary tool | | TB-2411 | |\n")
    items = parse(text).action_items
    assert [i.span.start < i.span.end for i in items] == [True, True]
    assert "Be more careful" in text[items[0].span.start:items[0].span.end]
    assert items[1].ticket == "TB-2411"


@pytest.mark.parametrize("reference", ["infra#5124", "acme/api#12", "#88", "OPS-7"])
def test_action_item_ticket_references(reference):
    doc = parse(f"# X\n\n## Action items\n- Move etcd to dedicated disks (@ivan, {reference}, due 2026-01-01)\n")
    assert doc.action_items[0].ticket == reference


def test_missing_duration_is_a_suggestion_when_the_timeline_gives_it(review_text):
    text = ("# Outage\n\n## Impact\nCheckout failed for 1,200 customers.\n\n## Timeline\n"
            "- 10:02 UTC checkout errors start\n- 10:08 UTC alert fires and pages the on-call\n"
            "- 11:15 UTC rollback complete, incident resolved\n")
    [finding] = codes(review_text(text, select=["PM402"]), "PM402")
    assert finding.severity.value == "suggestion" and "1 h 13 min" in finding.message


_PIECES = ["# T\n", "## Summary\n", "## Impact\n", "## Timeline\n", "## Action items\n", "## 5 whys\n",
           "---\nseverity: SEV-1\ndrafted: 2026-13-45\n---\n", "| a | b |\n|---|---|\n| | |\n", "- 10:02 x\n",
           "- [ ] Investigate\n", "lasted for 0 minutes", "between 25:99 and 1:00", "$", "%", "1,2,3 users",
           "many users", "caused by a bug", "comms went out", "![](x.png)", "[l](http://", "\u200b", "\n\n"]


def test_metrics_and_detail_rules_never_fail(review_text):
    """Arbitrary Markdown-ish input: the rules report or stay silent, never raise (PM002)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=30)), max_size=12))
    def check(pieces):
        review = review_text("".join(pieces), select=["PM4", "PM5"])
        assert review.error is None
        assert not [f for f in review.findings if f.code == "PM002"], [f.message for f in review.findings]

    check()


def test_vague_notification(review_text):
    flagged = review_text("# X\n\n## Response\nCustomers were notified.\n", select=["PM503"])
    assert [f.code for f in flagged.findings] == ["PM503"]
    precise = review_text("# X\n\n## Response\nCustomers were notified by e-mail at 12:30 UTC.\n", select=["PM503"])
    assert precise.findings == []


def test_thin_section_minimums_are_configurable(review_text):
    text = "# X\n\n## Summary\nA config push at 10:02 UTC set the payments pool size to zero, so checkout failed for 1,200 customers for 42 minutes until the rollback.\n"
    assert codes(review_text(text, select=["PM501"]), "PM501") == []
    strict = review_text(text, select=["PM501"], rules={"PM501": {"min_words": {"summary": 40}}})
    [finding] = codes(strict, "PM501")
    assert finding.data["needed"] == 40
