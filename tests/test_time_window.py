"""The stated impact window (reviewer.nlp.impact_window) and how the key times and the stated
impact duration use it. Every example is written here, in many voices, for each kind of phrase."""

from datetime import datetime

import pytest

from reviewer.document import parse
from reviewer.nlp.durations import derive_durations
from reviewer.nlp.impact_window import stated_window
from reviewer.nlp.metrics import extract_metrics


def _window(text):
    w = stated_window(parse(text))
    assert w is not None, text
    return w


def _hm(at):
    return at.strftime("%H:%M")


# 1. "between X and Y" on a 12-hour clock, the zone on either end.
BETWEEN_12H = [
    ("Between 10:26 AM and 02:40 PM PST, customers saw delayed metrics.", "10:26", "14:40", "PST"),
    ("Between 9:05 PM and 11:50 PM PDT, some API requests returned errors.", "21:05", "23:50", "PDT"),
    ("Between 11:45 and 2:30 PM EDT users could not upload files.", "11:45", "14:30", "EDT"),
    ("Between 1:46 - 5:30pm, logins failed for a subset of tenants.", "13:46", "17:30", None),
    ("Between approximately 7:10 AM and 8:02 AM CET, card payments were declined.", "07:10", "08:02", "CET"),
    ("We saw elevated error rates between 3:15 p.m. and 4:40 p.m. EST.", "15:15", "16:40", "EST"),
    ("Between 12:05 AM and 1:30 AM UTC the dashboard was unavailable.", "00:05", "01:30", "UTC"),
    ("Between 10:50 a.m. and 12:20 p.m. PT, webhooks were delayed.", "10:50", "12:20", "PT"),
    ("Customers in two regions experienced timeouts between 6:00 AM and 6:45 AM MST.", "06:00", "06:45", "MST"),
    ("Between 8:30 and 9:15 AM IST, some mobile users could not sign in.", "08:30", "09:15", "IST"),
]


@pytest.mark.parametrize("text,start,end,zone", BETWEEN_12H)
def test_between_on_a_12_hour_clock(text, start, end, zone):
    w = _window("# Incident\n\n## Summary\n" + text + "\n")
    assert (_hm(w.start), _hm(w.end)) == (start, end)
    assert w.zone == zone


# 2. 24-hour clock with the date written once, after the window or before it.
WITH_DATE = [
    ("Between 19:07 UTC and 22:20 UTC on 19 Oct 2020, a subset of customers hit errors.", "2020-10-19 19:07", "2020-10-19 22:20"),
    ("Between 09:24 and 11:15 UTC on 01 Jul 2020, storage requests failed intermittently.", "2020-07-01 09:24", "2020-07-01 11:15"),
    ("On 3 March 2023, between 14:00 and 15:10 UTC, the checkout API was degraded.", "2023-03-03 14:00", "2023-03-03 15:10"),
    ("From 06:12 to 07:40 UTC on 2022-11-08 the search index returned stale results for users.", "2022-11-08 06:12", "2022-11-08 07:40"),
    ("Between 13:30 and 14:05 CEST on June 14, 2021, video calls dropped.", "2021-06-14 13:30", "2021-06-14 14:05"),
    ("Impact window: between 02:10 and 04:55 UTC on Tuesday, 9 May 2023, builds were queued for hours.", "2023-05-09 02:10", "2023-05-09 04:55"),
    ("Summary of impact: from 17:45 until 18:20 UTC on 5 Feb 2024, customers could not create VMs.", "2024-02-05 17:45", "2024-02-05 18:20"),
    ("Between 10:00 UTC and 10:47 UTC on Aug 30, 2021, payouts were delayed.", "2021-08-30 10:00", "2021-08-30 10:47"),
    ("On 2020-12-14 between 11:47 and 12:32 UTC many sign-ins failed.", "2020-12-14 11:47", "2020-12-14 12:32"),
    ("Between 21:00 and 21:40 GMT on the 12th of January 2022 email delivery was delayed.", "2022-01-12 21:00", "2022-01-12 21:40"),
]


@pytest.mark.parametrize("text,start,end", WITH_DATE)
def test_window_with_a_date(text, start, end):
    w = _window("# Incident\n\n" + text + "\n")
    assert w.start == datetime.fromisoformat(start) and w.end == datetime.fromisoformat(end)
    assert w.start_date_known and w.end_date_known


