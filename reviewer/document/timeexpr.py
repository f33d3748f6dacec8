"""Clock times, dates and zones as written in postmortems — pure regular expressions.

The parser uses these to read timeline rows and metadata; the time checks build on them.
Nothing here needs spaCy.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from reviewer.document.model import ClockTime, Span

MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")]
    )
    for name in names
}

# Zone abbreviations and their UTC offsets in hours (the common ones in postmortems).
ZONE_OFFSETS: dict[str, float] = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "IST": 5.5, "CET": 1,
    "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "PST": -8, "PDT": -7, "PT": -8, "MST": -7,
    "MDT": -6, "MT": -7, "CST": -6, "CDT": -5, "CT": -6, "EST": -5, "EDT": -4, "ET": -5,
    "AKST": -9, "AKDT": -8, "HST": -10, "JST": 9, "KST": 9, "SGT": 8, "HKT": 8, "AEST": 10,
    "AEDT": 11, "ACST": 9.5, "AWST": 8, "NZST": 12, "NZDT": 13, "SAST": 2, "BRT": -3,
}
_ZONE_NAMES = sorted(ZONE_OFFSETS, key=len, reverse=True)
ZONE = (
    r"(?:(?:UTC|GMT)\s?[+-]\s?\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}|"
    + "|".join(z for z in _ZONE_NAMES if z != "Z")
    + r"|Z(?![A-Za-z]))"
)
_MERIDIEM = r"(?P<mer>[ap]\.?\s?m\.?)(?![a-z])"
_CLOCK = re.compile(
    # Not inside a number or after "+" (an offset, "+02:00"); but "2024-05-01T10:02:00Z" holds one.
    r"(?:(?<![\d:.\w+])|(?<=\dT))(?P<h>[01]?\d|2[0-3])(?P<sep>[:.h])(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d)(?:\.\d+)?)?"
    r"(?![\d])(?:\s?" + _MERIDIEM + r")?(?:\s?(?P<tz>" + ZONE + r")(?![A-Za-z]))?",
    re.I,
)
_HOUR_MERIDIEM = re.compile(
    r"(?<![\d:.\w])(?P<h>1[0-2]|0?[1-9])\s?" + _MERIDIEM + r"(?:\s?(?P<tz>" + ZONE + r")(?![A-Za-z]))?",
    re.I,
)
_ISO_DATE = r"(?P<y>(?:19|20)\d{2})[-/](?P<mo>0?[1-9]|1[0-2])[-/](?P<d>0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?P<mon>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<d>0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DATE_PATTERNS = [
    re.compile(r"(?<!\d)" + _ISO_DATE + r"(?!\d)"),
    re.compile(r"\b" + _WEEKDAY + _MONTH + r"\s+" + _DAY + r"(?:,?\s+" + _YEAR + r")?\b", re.I),
    re.compile(r"\b" + _WEEKDAY + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+" + _YEAR + r")?\b", re.I),
]
ZONE_RE = re.compile(r"(?<![A-Za-z])(?P<tz>" + ZONE + r")(?![A-Za-z])")


def zone_offset(tz: str | None) -> timedelta | None:
    """UTC offset of a zone as written ("PDT", "UTC+2", "+05:30"), or None."""
    if not tz:
        return None
    tz = tz.strip().upper().replace(" ", "")
    if tz in ZONE_OFFSETS:
        return timedelta(hours=ZONE_OFFSETS[tz])
    m = re.fullmatch(r"(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?", tz)
    if m:
        sign = 1 if m.group(1) == "+" else -1
        return sign * timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0))
    return None


def _clock_from_match(m: re.Match[str], text_offset: int) -> ClockTime | None:
    hour = int(m.group("h"))
    minute = int(m.groupdict().get("m") or 0)
    second = m.groupdict().get("s")
    mer = m.group("mer")
    meridiem = None
    if mer:
        meridiem = "pm" if mer.lower().startswith("p") else "am"
        if hour > 12 or hour == 0:
            meridiem = None  # "13:00 pm": the 24-hour reading wins
    tz = m.group("tz")
    end = m.end()
    if tz and tz.strip()[0] in "+-" and not m.groupdict().get("s"):
        # "22:04-23:00" is a range, not 22:04 at offset -23:00: a bare offset counts only
        # after seconds (ISO 8601 "10:02:00+02:00").
        tz, end = None, m.start("tz")
        while end > m.start() and m.string[end - 1] == " ":
            end -= 1
    return ClockTime(
        text=m.string[m.start() : end],
        span=Span(text_offset + m.start(), text_offset + end),
        hour=hour,
        minute=minute,
        second=int(second) if second else None,
        meridiem=meridiem,
        tz=tz.strip() if tz else None,
    )


def find_clocks(text: str, offset: int = 0, *, allow_dot: bool = False) -> list[ClockTime]:
    """Every clock time in `text` ("11:14", "4:19 pm PST", "3pm"), by position.

    A dot separator ("10.42") reads as a time only where the caller knows a time stands
    (the start of a timeline row): elsewhere it is a decimal number.
    """
    found: list[ClockTime] = []
    taken: list[tuple[int, int]] = []
    pos = 0
    while True:
        m = _CLOCK.search(text, pos)
        if m is None:
            break
        pos = m.end()
        if m.group("sep") in ".h" and not allow_dot:
            continue
        clock = _clock_from_match(m, offset)
        if clock:
            found.append(clock)
            taken.append((m.start(), clock.span.end - offset))
            # "10:00-11:00": the range's end was read as an offset and given back; read it too.
            pos = max(clock.span.end - offset, m.start() + 1)
    for m in _HOUR_MERIDIEM.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        clock = _clock_from_match(m, offset)
        if clock:
            found.append(clock)
    found.sort(key=lambda c: c.span.start)
    return found


def to_24h(clock: ClockTime) -> tuple[int, int, int]:
    hour = clock.hour
    if clock.meridiem == "pm" and hour < 12:
        hour += 12
    elif clock.meridiem == "am" and hour == 12:
        hour = 0
    return hour, clock.minute, clock.second or 0


def find_dates(text: str, offset: int = 0, *, default_year: int | None = None) -> list[tuple[date, Span]]:
    """Dates written as 2021-06-02, 2021/06/02, "June 2, 2021", "2 June 2021", "Feb 20"."""
    found: list[tuple[date, Span]] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            parts = m.groupdict()
            year = int(parts["y"]) if parts.get("y") else default_year
            if year is None:
                continue
            month = int(parts["mo"]) if parts.get("mo") else MONTHS.get((parts.get("mon") or "").lower())
            try:
                day = date(year, month, int(parts["d"]))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                continue
            found.append((day, Span(offset + m.start(), offset + m.end())))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda d: d[1].start)
    return found


_LEADING_TIME = re.compile(
    # Possessive leading spaces: a line of spaces is not split between them every possible way.
    r"^\s*+(?:[-*•]\s*+)?(?:\*\*|__|\[|\()?\s*+"
    r"(?P<time>"
    r"(?:(?:" + _WEEKDAY + r")?(?:(?:19|20)\d{2}[-/]\d{1,2}[-/]\d{1,2}|"
    r"[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?(?:\s+(?:19|20)\d{2})?|"
    r"\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?(?:\s+(?:19|20)\d{2})?)"
    r"(?:T|,?\s+(?:at\s+)?)?)?"
    # A hedged row time ("ca. 18:30", "~15:10") is still the row's time.
    r"(?:(?:~|ca\.?|circa|approx\.?|approximately|around|about)\s?)?"
    r"(?:[01]?\d|2[0-3])[:.h][0-5]\d(?::[0-5]\d)?(?:\.\d+)?(?:\s?[ap]\.?\s?m\.?(?![a-z]))?"
    r"(?:\s?(?:" + ZONE + r")(?![A-Za-z]))?"
    r"(?:\s*(?:-|–|—|to)\s*(?:[01]?\d|2[0-3])[:.h][0-5]\d(?:\s?[ap]\.?\s?m\.?(?![a-z]))?"
    r"(?:\s?(?:" + ZONE + r")(?![A-Za-z]))?)?"
    r"|(?:1[0-2]|0?[1-9])\s?[ap]\.?\s?m\.?(?![a-z])(?:\s?(?:" + ZONE + r")(?![A-Za-z]))?"
    r")"
    r"\s*(?:\*\*|__|\]|\))?\s*(?:[-–—:|,]+\s*)?",
    re.I,
)


def leading_time(text: str) -> tuple[str, int, int, int] | None:
    """A time (maybe with a date) at the start of a timeline row.

    Returns (time text, start, end of the time text, start of the event text) or None.
    """
    m = _LEADING_TIME.match(text)
    if not m:
        return None
    start, end = m.span("time")
    if start > 0 and text[:start].strip("-*•[(_ ") and not text[:start].strip().startswith(("**", "__")):
        return None
    # A month name that is not one ("Set 10:00") is rare enough; but a lone number like
    # "2.5" is not a time: require a clock separator followed by two digits (the regex does).
    return m.group("time"), start, end, m.end()


def parse_datetime(value: Any) -> datetime | None:
    """A metadata value → datetime: YAML datetimes, ISO 8601, "2019-03-14 10:02 UTC"."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace(" UTC", "+00:00").replace("Z", "+00:00"))
    except ValueError:
        pass
    dates = find_dates(text)
    clocks = find_clocks(text)
    if not dates:
        return None
    day = dates[0][0]
    if not clocks:
        return datetime(day.year, day.month, day.day)
    clock = clocks[0]
    h, mi, s = to_24h(clock)
    result = datetime(day.year, day.month, day.day, h, mi, s)
    offset = zone_offset(clock.tz)
    if offset is not None:
        result = result.replace(tzinfo=timezone(offset))
    return result


def parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    parsed = parse_datetime(value)
    return parsed.date() if parsed else None
