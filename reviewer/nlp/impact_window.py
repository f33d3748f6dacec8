"""The impact window as the author states it: "Between 10:26 AM and 2:40 PM PST, …",
"from 23:50 UTC on 14 Jan to 01:10 UTC on 15 Jan 2021", "Portal unavailable 01:10–01:58 UTC".

    window = stated_window(doc, analysis)   # StatedWindow | None: the one the incident is about
    window.start, window.end                # naive datetimes (a placeholder day when no date is written)
    window.minutes, window.zone, window.span

    candidates = stated_windows(doc)        # [StatedWindow]: every window written, in document order

This is the one place that reads a stated window: the key times (reviewer.nlp.durations)
take the impact start and end from it, and the stated impact duration (reviewer.nlp.metrics)
its length, so the two never disagree with each other by construction; they disagree with
the timeline only when the document does.

How it reads: every clock time and date in a prose block is masked (one placeholder
character per written character, so offsets hold), and the window phrases are matched over
the masked text: a lead word ("between", "from", "starting at"), a start clock with an
optional date ("on 19 Oct 2020"), a link ("and", "to", "until", "-") and an end clock with an
optional date. The am/pm of one end carries to the other ("1:46 - 5:30 pm"), and an end
earlier than its start with no date written is the next day. Quoted material, code, action
items and five-whys answers are skipped. Everything is linear in the text's length.

Choosing one window when several are written: the window's place (a summary or impact
section, or a "Summary of impact:" label, ranks first), whether its sentence says what went
wrong, and whether a lead word introduces it; ties go to the last written (`prefer="last"`,
the final update of a status log restates the whole window) or to the first.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from reviewer.document.model import BlockKind, Postmortem, ProseBlock, SectionKind, Span
from reviewer.document.timeexpr import find_clocks, find_dates, to_24h

if TYPE_CHECKING:
    from reviewer.nlp.analysis import Analysis

PLACEHOLDER_DAY = date(2000, 1, 1)
_CLOCK_MARK = "\x01"
_DATE_MARK = "\x02"

_HEDGE = (r"(?:(?:approximately|approx\.?|about|around|roughly|circa|ca\.|~|as\s+(?:early|late)\s+as|at\s+(?:least|latest|the\s+latest)|"
          r"no\s+(?:earlier|later)\s+than|sometime\s+(?:around|after|before))\s{0,3})?")
# "on 19 Oct 2020", ", 2021-07-01", "of July 3": a date written beside a clock.
_DATE_AFTER = (r"(?:\s{0,3},?\s{0,3}(?:on\s+|of\s+)?(?:the\s+)?" + _DATE_MARK + r"+"
               # "22:10 UTC on Friday to 01:30 UTC on Saturday": a weekday alone says the day changed.
               r"|\s{0,3},?\s{0,3}on\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day\b)?")
_DATE_BEFORE = r"(?:(?:on\s+)?(?:the\s+)?" + _DATE_MARK + r"+\s{0,3},?\s{0,3}(?:at\s+|from\s+)?)?"
# A clock, and what a writer may add in parentheses: "21:03 CST (UTC+8)", "02:00 UTC (03:00 CET)".
_C = _CLOCK_MARK + r"+(?:\s{0,2}\([^)(\n]{1,30}\))?"
_LEAD = (r"(?:between|from|starting(?:\s+(?:at|from|on))?|beginning(?:\s+(?:at|on))?|began\s+at|started\s+at|"
         r"start(?:ing)?\s+time\s*:?)")
_LINK_AND = r"\s{0,3},?\s{0,3}(?:and|to|until|till|through|thru|-|–|—)\s{0,3}(?:at\s+|on\s+)?"
_LINK_TO = r"\s{0,3},?\s{0,3}(?:to|until|till|through|thru|-|–|—)\s{0,3}(?:at\s+)?"

_WINDOW_LEAD = re.compile(r"\b(?P<lead>" + _LEAD + r")\s{1,3}" + _HEDGE + _DATE_BEFORE + r"(?P<a>" + _C + r")" + r"(?P<da>"
                          + _DATE_AFTER + r")" + _LINK_AND + _HEDGE + _DATE_BEFORE + r"(?P<b>" + _C + r")(?P<db>"
                          + _DATE_AFTER + r")", re.I)
# A bare range, "01:10–01:58 UTC" or "10:00 to 11:30": counts where the text is about impact.
_WINDOW_BARE = re.compile(r"(?<![\w" + _CLOCK_MARK + r"])" + _DATE_BEFORE + r"(?P<a>" + _C + r")(?P<da>" + _DATE_AFTER + r")"
                          + _LINK_TO + _DATE_BEFORE + r"(?P<b>" + _C + r")(?P<db>" + _DATE_AFTER + r")", re.I)
# "started at 10:16 … and was mitigated at 11:35", "impact began at 3:02 pm; recovery completed by 4:10 pm".
_START_END = re.compile(
    r"\b(?:start(?:ed|ing|s)?|began|begun|beginning|commenced|first\s+(?:seen|observed|noticed))\s+"
    r"(?:[a-z]{1,20}\s+){0,2}?(?:at\s+|around\s+|on\s+|from\s+)?"
    + _HEDGE + _DATE_BEFORE + r"(?P<a>" + _C + r")(?P<da>" + _DATE_AFTER + r")"
    r"[^.\n" + _CLOCK_MARK + r"]{0,100}?(?:\b(?:mitigat\w*|resolv\w*|restor\w*|recover\w*|ended|ends|end|subsided|stopped|"
    r"fixed|returned\s+to\s+normal)\b[^.;\n" + _CLOCK_MARK + r"]{0,40}?\b(?:at|by|around|as\s+of)\s+|\b(?:until|till|through)\s+)"
    + _HEDGE + _DATE_BEFORE + r"(?P<b>" + _C + r")(?P<db>" + _DATE_AFTER + r")", re.I)
# "Starting at 14:02 UTC on 3 May, customers …" with no end written: the start alone; also
# "At 09:47 UTC, customers began to see errors" (the clock first, then what began).
_START_ONLY = re.compile(r"\b(?:starting|beginning|began|started|commenced|since)\s+(?:at\s+|from\s+|on\s+|around\s+)?"
                         + _HEDGE + _DATE_BEFORE + r"(?P<a>" + _C + r")(?P<da>" + _DATE_AFTER + r")", re.I)
_START_AT = re.compile(r"(?:^|(?<=[.;:]\s)|(?<=\n))(?:on\s+" + _DATE_MARK + r"+\s{0,3},?\s{0,3})?at\s+" + _HEDGE + r"(?P<a>" + _C
                       + r")(?P<da>" + _DATE_AFTER + r")(?=,?\s[^.;\n" + _CLOCK_MARK + r"]{0,60}?\b(?:began|started|begun)\s"
                       r"(?:to\s+)?(?:experienc|see|fail|return|receiv|error|tim|los|drop|be\s|hit|get|slow|stall|reject))", re.I)

# "… By 2:30 AM the instances had recovered", "power was restored at 11:21 PM": where a start
# stated alone ends, later in the same paragraph (the last one written is the full recovery).
_END_LATER = re.compile(
    r"\b(?:by|at|as\s+of|until|around)\s+" + _HEDGE + _DATE_BEFORE + r"(?P<b>" + _C + r")(?P<db>" + _DATE_AFTER + r")", re.I)
_RECOVERY_CUE = re.compile(r"\b(?:recover\w*|resolv\w*|restor\w*|mitigat\w*|subsided|normal\w*|returned|stopped|ended|"
                           r"no\s+longer|healthy|back\s+(?:online|up)|full\s+recovery|fully\s+operational)\b", re.I)
_NOT_YET = re.compile(r"\b(?:will|expect\w*|continue\w*|working\s+(?:to|towards?)|until\s+(?:we|it|they|fully)|not\s+yet|"
                      r"estimate\w*|anticipate\w*|once|signs\s+of)\b", re.I)

# The sentence says what went wrong (the window is the impact's, not a deploy's or a meeting's).
_IMPACT_CUE = re.compile(
    r"\b(?:experienc\w*|impact\w*|affect\w*|customers?|users?|unable|errors?|fail\w*|degrad\w*|elevated|increased|"
    r"delay\w*|latenc\w*|unavailab\w*|outage|disrupt\w*|intermittent\w*|timeouts?|timed\s+out|could\s+not|"
    r"cannot|can't|issues?|problems?|down|offline|unreachable|throttl\w*|dropped|lost|loss|interrupt\w*|"
    r"slow\w*|stalled|stuck|incident|downtime)\b", re.I)
_SUMMARY_LABEL = re.compile(r"^\W{0,4}(?:summary(?:\s+of\s+(?:the\s+)?impact)?|(?:customer\s+|user\s+|business\s+)?impact|"
                            r"what\s+happened|overview|incident\s+summary|tl;?dr|impact\s+window|duration|incident\s+window)"
                            r"\b[^:\n]{0,24}:", re.I)
_PLANNED = re.compile(r"\b(?:will|would|should|scheduled|planned|plan\s+to|maintenance\s+window|going\s+to|every|each|daily)\b",
                      re.I)
_SKIPPED_SECTIONS = {SectionKind.ACTION_ITEMS, SectionKind.FIVE_WHYS}
_PREFERRED_SECTIONS = {SectionKind.SUMMARY, SectionKind.IMPACT}
# A unit right after the second number: "between 2.50 and 3.10 seconds" is no window.
_UNIT_AFTER = re.compile(r"\s{0,2}(?:%|ms\b|s\b|sec|seconds?|minutes?|mins?|hours?|hrs?|gb|mb|x\b)", re.I)


@dataclass(slots=True)
class StatedWindow:
    start: datetime  # naive; day PLACEHOLDER_DAY (plus a day when the end rolls past midnight) if no date is written
    end: datetime | None  # None when only the start is stated
    start_date_known: bool
    end_date_known: bool
    zone: str | None  # as written on either end
    text: str  # the window as written in the original text
    span: Span  # the whole window phrase, in the original text
    start_span: Span
    end_span: Span | None
    rank: tuple[int, int, int]  # (preferred place, impact cue, lead word): higher is more likely the incident's
    block_span: Span  # the block it is written in (a timeline row that summarises the window holds it)
    in_timeline: bool = False  # written in a timeline row (a status update), not in prose

    @property
    def minutes(self) -> float | None:
        if self.end is None:
            return None
        return round((self.end - self.start).total_seconds() / 60, 1)

    def as_fact(self) -> dict:
        return {
            "start": self.start.isoformat(), "end": self.end.isoformat() if self.end else None,
            "start_date_known": self.start_date_known, "end_date_known": self.end_date_known,
            "minutes": self.minutes, "zone": self.zone, "text": self.text,
            "span": {"start": self.span.start, "end": self.span.end},
        }


def _document_year(doc: Postmortem) -> int | None:
    if doc.metadata.date:
        return doc.metadata.date.year
    written = find_dates(doc.text[:50_000])
    return written[0][0].year if written else None


def _mask(text: str, year: int | None):
    """The text with clocks and dates masked, and what each mask stands for, by start offset."""
    clocks = find_clocks(text, allow_dot=True)
    dates = find_dates(text, default_year=year or PLACEHOLDER_DAY.year)
    chars = list(text)
    by_start: dict[int, object] = {}
    taken: list[tuple[int, int]] = []
    for clock in clocks:
        s, e = clock.span.start, clock.span.end
        by_start[s] = clock
        taken.append((s, e))
        for i in range(s, e):
            chars[i] = _CLOCK_MARK
    for day, span in dates:
        if any(s < span.end and span.start < e for s, e in taken):
            continue
        by_start[span.start] = (day, year is not None or bool(re.search(r"(?:19|20)\d\d", text[span.start:span.end])))
        for i in range(span.start, span.end):
            chars[i] = _DATE_MARK
    return "".join(chars), by_start


def _date_in(group_span: tuple[int, int], masked: str, by_start: dict) -> tuple[date, bool] | None:
    s, e = group_span
    if s < 0 or s == e:
        return None
    i = masked.find(_DATE_MARK, s, e)
    if i < 0:
        return None
    value = by_start.get(i)
    return value if isinstance(value, tuple) else None


def _date_before(m: re.Match[str], which: str, masked: str, by_start: dict) -> tuple[date, bool] | None:
    """A date written between the lead (or link) and the clock: "between 19 Oct 2020 19:07 and …"."""
    clock_start = m.start(which)
    lo = m.start() if which == "a" or "da" not in m.re.groupindex else m.end("da")
    i = masked.rfind(_DATE_MARK, lo, clock_start)
    if i < 0:
        return None
    while i > 0 and masked[i - 1] == _DATE_MARK:
        i -= 1
    value = by_start.get(i)
    return value if isinstance(value, tuple) else None


def _date_leading(at: int, masked: str, by_start: dict) -> tuple[date, bool] | None:
    """ "On 3 March 2023, between 14:00 and 15:10": a date just before the window's lead word."""
    before = masked[max(0, at - 40) : at]
    m = re.search(_DATE_MARK + r"+[\s,]{0,4}$", before)
    if m is None:
        return None
    i = at - len(before) + m.start()
    value = by_start.get(i)
    return value if isinstance(value, tuple) else None


