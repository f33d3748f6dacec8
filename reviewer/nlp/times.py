"""Time expressions in prose: vague times, the document's time zone, the timeline's format,
and the timeline rows resolved into comparable datetimes.

    vague = vague_times(doc, analysis)      # [VagueTime]: "around 11", "that evening", "shortly after"
    zone = detect_zone(doc)                 # ZoneInfo: zone, where it is declared, consistent?
    fmt = timeline_format(doc)              # TimeFormat: "HH:MM UTC", with an example from the document
    rows = resolve_rows(doc)                # [ResolvedRow]: midnight roll-overs and 12-hour wraps applied

Vague times are found with patterns over each prose block (the parser's masked text, so code
and link targets are gone), then checked against the spaCy parse when the Analysis is there:
"later", "immediately", "recently" and "in advance" count only as adverbs of a past event
("the pods were later cleaned up"), never in "later versions" or "alerts should fire
immediately". spaCy TIME entities that name a part of the day add what the patterns miss.
A duration ("for 42 minutes", "a few hours") is not a vague time; a hedged clock time
("~9:43", "around 17:20") is precise enough and is left alone; quoted material (blockquotes,
chat logs, text in quotation marks) is evidence, not the author's voice, and is never flagged.

All positions are 0-based offsets into the original text. Nothing here parses Markdown or
loads a model: callers pass the Postmortem and, when they have it, the Analysis.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from reviewer.document.model import BlockKind, Postmortem, ProseBlock, SectionKind, Span, TimelineEntry
from reviewer.document.timeexpr import MONTHS, ZONE, ZONE_OFFSETS, find_clocks, find_dates, to_24h, zone_offset
from reviewer.nlp.impact_window import PLACEHOLDER_DAY

if TYPE_CHECKING:
    from reviewer.nlp.analysis import Analysis

# --- vague times ---------------------------------------------------------------------------

_DAYPART = r"(?:(?:early|late|mid)[\s-]+)?(?:morning|afternoon|evening|night|midday|lunchtime|dawn|dusk)"
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_WORDS = r"(?:" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + \
    r"|\d{4}-\d{2}-\d{2}|" + _WEEKDAY + r"|the\s+\d{1,2}(?:st|nd|rd|th))"
_FEW = r"(?:a\s+few|few|several|some|many|a\s+couple(?:\s+of)?|couple\s+of|a\s+number\s+of)"
_UNIT = r"(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|moments?)"
_HEDGE = r"(?:around|about|approximately|approx\.?|roughly|circa|ca\.?|~\s?|near|nearly|almost|sometime\s+around|some\s+time\s+around)"
# An hour with no minutes: "11", "11am", "3 p.m.", "noon". It must not be a count ("at 11 pods").
_HOUR_ONLY = (r"(?:(?:[01]?\d|2[0-3])(?!\d|[:.,]\d)(?:\s?[ap]\.?\s?m\.?(?![a-z]))?(?:\s?o'?clock)?(?:\s?(?:" + ZONE + r"))?"
              r"(?!\w|\s*(?:%|×|[-–/]\s*\d|x\b)|\s*,\s*\d|\s+(?:and|or|to|of)\s+\d|\s+(?!(?:am|pm|a\.m|p\.m|o'?clock|in|on|at|that|this|when|and|or|but"
              r"|the|we|they|it|local|by|after|before|while|with|until)\b)[A-Za-z])|noon|midnight)")
_CLOCK_AHEAD = r"\s*(?:[01]?\d|2[0-3])[:.h][0-5]\d"

# (kind, pattern). Order matters only for overlaps: the longest match wins.
_VAGUE_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("approximate", re.compile(r"(?<![\w~])" + _HEDGE + r"\s*(?:at\s+)?" + _HOUR_ONLY, re.I)),
    # "at 11", "until 9": not "increased by 2", "at 5, 10 and 15 minutes", "at 2 or 3 nodes".
    ("hour-only", re.compile(r"\b(?:at|until|till|before|after)\s+(?:[01]?\d|2[0-3])(?:\s?(?:" + ZONE + r"))?"
                             r"(?![\d:.,]\d|[:.][xX?]|\s*(?:%|×|[-–/]\s*\d|x\b|[ap]\.?\s?m)|\s*,\s*\d|\s+(?:and|or|to|of)\s+\d|\s+(?!(?:in|on|at|that|this|when|and|or|but"
                             r"|the|we|they|it|local|by|after|before|while|with|until|o'?clock)\b)[A-Za-z]|\w)", re.I)),
    # (An hour with am/pm, "7pm", is a clock time: precise enough; only hedged, "~7pm", is vague.)
    ("part-of-day", re.compile(r"\b(?:(?:early|late)\s+)?(?:in|during|through(?:out)?|over)\s+(?:the|that|her|his|their|our|my|this)"
                               r"\s+" + _DAYPART + r"\b", re.I)),
    ("part-of-day", re.compile(r"\b(?:(?:early|late)\s+)?(?:on\s+(?:a\s+)?)?(?:that|this|the\s+same|same|one|the\s+following|the\s+next"
                               r"|the\s+previous|yesterday|last|tomorrow|" + _WEEKDAY + r")\s+" + _DAYPART + r"\b", re.I)),
    ("part-of-day", re.compile(r"\bthe\s+" + _DAYPART + r"\s+of\s+(?:" + _DATE_WORDS + r"|the\s+\w+)", re.I)),
    ("part-of-day", re.compile(r"\b(?:by|in|around|until|before|after|from|at|during)\s+(?:early|late|mid)[\s-]*(?:morning|afternoon|evening|day)\b",
                               re.I)),
    ("part-of-day", re.compile(r"\b(?:in\s+the\s+(?:early|small|wee)\s+hours|late\s+at\s+night|tonight"
                               r"|(?:before|after|around|during|over|at)\s+lunch(?:time)?)\b", re.I)),
    ("part-of-day", re.compile(r"\b(?:overnight|throughout\s+the\s+day|during\s+the\s+day|over\s+the\s+weekend|later\s+in\s+the\s+day"
                               r"|(?:before|by|at|around)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?(?:business\s+)?day|eod|cob)"
                               r"|first\s+thing\s+in\s+the\s+morning)\b", re.I)),
    ("relative", re.compile(r"\b(?:later|earlier)\s+(?:that|this|the\s+same|in\s+the|on\s+the)\s+(?:day|night|morning|afternoon|evening"
                            r"|week|month)\b|\bearlier\s+(?:today|on)\b", re.I)),
    ("relative", re.compile(r"\blater\s+on\b(?:\s+" + _DATE_WORDS + r")?", re.I)),
    ("relative", re.compile(r"\b(?:(?:at\s+)?(?:around|about|roughly)\s+the\s+same\s+time|moments?\s+(?:later|after(?:wards)?))\b",
                            re.I)),
    ("relative", re.compile(r"\b(?:shortly|soon|right|immediately|just|not\s+long|some\s*time|a\s+while|a\s+bit|a\s+little|directly)"
                            r"\s+(?:after(?:wards?)?|thereafter|following|afterwards|later)\b(?!" + _CLOCK_AHEAD + r"|\s*" + _HOUR_ONLY + r")",
                            re.I)),
    ("relative", re.compile(r"\b(?:shortly|soon)\s+(?:thereafter|afterwards?|before)\b(?!" + _CLOCK_AHEAD + r")", re.I)),
    ("relative", re.compile(r"\b(?:" + _FEW + r"\s+)?" + _UNIT + r"\s+later\b", re.I)),
    ("relative", re.compile(r"\b(?:after|within|in)\s+" + _FEW + r"\s+" + _UNIT + r"\b", re.I)),
    ("relative", re.compile(r"\bwithin\s+(?:\w+\s+){1,2}" + _UNIT + r"\s+of\b", re.I)),
    # Spans with no anchor: "within minutes", "within the hour", "a couple of hours prior".
    ("relative", re.compile(r"\bwithin\s+(?:(?:mere|a\s+few|few)\s+)?(?:minutes|hours|seconds|moments|days)\b"
                            r"|\bwithin\s+the\s+(?:hour|day|minute|week)\b", re.I)),
    ("relative", re.compile(r"\b" + _FEW + r"\s+(?:seconds|minutes|hours|days|weeks)\s+(?:prior|before|earlier)\b", re.I)),
    # Relative days, counted or not: "two days earlier", "a week later", "the week before".
    ("relative", re.compile(r"\b(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2}|" + _FEW + r")\s+"
                            r"(?:days?|weeks?|months?)\s+(?:later|earlier|prior|before|afterwards?|ago)\b", re.I)),
    ("relative", re.compile(r"\bthe\s+(?:week|month|night|evening|morning|weekend)\s+(?:before|after|prior)\b"
                            r"|\b(?:earlier|later)\s+that\s+(?:week|month)\b", re.I)),
    ("relative", re.compile(r"\bafter\s+(?:a\s+while|some\s+time|a\s+bit)\b", re.I)),
    ("relative", re.compile(r"\bat\s+(?:some|one|a\s+later|an\s+unknown|some\s+later)\s+(?:point|time|stage)\b", re.I)),
    ("relative", re.compile(r"\b(?:yesterday|the\s+day\s+before(?:\s+yesterday)?|the\s+(?:next|following|previous|prior)\s+"
                            r"(?:day|morning|afternoon|evening|night|week)|the\s+day\s+after|last\s+(?:night|week|weekend)"
                            r"|earlier\s+today|this\s+morning|the\s+other\s+day|" + _FEW + r"\s+days\s+(?:ago|later|earlier)"
                            r"|(?:over|in|during)\s+the\s+(?:course\s+of\s+the\s+)?(?:following|next|previous|past|preceding)\s+(?:" + _FEW +
                            r"\s+)?(?:days?|weeks?|hours?|minutes))\b", re.I)),
    # Placeholders: "XX:XX", "??:??", "1X:45", "14:XX" (an x or ? inside the time itself).
    ("unknown", re.compile(r"(?<![\w:?])(?=[0-9]{0,2}[xX?]|[0-9xX?]{1,2}[:.][0-9]?[xX?])[0-9xX?]{1,2}[:.][0-5xX?][0-9xX?](?![\w?])"
                           r"(?:\s*\((?:not\s+sure|unsure|unknown|approx)[^)\n]{0,40}\))?", re.I)),
    ("unknown", re.compile(r"(?<!\w)HH:MM(?!\w)")),
]
# Adverbs that are vague times only as adverbs of a past event in the incident (checked with spaCy).
_ADVERB_WORDS = re.compile(r"\b(?:later|immediately|recently|in\s+advance|afterwards?|soon|subsequently|thereafter)\b",
                           re.I)
_DAYPART_WORDS = re.compile(r"\b(?:morning|afternoon|evening|night|overnight|weekend|yesterday)\b", re.I)
_COUNT_BEFORE = re.compile(r"(?:\d+|\ban?|\bone|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
                           r"|thirty|forty|fifty|sixty|ninety|half\s+an?)\s*$", re.I)
# A timeline row (or its time cell) that starts with a vague time instead of a clock time.
_ROW_VAGUE_START = re.compile(
    r"^\W{0,4}(?P<when>(?:(?:early|late|mid)[\s-]+)?(?:morning|afternoon|evening|night|overnight|midday|later|afterwards"
    r"|next\s+day|the\s+next\s+(?:day|morning)|soon\s+after|shortly\s+after|eventually|unknown|tbd|\?{2,}))"
    r"\W*(?::|[-–—|]|$)", re.I)
_QUOTES = re.compile(r"\"[^\"\n]{0,400}\"|“[^”\n]{0,400}”")
_FORECAST_VERBS = {"expect", "anticipate", "estimate", "forecast", "plan", "hope", "aim", "intend", "project"}
_FORECAST_WORD = re.compile(r"(?:expect|anticipat|estimat|forecast|plann?|hop|aim|intend)(?:s|ed|ing|e|es)?$")
_MODALS = {"will", "would", "should", "could", "must", "can", "may", "might", "shall", "'ll", "need", "ought"}

KIND_LABELS = {
    "approximate": "an approximate time",
    "hour-only": "an hour with no minutes",
    "part-of-day": "a part of the day",
    "relative": "a relative time with no clock time",
    "unknown": "a time left unknown",
}


@dataclass(slots=True)
class VagueTime:
    """A vague time expression in the author's voice, at `span` in the original text."""

    span: Span
    text: str  # as written in the original text
    kind: str  # approximate | hour-only | part-of-day | relative | unknown
    block: ProseBlock
    in_timeline: bool = False  # inside a timeline row

    def moved(self, delta: int, block: ProseBlock) -> VagueTime:
        return replace(self, span=Span(self.span.start + delta, self.span.end + delta), block=block)


