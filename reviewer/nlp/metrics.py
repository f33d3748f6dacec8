"""Metrics a postmortem states: severity, durations written in words, quantified impact.

    m = document_metrics(doc, analysis)     # Metrics, computed once per Analysis (Analysis.shared)
    m.severity, m.impact_minutes, m.time_to_detect_minutes, m.time_to_resolve_minutes
    m.impact_numbers                        # [ImpactNumber]: "415 jobs were unable to start"
    m.vague_claims                          # [VagueClaim]: "many users", "a traffic spike"

Everything here is what the author *wrote*: "Time to resolve: 1h 29m", "the outage lasted 47
minutes", "between 1:46pm and 5:30pm". Durations derived from the timeline are the time
engineer's (`reviewer.nlp.durations.derive_durations`); the metrics rules compare the two.

Stated durations are found with patterns over each prose block (code and link targets are
already masked by the parser) and over the front matter. Impact numbers use the spaCy parse:
a number (a digit, a number word, an ordinal fraction, a percentage, money, entity types
CARDINAL/PERCENT/MONEY/QUANTITY) attached to, or written just before, a noun for what was
affected (users, requests, jobs, …) in a sentence that says something went wrong. Resource
figures ("CPU at 90%", "8000 GB disk") and load ("700 attendees") are not impact.

All positions are 0-based offsets into the original text.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from reviewer.document.metadata import FIELD_KEYS, normalise_key, severity_level
from reviewer.document.model import Link, Postmortem, ProseBlock, SectionKind, Span
from reviewer.facts import fact
from reviewer.nlp.impact_window import StatedWindow, stated_window, stated_windows

if TYPE_CHECKING:
    from reviewer.nlp.analysis import Analysis

# --- durations written in words --------------------------------------------------------------

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90, "half an": 0.5, "half a": 0.5,
    "one and a half": 1.5, "two and a half": 2.5, "three and a half": 3.5, "four and a half": 4.5, "five and a half": 5.5,
}
_UNIT_MINUTES = {"s": 1 / 60, "sec": 1 / 60, "second": 1 / 60, "m": 1, "min": 1, "minute": 1, "h": 60, "hr": 60,
                 "hour": 60, "d": 1440, "day": 1440, "w": 10080, "wk": 10080, "week": 10080}
_NUM = r"(?:(?<!\d)\d++(?:[.,]\d++)?|" + "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True)) + r")"
# A unit letter ("1h 28m") only directly after digits; words after a space.
_UNIT = (r"(?:(?<=\d)(?:d|h|m|s|hrs?|mins?|secs?)(?![A-Za-z])"
         r"|\s?(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?)(?![A-Za-z]))")
_PART = _NUM + r"\s?" + _UNIT
# A number is read from its first digit only (a run of digits once, not from each digit).
# Atomic parts, at most eight of them: "5 minutes and 5 minutes and …" repeated can neither
# backtrack through every way of splitting its spaces nor run on to the end of the text from
# each of its numbers (a real duration has at most "2 days, 3 hours, 4 minutes and 5 seconds").
DURATION = r"(?>" + _PART + r")(?>\s*+(?:,\s*+|and\s++|&\s*+)?(?>" + _PART + r")){0,7}+"
_DURATION_PART = re.compile(r"(?P<n>" + _NUM + r")\s?(?P<u>" + _UNIT + r")", re.I)
_HEDGE = (r"(?:(?:about|around|approximately|approx\.?|roughly|nearly|almost|over|just over|just under|~|some|a total of|"
          r"exactly|an?\s+(?:bit|little)\s+(?:over|under)|slightly\s+(?:over|under))\s*)?")

# (kind, pattern with a group "d" for the duration). Kinds: impact, detect, resolve, mitigate.
_LABELS = [
    ("detect", r"(?:time\s+to\s+(?:detect(?:ion)?|acknowledge|notice)|ttd|mttd|detection\s+time)"),
    ("resolve", r"(?:time\s+to\s+(?:resolve|resolution|recover(?:y)?|restore)|ttr|mttr|resolution\s+time)"),
    ("mitigate", r"(?:time\s+to\s+(?:repair|mitigate|mitigation)|mitigation\s+time)"),
    ("impact", r"(?:(?:impact|outage|incident|total|downtime)\s+duration|duration(?:\s+of\s+(?:impact|the\s+outage|downtime))?"
               r"|(?:total\s+)?downtime|length\s+of\s+(?:the\s+)?outage)"),
]
_LABEL_PATTERNS = [(kind, re.compile(r"(?<![\w-])" + label + r"\s*(?:\(\w+\))?\s*[:=|–—-]?\s*(?:was\s+|of\s+)?" + _HEDGE
                                     + r"(?P<d>" + DURATION + r")", re.I)) for kind, label in _LABELS]

_STATE = (r"(?:unavailable|down|offline|unusable|unreachable|inaccessible|degraded|broken|failing|failed|impacted"
          r"|affected|disrupted|errors|timeouts|timing\s+out|cut\s+off|stalled|stuck|hung|blocked|rejected|refused|"
          r"lost|(?:complete\s+|partial\s+|total\s+)?loss\s+of\s+\w+(?:\s+\w+)?|delayed|slow|interrupted|unable\s+to\s+\w+|could\s*n[o']t\s+\w+|not\s+(?:available|working|accessible))")
_PROSE_PATTERNS = [
    ("impact", re.compile(r"\b(?:lasted|lasting|persisted|continued)\s+(?:for\s+)?" + _HEDGE + r"(?P<d>" + DURATION + r")", re.I)),
    ("impact", re.compile(r"\b" + _STATE + r"\b[^.;:\n]{0,60}?\bfor\s+" + _HEDGE + r"(?P<d>" + DURATION + r")(?!\s+(?:before|after|ago))", re.I)),
    # "For roughly five hours, the API returned errors": the duration first, then what was wrong.
    ("impact", re.compile(r"(?:^|(?<=[.;:]\s)|(?<=\n))for\s+" + _HEDGE + r"(?P<d>" + DURATION + r"),\s+[^.;\n]{0,80}?\b"
                          + _STATE + r"\b", re.I)),
    ("impact", re.compile(r"\b(?:outage|downtime|disruption|degradation|interruption|unavailability)\s+(?:of|lasting)\s+"
                          + _HEDGE + r"(?P<d>" + DURATION + r")", re.I)),
    ("impact", re.compile(r"(?<![\w-])" + _HEDGE + r"(?P<d>" + DURATION + r")[\s-]+(?:long\s+)?(?:of\s+)?(?:total\s+|complete\s+|partial\s+)?"
                          r"(?:downtime|outage|disruption|service\s+disruption|unavailability|period)\b", re.I)),
    ("detect", re.compile(r"\b(?:detected|noticed|spotted|discovered|identified|alerted)\s+(?:within|after|in)\s+"
                          + _HEDGE + r"(?P<d>" + DURATION + r")", re.I)),
    ("detect", re.compile(r"\b(?:unnoticed|undetected)\s+for\s+" + _HEDGE + r"(?P<d>" + DURATION + r")", re.I)),
    ("detect", re.compile(r"(?P<d>" + DURATION + r")\)?\s+before\s+(?:we|anyone|somebody|someone|it\s+was|the\s+team)\s+"
                          r"(?:noticed|detected|spotted|was\s+alerted|were\s+alerted)", re.I)),
    ("resolve", re.compile(r"\b(?:resolved|fixed|restored|recovered|mitigated)\s+(?:in|after|within)\s+" + _HEDGE
                           + r"(?P<d>" + DURATION + r")", re.I)),
    ("resolve", re.compile(r"\btook\s+" + _HEDGE + r"(?P<d>" + DURATION + r")\s+to\s+(?:resolve|fix|recover|restore)", re.I)),
]
# "lasted nine hours before normal operation was restored": the impact and the resolution.
_BEFORE_RESTORED = re.compile(r"^\s*before\s+[^.;]{0,50}?\b(?:restored|resolved|recovered|fixed)\b", re.I)
# "outage of unknown length bounded to at maximum 16 hours": a bound, not a figure.
_BOUND = re.compile(r"\b(?:at\s+(?:most|maximum|max|least)|up\s+to|unknown|bounded|(?<!just\s)less\s+than|(?<!just\s)more\s+than|"
                    r"(?<!just\s)under)\s*$", re.I)
_BACKGROUND = re.compile(r"\bhad\s+(?:been\s+)?\w*", re.I)


def parse_duration(text: str) -> float | None:
    """ "1h 28m", "2d 1h 29m", "47 minutes", "five hours", "2 hours and 2 minutes" → minutes."""
    total = 0.0
    found = False
    for m in _DURATION_PART.finditer(text):
        number = m.group("n").lower()
        value = _NUMBER_WORDS.get(number)
        if value is None:
            try:
                value = float(number.replace(",", "."))
            except ValueError:
                continue
        unit = m.group("u").strip().lower().rstrip("s") or "s"
        unit = {"hr": "hr", "min": "min", "sec": "sec", "wk": "wk"}.get(unit, unit)
        minutes = _UNIT_MINUTES.get(unit)
        if minutes is None:
            continue
        total += value * minutes
        found = True
    return round(total, 1) if found else None


class _AtOffsets:
    """Found at `start`..`end` of the original text, inside one block (see Analysis.per_block)."""

    __slots__ = ()

    def moved(self, delta: int, block: ProseBlock):
        return replace(self, start=self.start + delta, end=self.end + delta)


@dataclass(slots=True)
class StatedDuration(_AtOffsets):
    kind: str  # "impact" | "detect" | "resolve" | "mitigate"
    minutes: float
    text: str  # the duration as written
    start: int
    end: int
    source: str  # "label" ("Time to resolve: 1h 29m") | "prose" | "window" | "front_matter"


@dataclass(slots=True)
class ImpactNumber(_AtOffsets):
    text: str  # the number and what it counts: "415 jobs"
    kind: str  # "count" | "percent" | "money" | "rate"
    start: int
    end: int


@dataclass(slots=True)
class VagueClaim(_AtOffsets):
    text: str  # "many users", "a traffic spike"
    start: int
    end: int
    suggestion: str


@dataclass
class Metrics:
    severity: str | None = None
    severity_level: int | None = None
    severity_span: tuple[int, int] | None = None
    durations: list[StatedDuration] = field(default_factory=list)
    impact_numbers: list[ImpactNumber] = field(default_factory=list)
    vague_claims: list[VagueClaim] = field(default_factory=list)
    window: StatedWindow | None = None  # the incident's stated impact window (reviewer.nlp.impact_window)

    def first(self, kind: str) -> StatedDuration | None:
        return next((d for d in self.durations if d.kind == kind), None)

    def stated_impact(self) -> StatedDuration | None:
        """The impact duration the author states: a labelled figure ("Duration: 47 min") first,
        then the incident's stated window, then a duration in prose, then any other window."""
        impact = [d for d in self.durations if d.kind == "impact"]
        for d in impact:
            if d.source in ("label", "front_matter"):
                return d
        if self.window is not None:
            chosen = next((d for d in impact if d.source == "window" and d.start == self.window.span.start), None)
            if chosen is not None:
                return chosen
        return next((d for d in impact if d.source == "prose"), None) or (impact[0] if impact else None)

    @property
    def impact_minutes(self) -> float | None:
        d = self.stated_impact()
        return d.minutes if d else None

    @property
    def time_to_detect_minutes(self) -> float | None:
        d = self.first("detect")
        return d.minutes if d else None

    @property
    def time_to_resolve_minutes(self) -> float | None:
        d = self.first("resolve")
        return d.minutes if d else None

    @property
    def time_to_mitigate_minutes(self) -> float | None:
        d = self.first("mitigate")
        return d.minutes if d else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "severity_level": self.severity_level,
            "impact_minutes": self.impact_minutes,
            "time_to_detect_minutes": self.time_to_detect_minutes,
            "time_to_mitigate_minutes": self.time_to_mitigate_minutes,
            "time_to_resolve_minutes": self.time_to_resolve_minutes,
            "stated_durations": [asdict(d) for d in self.durations],
            "impact_numbers": [asdict(n) for n in self.impact_numbers],
            "quantified_impact": bool(self.impact_numbers),
        }