def _stamp(clock, day: date, meridiem: str | None = None) -> datetime:
    saved = clock.meridiem
    if meridiem is not None and clock.meridiem is None and 1 <= clock.hour <= 12:
        clock.meridiem = meridiem
    hour, minute, second = to_24h(clock)
    clock.meridiem = saved
    return datetime(day.year, day.month, day.day, hour, minute, second)


def _window_from(m: re.Match[str], block: ProseBlock, masked: str, by_start: dict, rank: tuple[int, int, int],
                 has_end: bool) -> StatedWindow | None:
    a = by_start.get(m.start("a"))
    b = by_start.get(m.start("b")) if has_end else None
    if a is None or (has_end and b is None):
        return None
    text = block.text
    if b is not None:
        if (a.text.find(":") < 0) != (b.text.find(":") < 0):
            return None  # "10.30 to 11:45": one of the two is a decimal number
        if _UNIT_AFTER.match(text, m.end("b")):
            return None
    elif a.text.find(":") < 0 and not a.meridiem:
        return None
    day_a = m.group("da") and _date_in(m.span("da"), masked, by_start) or _date_before(m, "a", masked, by_start) \
        or _date_leading(m.start(), masked, by_start)
    day_b = None
    if b is not None:
        day_b = m.group("db") and _date_in(m.span("db"), masked, by_start) or _date_before(m, "b", masked, by_start)
        # "Between 19:07 and 22:20 UTC on 19 Oct 2020": a date after the end is the whole window's.
        if day_a is None and day_b is not None and not m.group("da"):
            day_a = day_b
    start_day = day_a[0] if day_a else PLACEHOLDER_DAY
    start_known = bool(day_a and day_a[1])
    end = None
    end_known = False
    meridiem_a = None
    if b is not None:
        if a.meridiem is None and b.meridiem is not None and 1 <= a.hour <= 12:
            # "1:46 - 5:30 pm": the start takes the end's am/pm unless that puts it after the end.
            meridiem_a = b.meridiem
            trial_a = _stamp(a, start_day, meridiem_a)
            trial_b = _stamp(b, start_day)
            if trial_a > trial_b and (day_b is None or day_b[0] == start_day):
                meridiem_a = "am" if b.meridiem == "pm" else "pm"
        end_day = day_b[0] if day_b else start_day
        end_known = bool(day_b and day_b[1]) or (day_b is None and start_known)
        end = _stamp(b, end_day)
    start = _stamp(a, start_day, meridiem_a)
    if end is not None:
        if end < start:
            if day_b is not None and day_a is not None and day_b[0] != day_a[0]:
                return None  # the dates say the end is before the start: not a window we can read
            end += timedelta(days=1)  # "23:50 to 00:40": past midnight
        if end - start > timedelta(days=14) or end == start:
            return None
    zone = (b.tz if b is not None and b.tz else None) or a.tz
    if zone is None:
        after = re.match(r"\s{0,2}\(?\s{0,2}(?P<z>UTC|GMT|[A-Z][A-Z]?[SD]T|[A-Z]T)\b", text[m.end("b") if b is not None else m.end("a"):])
        zone = after.group("z") if after else None
    span = block.original_span(m.start(), m.end())
    return StatedWindow(start=start, end=end, start_date_known=start_known, end_date_known=end_known, zone=zone,
                        text=text[m.start():m.end()], span=span,
                        start_span=block.original_span(m.start("a"), m.end("a")),
                        end_span=block.original_span(m.start("b"), m.end("b")) if b is not None else None,
                        rank=rank, block_span=block.span)