def _skipped_sections(doc: Postmortem) -> list[Span]:
    """Action items describe what will be done, not when something happened."""
    return [s.span for s in doc.sections if s.kind == SectionKind.ACTION_ITEMS]


def _inside_any(span: Span, spans: list[Span]) -> bool:
    return any(s.start <= span.start and span.end <= s.end for s in spans)


def _analyzed_by_block(analysis: Analysis | None) -> dict[int, object]:
    if analysis is None:
        return {}
    return {id(ab.block): ab.doc for ab in analysis.blocks}


def _tokens_at(spacy_doc, start: int, end: int) -> list:
    """The tokens overlapping [start, end), found by bisection (a scan of the whole block per
    match is quadratic in a long paragraph)."""
    ends = spacy_doc.user_data.get(("pmreview", "token_ends"))
    if ends is None:
        ends = spacy_doc.user_data[("pmreview", "token_ends")] = [t.idx + len(t.text) for t in spacy_doc]
    first = bisect.bisect_right(ends, start)
    out = []
    for i in range(first, len(ends)):
        token = spacy_doc[i]
        if token.idx >= end:
            break
        out.append(token)
    return out


def _future_or_modal(token) -> bool:
    """Is `token` inside a clause about what will or should happen (not the incident)?"""
    head = token
    for _ in range(6):
        if head.pos_ in ("VERB", "AUX") or head.dep_ == "ROOT":
            break
        if head.head.i == head.i:
            break
        head = head.head
    for child in head.children:
        if child.dep_ in ("aux", "auxpass") and child.lower_ in _MODALS:
            return True
        if child.lower_ in ("going",) and child.dep_ == "aux":
            return True
    # "we expect to see recovery over the next few hours": a forecast, not an event of the incident.
    governor = head
    for _ in range(3):
        if governor.lemma_.lower() in _FORECAST_VERBS or _FORECAST_WORD.match(governor.lower_):
            return True
        if governor.head.i == governor.i:
            break
        governor = governor.head
    return head.tag_ in ("VB",) and not any(c.dep_ in ("aux", "auxpass") for c in head.children) and head.dep_ == "xcomp"