# 3. Across midnight: a date on each end, or none (the end is the next day).
ACROSS_MIDNIGHT = [
    ("From 23:50 UTC on 14 Jan 2021 to 01:10 UTC on 15 Jan 2021 the API returned errors.", 80),
    ("Between 22:00 UTC on 2 April 2022 and 03:30 UTC on 3 April 2022, some customers lost connectivity.", 330),
    ("Between 23:15 and 00:40 UTC, queries to the EU cluster failed.", 85),
    ("From 11:30 PM to 12:45 AM ET, players were disconnected.", 75),
    ("Between 20:05 PDT on 6 Sep 2021 and 02:05 PDT on 7 Sep 2021, uploads stalled.", 360),
    ("Between 23:59 and 00:09 UTC, scheduled jobs failed to start.", 10),
    ("Between 10:45 PM and 1:15 AM CST, customers experienced slow page loads.", 150),
    ("From 21:30 on 30 Dec 2022 until 06:00 on 31 Dec 2022 (UTC), users were unable to log in.", 510),
    ("Between 22:40 and 01:05 JST the payment gateway timed out.", 145),
    ("Between 23:00 UTC on Nov 3, 2023 and 00:20 UTC on Nov 4, 2023 the CDN served errors.", 80),
]


@pytest.mark.parametrize("text,minutes", ACROSS_MIDNIGHT)
def test_window_across_midnight(text, minutes):
    assert _window("# Incident\n\n## Impact\n" + text + "\n").minutes == minutes


# 4. A bare range where the text is about impact.
BARE_RANGES = [
    ("The portal was unavailable 01:10–01:58 UTC.", "01:10", "01:58"),
    ("Checkout errors 10:00-11:00 UTC affected most shoppers.", "10:00", "11:00"),
    ("Users were unable to log in from 14:02 to 14:37.", "14:02", "14:37"),
    ("Impact: 08:15 - 09:05 CET, elevated latency on all reads.", "08:15", "09:05"),
    ("API requests failed intermittently (16:20–16:55 UTC).", "16:20", "16:55"),
    ("Customers saw 502 errors 3:10 PM to 3:48 PM PST.", "15:10", "15:48"),
    ("Deliveries were delayed 06:00 until 07:30 UTC.", "06:00", "07:30"),
    ("Search was degraded 12:40–13:15 for EU customers.", "12:40", "13:15"),
    ("Outage: 19:00 to 19:42 UTC, no requests served.", "19:00", "19:42"),
    ("Mobile push notifications were lost 02:20-02:50 UTC.", "02:20", "02:50"),
]


@pytest.mark.parametrize("text,start,end", BARE_RANGES)
def test_bare_range_about_impact(text, start, end):
    w = _window("# Incident\n\n## Impact\n" + text + "\n")
    assert (_hm(w.start), _hm(w.end)) == (start, end)


# 5. "started at X … mitigated/resolved/until Y".
START_AND_END = [
    ("Impact started at 10:16 and was mitigated at approximately 11:35.", "10:16", "11:35"),
    ("Errors began at 3:02 PM PDT; full recovery completed by 4:10 PM PDT.", "15:02", "16:10"),
    ("The incident started at 07:40 UTC and ended at 08:05 UTC.", "07:40", "08:05"),
    ("Failures were first observed at 12:01, and service was restored at 12:44.", "12:01", "12:44"),
    ("Latency started rising at 18:20 UTC and returned to normal at 19:00 UTC.", "18:20", "19:00"),
    ("Starting at 05:30 UTC customers could not reach the API until 06:15 UTC.", "05:30", "06:15"),
    ("Replication lag began at 2:15 AM and had subsided by 3:40 AM for all tenants.", "02:15", "03:40"),
    ("The outage commenced at 13:13 and was resolved at 14:02 after the rollback.", "13:13", "14:02"),
    ("Timeouts started around 09:50 and stopped at 10:20 once traffic was shifted.", "09:50", "10:20"),
    ("Beginning at 16:00 CET, uploads failed until 16:35 CET.", "16:00", "16:35"),
]


@pytest.mark.parametrize("text,start,end", START_AND_END)
def test_start_and_end_in_one_sentence(text, start, end):
    w = _window("# Incident\n\n" + text + "\n")
    assert (_hm(w.start), _hm(w.end)) == (start, end)