def _ended_later(window: StatedWindow, block: ProseBlock, masked: str, by_start: dict, from_pos: int) -> StatedWindow | None:
    """A start stated alone ("Beginning at 8:36 PM, …"), ended by a later sentence that says
    impact was over ("By 2:30 AM the instances had recovered"): the last such one in `block`
    from `from_pos` (the start's own paragraph, or one of the next)."""
    text = block.text
    best = None
    for m in _END_LATER.finditer(masked, from_pos, min(len(masked), from_pos + 3000)):
        sentence = _sentence_around(text, m.start(), m.end())
        if not _RECOVERY_CUE.search(sentence) or _NOT_YET.search(sentence):
            continue
        clock = by_start.get(m.start("b"))
        if clock is None or (clock.text.find(":") < 0 and not clock.meridiem):
            continue
        best = (m, clock)
    if best is None:
        return None
    m, clock = best
    day = _date_in(m.span("db"), masked, by_start) or _date_before(m, "b", masked, by_start)
    end = _stamp(clock, day[0] if day else window.start.date())
    if end <= window.start:
        if day is not None:
            return None
        end += timedelta(days=1)
    if end - window.start > timedelta(days=3):
        return None
    window.end = end
    window.end_date_known = bool(day and day[1]) or (day is None and window.start_date_known)
    window.end_span = block.original_span(m.start("b"), m.end("b"))
    if window.block_span == block.span:
        window.text = text[text.find(window.text[:12]) if window.text[:12] in text else 0 : m.end()]
    else:
        window.text = f"{window.text} … {text[max(0, m.start()):m.end()]}"
    window.span = Span(window.span.start, window.end_span.end)
    window.zone = window.zone or clock.tz
    return window