def _past_event_adverb(token) -> bool:
    """Is this "later"/"immediately"/"recently" an adverb of a past event?"""
    if token.pos_ not in ("ADV", "ADP") and token.tag_ not in ("RB", "RBR", "RBS"):
        return False
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if following is not None and (following.lower_ == "than" or following.pos_ in ("NOUN", "PROPN")):
        return False  # "later than the deadline", "every later insert"
    head = token.head
    for _ in range(3):
        if head.pos_ in ("VERB", "AUX"):
            break
        if head.head.i == head.i:
            break
        head = head.head
    if head.pos_ not in ("VERB", "AUX"):
        return False
    # "deployed and run in advance": the auxiliaries hang on the first verb of the pair.
    governors = [head, head.head] if head.dep_ == "conj" else [head]
    auxiliaries = [c for g in governors for c in g.children if c.dep_ in ("aux", "auxpass")]
    if any(c.lower_ in _MODALS for c in auxiliaries):
        return False
    tag = head.tag_
    if head.dep_ == "conj" and head.head.tag_ in ("VBD", "VBN"):
        tag = head.head.tag_  # "was deployed and run": the second verb shares the first one's tense
    if tag == "VBD":
        return True
    if tag == "VBN":
        if head.dep_ == "amod":
            return True  # "a token with recently elevated scopes"
        if head.dep_ == "ROOT" and not auxiliaries and any(c.dep_ == "nsubj" for c in head.children):
            return True  # "The queue soon filled up": a past tense the tagger read as a participle
        return any(c.lower_ in ("was", "were", "had", "been") for c in auxiliaries)
    return False


_NEAR_CLOCK = re.compile(r"(?<!\d)(?:[01]?\d|2[0-3])[:.h][0-5]\d(?!\d)|(?<![\w.])(?:1[0-2]|0?[1-9])\s?[ap]\.?\s?m\b", re.I)


def _clock_nearby(text: str, start: int, end: int) -> bool:
    """A clock time right next to a relative day word gives it an anchor."""
    before = text[max(0, start - 14) : start]
    after = text[end : end + 14]
    return bool(_NEAR_CLOCK.search(before) and re.search(r"\d[^,;.\n]*$", before)) or bool(
        re.match(r"\s*(?:at|,)?\s*(?:[01]?\d|2[0-3])[:.h][0-5]\d", after))


