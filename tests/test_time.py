"""The time dimension: vague times, zones, timeline order, durations (reviewer.nlp.times, .durations)."""

import pytest

from reviewer.document import parse
from reviewer.nlp.durations import derive_durations
from reviewer.nlp.times import detect_zone, resolve_rows, timeline_format, vague_times

TIMELINE = "\n\n## Timeline (UTC)\n- 10:02 Alert fired.\n- 10:14 Rolled back.\n"


def _vague(analyzer, sentence: str) -> list[str]:
    doc = parse("# Outage\n\n" + sentence + TIMELINE)
    return [v.text for v in vague_times(doc, analyzer.analyze(doc))]


@pytest.mark.parametrize("sentence,expected", [
    ("Around 11 the API started returning errors.", "Around 11"),
    ("We noticed it about noon.", "about noon"),
    ("Errors began at ~3pm.", "~3pm"),
    ("The deploy went out in the afternoon.", "in the afternoon"),
    ("That morning the queue filled up.", "That morning"),
    ("The pods were restarted later that day.", "later that day"),
    ("Shortly after, the database failed over.", "Shortly after"),
    ("A few minutes later the alert cleared.", "A few minutes later"),
    ("Yesterday the certificate expired.", "Yesterday"),
    ("The cache was flushed at 11 by the on-call.", "at 11"),
    ("At some point the disk filled up.", "At some point"),
    ("The stale pods were later deleted by hand.", "later"),
    ("The token was immediately revoked.", "immediately"),
    ("Traffic recovered on a Sunday evening.", "on a Sunday evening"),
    ("The page fired at 2X:XX (not sure exact time).", "2X:XX (not sure exact time)"),
    ("A few minutes later the alert cleared.", "A few minutes later"),
    ("By mid-afternoon the queue had drained.", "By mid-afternoon"),
    ("At around the same time the cache emptied.", "At around the same time"),
    ("Earlier today the cache was flushed.", "Earlier today"),
])
def test_vague_times_are_found_with_their_exact_words(analyzer, sentence, expected):
    assert expected in _vague(analyzer, sentence)


@pytest.mark.parametrize("sentence", [
    "At 11:14 UTC the API started returning errors.",
    "The API returned errors for 42 minutes.",
    "Two hours of retries followed the outage.",
    "The incident took a few hours to resolve.",
    "The queue peaked at ~11:20 UTC.",  # hedged clock time: precise enough
    "The outage started on March 5, 2024.",  # a date alone is not a vague time
    "We will look at the alert thresholds later.",  # future, not an incident event
    "Alerts should fire immediately when the queue grows.",
    "Later versions of the driver fix the leak.",
    "The job retried 11 times at 3 nodes.",
    "The peak was 235 users at 18:00 UTC yesterday.",  # a relative day anchored to a clock time
    'The on-call wrote "around 11 it got slow" in the channel.',  # quoted speech
    "Ten minutes later the alert cleared.",  # an offset from the event before: precise enough
    "The node count went to 4 from 3 as intended.",
    "Depots ran on yesterday's routes.",  # which plan, not when
    "Replicas were increased by 2.",
    "Retries fired at 5, 10 and 15 minutes.",
    "Traffic peaked at 14× normal, about 3× a busy day.",
    "The evening peak traffic tipped it over.",  # a kind of traffic, not a time
    "Failures went to a mailbox nobody watches at night.",  # a habit, not an incident event
])
def test_precise_times_durations_and_non_events_are_not_vague(analyzer, sentence):
    assert _vague(analyzer, sentence) == []


def test_vague_times_in_quotes_code_and_action_items_are_left_alone(analyzer):
    text = ("# Outage\n\n> Around 11 it got slow.\n\n`later that day`\n\n## Action items\n"
            "- [ ] Review alerts in the afternoon standup (@kim, OPS-1)\n" + TIMELINE)
    doc = parse(text)
    assert vague_times(doc, analyzer.analyze(doc)) == []