def _skip_block(doc: Postmortem, block: ProseBlock) -> bool:
    return block.quoted or any(c.covers(block.span) for c in doc.code_spans)


def _section_kind(doc: Postmortem, block: ProseBlock) -> SectionKind:
    section = doc.section_of(block)
    return section.kind if section is not None else SectionKind.UNKNOWN


def stated_durations(doc: Postmortem, analysis: Analysis | None = None,
                     windows: list[StatedWindow] | None = None) -> list[StatedDuration]:
    """Every duration the author states, in document order (labels and front matter first)."""
    if analysis is not None:
        found = analysis.per_block("stated_durations", lambda alone: _durations_in(doc, [b.block for b in alone.blocks]))
    else:
        found = _durations_in(doc, doc.blocks)
    front = _durations_in_front_matter(doc)
    # The impact windows the author states ("between 10:26 and 14:40"), read in one place.
    for window in windows if windows is not None else stated_windows(doc, analysis):
        if window.minutes and (window.rank[0] or window.rank[1]):
            found.append(StatedDuration("impact", window.minutes, window.text, window.span.start, window.span.end, "window"))
    rest = sorted(found, key=lambda d: d.start)
    return front + rest


def _durations_in_front_matter(doc: Postmortem) -> list[StatedDuration]:
    found: list[StatedDuration] = []
    if doc.front_matter:
        at = doc.front_matter_span or Span(0, 0)
        for key, value in doc.front_matter.items():
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                continue
            line = f"{normalise_key(key).replace('_', ' ')}: {value}"
            for kind, pattern in _LABEL_PATTERNS:
                m = pattern.match(line)
                if m:
                    minutes = parse_duration(m.group("d"))
                    if minutes:
                        found.append(StatedDuration(kind, minutes, m.group("d"), at.start, at.end, "front_matter"))
                    break
    return found