def _daypart_is_when(tokens, in_timeline: bool) -> bool:
    """Does a part of the day say when something happened ("restarted it that evening"), rather than
    name a kind of thing ("the evening peak", "overnight activity", "morning shift")?"""
    for token in tokens:
        if not _DAYPART_WORDS.search(token.text):
            continue
        if token.dep_ in ("amod", "compound", "nmod", "poss") and token.head.pos_ in ("NOUN", "PROPN"):
            return False
        if token.i + 1 < len(token.doc) and token.nbor(1).pos_ in ("NOUN", "PROPN") and token.nbor(1).dep_ != "npadvmod":
            return False  # "evening traffic", "Morning route planning"
        if token.dep_ in ("attr", "nsubj", "dobj", "nsubjpass"):
            return False  # "It was a weekday morning": a description, not the time of an event
        verb = token.head
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
        if not in_timeline and verb.tag_ in ("VBZ", "VBP") and not any(c.tag_ == "VBN" for c in verb.children):
            return False  # "nobody watches at night": a habit, not an event of the incident
        return True
    return False


def vague_times(doc: Postmortem, analysis: Analysis | None = None) -> list[VagueTime]:
    """Every vague time in the author's voice, by position."""
    if analysis is None:
        found = _vague_times_in(doc, doc.blocks, None)
    else:
        found = analysis.per_block("vague_times", lambda alone: _vague_times_in(doc, [b.block for b in alone.blocks], alone))
    found.sort(key=lambda v: v.span.start)
    return found


def _rows_by_start(timeline: list) -> tuple[list[Span], list[int]]:
    spans = sorted((e.span for e in timeline), key=lambda r: (r.start, r.end))
    return spans, [r.start for r in spans]


def _vague_times_in(doc: Postmortem, blocks: list[ProseBlock], analysis: Analysis | None) -> list[VagueTime]:
    skipped = _skipped_sections(doc)
    parsed = _analyzed_by_block(analysis)
    from reviewer.nlp.analysis import built_for

    # Sorted once per document, not once per block (this runs block by block).
    timeline_spans, row_starts = built_for(doc.timeline, "rows by start", _rows_by_start)

    def row_holding(span: Span) -> Span | None:
        """The timeline row that holds `span` (rows do not overlap: one look-up, not a scan)."""
        i = bisect.bisect_right(row_starts, span.start) - 1
        return timeline_spans[i] if i >= 0 and timeline_spans[i].covers(span) else None
    found: list[VagueTime] = []
    for block in blocks:
        if block.quoted or not block.text.strip() or _inside_any(block.span, skipped):
            continue
        if any(c.covers(block.span) for c in doc.code_spans):
            continue
        text = block.text
        holding_row = row_holding(block.span)
        in_timeline = holding_row is not None
        quoted = [(m.start(), m.end()) for m in _QUOTES.finditer(text)]
        spacy_doc = parsed.get(id(block))
        candidates: list[tuple[int, int, str]] = []
        for kind, pattern in _VAGUE_PATTERNS:
            for m in pattern.finditer(text):
                # (Only the 40 characters before it: a count stands right there, and a search from 0 per match is quadratic.)
                if kind == "relative" and _COUNT_BEFORE.search(text, max(0, m.start() - 40), m.start()) \
                        and re.match(_UNIT, m.group(0), re.I):
                    continue  # "ten minutes later", "an hour later": an offset from the row before, not vague
                end = m.end()
                if text[m.start() : end].endswith("m.") and not text[m.start() : end].endswith(".m."):
                    end -= 1  # "at ~3pm." ends a sentence: the full stop is not part of the time
                candidates.append((m.start(), end, kind))
        if spacy_doc is not None:
            for m in _ADVERB_WORDS.finditer(text):
                if re.search(_UNIT + r"\s*$", text[max(0, m.start() - 40) : m.start()], re.I):
                    continue  # "ten minutes later" is an offset; "a few minutes later" is matched above
                if re.search(r"\bas\s*$", text[max(0, m.start() - 4) : m.start()], re.I) or re.match(r"\s+as\b", text[m.end():]):
                    continue  # "as soon as": a manner of speaking, not a time
                tokens = _tokens_at(spacy_doc, m.start(), m.end())
                if tokens and _past_event_adverb(tokens[0]):
                    candidates.append((m.start(), m.end(), "relative"))
            for ent in spacy_doc.ents:
                if ent.label_ == "TIME" and _DAYPART_WORDS.search(ent.text) and not re.search(r"\d", ent.text) \
                        and _daypart_is_when(ent, in_timeline):
                    candidates.append((ent.start_char, ent.end_char, "part-of-day"))
        # Only the time position: the first cell of a row or the start of a list item.
        if holding_row is not None and abs(block.span.start - holding_row.start) <= 4:
            m = _ROW_VAGUE_START.match(text)
            if m:
                when = m.group("when")
                kind = "part-of-day" if _DAYPART_WORDS.search(when) else "unknown" if re.fullmatch(r"unknown|tbd|\?+", when, re.I) \
                    else "relative"
                candidates.append((m.start("when"), m.end("when"), kind))
        # Longest first; drop overlaps.
        candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        kept: list[tuple[int, int, str]] = []
        for start, end, kind in candidates:
            if kept and start < kept[-1][1]:
                if end > kept[-1][1] and end - start > kept[-1][1] - kept[-1][0]:
                    kept[-1] = (min(start, kept[-1][0]), end, kept[-1][2])
                continue
            kept.append((start, end, kind))
        for start, end, kind in kept:
            if any(qs <= start and end <= qe for qs, qe in quoted):
                continue
            if re.match(r"['’]s\b", text[end : end + 3]):
                continue  # "the next day's slots", "yesterday's routes": which plan, not when something happened
            if spacy_doc is not None and kind != "unknown":
                tokens = _tokens_at(spacy_doc, start, end)
                if tokens and _future_or_modal(tokens[0]):
                    continue
                if len(tokens) == 1 and tokens[0].lower_ == "overnight" and not _daypart_is_when(tokens[0:1], in_timeline):
                    continue  # "overnight operations teams", "unusual overnight activity"
            if kind == "relative" and _clock_nearby(text, start, end):
                continue  # "18:00 UTC yesterday", "the day before at 10:02": anchored to a clock time
            span = block.original_span(start, end)
            if any(c.covers(span) for c in doc.code_spans):
                continue
            original = doc.text[span.start : span.end]
            found.append(VagueTime(span, original, kind, block, in_timeline=row_holding(span) is not None))
    return found