_FULL_RECOVERY = re.compile(r"\b(?:full(?:y)?\s+(?:mitigat\w*|recover\w*|restor\w*|resol\w*)|complete\s+recovery)\b"
                            r"[^.\n" + _CLOCK_MARK + r"]{0,30}?\b(?:at|by)\s+" + _HEDGE + r"(?P<b>" + _C + r")", re.I)


def _full_recovery_after(window: StatedWindow, m: re.Match[str], block: ProseBlock, masked: str,
                         by_start: dict) -> StatedWindow:
    """ "began failing from 03:47, partial recovery began at 06:12, with full mitigation at 13:30":
    a partial recovery is not the end when the sentence goes on to the full one."""
    text = block.text
    if not re.search(r"\bpartial\w*|\bsome\b|\bbegan\s+to\b|\bstart\w*\s+to\b", text[m.start("a"):m.start("b")], re.I):
        return window
    sentence_end = text.find(". ", m.end())
    later = _FULL_RECOVERY.search(masked, m.end(), sentence_end if sentence_end >= 0 else len(masked))
    clock = by_start.get(later.start("b")) if later else None
    if clock is None:
        return window
    end = _stamp(clock, window.end.date())
    if end < window.end:
        return window
    window.end = end
    window.end_span = block.original_span(later.start("b"), later.end("b"))
    window.span = Span(window.span.start, window.end_span.end)
    window.text = text[m.start():later.end()]
    return window