def _durations_in(doc: Postmortem, blocks: list[ProseBlock]) -> list[StatedDuration]:
    found: list[StatedDuration] = []
    for block in blocks:
        taken: list[Span] = []  # spans of one block: blocks never overlap
        if _skip_block(doc, block):
            continue
        text = block.text
        # A five-whys answer or a planned action restates or imagines durations; not the figures.
        if _section_kind(doc, block) in (SectionKind.FIVE_WHYS, SectionKind.ACTION_ITEMS):
            continue
        for source, patterns in (("label", _LABEL_PATTERNS), ("prose", _PROSE_PATTERNS)):
            for kind, pattern in patterns:
                for m in pattern.finditer(text):
                    if _BOUND.search(text[max(0, m.start("d") - 25) : m.start("d")]):
                        continue
                    if kind == "impact" and source == "prose" and _BACKGROUND.search(text[max(0, m.start() - 25) : m.start() + 12]):
                        continue  # "vacuum had been unable to freeze rows for 11 days": the run-up, not the impact
                    span = block.original_span(m.start("d"), m.end("d"))
                    if any(t.start < span.end and span.start < t.end and t != span for t in taken):
                        continue
                    minutes = parse_duration(m.group("d"))
                    if not minutes:
                        continue
                    if any(t == span for t in taken) and source == "prose" and kind == "impact":
                        continue
                    taken.append(span)
                    found.append(StatedDuration(kind, minutes, m.group("d"), span.start, span.end, source))
                    if kind == "impact" and source == "prose" and _BEFORE_RESTORED.match(text[m.end():]):
                        found.append(StatedDuration("resolve", minutes, m.group("d"), span.start, span.end, source))
    return found


# --- severity ------------------------------------------------------------------------------