# --- the timeline's own format, for suggestions ------------------------------------------------

@dataclass(slots=True)
class TimeFormat:
    """How this document writes its times, e.g. pattern "HH:MM UTC", example "14:02 UTC"."""

    pattern: str
    example: str | None  # a time as written in this document
    twelve_hour: bool
    zone: str | None

    def suggest(self) -> str:
        if self.example:
            return f"`{self.pattern}` (as in `{self.example}`)"
        return f"`{self.pattern}`"


def timeline_format(doc: Postmortem, zone: str | None = None) -> TimeFormat:
    clocks = [e.clock for e in doc.timeline if e.clock is not None]
    if not clocks:
        return TimeFormat("HH:MM UTC" if zone is None else f"HH:MM {zone}", None, False, zone)
    twelve = sum(1 for c in clocks if c.meridiem) * 2 > len(clocks)
    seconds = sum(1 for c in clocks if c.second is not None) * 2 > len(clocks)
    zones = Counter(c.tz for c in clocks if c.tz)
    row_zone = zones.most_common(1)[0][0] if zones and sum(zones.values()) * 2 >= len(clocks) else None
    pattern = ("h:MM" if twelve else "HH:MM") + (":SS" if seconds else "") + (" AM" if twelve else "")
    if row_zone:
        pattern += f" {row_zone}"
    elif zone:
        pattern += f" ({zone})"
    else:
        pattern += " UTC"
    example = next((c.text.strip() for c in clocks if bool(c.meridiem) == twelve and bool(c.tz) == bool(row_zone)), None)
    return TimeFormat(pattern, example, twelve, row_zone or zone)


# --- time zone ---------------------------------------------------------------------------------

_ZONE_LONG = {
    r"pacific(?:\s+(?:standard|daylight))?(?:\s+time)?": "PT",
    r"eastern(?:\s+(?:standard|daylight))?(?:\s+time)?": "ET",
    r"central\s+european(?:\s+(?:summer|standard))?(?:\s+time)?": "CET",
    r"central(?:\s+(?:standard|daylight))?\s+time": "CT",
    r"mountain(?:\s+(?:standard|daylight))?\s+time": "MT",
    r"coordinated\s+universal\s+time": "UTC",
    r"greenwich\s+mean\s+time": "GMT",
    r"british\s+summer\s+time": "BST",
    r"india(?:n)?\s+standard\s+time": "IST",
    r"japan\s+standard\s+time": "JST",
}
_ZONE_LONG_RE = "|".join(_ZONE_LONG) + (
    r"|(?:America|Europe|Asia|Australia|Africa|Pacific|Atlantic|Indian|US|Etc|Antarctica|Arctic|Canada|Brazil|Mexico|Chile)"
    r"/[A-Za-z_]+(?:[+-]\d{1,2})?(?:/[A-Za-z_]+)?")
_ANY_ZONE = r"(?:" + ZONE + r"|" + _ZONE_LONG_RE + r")"
# Zones by name or as UTC±N: a bare "-23:00" in "22:04-23:00 UTC" is the end of a range.
_NAMED_ZONE = r"(?:" + ZONE.replace(r"[+-]\d{2}:?\d{2}|", "") + r"|" + _ZONE_LONG_RE + r")"
_DECLARATION = re.compile(
    r"\b(?:(?:all\s+)?(?:the\s+)?(?:times?|timestamps?|dates?\s+and\s+times?)\s+(?:are\s+|is\s+|shown\s+|listed\s+|given\s+|below\s+)*"
    r"(?:(?:in|as)\s+)?(?:the\s+)?|time\s*zone\s*(?:is\s*|:\s*)|tz\s*:\s*)"
    r"(?P<zone>" + _NAMED_ZONE + r")(?![A-Za-z])",
    re.I,
)
_ZONE_ALONE = re.compile(r"(?<![A-Za-z\d:])(?P<zone>" + _NAMED_ZONE + r")(?![A-Za-z])", re.I)
_FAMILIES = [{"PST", "PDT", "PT"}, {"EST", "EDT", "ET"}, {"CST", "CDT", "CT"}, {"MST", "MDT", "MT"}, {"CET", "CEST"},
             {"AEST", "AEDT"}, {"NZST", "NZDT"}, {"AKST", "AKDT"}, {"UTC", "GMT", "Z"}]


def plausible_zone(written: str) -> bool:
    """Abbreviations count when written in capitals ("ET", "IST"), so that "et al." or "ist"
    are not zones; "utc" and "gmt" are clear enough in any case, and names and offsets too."""
    text = written.strip()
    if re.fullmatch(r"[A-Za-z]{1,5}", text) and text.upper() not in ("UTC", "GMT"):
        return text.isupper()
    return True