# Not a window: plans, timeline steps that report no impact, numbers with units.
NOT_WINDOWS = [
    "# X\n\nThe nightly job will run between 02:00 and 03:00 UTC.\n",
    "# X\n\n## Timeline\n- 10:02 from 10:02 to 10:40 the job retried\n",
    "# X\n\nResponse times were between 2.50 and 3.10 seconds.\n",
    "# X\n\n## Action items\n- Between 10:00 and 11:00 UTC errors must page the on-call.\n",
    "# X\n\nMaintenance is scheduled between 01:00 and 02:00 UTC every Sunday.\n",
    "# X\n\n> Between 10:00 and 11:00 UTC we saw errors (a customer's message).\n",
    "# X\n\nThe team met from 09:00 to 09:30 to review the design.\n",
    "# X\n\nBackups run daily from 01:00 to 01:45 UTC.\n",
    "# X\n\n## Timeline\n- 14:10 rollout of 10:00 to 10:30 batch started\n",
    "# X\n\nWe will observe the service from 10:00 to 12:00 tomorrow for errors.\n",
]


@pytest.mark.parametrize("text", NOT_WINDOWS)
def test_not_an_impact_window(text):
    assert stated_window(parse(text)) is None


STATUS_LOG = """# Queue service: service event

## Timeline

- 9:40 AM PDT We are investigating increased message delivery delays in one region.
- 10:25 AM PDT We have identified the cause and are applying a fix. Delays are decreasing.
- 11:05 AM PDT Between 9:12 AM and 10:58 AM PDT, customers experienced delayed message delivery. The issue has been resolved and the service is operating normally.
"""


def test_a_row_that_summarises_the_window_reports_the_window():
    d = derive_durations(parse(STATUS_LOG))
    assert d.impact_start.source == "statement" and _hm(d.impact_start.at) == "09:12"
    assert _hm(d.mitigated.at) == "10:58"  # the end of impact, not 11:05 when the row was written
    assert d.impact_duration == 106
    assert extract_metrics(parse(STATUS_LOG)).impact_minutes == 106


def test_a_labelled_duration_wins_over_the_window():
    text = "# X\n\n## Summary\nDuration: 45 minutes.\n\nBetween 10:00 and 10:50 UTC customers saw errors.\n"
    assert extract_metrics(parse(text)).impact_minutes == 45


def test_the_summary_window_wins_over_a_phase_in_the_body():
    text = ("# X\n\n## Summary\nBetween 10:00 and 12:00 UTC customers saw errors.\n\n## Details\n"
            "Between 10:30 and 10:40 UTC the error rate peaked for customers.\n")
    w = _window(text)
    assert (_hm(w.start), _hm(w.end)) == ("10:00", "12:00")


def test_stated_window_agrees_with_itself_in_pm407_and_pm306():
    from reviewer.review import Reviewer

    review = Reviewer().review(STATUS_LOG)
    assert not [f for f in review.findings if f.code in ("PM306", "PM407")]


def test_a_real_disagreement_is_reported():
    from reviewer.review import Reviewer

    text = ("# X\n\n## Summary\nBetween 10:00 and 12:00 UTC customers saw errors. The outage lasted 20 minutes.\n\n"
            "## Timeline (UTC)\n- 10:00 errors start\n- 10:05 alert fired\n- 12:00 resolved\n")
    codes = [f.code for f in Reviewer().review(text).findings]
    assert "PM407" in codes


# 6. A start stated alone, ended by a later sentence of the same paragraph.
START_THEN_RECOVERY = [
    ("Beginning at 8:36 PM PDT some servers in one zone shut down. Power was restored at 11:21 PM PDT. "
     "By 2:30 AM PDT the vast majority of instances had recovered.", "20:36", "02:30"),
    ("Starting at 04:11 UTC customers could not attach volumes. The fix was deployed and volumes recovered at 06:40 UTC.",
     "04:11", "06:40"),
    ("Starting 3:18 PM PDT, we saw elevated error rates. Error rates returned to normal by 5:48 PM PDT.", "15:18", "17:48"),
    ("Beginning at 09:02 CET, logins failed for some users. At 09:40 CET the login service was healthy again and "
     "all sessions were restored.", "09:02", "09:40"),
    ("Starting at 1:15 AM EST, message delivery was delayed. The backlog was cleared and delivery was normal by 2:05 AM EST.",
     "01:15", "02:05"),
    ("Since 13:00 UTC, builds were failing for customers on the new runner. Builds had fully recovered by 14:20 UTC.",
     "13:00", "14:20"),
    ("Beginning at 22:10 UTC, DNS resolution failed intermittently. By 23:05 UTC the resolvers had recovered.",
     "22:10", "23:05"),
    ("Starting at 6:30 AM PT, uploads stalled for some customers. We rolled back and uploads recovered at 7:12 AM PT.",
     "06:30", "07:12"),
    ("Beginning at 10:45 JST, the payment API returned errors. The errors stopped at 11:30 JST after the failover.",
     "10:45", "11:30"),
    ("Starting at 17:20 UTC, dashboards were slow to load for users. Latency was back to normal by 17:55 UTC.",
     "17:20", "17:55"),
]