_SEVERITY_PROSE = re.compile(
    r"(?<![\w-])(?:(?P<sev>sev(?:erity)?[\s-]?[0-5])(?![\w-])"
    r"|severity(?:\s+level)?\s*(?:was|is|:|=|of)?\s*(?:\*\*)?(?P<word>[0-5]|critical|high|major|medium|moderate|low|minor)\b)",
    re.I,
)


def metadata_line(doc: Postmortem, field: str) -> tuple[int, int] | None:
    """Where a metadata field is written: its "key: value" line inside the front matter or the
    metadata table (the parser records only the whole block), else the whole block."""
    span = doc.metadata.spans.get(field)
    if span is None:
        return None
    written = doc.text[span.start : span.end]
    for m in re.finditer(r"^[ \t|*-]*([A-Za-z][\w ()-]*?)\s*[:|]", written, re.M):
        if normalise_key(m.group(1)) in FIELD_KEYS.get(field, ()):
            line_end = written.find("\n", m.start())
            return span.start + m.start(1), span.start + (line_end if line_end >= 0 else len(written))
    return span.start, span.end


def _severity(doc: Postmortem) -> tuple[str | None, int | None, tuple[int, int] | None]:
    meta = doc.metadata
    if meta.severity:
        return meta.severity, meta.severity_level, metadata_line(doc, "severity")
    for block in doc.blocks:
        if _skip_block(doc, block):
            continue
        m = _SEVERITY_PROSE.search(block.text)
        if m:
            written = m.group("sev") or m.group("word")
            span = block.original_span(m.start(), m.end())
            return written, severity_level(written if m.group("sev") else f"sev {written}" if written.isdigit() else written), (span.start, span.end)
    return None, None, None


# --- impact numbers ------------------------------------------------------------------------

# What was affected: counting these says how big the impact was.
IMPACT_NOUNS = {
    "user", "customer", "request", "error", "visitor", "account", "job", "build", "launch", "transaction",
    "order", "ticket", "session", "message", "email", "payment", "project", "repository", "repo", "package",
    "download", "upload", "call", "query", "tenant", "organization", "org", "site", "website", "pod", "server",
    "instance", "node", "deployment", "namespace", "cluster", "hub", "record", "file", "item", "subscriber",
    "member", "owner", "maintainer", "developer", "student", "player", "merchant", "app", "application",
    "service", "endpoint", "page", "pageview", "event", "workflow", "run", "pipeline", "container", "client",
    "device", "host", "machine", "database", "row", "key", "token", "credential", "image", "validator", "block",
    "slot", "peer", "people", "person", "dollar",
}
# Load or capacity, not impact: "700 attendees", "736 servers", "8000 GB".
_RESOURCE_WORDS = re.compile(r"\b(?:cpu|memory|ram|disk|storage|gb|gib|mb|mib|tb|cores?|vcpus?|bytes?|limit|quota|"
                             r"capacity|size|version|v\d|overcommit|threshold|replicas?|port)\b", re.I)
# The sentence says something went wrong to these things.
_IMPACT_CUE = re.compile(
    r"\b(?:affect\w*|impact\w*|unable|could\s*n[o']t|can\s*n[o']t|cannot|fail\w*|error\w*|lost|lose|dropp?\w*|"
    r"unavailable|stuck|pending|unschedulable|timed?\s*out|timeouts?|rejected|blocked|broken|crash\w*|down|"
    r"outage|degraded|compromised|exposed|leaked|hijack\w*|takeover|taken\s+over|deleted|corrupt\w*|delayed|"
    r"missed|5\d\d|refund\w*|complain\w*|reported|received|saw|experienced|hit|notified|evicted|killed|"
    r"restarted|disrupted|interrupted|slow\w*|latency|unreachable|malicious)\b", re.I)
_RATE_WORDS = re.compile(r"\b(?:error|success|failure|launch|availability|drop|loss|timeout|5xx|uptime)\s*(?:rate|ratio)?\b"
                         r"|\bof\s+(?:all\s+)?(?:the\s+)?(?:users|customers|requests|traffic|visitors|calls|queries|"
                         r"launches|builds|jobs|sessions|transactions|orders|payments)\b", re.I)
_RATE_ZERO = re.compile(r"\b(?:success|availability|error|failure)(?:\s+rate)?\b[^.]{0,30}?\b(?:zero|0%|100%|\d+(?:\.\d+)?\s?%)",
                        re.I)
_FRACTION = re.compile(r"\b(?:a|one|two)\s+(?:third|quarter|half|fifth|tenth)s?\s+of\s+(?:the\s+|all\s+|our\s+)?"
                       r"(?P<noun>[a-z]+)", re.I)
_MONEY = re.compile(r"(?:[$€£¥]\s?\d[\d,.]*\s?(?:k|m|bn|million|billion|thousand)?|\b\d[\d,.]*\s?(?:usd|eur|gbp|dollars|euros)\b)", re.I)
# Units and measures that a number in an impact section may count without it being impact.
_NOT_COUNTS = {"minute", "min", "hour", "hr", "second", "sec", "day", "week", "month", "year", "time", "ms", "percent",
               "%", "gb", "mb", "tb", "kb", "core", "cpu", "version", "step", "am", "pm", "utc"}
_NUMBER_TOKEN_WORDS = {w for w in _NUMBER_WORDS if " " not in w and w not in ("a", "an")} | {
    "hundred", "hundreds", "thousand", "thousands", "million", "millions", "dozen", "dozens", "zero", "no"}