def canonical_zone(written: str) -> str:
    """ "utc" → "UTC", "Pacific Time" → "PT", "UTC+2" → "UTC+2"; other names as written."""
    text = " ".join(written.split())
    if "/" in text:
        return text  # an IANA name, "Europe/Berlin", as written
    for pattern, abbreviation in _ZONE_LONG.items():
        if re.fullmatch(pattern, text, re.I):
            return abbreviation if not re.fullmatch(r"eastern|pacific", text, re.I) else text.title()
    upper = text.upper().replace(" ", "")
    return "UTC" if upper in ("Z", "UTC+0", "UTC+00:00", "UTC-0", "GMT+0") else upper


def _offset(zone: str) -> timedelta | None:
    named = {"PACIFIC": "PT", "EASTERN": "ET"}
    return zone_offset(named.get(zone.upper(), zone))


def same_zone(a: str, b: str) -> bool:
    """The same zone, or the same region's standard/daylight pair (PST/PDT), or equal offsets."""
    a, b = canonical_zone(a), canonical_zone(b)
    alias = {"PACIFIC": "PT", "EASTERN": "ET"}
    a, b = alias.get(a.upper(), a), alias.get(b.upper(), b)
    if a == b or any(a in f and b in f for f in _FAMILIES):
        return True
    oa, ob = _offset(a), _offset(b)
    if "/" in a or "/" in b:
        # "Europe/Berlin" is CET in winter and CEST in summer: the same zone as either.
        sa, sb = _iana_offsets(a) or ({oa} if oa is not None else set()), _iana_offsets(b) or ({ob} if ob is not None else set())
        return bool(sa & sb)
    return oa is not None and oa == ob


def _iana_offsets(name: str) -> set[timedelta]:
    if "/" not in name:
        return set()
    try:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(name)
    except Exception:  # noqa: BLE001 - an unknown or malformed name is just not comparable
        return set()
    return {zone.utcoffset(datetime(2024, 1, 15)), zone.utcoffset(datetime(2024, 7, 15))}


@dataclass(slots=True)
class ZoneInfo:
    """The document's time zone: what it is, where it is declared, and whether it holds."""

    zone: str | None  # canonical: "UTC", "PST", "UTC+2", "Eastern"
    declared: str | None  # "statement" | "heading" | "column" | "front matter" | "times" | None
    span: Span | None  # where it is declared (or the first zoned time)
    zones_written: dict[str, int] = field(default_factory=dict)  # zones written on times, counted
    mixed: list[tuple[str, Span]] = field(default_factory=list)  # times in another zone, not converted
    timed_rows: int = 0  # timeline rows with a clock time

    @property
    def consistent(self) -> bool:
        return not self.mixed

    def as_fact(self) -> dict:
        return {
            "zone": self.zone,
            "declared": self.declared,
            "start": self.span.start if self.span else None,
            "end": self.span.end if self.span else None,
            "consistent": self.consistent,
            "zones_written": self.zones_written,
            "mixed": [{"zone": z, "start": s.start, "end": s.end} for z, s in self.mixed],
        }


def _zoned_clocks(doc: Postmortem) -> list[tuple[str, Span, ProseBlock]]:
    """Clock times in the author's voice that carry a zone ("10:02 UTC", "4:19 pm PST", "7:09 AM Eastern")."""
    found = []
    long_after = re.compile(r"\s?(?P<zone>" + _ZONE_LONG_RE + r")(?![A-Za-z])", re.I)
    for block in doc.blocks:
        if block.quoted:
            continue
        for clock in find_clocks(block.text, allow_dot=False):
            zone = clock.tz if clock.tz and plausible_zone(clock.tz) else None
            end = clock.span.end
            if not zone:
                m = long_after.match(block.text, clock.span.end)
                if m:
                    zone, end = m.group("zone"), m.end()
            if zone:
                span = block.original_span(clock.span.start, end)
                if not any(c.covers(span) for c in doc.code_spans):
                    found.append((canonical_zone(zone), span, block))
    return found


def _converted(block: ProseBlock, span: Span, doc: Postmortem) -> bool:
    """ "0:59 CET (23:59 UTC)", "18:00 UTC / 11:00 PDT", "(need to convert to PST)": a conversion is given."""
    around = doc.text[span.end : span.end + 40]
    before = doc.text[max(0, span.start - 30) : span.start]
    return bool(re.match(r"\s*[(/\[]\s*[^)\]\n]{0,30}?(?:\d{1,2}[:.]\d{2}|convert)", around, re.I)
                or re.search(r"\d{1,2}[:.]\d{2}[^()\n]{0,6}[(/]\s*$", before))