def test_vague_time_in_the_time_position_of_a_timeline_row():
    text = ("# X\n\n## Timeline (UTC)\n| Time | Event |\n|---|---|\n| 10:02 | Alert fired |\n"
            "| Afternoon | Deploy rolled back |\n\n- 10:40 Paged the DBA.\n- Later: on-call restarted the proxy.\n")
    found = vague_times(parse(text))
    assert [(v.text, v.in_timeline) for v in found] == [("Afternoon", True), ("Later", True)]


def test_vague_time_spans_are_offsets_into_the_original_text(analyzer):
    text = "# Outage\n\nThe **on-call** restarted the proxy later that afternoon." + TIMELINE
    doc = parse(text)
    [found] = vague_times(doc, analyzer.analyze(doc))
    assert text[found.span.start : found.span.end] == "later that afternoon"


def test_vague_time_finding_suggests_the_documents_own_format(review_text):
    text = "# Outage\n\nAround 11 the queue filled.\n\n## Timeline\n- 14:02 UTC Alert fired.\n- 14:20 UTC Rolled back.\n"
    review = review_text(text, select=["PM301"])
    [finding] = review.findings
    assert text[finding.start : finding.end] == "Around 11"
    assert finding.data["suggested_format"] == "HH:MM UTC"
    assert "14:02 UTC" in finding.message


def test_vague_time_kinds_can_be_ignored_by_config(review_text):
    text = "# Outage\n\nThe cache was flushed at 11 by the on-call, later that day.\n" + TIMELINE
    everything = review_text(text, select=["PM301"])
    relaxed = review_text(text, select=["PM301"], rules={"PM301": {"ignore_kinds": ["hour-only"]}})
    assert sorted(f.data["kind"] for f in everything.findings) == ["hour-only", "relative"]
    assert [f.data["kind"] for f in relaxed.findings] == ["relative"]


def test_timeline_format_follows_twelve_hour_rows():
    doc = parse("# Outage\n\n## Timeline\n- 4:19 pm PST Alert fired.\n- 4:40 pm PST Rolled back.\n")
    fmt = timeline_format(doc)
    assert fmt.twelve_hour and fmt.pattern == "h:MM AM PST" and fmt.example == "4:19 pm PST"


@pytest.mark.parametrize("text,zone,declared", [
    ("# X\n\n## Timeline\nAll times in PST.\n\n- 10:02 Alert.\n- 10:14 Fix.\n", "PST", "statement"),
    ("# X\n\n## Timeline (UTC)\n- 10:02 Alert.\n- 10:14 Fix.\n", "UTC", "heading"),
    ("# X\n\n## Timeline\n| Time (CET) | Event |\n|---|---|\n| 10:02 | Alert |\n", "CET", "column"),
    ("---\ntimezone: Europe/Berlin\n---\n# X\n\n## Timeline\n- 10:02 Alert.\n", "Europe/Berlin", "front matter"),
    ("# X\n\n## Timeline\nAll times are America/Los_Angeles.\n\n- 10:02 Alert.\n", "America/Los_Angeles", "statement"),
    ("# X\n\n## Timeline\n- 10:02 EDT Alert.\n- 10:14 EDT Fix.\n", "EDT", "times"),
    ("# X\n\n(all times in Pacific Time)\n\n## Timeline\n- 10:02 Alert.\n", "PT", "statement"),
    ("# X\n\n## Timeline\n- 10:02 Alert.\n- 10:14 Fix.\n", None, None),
])
def test_detect_zone(text, zone, declared):
    info = detect_zone(parse(text))
    assert (info.zone, info.declared) == (zone, declared)


def test_iso_times_and_lower_case_words_are_read_right():
    assert detect_zone(parse("# X\n\nDeployed at 2024-05-01T10:02:00Z.\n\n## Timeline\n- 10:02 a\n")).zone == "UTC"
    assert detect_zone(parse("# X\n\n## Timeline (Smith et al.)\n- 10:02 a\n- 10:05 b\n")).zone is None


def test_a_range_is_not_a_zone_offset():
    info = detect_zone(parse("# X\n\n## Timeline\n### 22:04-23:00 UTC: Network split\n- 22:05 Reports.\n"))
    assert info.zone == "UTC"


