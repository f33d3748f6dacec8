"""Timelines on a 12-hour clock: order judged on the wrapped dial, one finding per real
reordering, date sub-headings, and IANA zone names as declared zones. Examples written here."""

import pytest

from reviewer.document import parse
from reviewer.nlp.times import detect_zone, resolve_rows


def _rows(body):
    return resolve_rows(parse("# Incident\n\n## Timeline\n" + body))


def _flagged(body):
    return [r.entry.time_text for r in _rows(body) if r.out_of_order]


# Good 12-hour timelines: no row is out of order.
IN_ORDER = [
    "- 10:40 alert fired\n- 11:50 paged the DBA\n- 1:03 rolled back\n- 1:20 errors stop\n- 2:45 all clear\n",
    "- 11:15 AM deploy starts\n- 11:52 errors rise\n- 12:04 PM alert\n- 12:30 rollback\n- 1:10 PM recovered\n",
    "- 9:05 pm backups start\n- 10:40 pm disk fills\n- 11:55 pm pager\n- 12:20 am volume grown\n- 1:05 am healthy\n",
    "- 8:10 customer report\n- 9:45 cause found\n- 11:58 fix merged\n- 12:15 deployed\n- 12:40 verified\n",
    "- 10:00 AM queue grows\n- 11:30 workers scaled\n- 12:10 PM backlog drains\n- 2:00 replay done\n- 3:30 PM closed\n",
    "- 2:10 first alert\n- 3:25 mitigation\n- 4:50 resolved\n- 11:40 follow-up check\n- 12:05 still healthy\n",
    "### March 3\n- 10:15 PM errors begin\n- 11:50 PM escalated\n### March 4\n- 12:30 AM failover\n- 1:15 AM recovered\n",
    "- 11:05 alarm\n- 11:45 call opened\n- 12:20 workaround\n- 1:35 fix\n- 4:05 monitoring ends\n",
    "- 7:20 AM latency climbs\n- 7:45 AM paged\n- 8:05 AM cache flushed\n- 9:00 AM normal\n",
    "- 11:30 PM deploy\n- 11:58 PM spike\n- 12:04 AM pages\n- 12:40 AM rollback\n- 2:00 AM all clear\n",
]


@pytest.mark.parametrize("body", IN_ORDER)
def test_a_12_hour_timeline_in_order_has_no_finding(body):
    assert _flagged(body) == []


def test_rows_after_noon_read_as_afternoon_and_past_midnight_as_the_next_day():
    rows = _rows("- 10:40 a\n- 11:50 b\n- 1:03 c\n- 2:45 d\n- 11:40 e\n- 12:10 f\n- 1:15 g\n")
    assert [r.at.strftime("%d %H:%M") for r in rows] == [
        "01 10:40", "01 11:50", "01 13:03", "01 14:45", "01 23:40", "02 00:10", "02 01:15"]
    assert rows[2].wrapped_12h and not rows[1].wrapped_12h


# A real reordering is one finding, however many rows follow it.
REORDERED = [
    ("- 10:00 a\n- 10:20 b\n- 10:14 c\n- 10:30 d\n- 10:40 e\n", ["10:14"]),
    ("- 10:40 a\n- 11:50 b\n- 1:03 c\n- 12:58 d\n- 1:20 e\n- 1:40 f\n", ["12:58"]),
    ("- 09:00 a\n- 09:50 b\n- 09:14 c\n- 10:30 d\n", ["09:14"]),
    ("- 10:00 a\n- 10:50 b\n- 10:10 c\n- 10:20 d\n- 10:30 e\n", ["10:10"]),
    ("- 2:10 PM a\n- 2:45 PM b\n- 2:30 PM c\n- 3:00 PM d\n- 3:10 PM e\n", ["2:30 PM"]),
    ("- 11:50 a\n- 1:05 b\n- 1:30 c\n- 1:12 d\n- 2:00 e\n- 2:30 f\n", ["1:12"]),
    ("### June 2\n- 13:00 a\n- 13:40 b\n- 13:20 c\n- 14:00 d\n", ["13:20"]),
    ("- 23:10 a\n- 23:50 b\n- 00:10 c\n- 23:55 d\n- 00:30 e\n", ["23:55"]),
    ("- 8:00 a\n- 8:40 b\n- 8:35 c\n- 9:10 d\n- 9:05 e\n- 9:30 f\n", ["8:35", "9:05"]),
    ("- 4:00 PM a\n- 4:20 PM b\n- 4:10 PM c\n- 4:30 PM d\n- 4:40 PM e\n- 4:50 PM f\n", ["4:10 PM"]),
]


@pytest.mark.parametrize("body,expected", REORDERED)
def test_a_real_reordering_is_one_finding(body, expected):
    assert _flagged(body) == expected


def test_pm304_reports_one_finding_for_one_reordering():
    from reviewer.review import Reviewer

    text = "# X\n\n## Timeline\n- 10:40 a\n- 11:50 b\n- 1:03 c\n- 12:58 d\n" + "".join(
        f"- {h}:{m:02d} row\n" for h in (1, 2, 3) for m in (20, 40))
    findings = [f for f in Reviewer().review(text).findings if f.code == "PM304"]
    assert len(findings) == 1


# IANA zone names, declared in the ways writers declare a zone.
IANA = [
    ("All times are America/Los_Angeles.\n", "America/Los_Angeles"),
    ("Times below are in Europe/Berlin.\n", "Europe/Berlin"),
    ("Time zone: Asia/Kolkata\n", "Asia/Kolkata"),
    ("All timestamps in Australia/Sydney.\n", "Australia/Sydney"),
    ("Timezone: America/Argentina/Buenos_Aires\n", "America/Argentina/Buenos_Aires"),
    ("All times are shown in Europe/London.\n", "Europe/London"),
    ("Times are given in Asia/Tokyo.\n", "Asia/Tokyo"),
    ("All times in America/New_York.\n", "America/New_York"),
    ("Time zone: Etc/UTC\n", "Etc/UTC"),
    ("All times are Africa/Johannesburg.\n", "Africa/Johannesburg"),
]


@pytest.mark.parametrize("statement,zone", IANA)
def test_an_iana_zone_name_is_a_declared_zone(statement, zone):
    info = detect_zone(parse("# X\n\n" + statement + "\n## Timeline\n- 10:00 alert\n- 10:05 paged\n"))
    assert info.zone == zone and info.declared == "statement"


def test_an_iana_zone_in_a_timeline_heading_or_column():
    heading = detect_zone(parse("# X\n\n## Timeline (Europe/Paris)\n- 10:00 alert\n"))
    column = detect_zone(parse("# X\n\n| Time (Asia/Singapore) | Event |\n|---|---|\n| 10:00 | alert |\n"))
    assert (heading.zone, heading.declared) == ("Europe/Paris", "heading")
    assert (column.zone, column.declared) == ("Asia/Singapore", "column")


def test_a_row_dated_without_a_year_after_midnight_rolls_over():
    # No year anywhere: "Apr 2" cannot be placed on a calendar, so the row follows the one before.
    body = "- 11:35 PM PDT errors rise\n- 11:58 PM PDT cause found\n- Apr 2, 12:13 AM PDT recovered\n"
    assert _flagged(body) == []