def detect_zone(doc: Postmortem) -> ZoneInfo:
    """Where the document says which zone its times are in, and whether its times agree."""
    zone: str | None = None
    declared: str | None = None
    where: Span | None = None
    # 1. front matter: timezone / tz / time_zone
    for key, value in (doc.front_matter or {}).items():
        if re.fullmatch(r"time_?zone|tz", str(key).strip().lower().replace(" ", "_")) and isinstance(value, str) and value.strip():
            zone, declared, where = canonical_zone(value.strip()), "front matter", doc.front_matter_span
            break
    # 2. a statement ("All times in PST"), a timeline heading ("Timeline (UTC)"), a column header ("Time (UTC)")
    if zone is None:
        for block in doc.blocks:
            if block.quoted:
                continue
            m = next((d for d in _DECLARATION.finditer(block.text) if plausible_zone(d.group("zone"))), None)
            section = doc.section_of(block)
            if m is None and block.kind == BlockKind.HEADING and section is not None and section.kind == SectionKind.TIMELINE:
                m = next((z for z in _ZONE_ALONE.finditer(block.text) if plausible_zone(z.group("zone"))), None)
            if m is not None:
                zone = canonical_zone(m.group("zone"))
                declared = "heading" if block.kind == BlockKind.HEADING else "statement"
                where = block.original_span(m.start("zone"), m.end("zone"))
                break
    if zone is None:
        for table in doc.tables:
            for name in table.header:
                if re.search(r"\b(time|when|timestamp|date)", name, re.I) or re.fullmatch(r"\W*" + _ANY_ZONE + r"\W*", name, re.I):
                    m = next((z for z in _ZONE_ALONE.finditer(name) if plausible_zone(z.group("zone"))), None)
                    if m:
                        zone, declared, where = canonical_zone(m.group("zone")), "column", table.span
                        break
            if zone:
                break
    zoned = _zoned_clocks(doc)
    counts = Counter(z for z, _, _ in zoned)
    # 3. no declaration: the zone the times themselves are written in
    if zone is None and counts:
        zone = counts.most_common(1)[0][0]
        declared = "times"
        where = next(s for z, s, _ in zoned if z == zone)
    mixed = []
    if zone is not None:
        for z, span, block in zoned:
            if not same_zone(z, zone) and not _converted(block, span, doc):
                mixed.append((z, span))
    timed = sum(1 for e in doc.timeline if e.clock is not None)
    return ZoneInfo(zone, declared, where, dict(counts), mixed, timed)


# --- resolved timeline rows ---------------------------------------------------------------------

@dataclass(slots=True)
class ResolvedRow:
    """A timeline row with a comparable time: day roll-overs and 12-hour wraps applied."""

    index: int  # in doc.timeline
    entry: TimelineEntry
    at: datetime | None  # None when the row has neither a clock nor a date
    day_known: bool  # the date was written (in the row, a heading or the metadata)
    date_only: bool = False  # a date with no clock time
    rolled_over: bool = False  # read as the next day: the clock went past midnight
    wrapped_12h: bool = False  # read as pm: a 12-hour clock with no am/pm went past noon
    out_of_order: bool = False  # earlier than the row before, as written
    previous: int | None = None  # index of the row it was compared with
    sequence: int = 0  # rows of one list / table / run of headings share it; order is checked within one


_HEADING_LINE = re.compile(r"^\s*#{1,6}\s.*$", re.M)


def _new_sequence(doc: Postmortem, before: TimelineEntry, entry: TimelineEntry) -> bool:
    """Does `entry` start another list of rows ("Key events" above the detailed timeline)?

    Rows follow each other directly in one list, table or run of headings; text that is
    not a row between them (other than code blocks and headings) ends the sequence.
    """
    if entry.span.start <= before.span.end:
        return False
    gap_start, gap_end = before.span.end, entry.span.start
    gap = list(doc.text[gap_start:gap_end])
    for code in doc.code_spans:
        if code.end > gap_start and code.start < gap_end:
            for i in range(max(code.start, gap_start), min(code.end, gap_end)):
                gap[i - gap_start] = " "
    for comment in doc.comments:
        if comment.span.end > gap_start and comment.span.start < gap_end:
            for i in range(max(comment.span.start, gap_start), min(comment.span.end, gap_end)):
                gap[i - gap_start] = " "
    rest = _HEADING_LINE.sub(" ", "".join(gap))
    return bool(re.sub(r"[\s\-*+>|:]+", "", rest))


def _row_date_written(entry: TimelineEntry) -> bool:
    """The row's own date, as read ("Apr 2, 12:13 AM" with no year known anywhere is not read:
    the row is then placed like a row with no date, after the one before)."""
    return bool(entry.day is not None and entry.time_text and find_dates(entry.time_text, default_year=2000))


def leading_date(doc: Postmortem, entry: TimelineEntry) -> Span | None:
    """Where a row with no clock time starts with a date ("- 2024-06-21: image removed"), or None."""
    if entry.time_span is not None and entry.time_text:
        found = find_dates(entry.time_text, entry.time_span.start, default_year=entry.day.year if entry.day else 2000)
        return found[0][1] if found else None
    head = doc.text[entry.span.start : min(entry.span.end, entry.span.start + 60)]
    found = find_dates(head, entry.span.start, default_year=entry.day.year if entry.day else 2000)
    if found and len(head[: found[0][1].start - entry.span.start].strip("-*+•#|[( \t")) == 0:
        return found[0][1]
    return None


def _uses_meridiem(doc: Postmortem) -> bool:
    return any(e.clock is not None and e.clock.meridiem for e in doc.timeline)


def _twelve_hour_sequences(doc: Postmortem, sequences: dict[int, int]) -> set[int]:
    """Sequences of rows written on a 12-hour clock: some row has am/pm, or no hour is past 12
    and none has a leading zero ("9:40", "1:05"; a 24-hour clock writes "09:40", "13:05")."""
    by_sequence: dict[int, list] = {}
    for index, entry in enumerate(doc.timeline):
        if entry.clock is not None:
            by_sequence.setdefault(sequences[index], []).append(entry.clock)
    twelve = set()
    for sequence, clocks in by_sequence.items():
        if any(c.meridiem for c in clocks):
            twelve.add(sequence)
        elif all(c.hour <= 12 for c in clocks) and not any(re.match(r"\s*0\d", c.text) for c in clocks) \
                and any(c.hour < 10 for c in clocks):
            twelve.add(sequence)
    return twelve


_HALF_DAY = timedelta(hours=12)