@pytest.mark.parametrize("text,start,end", START_THEN_RECOVERY)
def test_start_then_recovery_later_in_the_paragraph(text, start, end):
    w = _window("# Incident\n\n" + text + "\n")
    assert (_hm(w.start), _hm(w.end)) == (start, end)


def test_a_recovery_not_yet_reached_does_not_end_the_window():
    text = ("# X\n\nStarting at 10:00 UTC customers saw errors. We expect full recovery by 12:00 UTC. "
            "We will continue to work towards resolution until 13:00 UTC.\n")
    assert _window(text).end is None


# Work towards an outcome is not the outcome: these rows neither mitigate nor resolve.
NOT_YET_OUTCOMES = [
    "We have identified the cause and continue to work towards resolution.",
    "We will continue to monitor until fully recovered.",
    "We expect to restore service by the end of the hour.",
    "The team is working on a resolution.",
    "We are starting to see signs of recovery in some zones.",
    "Engineers are working to mitigate the impact.",
    "Progress towards recovery continues; no ETA yet.",
    "We are beginning to recover affected instances.",
    "The estimated time to resolution is two hours.",
    "Once the cache is rebuilt we expect the errors to be resolved.",
]


@pytest.mark.parametrize("event", NOT_YET_OUTCOMES)
def test_work_towards_an_outcome_is_not_the_outcome(event):
    from reviewer.nlp.durations import classify_row

    doc = parse(f"# X\n\n## Timeline (UTC)\n- 10:00 checkout errors start\n- 10:30 {event}\n")
    assert not classify_row(doc, 1) & {"mitigation", "resolution"}


def test_an_outcome_reached_is_the_outcome():
    from reviewer.nlp.durations import classify_row

    doc = parse("# X\n\n## Timeline (UTC)\n- 10:00 errors start\n- 10:30 The issue has been resolved and the service is "
                "operating normally.\n")
    assert "resolution" in classify_row(doc, 1)


# 7. What writers add around the clocks: hedges, a zone in parentheses, a partial recovery first.
DECORATED = [
    ("Between as early as 22:24 UTC on 29 Jun 2021 and 14:30 UTC on 30 Jun 2021, some customers saw errors.", "22:24", "14:30"),
    ("Between 21:03 CST (UTC+8) on 05 Mar 2020 and 16:03 CST on 06 Mar 2020, sign-ins failed for customers.", "21:03", "16:03"),
    ("Starting at 12:30 CST (China Standard Time) on 22 October 2024, users saw packet loss. It was mitigated at 16:50 CST.",
     "12:30", "16:50"),
    ("Connections began failing from 03:47 UTC, partial recovery began at 06:12 UTC, with full mitigation at 13:30 UTC.",
     "03:47", "13:30"),
    ("Between 10:05 (local time) and 10:48 (local time) customers could not check out.", "10:05", "10:48"),
    ("Between no earlier than 07:00 and 07:45 UTC, payment requests failed.", "07:00", "07:45"),
    ("From roughly 18:10 to about 18:55 UTC the mobile app showed errors to users.", "18:10", "18:55"),
    ("Errors started at 09:00 UTC; some services began to recover at 09:20 UTC, with full recovery at 10:05 UTC.",
     "09:00", "10:05"),
    ("Between ~14:00 and ~14:30 PDT uploads were failing for customers.", "14:00", "14:30"),
    ("Between 02:00 UTC (03:00 CET) and 03:15 UTC (04:15 CET), customers saw timeouts.", "02:00", "03:15"),
]


@pytest.mark.parametrize("text,start,end", DECORATED)
def test_decorated_windows(text, start, end):
    w = _window("# Incident\n\n" + text + "\n")
    assert (_hm(w.start), _hm(w.end)) == (start, end)