def _is_number(token) -> bool:
    if token.ent_type_ in ("DATE", "TIME"):
        return False
    text = token.text.lower()
    if text in _NUMBER_TOKEN_WORDS and text != "no":
        return True
    if re.fullmatch(r"\d[\d,]*(?:\.\d+)?[km]?\+?", text):
        # Years, clock parts and version numbers are not counts.
        if re.fullmatch(r"(?:19|20)\d\d", text):
            return False
        return True
    return False


def _counted_noun(token):
    """The noun a number counts: its head when it is a numeric modifier, else the next noun."""
    if token.dep_ in ("nummod", "quantmod", "compound") and token.head.pos_ in ("NOUN", "PROPN") and token.head.i > token.i:
        return token.head
    doc = token.doc
    for nxt in doc[token.i + 1 : min(len(doc), token.i + 4)]:
        if nxt.pos_ in ("NOUN", "PROPN"):
            return nxt
        if nxt.pos_ not in ("ADJ", "NUM", "ADV", "SYM", "PUNCT", "CCONJ") and nxt.text.lower() not in ("more", "of", "the"):
            break
    return None


def _impact_numbers(doc: Postmortem, analysis: Analysis) -> list[ImpactNumber]:
    found = analysis.per_block("impact_numbers", lambda alone: _impact_numbers_in_prose(doc, alone))
    found.extend(_impact_numbers_in_tables(doc))
    found.extend(_impact_numbers_in_front_matter(doc))
    found.sort(key=lambda n: n.start)
    unique: list[ImpactNumber] = []
    for n in found:
        if not unique or n.start >= unique[-1].end:
            unique.append(n)
    return unique


def _impact_numbers_in_prose(doc: Postmortem, analysis: Analysis) -> list[ImpactNumber]:
    found: list[ImpactNumber] = []
    skipped_kinds = {SectionKind.ACTION_ITEMS, SectionKind.LESSONS, SectionKind.FIVE_WHYS}
    for sentence in analysis.sentences():
        block = sentence.block
        if any(c.covers(block.span) for c in doc.code_spans):
            continue
        kind = _section_kind(doc, block)
        if kind in skipped_kinds:
            continue
        if block.table_row is not None and _CELL_NUMBER.match(block.text):
            continue  # a bare number in a table: its header says what it counts (_impact_numbers_in_tables)
        text = sentence.text
        in_impact = kind == SectionKind.IMPACT
        cue = in_impact or bool(_IMPACT_CUE.search(text))
        if not cue:
            continue
        base = sentence.sent.start_char
        # Quoted words (a chat message, an error string) are evidence, not the author's figure.
        quoted = [(m.start() + base, m.end() + base) for m in re.finditer(r'"[^"]*"|“[^”]*”', text)]
        durations = [(m.start() + base, m.end() + base) for m in re.finditer(DURATION, text, re.I)]

        def inside(at: int, regions) -> bool:
            return any(a <= at < b for a, b in regions)

        def add(kind_: str, start: int, end: int) -> None:
            span = block.original_span(start, end)
            found.append(ImpactNumber(doc.quote(span.start, span.end), kind_, span.start, span.end))

        for m in _MONEY.finditer(text):
            add("money", base + m.start(), base + m.end())
        for m in _RATE_ZERO.finditer(text):
            add("rate", base + m.start(), base + m.end())
        for m in _FRACTION.finditer(text):
            noun = m.group("noun").lower().rstrip("s")
            if noun in IMPACT_NOUNS or noun in ("traffic", "visitor", "user"):
                add("count", base + m.start(), base + m.end())
        for token in sentence.sent:
            if token.text == "%" or token.lower_ in ("percent", "per"):
                continue
            if not _is_number(token) or inside(token.idx, quoted) or inside(token.idx, durations):
                continue
            nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
            if re.fullmatch(r"\d+\.\d+", token.text) and not (nxt is not None and (nxt.text == "%" or nxt.lower_ in (
                    "percent", "million", "millions", "billion", "thousand", "k", "m", "bn"))):
                continue  # "1.30 nodes", "Release 5.4": a version, not a count of things
            if nxt is not None and nxt.text in ("%",) or (nxt is not None and nxt.lower_ == "percent"):
                window = text[max(0, token.idx - base - 60) : token.idx - base + 60]
                if (in_impact or _RATE_WORDS.search(window)) and not _RESOURCE_WORDS.search(window):
                    add("percent", token.idx, nxt.idx + len(nxt.text))
                continue
            if token.ent_type_ == "MONEY":
                continue
            prev = token.nbor(-1) if token.i > 0 else None
            if prev is not None and prev.text in (":", ".", "v", "/", "#", "-") and not prev.is_space:
                continue  # a clock, a version, an issue number
            noun = _counted_noun(token)
            if noun is None:
                continue
            lemma = noun.lemma_.lower()
            # Under an Impact heading any counted thing is impact ("14 depots", "9,800 parcels");
            # elsewhere only the things that are usually affected.
            if lemma not in IMPACT_NOUNS and not (in_impact and noun.pos_ == "NOUN" and lemma not in _NOT_COUNTS):
                continue
            if re.fullmatch(r"[45]\d\d", token.text) and noun.lemma_.lower() in ("error", "request", "response"):
                continue  # "400 requests", "500 errors": HTTP status codes, not counts
            window = text[max(0, token.idx - base - 20) : noun.idx - base + len(noun.text) + 20]
            if _RESOURCE_WORDS.search(window):
                continue
            add("count", token.idx, noun.idx + len(noun.text))
    return found