def _sentence_around(text: str, start: int, end: int) -> str:
    lo = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), -1) + 1
    hi_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    hi = min(hi_candidates) if hi_candidates else len(text)
    return text[lo:hi]


def _windows_in(doc: Postmortem, block: ProseBlock, year: int | None, in_row: bool = False) -> list[StatedWindow]:
    text = block.text
    if _CLOCK_MARK in text or _DATE_MARK in text or not re.search(r"\d", text):
        return []
    masked, by_start = _mask(text, year)
    if _CLOCK_MARK not in masked:
        return []
    section = doc.section_of(block)
    kind = section.kind if section is not None else SectionKind.UNKNOWN
    # A "Summary of impact:" label says this paragraph is the summary; a summary or impact
    # section holds it; elsewhere a window may be one phase or one service's share.
    place = 2 if _SUMMARY_LABEL.match(text) else 1 if kind in _PREFERRED_SECTIONS else 0
    preferred = place > 0
    found: list[StatedWindow] = []
    taken: list[tuple[int, int]] = []
    for pattern, has_end, lead in ((_WINDOW_LEAD, True, 1), (_START_END, True, 1), (_WINDOW_BARE, True, 0),
                                   (_START_ONLY, False, 1), (_START_AT, False, 1)):
        for m in pattern.finditer(masked):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            sentence = _sentence_around(text, m.start(), m.end())
            cue = bool(_IMPACT_CUE.search(sentence))
            if not cue and not has_end:
                # "Starting at 12:30 UTC we saw a surge of traffic. It caused packet loss …"
                cue = bool(_IMPACT_CUE.search(text[m.end() : m.end() + len(sentence) + 200]))
            if _PLANNED.search(sentence[: max(0, sentence.find(text[m.start():m.end()][:8]))] or "") and not preferred:
                continue  # "the job will run between 02:00 and 03:00": a plan, not the incident
            if not lead and not (cue and (preferred or kind in (SectionKind.UNKNOWN, SectionKind.RESOLUTION))):
                continue  # a bare range in a timeline row is one step's start and end
            if (not has_end or kind == SectionKind.TIMELINE) and not cue:
                continue  # a timeline step "from 10:02 to 10:40 the job retried" is not the incident's window
            window = _window_from(m, block, masked, by_start, (place, int(cue), lead), has_end)
            if window is not None:
                window.in_timeline = kind == SectionKind.TIMELINE or in_row
            if window is not None and window.end is not None and pattern is _START_END:
                window = _full_recovery_after(window, m, block, masked, by_start)
            if window is not None and window.end is None:
                window = _ended_later(window, block, masked, by_start, m.end()) or window
                if window.end is None and (in_row or kind == SectionKind.TIMELINE):
                    # "12:27 user reports no logs since 13:45": a row reports what was known when it
                    # was written; a start alone there does not override the timeline's own rows.
                    continue
            if window is not None:
                found.append(window)
                taken.append((m.start(), m.end()))
    return found