def test_a_start_ends_in_the_next_paragraph():
    text = ("# X\n\nStarting at 12:30 UTC on 3 May 2024, we saw a surge of traffic from one network. It caused packet "
            "loss for customers.\n\nAt 14:10 UTC traffic was back to normal and all services were mitigated.\n")
    w = _window(text)
    assert (_hm(w.start), _hm(w.end)) == ("12:30", "14:10") and w.minutes == 100


def test_a_labelled_summary_outranks_a_later_phase_in_the_same_section():
    text = ("# X\n\n## Summary\n\n**Summary of impact:** Between 01:00 and 02:25 UTC users could not sign in.\n\n"
            "Some mobile users could not sign in between 00:11 and 02:25 UTC.\n")
    w = _window(text)
    assert (_hm(w.start), _hm(w.end)) == ("01:00", "02:25")


def test_in_prose_the_first_window_wins_in_a_status_log_the_last_update():
    prose = ("# X\n\n## Impact\n\nBetween 1:10pm - 3:40pm uploads failed for users.\n\n"
             "Between 2:05pm (first report) - 3:40pm the support queue filled with user errors.\n")
    w = _window(prose)
    assert (_hm(w.start), _hm(w.end)) == ("13:10", "15:40")
    log = ("# X\n\n## Timeline\n\n- 1:30 PM PST Between 12:50 PM and 1:25 PM PST some users saw errors. We are investigating.\n"
           "- 2:10 PM PST Between 12:50 PM and 2:02 PM PST users saw errors. The issue has been resolved.\n")
    w = _window(log)
    assert (_hm(w.start), _hm(w.end)) == ("12:50", "14:02")


def test_pm306_reports_a_stated_window_that_ends_after_the_stated_resolution():
    from reviewer.review import Reviewer

    text = ("---\nresolved: 2024-05-14 10:30\n---\n# X\n\n## Summary\nBetween 10:00 and 11:00 UTC on 14 May 2024 "
            "customers saw errors.\n\n## Timeline (UTC)\n- 10:00 errors start\n- 10:05 alert fired\n")
    findings = [f for f in Reviewer().review(text).findings if f.code == "PM306"]
    assert len(findings) == 1


def test_pm306_does_not_compare_a_window_without_a_date_with_dated_metadata():
    from reviewer.review import Reviewer

    text = ("---\nresolved: 2024-05-14 10:30\n---\n# X\n\n## Summary\nBetween 10:00 and 11:00 UTC customers saw errors.\n")
    assert not [f for f in Reviewer().review(text).findings if f.code == "PM306"]


RECOVERED_ROWS = [
    "Launch success rate is back to 100%.",
    "Error rate back to baseline.",
    "Latency is back to pre-incident levels.",
    "Throughput back to expected values.",
    "Service restored for all customers.",
]


@pytest.mark.parametrize("event", RECOVERED_ROWS)
def test_a_row_saying_things_are_back_is_a_mitigation(event):
    from reviewer.nlp.durations import classify_row

    doc = parse(f"# X\n\n## Timeline (UTC)\n- 10:00 errors start\n- 10:30 {event}\n")
    assert "mitigation" in classify_row(doc, 1)


# 8. The clock first, then what began; and a weekday on each end.
CLOCK_THEN_START = [
    ("At 09:47 UTC, customers began to see errors. By 10:36 UTC traffic had recovered, and at 10:50 UTC service "
     "was fully restored.", "09:47", "10:50"),
    ("On 2024-03-02, at 3:15 PM PST, users started receiving 502 errors. Error rates returned to normal at 4:05 PM PST.",
     "15:15", "16:05"),
    ("At 06:10 UTC, API calls began timing out for customers. At 06:55 UTC the queue was healthy again.", "06:10", "06:55"),
    ("At approximately 11:20, users started getting login errors. Logins recovered at 11:48.", "11:20", "11:48"),
    ("At 22:40 CET, card payments began failing. By 23:15 CET payments had recovered.", "22:40", "23:15"),
    ("From 22:10 UTC on Friday to 01:30 UTC on Saturday the API was degraded for customers.", "22:10", "01:30"),
    ("Between 23:00 UTC on Sunday and 02:00 UTC on Monday some users could not log in.", "23:00", "02:00"),
    ("At 13:05 UTC, webhooks started to be delayed. Delivery was back to normal by 13:40 UTC.", "13:05", "13:40"),
    ("At 8:02 AM EST, builds began to fail for users. All builds were restored at 8:50 AM EST.", "08:02", "08:50"),
    ("At 17:30 UTC, customers started experiencing slow page loads. At 18:05 UTC latency had returned to normal.",
     "17:30", "18:05"),
]