_IMPACT_LABEL = re.compile(r"\b(?:users?|customers?|clients?|requests?|errors?|visitors?|accounts?|orders?|tickets?|"
                           r"transactions?|payments?|sessions?|merchants?|subscribers?|affected|impacted|failed|failures?|"
                           r"lost|refunds?|revenue|cost|error\s+rate|success\s+rate|availability)\b", re.I)
_CELL_NUMBER = re.compile(r"^\s*[~≈]?\s*(?:[$€£¥]\s?)?\d[\d,.]*\s*(?:%|k|m|bn)?(?:\s*\(.*\))?\s*$", re.I)


def _impact_numbers_in_tables(doc: Postmortem) -> list[ImpactNumber]:
    """ "| Customers affected | 1,240 |": a number whose column header or row label names what was affected."""
    found = []
    for table in doc.tables:
        section = doc.section_of(table)
        if section is not None and section.kind in (SectionKind.TIMELINE, SectionKind.ACTION_ITEMS):
            continue
        for row in table.rows:
            row_label = row[0][0] if row else ""
            for index, (cell, span) in enumerate(row):
                if index == 0 or not _CELL_NUMBER.match(cell):
                    continue
                header = table.header[index] if index < len(table.header) else ""
                label = f"{header} {row_label}"
                if _IMPACT_LABEL.search(label) and not _RESOURCE_WORDS.search(label):
                    found.append(ImpactNumber(f"{row_label}: {cell}".strip(": "), "count", span.start, span.end))
    return found


def _impact_numbers_in_front_matter(doc: Postmortem) -> list[ImpactNumber]:
    """ `customers_affected: 1240` in the front matter."""
    if not doc.front_matter:
        return []
    at = doc.front_matter_span or Span(0, 0)
    found = []
    for key, value in doc.front_matter.items():
        label = str(key).replace("_", " ")
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            continue
        if _CELL_NUMBER.match(str(value)) and _IMPACT_LABEL.search(label) and not _RESOURCE_WORDS.search(label):
            found.append(ImpactNumber(f"{key}: {value}", "count", at.start, at.end))
    return found


# --- unquantified impact claims ------------------------------------------------------------

_VAGUE_AMOUNT = r"(?:many|lots\s+of|a\s+lot\s+of|a\s+large\s+number\s+of|a\s+number\s+of|numerous|a\s+significant\s+number\s+of|" \
                r"a\s+huge\s+number\s+of|countless|a\s+majority\s+of|most|some|several|a\s+handful\s+of|a\s+few|tons\s+of)"
_VAGUE_NOUN = r"(?:users|customers|clients|requests|errors|visitors|accounts|merchants|subscribers|transactions|orders|" \
              r"payments|tickets|complaints|sessions|calls|people)"
_VAGUE_PATTERNS = [
    (re.compile(r"\b(?P<q>" + _VAGUE_AMOUNT + r")\s+(?:of\s+(?:our|the)\s+)?(?:\w+\s+)?(?P<n>" + _VAGUE_NOUN + r")\b", re.I),
     "say how many {n} (a count, or a percentage of all {n})"),
    (re.compile(r"\b(?P<q>significant|high|elevated|increased|severe|major|huge|massive|large|noticeable|heavy)\s+"
                r"(?P<n>latency|error\s+rates?|errors|packet\s+loss|load|slowness|slowdowns?|failure\s+rates?|timeouts)\b", re.I),
     "give the figure: the {n} measured, against its usual value (e.g. p99 from 120 ms to 4 s)"),
    (re.compile(r"\b(?P<q>an?)\s+(?:\w+\s+)?(?P<n>(?:traffic|load|error|request|latency)\s+spike|spike\s+in\s+(?:traffic|load|errors|requests|latency))\b", re.I),
     "say how large the {n} was (requests per second or errors per minute, against normal)"),
]
_HAS_NUMBER = re.compile(r"\d|%|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundreds?|thousands?|millions?|dozens?|half|third|quarter)\b", re.I)
_GENERAL_CASE = re.compile(r"\b(?:in\s+(?:the\s+)?cases?\s+of|under|handl\w*|against|prevent\w*|avoid\w*|protect\w*|"
                           r"during\s+periods\s+of|whenever|any)\s*$", re.I)
_CLAIM_SECTIONS = {SectionKind.SUMMARY, SectionKind.IMPACT, SectionKind.UNKNOWN, SectionKind.DETECTION,
                   SectionKind.RESPONSE, SectionKind.RESOLUTION, SectionKind.ROOT_CAUSE, SectionKind.TRIGGER}


def _vague_claims(doc: Postmortem, analysis: Analysis) -> list[VagueClaim]:
    found = analysis.per_block("vague_claims", lambda alone: _vague_claims_in(doc, alone))
    found.sort(key=lambda c: c.start)
    return found