def test_mixed_zones_unless_converted():
    base = "# X\n\n## Timeline (UTC)\n- 10:02 Alert.\n- 10:14 Fix.\n\n## Resolution\n"
    assert [z for z, _ in detect_zone(parse(base + "Fixed at 3:40 PDT.\n")).mixed] == ["PDT"]
    assert detect_zone(parse(base + "Fixed at 3:40 PDT (10:40 UTC).\n")).mixed == []
    assert detect_zone(parse(base + "Fixed at 10:40 GMT.\n")).mixed == []


def _order(rows_text: str):
    rows = resolve_rows(parse("# X\n\n## Timeline (UTC)\n" + rows_text))
    return [r.entry.time_text for r in rows if r.out_of_order], rows


def test_out_of_order_row_is_found():
    flagged, _ = _order("- 10:02 A.\n- 10:20 B.\n- 10:14 C.\n- 10:30 D.\n")
    assert flagged == ["10:14"]


def test_midnight_roll_over_is_not_out_of_order():
    flagged, rows = _order("- 23:40 A.\n- 23:52 B.\n- 00:14 C.\n- 00:31 D.\n")
    assert flagged == []
    assert rows[2].rolled_over and (rows[3].at - rows[0].at).total_seconds() == 51 * 60


def test_rows_after_a_dated_lead_up_row_are_the_next_day():
    flagged, rows = _order("- 2021-01-10 19:00 Launch announced on TV.\n- 09:00 Journey opened.\n- 09:03 Alert.\n"
                           "- 08:58 Paged.\n")
    assert flagged == ["08:58"]
    assert rows[1].rolled_over and rows[2].at.day == 11


def test_a_mistyped_date_is_out_of_order_and_the_rows_after_it_are_not():
    flagged, _ = _order("- 2023-01-11 14:34 A.\n- 2022-01-11 14:40 B.\n- 2023-01-11 14:51 C.\n")
    assert flagged == ["2022-01-11 14:40"]


def test_date_sub_headings_carry_the_day():
    text = "# X\n\n## Timeline (UTC)\n### 2024-03-01\n- 22:50 A.\n### 2024-03-02\n- 09:15 B.\n- 08:00 C.\n"
    rows = resolve_rows(parse(text))
    assert [r.out_of_order for r in rows if r.entry.clock] == [False, False, True]


def test_twelve_hour_wrap_is_not_out_of_order():
    flagged, rows = _order("- 10:40 AM A.\n- 11:50 B.\n- 1:03 C.\n")
    assert flagged == [] and rows[2].wrapped_12h and rows[2].at.hour == 13


def test_a_second_list_of_rows_is_checked_on_its_own():
    text = ("# X\n\n- **Key events**\n  - Detected 2024-01-11 14:22\n  - Resolved 2024-01-11 15:51\n\n"
            "Details follow.\n\n- 2024-01-11 14:34 A.\n- 2024-01-11 14:40 B.\n")
    assert [r for r in resolve_rows(parse(text)) if r.out_of_order] == []


DURATIONS_DOC = """---
severity: SEV-2
---
# Checkout outage

## Timeline (UTC)
- 2024-05-14 09:58 Release 4.2 deployed; checkout errors start.
- 10:05 PagerDuty alert fired for checkout errors.
- 10:07 Incident declared in #inc-42.
- 10:30 Rolled back release 4.2; errors stop.
- 11:20 Status page updated for customers.
- 11:45 Incident resolved.
"""


def test_derived_durations_from_the_timeline(analyzer):
    doc = parse(DURATIONS_DOC)
    d = derive_durations(doc, analyzer.analyze(doc))
    assert d.impact_start.at.strftime("%H:%M") == "09:58" and d.impact_start.source == "timeline"
    assert (d.time_to_detect, d.time_to_mitigate, d.time_to_resolve) == (7.0, 32.0, 107.0)
    assert d.impact_duration == 32.0 and d.time_to_customer_comms == 82.0
    assert d.first_internal_comm.at.strftime("%H:%M") == "10:07"
    assert DURATIONS_DOC[d.detected.start : d.detected.end].startswith("- 10:05") or \
        DURATIONS_DOC[d.detected.start : d.detected.end].startswith("10:05")