def resolve_rows(doc: Postmortem) -> list[ResolvedRow]:
    """Each timeline row as a datetime, in document order, with its order checked.

    A row is out of order when its time is earlier than the row before. It is not when the
    clock only rolled past midnight with no date written (23:50 then 00:10: read as the next
    day), nor when a 12-hour clock with no am/pm went round the dial (11:50 then 1:03: read as
    13:03, and the rows after it in the afternoon too, until the dial comes round again).
    On a 12-hour dial a step back is read as a step forward when forward is the shorter way
    round (10:20 then 10:14 is a step back; 11:40 then 1:05 a step forward). A date written in
    the row, or carried from a heading, is trusted as written. One reordering is one finding:
    the rows after an out-of-order row are compared with it, not with the row before it.
    """
    rows: list[ResolvedRow] = []
    sequences: dict[int, int] = {}
    sequence = 0
    for index, entry in enumerate(doc.timeline):
        if index and _new_sequence(doc, doc.timeline[index - 1], entry):
            sequence += 1
        sequences[index] = sequence
    twelve_hour = _twelve_hour_sequences(doc, sequences)
    shift = timedelta(0)  # days added by roll-overs since the last written date
    last_day: date | None = None
    previous: ResolvedRow | None = None
    for index, entry in enumerate(doc.timeline):
        sequence = sequences[index]
        if index and sequence != sequences[index - 1]:
            previous, shift = None, timedelta(0)
        day = entry.day
        clock = entry.clock
        dial = clock is not None and sequence in twelve_hour and clock.meridiem is None and 1 <= clock.hour <= 12
        if clock is None:
            if day is None or leading_date(doc, entry) is None:
                rows.append(ResolvedRow(index, entry, None, day is not None, sequence=sequence))
                continue
            row = ResolvedRow(index, entry, datetime(day.year, day.month, day.day), True, date_only=True,
                              sequence=sequence)
        else:
            hour, minute, second = to_24h(clock)
            base = day or PLACEHOLDER_DAY
            row = ResolvedRow(index, entry, datetime(base.year, base.month, base.day, hour, minute, second),
                              day is not None, sequence=sequence)
        if day != last_day:
            shift = timedelta(0)  # a new written date resets the roll-over count
            last_day = day
        assert row.at is not None
        row.at += shift
        if dial and previous is not None and previous.at is not None and not row.date_only and not previous.date_only and previous.entry.day == entry.day \
                and not _row_date_written(entry):
            # On the 12-hour dial: the reading just after the row before, unless the step back to
            # the reading just before it is shorter and short (10:20 then 10:14 is a step back).
            row.previous = previous.index
            prev_at = previous.at
            if clock.hour == 12:
                row.at -= _HALF_DAY  # "12:10" on the dial is ten past midnight or ten past noon: count from midnight
            turns = max(0, -(-(prev_at - row.at) // _HALF_DAY))
            forward_at = row.at + turns * _HALF_DAY
            backward_at = forward_at - _HALF_DAY
            written_24h = datetime.combine(row.at.date(), datetime.min.time()) + timedelta(hours=clock.hour, minutes=clock.minute)
            # A reordering is a short step back (a typo, a row filed late); hours back on a
            # dial is the clock going round.
            step_back = prev_at - backward_at
            if turns == 0 or forward_at - prev_at <= step_back or step_back > timedelta(hours=3):
                row.wrapped_12h = forward_at.time() != written_24h.time()
                row.rolled_over = forward_at.date() > row.at.date()
                row.at = forward_at
            else:
                row.out_of_order = True
                row.at = backward_at if backward_at >= row.at else row.at
            rows.append(row)
            previous = row
            continue
        if previous is not None and previous.at is not None:
            row.previous = previous.index
            compare_days = row.date_only or previous.date_only
            prev_at = previous.at
            if shift and not compare_days and clock is not None and row.at - prev_at > timedelta(hours=20) \
                    and timedelta(0) < prev_at - (row.at - timedelta(days=1)) <= timedelta(hours=3):
                # 23:50, 00:10 (the next day), then 23:55: a step back over midnight, not a day later.
                row.at -= timedelta(days=1)
            if compare_days:
                if row.at.date() < prev_at.date():
                    row.out_of_order = True
            elif row.at < prev_at:
                same_day_written = previous.entry.day == entry.day
                if same_day_written and not _row_date_written(entry) and clock is not None:
                    gap_back = prev_at - row.at
                    forward = (row.at + timedelta(days=1)) - prev_at
                    # After a row with its own date ("2021-01-10 19:00 launch announced"), rows with
                    # no date are usually the incident's day: any step back of more than an hour is
                    # read as the next day. Elsewhere only a late-evening clock rolls over.
                    dated_before = _row_date_written(previous.entry)
                    rolls_over = gap_back > timedelta(hours=1) and (
                        (dated_before and forward <= timedelta(hours=24))
                        or (prev_at.hour >= 18 and forward <= timedelta(hours=12)) or forward <= timedelta(hours=6))
                    if rolls_over:
                        row.rolled_over = True
                        shift += timedelta(days=1)
                        row.at += timedelta(days=1)
                    else:
                        row.out_of_order = True
                elif entry.day is None and previous.entry.day is not None:
                    pass  # a row with no day after one with a day: nothing to compare
                else:
                    row.out_of_order = True
        rows.append(row)
        previous = row
    return rows


def ambiguous_12h_rows(doc: Postmortem, rows: list[ResolvedRow] | None = None) -> list[ResolvedRow]:
    """Rows whose 1–12 hour has no am/pm in a timeline where that changes the reading."""
    rows = rows if rows is not None else resolve_rows(doc)
    if not _uses_meridiem(doc) and not any(r.wrapped_12h for r in rows):
        return []
    return [r for r in rows if r.entry.clock is not None and r.entry.clock.ambiguous_12h]


def zone_offsets_known() -> dict[str, float]:
    return dict(ZONE_OFFSETS)