# "Impact start: 14:02 UTC" … "Impact end: 15:30 UTC": a start and an end written as labels (list
# items, bold labels, "Key | Value" table rows), in separate lines.
_WHAT = r"(?:(?:customer\s+|user\s+)?(?:impact|incident|outage|disruption|degradation|downtime|problem|issue)\s+)?"
_START_LABEL = re.compile(r"^\W{0,4}(?:" + _WHAT + r"(?:start(?:ed)?|began|begin(?:ning)?)(?:\s+(?:time|at|date))?|"
                          r"(?:start|beginning|onset)\s+of\s+(?:the\s+)?(?:impact|incident|outage|disruption))\W{0,4}$", re.I)
_END_LABEL = re.compile(r"^\W{0,4}(?:" + _WHAT + r"(?:end(?:ed)?|over|stopped)(?:\s+(?:time|at|date))?|"
                        r"(?:end)\s+of\s+(?:the\s+)?(?:impact|incident|outage|disruption)|"
                        r"(?:(?:impact|incident|outage|service)\s+)?(?:mitigated|resolved|recovered|restored)"
                        r"(?:\s+(?:time|at|on))?)\W{0,4}$", re.I)
_LABEL_LINE = re.compile(r"^(?P<label>[^:|\n]{2,40}?)\s*[:|]\s*(?P<value>[^\n]{1,80})$")