def _vague_claims_in(doc: Postmortem, analysis: Analysis) -> list[VagueClaim]:
    found: list[VagueClaim] = []
    for sentence in analysis.sentences():
        block = sentence.block
        if _section_kind(doc, block) not in _CLAIM_SECTIONS or block.table_row is not None:
            continue
        text = sentence.text
        if _HAS_NUMBER.search(text) or '"' in text or "“" in text:
            continue  # the sentence quantifies it, or quotes someone
        if re.search(r"\b(?:if|would|could|might|may|should|whether|hypothetical\w*)\b", text, re.I):
            continue  # a conditional or a plan, not a claim about this incident
        base = sentence.sent.start_char
        for pattern, advice in _VAGUE_PATTERNS:
            for m in pattern.finditer(text):
                noun = " ".join(m.group("n").lower().split())
                if _GENERAL_CASE.search(text[: m.start()]):
                    continue  # "limit requests in cases of high load": a kind of situation, not this incident
                if m.group("q").lower() in ("some", "a few", "several", "most") and not _IMPACT_CUE.search(text):
                    continue  # "some users prefer X" is not an impact claim
                first = next((t for t in sentence.sent if t.idx >= base + m.start()), None)
                if first is not None and first.pos_ in ("VERB", "AUX") and first.dep_ != "amod":
                    continue  # "these delays increased latency": a verb, not a vague amount
                span = block.original_span(base + m.start(), base + m.end())
                found.append(VagueClaim(doc.quote(span.start, span.end), span.start, span.end, advice.format(n=noun)))
    return found


# --- evidence and document facts ----------------------------------------------------------

# What a link is evidence of, by its address. A link to a project's home page, a design doc
# on a branch or a donation page is context, not evidence of this incident.
EVIDENCE_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("ticket", re.compile(r"/(?:issues|pull|pulls|merge_requests|-/issues)/\d+|/browse/[A-Z][A-Z0-9]+-\d+|jira|"
                          r"atlassian\.net|linear\.app|youtrack|bugzilla|show_bug|/tickets?/|servicenow|zendesk", re.I)),
    ("change", re.compile(r"/(?:commit|commits|compare)/|/blob/[0-9a-f]{7,40}/|/-/merge_requests|gerrit|/\+/\d+|"
                          r"/changes/\d+", re.I)),
    ("dashboard", re.compile(r"grafana|datadog|kibana|newrelic|honeycomb|cloudwatch|prometheus|/dashboards?\b|/d/[\w-]+|"
                             r"console\.cloud\.google\.com/(?:monitoring|logs)|console\.aws\.amazon\.com|sentry\.io|"
                             r"splunk|lightstep|signalfx|chronosphere|thanos|/metrics\b|pagerduty|opsgenie", re.I)),
    ("status", re.compile(r"//status\.|statuspage|/status(?:\.html)?\b|/incidents?/|\bblog\b|/posts?/|twitter\.com|"
                          r"//x\.com|mastodon|/announcements?\b", re.I)),
    ("chat", re.compile(r"slack\.com/archives|gitter\.im|discord(?:app)?\.com/channels|zulip|teams\.microsoft\.com|"
                        r"mattermost|/archives/C[A-Z0-9]+", re.I)),
    ("document", re.compile(r"docs\.google\.com/(?:document|spreadsheets)|hackmd\.io|notion\.so|confluence|/wiki/", re.I)),
]


def link_kind(url: str) -> str | None:
    for kind, pattern in EVIDENCE_KINDS:
        if pattern.search(url):
            return kind
    return None


def evidence_links(doc: Postmortem) -> list[tuple[Link, str]]:
    """Links written by the author (not in HTML comments) that point at evidence, with their kind."""
    found = []
    for link in doc.links:
        if any(c.span.covers(link.span) for c in doc.comments):
            continue
        kind = link_kind(link.url)
        if kind is not None:
            found.append((link, kind))
    return found


def has_evidence(doc: Postmortem) -> bool:
    """Any evidence link, or a ticket key on an action item."""
    if evidence_links(doc):
        return True
    # A ticket key written on an action item ("OPS-123", "#4538") is a reference too.
    return any(a.ticket and not a.ticket.startswith(("http", "/", ".")) for a in doc.action_items)



# A causal statement: "caused by", "due to", … and a cause as the subject of a causal verb
# ("… which broke the proxy", "this caused the outage").
_CAUSE_SENTENCE = re.compile(r"\b(?:root\s+cause|caused\s+by|was\s+caused|were\s+caused|the\s+cause\s+(?:was|is)|"
                             r"(?:which|that|this|it)\s+(?:broke|caused|crashed|took\s+down|brought\s+down)\s+(?:the|a|an|our|all)|"
                             r"due\s+to|because\s+(?:of|the|a|an|our|it)|triggered\s+by|as\s+a\s+result\s+of|"
                             r"resulted\s+from|resulting\s+in|led\s+to|leading\s+to|(?:probable|likely|main|primary|"
                             r"underlying|actual|real)\s+cause|the\s+cause\s+of|the\s+reason\s+(?:was|is|for)|"
                             r"(?:we|they)\s+(?:determined|found|discovered|realised|realized)\s+that|turned\s+out|"
                             r"this\s+happened\s+because|(?:is|was)\s+(?:probably\s+|likely\s+|most\s+likely\s+)?the\s+(?:root\s+)?cause|"
                             r"stem(?:s|med)?\s+from|traced\s+(?:\w{1,30}\s+){0,3}?(?:back\s+)?to|the\s+culprit|"
                             r"(?:was|were|is|are)\s+(?:the|a)\s+(?:direct\s+)?result\s+of|(?:be\s+)?attributed\s+to|"
                             r"(?:came|comes|boiled|boils)\s+down\s+to|the\s+(?:problem|issue|bug|fault)\s+was\s+that|"
                             r"(?:was|were)\s+misconfigured|misconfiguration\s+(?:of|in)|[;,]\s+rather,?\s+(?:the|a|an|our|it))\b",
                             re.I)