def test_metadata_times_win_over_rows():
    text = "---\nstarted: 2024-05-14 09:40\nresolved: 2024-05-14 12:00\n---\n" + DURATIONS_DOC.split("---\n", 2)[2]
    d = derive_durations(parse(text))
    assert d.impact_start.source == "metadata" and d.resolved.source == "metadata"
    assert d.time_to_resolve == 140.0 and d.time_to_detect == 25.0


def test_durations_and_zone_are_facts_of_every_review(review_text):
    review = review_text(DURATIONS_DOC, select=["PM3"])
    assert review.facts["durations"]["time_to_detect"] == 7.0
    assert review.facts["durations"]["detected"]["source"] == "timeline"
    assert review.facts["time_zone"]["zone"] == "UTC" and review.facts["time_zone"]["consistent"]


def test_slow_customer_notification_and_its_option(review_text):
    assert [f.code for f in review_text(DURATIONS_DOC, select=["PM308"]).findings] == ["PM308"]
    relaxed = review_text(DURATIONS_DOC, select=["PM308"], rules={"PM308": {"max_minutes": 120}})
    assert relaxed.findings == []


def test_key_events_full_bar_asks_for_more(review_text):
    rows = "## Timeline (UTC)\n- 10:00 Release 4.2 deployed.\n- 10:05 Alert fired.\n- 10:30 Rolled back.\n" \
           "- 10:45 Incident resolved.\n"
    light = review_text("---\nseverity: SEV-4\n---\n# X\n\n" + rows, select=["PM307"])
    full = review_text("---\nseverity: SEV-1\n---\n# X\n\n" + rows, select=["PM307"])
    assert light.findings == []
    assert {f.data["event"] for f in full.findings} == {"internal_comm", "customer_comm", "status_page"}


def test_stated_incident_times_out_of_order(review_text):
    text = "---\nstarted: 2024-05-14 10:40\ndetected: 2024-05-14 10:02\n---\n# X\n" + TIMELINE
    stages = [f.data["stage"] for f in review_text(text, select=["PM306"]).findings]
    assert "detected" in stages and "impact_start" not in stages


def test_time_rules_never_crash_on_odd_documents(review_text):
    for text in ["", "## Timeline\n", "## Timeline\n- 99:99 ???\n- 25:61\n", "# X\n\n## Timeline\n| Time |\n|---|\n| |\n",
                 "---\nstarted: [1\n---\n# X\n", "## Timeline\n- 10:02 PM PDT-07:00 x\n- 2024-02-30 10:00 y\n"]:
        review = review_text(text, select=["PM3"])
        assert review.error is None
        assert not [f for f in review.findings if f.code == "PM002"], text


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PIECES = st.sampled_from([
    "# X\n", "## Timeline\n", "## Timeline (UTC)\n", "- 10:02 Alert fired.\n", "- 23:59 PDT x\n", "- 00:01 y\n",
    "- 2024-02-29 ", "- 1:03 ", "| Time | Event |\n|---|---|\n", "| 10:02 | z |\n", "| Afternoon | w |\n",
    "around 11 ", "later that day ", "at 11 ", "~3pm ", "2X:XX ", "All times CET. ", "> quoted around 11\n",
    "---\nstarted: 2024-01-01 10:00\n---\n", "```\n10:00 code\n```\n", "\n", " ", "??:?? ", "UTC+25 ", "12:00 am ",
])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=14), st.text(max_size=40))
def test_time_helpers_never_raise_and_spans_stay_in_the_text(pieces, noise):
    text = "".join(pieces) + noise
    doc = parse(text)
    for found in vague_times(doc):
        assert 0 <= found.span.start <= found.span.end <= len(text)
    info = detect_zone(doc)
    assert all(0 <= span.start <= span.end <= len(text) for _, span in info.mixed)
    resolve_rows(doc)
    timeline_format(doc, info.zone)
    derive_durations(doc).model_dump(mode="json")