def _labelled_times(doc: Postmortem, year: int | None) -> list[tuple[str, datetime, bool, str | None, Span, str]]:
    """(which, time, date known, zone, where, as written) for each start or end label with a clock."""
    found = []

    def read(label: str, value: str, span: Span, written: str) -> None:
        which = "start" if _START_LABEL.match(label) else "end" if _END_LABEL.match(label) else None
        if which is None:
            return
        clocks = find_clocks(value)
        if not clocks:
            return
        dates = find_dates(value, default_year=year or PLACEHOLDER_DAY.year)
        day = dates[0][0] if dates else doc.metadata.date or PLACEHOLDER_DAY  # "Date: 2024-02-01" above
        known = (bool(dates) and (year is not None or bool(re.search(r"(?:19|20)\d\d", value)))) \
            or (not dates and doc.metadata.date is not None)
        found.append((which, _stamp(clocks[0], day), known, clocks[0].tz, span, written))

    for block in doc.blocks:
        if block.quoted or block.table_row is not None or ":" not in block.text:
            continue
        section = doc.section_of(block)
        if section is not None and section.kind in _SKIPPED_SECTIONS | {SectionKind.TIMELINE}:
            continue
        at = 0
        for line in block.text.split("\n"):
            m = _LABEL_LINE.match(line.strip()) if len(line) <= 140 else None
            if m:
                read(m.group("label"), m.group("value"), block.original_span(at, at + len(line)), line.strip())
            at += len(line) + 1
    for table in doc.tables:
        for row in table.rows:
            if len(row) >= 2:
                read(row[0][0], row[1][0], Span(row[0][1].start, row[1][1].end), f"{row[0][0]}: {row[1][0]}")
    found.sort(key=lambda f: f[4].start)
    return found


def _labelled_window(doc: Postmortem, year: int | None) -> StatedWindow | None:
    labelled = _labelled_times(doc, year)
    start = next((f for f in labelled if f[0] == "start"), None)
    if start is None:
        return None
    end = next((f for f in labelled if f[0] == "end" and f[4].start > start[4].start), None)
    end_at = None
    if end is not None:
        end_at = end[1]
        if not end[2] and start[2]:
            end_at = datetime.combine(start[1].date(), end_at.time())
        if end_at < start[1] and not end[2]:
            end_at += timedelta(days=1)
        if end_at <= start[1] or end_at - start[1] > timedelta(days=14):
            end, end_at = None, None
    span = Span(start[4].start, end[4].end if end is not None else start[4].end)
    return StatedWindow(start=start[1], end=end_at, start_date_known=start[2],
                        end_date_known=bool(end and (end[2] or start[2])), zone=(end[3] if end else None) or start[3],
                        text=start[5] + (f" … {end[5]}" if end else ""), span=span, start_span=start[4],
                        end_span=end[4] if end is not None else None, rank=(2, 1, 1), block_span=start[4])