@pytest.mark.parametrize("text,start,end", CLOCK_THEN_START)
def test_clock_first_then_what_began(text, start, end):
    w = _window("# Incident\n\n" + text + "\n")
    assert (_hm(w.start), _hm(w.end)) == (start, end)


def test_a_clock_before_an_ordinary_start_is_no_window():
    assert stated_window(parse("# X\n\nAt 14:00 the team started the migration. It went fine.\n")) is None


def test_a_window_in_another_zone_is_compared_in_the_timelines_zone():
    text = ("# X\n\n## Summary\nBetween 02:00 and 03:00 PST customers saw errors.\n\n"
            "## Timeline (UTC)\n- 10:05 alert fired\n- 10:40 rolled back\n- 11:00 resolved\n")
    d = derive_durations(parse(text))
    assert _hm(d.impact_start.at) == "10:00" and _hm(d.mitigated.at) == "11:00"
    assert d.time_to_detect == 5


def test_pm306_names_times_without_an_invented_date():
    from reviewer.review import Reviewer

    text = ("---\nresolved: 2024-05-14 10:30\n---\n# X\n\n## Summary\nBetween 10:00 and 11:00 UTC on 14 May 2024 "
            "customers saw errors.\n")
    [finding] = [f for f in Reviewer().review(text).findings if f.code == "PM306"]
    assert "2024-05-14 11:00" in finding.message and "2000-" not in finding.message


def test_a_dated_window_over_a_timeline_of_bare_clock_times():
    text = ("# X\n\n## Summary\nBetween 10:26 AM and 2:40 PM PST on March 3, 2024, customers saw delays.\n\n"
            "## Timeline (PST)\n- 10:40 AM alert fired\n- 11:50 paged storage\n- 1:05 rolled back\n")
    d = derive_durations(parse(text))
    assert d.time_to_detect == 14 and d.detected.at == datetime(2024, 3, 3, 10, 40)
    assert d.impact_duration == 254


# 9. A start and an end written as labels, on lines, in lists, in a key-value table.
LABELLED = [
    ("**Start time:** 2024-02-01 14:02 UTC\n**End time:** 2024-02-01 15:30 UTC\n", 88),
    ("| Field | Value |\n|---|---|\n| Impact start | 2024-02-01 14:02 UTC |\n| Impact end | 2024-02-01 15:30 UTC |\n", 88),
    ("- Incident start: 14:02 UTC\n- Incident end: 15:30 UTC\n", 88),
    ("Start of impact: 2024-02-01 14:02 UTC.\n\nEnd of impact: 2024-02-01 15:30 UTC.\n", 88),
    ("Date: 2024-02-01\nStarted at: 2:02 PM PST\nResolved at: 3:30 PM PST\n", 88),
    ("- Outage began: 23:40 UTC\n- Outage ended: 00:25 UTC\n", 45),
    ("**Impact started**: 09:10 CET\n**Impact mitigated**: 09:55 CET\n", 45),
    ("| Key | Value |\n|---|---|\n| Start | 2023-11-05 06:00 UTC |\n| Service restored | 2023-11-05 07:15 UTC |\n", 75),
    ("- Degradation start time: 18:20 UTC\n- Degradation end time: 19:05 UTC\n", 45),
    ("Onset of the incident: 12:00 UTC\nIncident resolved: 12:30 UTC\n", 30),
]


@pytest.mark.parametrize("text,minutes", LABELLED)
def test_a_window_written_as_start_and_end_labels(text, minutes):
    assert _window("# Incident\n\n## Summary\n\n" + text).minutes == minutes


def test_a_start_alone_reported_in_a_timeline_row_does_not_override_the_rows():
    text = ("# X\n\n## Timeline (UTC)\n- 12:10 index writes blocked, log ingestion starts failing\n"
            "- 14:27 a user reports that dashboards have shown no logs since 13:45\n- 15:18 repaired\n")
    d = derive_durations(parse(text))
    assert _hm(d.impact_start.at) == "12:10" and d.impact_start.source == "timeline"