_CAUSE_UNKNOWN = re.compile(r"\b(?:unknown|not\s+(?:yet\s+)?(?:known|identified|determined|clear)|under\s+investigation|"
                            r"investigat\w*\s+(?:work\s+)?into|still\s+investigat\w*|to\s+be\s+determined|unclear)\b", re.I)


_CAUSE_SOUGHT = re.compile(r"\b(?:solve|fix|address|find|identify|investigat\w*|understand|determine|know|"
                           r"look\w*\s+(?:for|into))\w*\s+(?:(?:the|a|its|their|our)\s+)?$", re.I)


# A title that names the cause: "Descheduler kills pods on cordoned nodes", "Outage due to an
# expired certificate", "Webhooks delayed after a queue migration".
_CAUSE_TITLE = re.compile(r"\b(?:due\s+to|caused\s+by|because\s+of|after|causes|caused|kills?|killed|breaks?|broke|"
                          r"crash(?:es|ed)|takes\s+down|took\s+down|exhausts?|exhausted|overloads?|overloaded|"
                          r"fills?\s+up|evicts?|evicted|deletes?|corrupts?|corrupted|triggers?|triggered)\b", re.I)


def _titles(doc: Postmortem) -> list[str]:
    """The metadata title and the first top-level heading (they may differ)."""
    first = next((s for s in doc.sections if s.level == 1), None)
    return [t for t in (doc.metadata.title, doc.heading_text(first) if first is not None else None) if t]


def has_root_cause(doc: Postmortem) -> bool:
    """A root-cause section with text, a causal statement in the author's prose, or a title that
    names the cause."""
    for section in doc.sections_of(SectionKind.ROOT_CAUSE) + doc.sections_of(SectionKind.TRIGGER):
        if any(b.text.strip() for b in doc.blocks_in(section) if b.kind.value != "heading"):
            return True
    if any(_CAUSE_TITLE.search(t) and not _CAUSE_UNKNOWN.search(t) for t in _titles(doc)):
        return True
    for block in doc.blocks:
        if block.quoted or _section_kind(doc, block) == SectionKind.ACTION_ITEMS:
            continue
        for m in _CAUSE_SENTENCE.finditer(block.text):
            # "the root cause is still under investigation" states that there is none yet.
            if _CAUSE_UNKNOWN.search(block.text[max(0, m.start() - 40) : m.end() + 80]):
                continue
            states = re.match(r"[\w\s-]{0,40}?\b(?:was|is|were|are)\b", block.text[m.end() : m.end() + 60])
            if _CAUSE_SOUGHT.search(block.text[max(0, m.start() - 40) : m.start()]) and not states:
                continue  # "did not solve the root cause", "fix the underlying cause": named, not stated
            return True
    return False


def has_action_items(doc: Postmortem) -> bool:
    """Listed action items, or an action-items section with follow-up work written in it."""
    if doc.action_items:
        return True
    return any(b.text.strip() for s in doc.sections_of(SectionKind.ACTION_ITEMS) for b in doc.blocks_in(s)
               if b.kind.value != "heading")


def five_whys_present(doc: Postmortem) -> bool:
    return any(b.text.strip() for s in doc.sections_of(SectionKind.FIVE_WHYS) for b in doc.blocks_in(s)
               if b.kind.value != "heading")


def document_facts(doc: Postmortem) -> dict[str, Any]:
    """What the document has, for trends and the benchmark (no NLP needed)."""
    kinds: dict[str, int] = {}
    for _, kind in evidence_links(doc):
        kinds[kind] = kinds.get(kind, 0) + 1
    open_items = [a for a in doc.action_items if not a.done]
    return {
        "has_root_cause": has_root_cause(doc),
        "has_action_items": has_action_items(doc),
        "action_items": len(doc.action_items),
        "action_items_with_owner": sum(1 for a in doc.action_items if a.owner),
        "open_action_items": len(open_items),
        "open_action_items_complete": sum(1 for a in open_items if a.owner and a.ticket and a.due),
        "has_five_whys": five_whys_present(doc),
        "evidence_links": kinds,
        "has_evidence_links": has_evidence(doc),
        "has_images": bool(doc.images),
    }


# --- the one entry point -------------------------------------------------------------------

def extract_metrics(doc: Postmortem, analysis: Analysis | None = None) -> Metrics:
    severity, level, span = _severity(doc)
    windows = stated_windows(doc, analysis)
    metrics = Metrics(severity=severity, severity_level=level, severity_span=span,
                      durations=stated_durations(doc, analysis, windows), window=stated_window(doc, windows=windows))
    if analysis is not None:
        metrics.impact_numbers = _impact_numbers(doc, analysis)
        metrics.vague_claims = _vague_claims(doc, analysis)
    return metrics


def document_metrics(doc: Postmortem, analysis: Analysis | None) -> Metrics:
    """The document's metrics, computed once per Analysis and shared by the rules and the fact."""
    if analysis is None:
        return extract_metrics(doc)
    return analysis.shared("metrics", lambda a: extract_metrics(a.doc, a))


@fact("metrics", needs_nlp=True)
def metrics_fact(doc, analysis, config) -> dict:
    return {**document_metrics(doc, analysis).as_dict(), **document_facts(doc)}