def stated_windows(doc: Postmortem, analysis: Analysis | None = None) -> list[StatedWindow]:
    """Every impact window written in the author's prose, in document order."""
    if analysis is not None:
        return analysis.shared("stated_windows", lambda a: _stated_windows(doc))
    return _stated_windows(doc)


def _in_timeline_row(row_spans: list[tuple[int, int]], span: Span) -> bool:
    """Is `span` inside a timeline row? (Rows are sorted and do not overlap: one look-up.)"""
    i = bisect.bisect_right(row_spans, (span.start, float("inf"))) - 1
    return i >= 0 and row_spans[i][0] <= span.start and span.end <= row_spans[i][1]


def _stated_windows(doc: Postmortem) -> list[StatedWindow]:
    year = _document_year(doc)
    row_spans = sorted((e.span.start, e.span.end) for e in doc.timeline)
    found: list[StatedWindow] = []
    for block in doc.blocks:
        if block.quoted or any(c.covers(block.span) for c in doc.code_spans):
            continue
        section = doc.section_of(block)
        if section is not None and section.kind in _SKIPPED_SECTIONS:
            continue
        found.extend(_windows_in(doc, block, year, _in_timeline_row(row_spans, block.span)))
    labelled = _labelled_window(doc, year)
    if labelled is not None:
        found.append(labelled)
    found.sort(key=lambda w: w.span.start)
    _end_from_next_paragraphs(doc, found, year)
    return found


def _end_from_next_paragraphs(doc: Postmortem, windows: list[StatedWindow], year: int | None) -> None:
    """ "Starting at 12:30 UTC, … ." then, in the next paragraph, "At 16:50 UTC traffic was back to
    normal": a start stated alone may end in one of the next two paragraphs of its section."""
    open_windows = [w for w in windows if w.end is None]
    if not open_windows:
        return
    paragraphs = [b for b in doc.blocks if b.kind == BlockKind.PARAGRAPH and not b.quoted]
    where = {(b.span.start, b.span.end): i for i, b in enumerate(paragraphs)}
    for window in open_windows:
        at = where.get((window.block_span.start, window.block_span.end))
        if at is None:
            continue
        section = paragraphs[at].section
        for block in paragraphs[at + 1 : at + 3]:
            if block.section != section:
                break
            masked, by_start = _mask(block.text, year)
            if _ended_later(window, block, masked, by_start, 0) is not None:
                break


PREFERENCES = ("by-place", "last-paragraph", "last", "first")


def choose_window(windows: list[StatedWindow], prefer: str = "by-place") -> StatedWindow | None:
    """The window the incident is about: the best ranked. Ties go, by `prefer`, to the first
    window of the last paragraph that states one ("last-paragraph": a status log's final update
    restates the window, its first sentence the main one), to the last written, or the first;
    "by-place": last-paragraph among timeline rows (a later update supersedes an earlier one),
    the first in prose (a summary comes before the phases it sums up)."""
    full = [w for w in windows if w.rank[1] or w.rank[0]]
    if not full:
        return None
    best = max(w.rank for w in full)
    ranked = [w for w in full if w.rank == best]
    with_end = [w for w in ranked if w.end is not None] or ranked
    if prefer == "by-place":
        prefer = "last-paragraph" if all(w.in_timeline for w in with_end) else "first"
    if prefer == "first":
        return with_end[0]
    if prefer == "last":
        return with_end[-1]
    last_block = with_end[-1].block_span
    return next(w for w in with_end if w.block_span == last_block)


# Which window wins a tie; the cloud benchmark tunes it on one vendor and scores the other.
WINDOW_PREFERENCE = "by-place"


def stated_window(doc: Postmortem, analysis: Analysis | None = None, prefer: str | None = None,
                  windows: list[StatedWindow] | None = None) -> StatedWindow | None:
    """The stated impact window of the incident, or None when the document states none
    (`windows`: the document's stated_windows, when the caller has them already)."""
    return choose_window(windows if windows is not None else stated_windows(doc, analysis), prefer or WINDOW_PREFERENCE)
