"""Blame detection on the spaCy parse, and system-focused rewrites.

What the blame rules (reviewer/rules/blame/) report comes from here, computed once per
analysis (`blame_signals`). Detection reads the dependency tree the pipeline already made:
who is the subject (or by-agent) of which predicate, whether it is negated, under a modal,
inside a conditional or a quotation. Word lists (reviewer.nlp.blame_lexicon) only say which
predicates and modifiers to look at.

Each signal has a `prior` (how sure the pattern alone is) and is `strong` or weak. The
sentence classifier (reviewer.nlp.blame_model) scores the sentences that have a signal;
a strong signal is reported unless the classifier is confident it is not blame, a weak one
only when the classifier agrees. The reported confidence combines both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from reviewer.document import ProseBlock, Span
from reviewer.document.model import SectionKind
from reviewer.nlp import blame_lexicon as lex

if TYPE_CHECKING:
    from reviewer.config import Config
    from reviewer.nlp.analysis import Analysis, Sentence

PERSON_FAULT = "person-fault"
HUMAN_ERROR = "human-error-cause"
COUNTERFACTUAL = "counterfactual"
JUDGEMENT = "judgmental"
MINIMISER = "minimiser"
PERSON_ACTION = "person-action-item"

# Kinds the sentence classifier was trained on (the rest are judged by the parse alone).
CLASSIFIED_KINDS = (PERSON_FAULT, HUMAN_ERROR, COUNTERFACTUAL, JUDGEMENT)

# A strong signal is dropped when the classifier gives its sentence less than this
# probability of being blame; a weak one needs at least WEAK_MIN.
STRONG_VETO = 0.15
WEAK_MIN = 0.6


@dataclass(slots=True)
class BlameSignal:
    kind: str
    span: Span  # what to flag, in the original text
    sentence: Span
    trigger: str  # the words that made it
    message: str
    prior: float
    strong: bool = True
    agent: str | None = None
    rewrite: str | None = None  # a system-focused sentence or phrase
    dropin: bool = False  # `rewrite` replaces `span` as it stands
    confidence: float = 0.0
    classifier: float | None = None  # P(blame) of the sentence, when it was scored
    data: dict[str, Any] = field(default_factory=dict)
    sent: Any = None  # the spaCy sentence it was found in (for the classifier; never serialised)

    def moved(self, delta: int, block: ProseBlock) -> BlameSignal:
        return replace(self, span=Span(self.span.start + delta, self.span.end + delta),
                       sentence=Span(self.sentence.start + delta, self.sentence.end + delta), data=dict(self.data))


# --------------------------------------------------------------------------- people

_HANDLE = re.compile(r"^@[\w.-]+$")


def _allowed(token, allowlist: frozenset[str]) -> bool:
    if not allowlist:
        return False
    words = {token.text.lower(), token.lemma_.lower(), token.text.lower().lstrip("@")}
    phrase = " ".join(t.text.lower() for t in token.subtree if t.dep_ not in ("det", "punct", "poss"))
    return bool(words & allowlist) or phrase in allowlist or any(w.lower() in allowlist for w in phrase.split())


def person_strength(token, allowlist: frozenset[str] = frozenset()) -> float:
    """How surely `token` (the head of a noun phrase) stands for a person: 0, 0.5 or 1.

    1: a pronoun for people, a handle, a PERSON entity, a role or team noun ("the DBA team").
    0.5: "they", or a proper noun spaCy could not type (often a first name, sometimes a tool).
    """
    if token is None or _allowed(token, allowlist):
        return 0.0
    if any(c.dep_ == "det" and c.lower_ in ("no", "neither") for c in token.children):
        return 0.0  # "no one forgot anything", "no engineer was paged": nobody is blamed
    lower = token.text.lower()
    if lower in lex.NOT_PERSON or token.lemma_.lower() in lex.NOT_PERSON:
        return 0.0
    if token.pos_ == "PRON" or token.tag_ in ("PRP", "NN", "NNS", "NNP", "NNPS"):
        if lower in lex.PERSON_PRONOUNS:
            return 1.0
        if lower in lex.WEAK_PRONOUNS:
            return 0.5
    if _HANDLE.match(token.text) or (token.i > 0 and token.nbor(-1).text == "@" and token.nbor(-1).idx + 1 == token.idx):
        return 1.0
    lemma = token.lemma_.lower()
    if lemma == "call" and token.i >= 2 and token.nbor(-1).text == "-" and token.nbor(-2).lower_ == "on":
        return 1.0  # "the on-call" is split into on / - / call
    if token.pos_ in ("NOUN", "PROPN") and (lemma in lex.ROLE_NOUNS or lower in lex.ROLE_NOUNS):
        return 1.0
    if token.pos_ in ("NOUN", "PROPN") and lemma.rstrip("s") in lex.ROLE_NOUNS:
        return 1.0
    if token.pos_ in ("NOUN", "PROPN") and lemma in lex.AMBIGUOUS_ROLE_NOUNS:
        modifiers = [c for c in token.children if c.dep_ in ("compound", "amod", "nmod")]
        if any(m.lower_ in ("team", "staff", "human", "crew", "on-call", "oncall", "database", "network")
               for m in modifiers):
            return 1.0
        return 0.5
    if token.ent_type_ == "PERSON" and token.pos_ == "PROPN" and _name_like(token):
        return 1.0
    if token.pos_ == "PROPN" and token.ent_type_ in ("",) and token.text[:1].isupper() and token.text.isalpha():
        return 0.5
    return 0.0


def _name_like(token) -> bool:
    """A person's name is written capitalised, letters only ("Dave", "O'Neil", "Anne-Marie"); the small
    model also tags "node metadata" or "kubeClient" as PERSON."""
    text = token.text
    if not text[:1].isupper() or any(ch.isdigit() or ch in "_./" for ch in text):
        return False
    if any(ch.isupper() for ch in text[1:]) and "-" not in text and "'" not in text:
        return False  # camelCase or ALLCAPS: an identifier or an acronym
    # "Expiry of an old root CA", "The Migration": a name takes no article and no "of" phrase.
    if any(c.dep_ == "det" or (c.dep_ == "prep" and c.lower_ == "of") for c in token.children):
        return False
    return not text.lower().endswith(_NOUN_SUFFIXES)


_NOUN_SUFFIXES = ("tion", "sion", "ment", "ness", "ity", "ance", "ence", "ing", "ure", "ism", "ware", "ics")


def _subjects(verb) -> list:
    subs = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subs and verb.dep_ in ("xcomp", "conj") and verb.head is not verb:
        return _subjects(verb.head)
    # "Dave and Bob forgot": the conjuncts of a subject are subjects too.
    out = []
    for s in subs:
        out.append(s)
        out.extend(c for c in s.children if c.dep_ == "conj")
    return out


def _by_agents(verb) -> list:
    return [p for a in verb.children if a.dep_ == "agent" for p in a.children if p.dep_ == "pobj"]


def _negated(token) -> bool:
    if any(c.dep_ == "neg" for c in token.children):
        return True
    return any(c.lower_ in ("never", "not", "n't", "no") for c in token.children if c.dep_ in ("advmod", "det", "neg"))


def _has_modal(verb, words=("could", "might", "may", "can", "would", "will", "shall")) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in words for c in verb.children)


_CONDITION_MARKS = frozenset({"if", "when", "whenever", "unless", "whether", "once", "lest", "before", "until"})
_PREVENT_VERBS = frozenset({"prevent", "avoid", "stop", "reduce", "protect", "guard", "minimise", "minimize",
                            "discourage", "eliminate", "mitigate", "ensure", "make", "help", "allow", "let",
                            "catch", "detect", "block", "warn", "easy", "hard", "harder", "possible", "impossible"})


def _hypothetical(verb) -> bool:
    """Inside a condition, a purpose, a question of risk ("could accidentally delete")."""
    node = verb
    for _ in range(6):
        if any(c.dep_ == "mark" and c.lower_ in _CONDITION_MARKS for c in node.children):
            return True
        if _has_modal(node):
            return True
        if node.tag_ in ("VB", "VBG") and not any(c.dep_ == "aux" and c.lower_ in ("did", "do", "does") for c in node.children):
            # an infinitive or gerund: "to prevent engineers from accidentally deleting"
            if node.dep_ in ("xcomp", "pcomp", "advcl", "acl", "relcl", "ccomp", "csubj", "pobj") or node.dep_ == "ROOT":
                return True
        if node.lemma_.lower() in _PREVENT_VERBS and node is not verb:
            return True
        if node.head is node:
            break
        node = node.head
    return False


def _in_quotes(sentence: Sentence, token) -> bool:
    """Is `token` between quotation marks in its block (a quoted chat line, an error message)?"""
    text = sentence.block.text
    before = text[: token.idx]
    straight = before.count('"')
    curly_open, curly_close = before.count("\u201c"), before.count("\u201d")
    single_open, single_close = before.count("\u2018"), before.count("\u2019")
    # A closing single curly quote is also the apostrophe ("didn’t"): only an opening one
    # with no closing one after it in the words between counts.
    return straight % 2 == 1 or curly_open > curly_close or (single_open > 0 and single_open > single_close)


_CHAT_LINE = re.compile(
    r"^\s*(?:\[?\(?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\)?\]?\s*)?(?:<[^>\s]{1,40}>|@?[a-z][\w.-]{1,30}:\s)", re.I)
_CHAT_SECTION = re.compile(r"\b(chat|slack|irc|transcript|log|logs|conversation|messages?|thread|quotes?)\b", re.I)


# "10:07 UTC [10:07] bob: we just need to roll back": a time, then a speaker and a colon.
_TIMED_SPEAKER = re.compile(
    r"^\s*(?:(?:\[|\()?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:UTC|GMT|[A-Z]{2,4}T)?(?:\]|\))?[\s,-]*)+"
    r"(?:<\S{1,40}>|@?[A-Za-z][\w.-]{0,30})\s*:\s", re.I)
_NOT_SPEAKERS = frozenset({"note", "update", "impact", "action", "status", "root", "cause", "resolution", "detection",
                           "mitigation", "fix", "summary", "trigger", "event", "alert", "result", "outcome", "decision",
                           "issue", "problem", "todo", "done", "start", "end", "utc", "edit"})


def _speaker_prefix(text: str) -> int:
    """Length of a chat-style "time speaker:" prefix, 0 when there is none: what follows is a quote."""
    match = _TIMED_SPEAKER.match(text)
    if not match:
        return 0
    speaker = match.group(0).rstrip().rstrip(":").split()[-1].strip("<>@[]()").lower()
    return 0 if speaker in _NOT_SPEAKERS else match.end()


def _quoted_block(analysis: Analysis, block) -> bool:
    if block.quoted:
        return True
    doc = analysis.doc
    section = doc.section_of(block)
    if section is not None and _CHAT_SECTION.search(section.title or ""):
        return True
    match = _CHAT_LINE.match(block.text)
    if match and not re.match(r"^\s*(?:\[?\d{1,2}:\d{2})", block.text):
        # "alice: text" without a time counts only when the name is lower-case or a handle
        # ("Impact: ..." and "Root cause: ..." are bold labels, not chat).
        name = match.group(0).strip().rstrip(":").lstrip("<@").rstrip(">")
        return name.islower() or match.group(0).lstrip().startswith(("<", "@"))
    return bool(match)


# --------------------------------------------------------------------------- rewrites

_IRREGULAR_VBN = {
    "run": "run", "break": "broken", "forget": "forgotten", "take": "taken", "give": "given", "write": "written",
    "do": "done", "make": "made", "set": "set", "put": "put", "send": "sent", "build": "built", "read": "read",
    "get": "got", "leave": "left", "begin": "begun", "catch": "caught", "see": "seen", "find": "found",
    "tell": "told", "hit": "hit", "shut": "shut", "cut": "cut", "let": "let", "keep": "kept", "lose": "lost",
    "drive": "driven", "choose": "chosen", "overlook": "overlooked", "miss": "missed", "push": "pushed",
    "spin": "spun", "bring": "brought", "think": "thought", "hold": "held", "undo": "undone", "rewrite": "rewritten",
    "mistake": "mistaken", "overwrite": "overwritten", "withdraw": "withdrawn", "throw": "thrown",
    "upset": "upset", "reset": "reset", "rerun": "rerun", "redo": "redone",
}


def participle(lemma: str) -> str:
    lemma = lemma.lower()
    if lemma in _IRREGULAR_VBN:
        return _IRREGULAR_VBN[lemma]
    if lemma.endswith("e"):
        return lemma + "d"
    if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ied"
    if (len(lemma) <= 4 and len(lemma) >= 3 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou"
            and lemma[-3] not in "aeiou"):
        return lemma + lemma[-1] + "ed"
    return lemma + "ed"


def _phrase(tokens) -> str:
    out = ""
    for t in tokens:
        out += t.text + t.whitespace_
    return out.strip()


def _subtree_tokens(token, exclude=frozenset()) -> list:
    return sorted((t for t in token.subtree if not (set(t.ancestors) | {t}) & exclude), key=lambda t: t.i)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _object_phrase(obj) -> str | None:
    """The object as the subject of the rewrite: possessives of people become "the"."""
    tokens = _subtree_tokens(obj)
    words = []
    for t in tokens:
        if t.dep_ == "poss" and t.head is obj:
            words.append("the")
            continue
        if t.head.dep_ == "poss" and t in t.head.children:
            continue
        words.append(t.text + t.whitespace_)
    text = "".join(w if w.endswith(" ") or w == "the" else w for w in words)
    text = re.sub(r"\bthe(?=\S)", "the ", text).strip()
    return text or None


def passive_rewrite(verb, obj, negate: bool, drop: set, verb_lemma: str | None = None) -> str | None:
    """"An engineer mistakenly ran the cleanup against production" → "The cleanup was run against production."

    `obj` becomes the subject; the person, the fault adverb and anything in `drop` go.
    """
    subject = _object_phrase(obj)
    if not subject:
        return None
    plural = obj.tag_ in ("NNS", "NNPS") and obj.lower_.endswith("s")
    be = "were" if plural else "was"
    rest = []
    for child in verb.children:
        if child.i <= obj.i or child in drop or child.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "neg", "punct",
                                                                "cc", "conj", "mark"):
            continue
        if child.dep_ == "advmod" and child.lower_ in lex.FAULT_ADVERBS | lex.JUDGEMENT_WORDS:
            continue
        rest.extend(_subtree_tokens(child))
    rest.sort(key=lambda t: t.i)
    tail = _phrase(rest)
    particle = " ".join(c.text for c in verb.children if c.dep_ == "prt")
    vbn = participle(verb_lemma or verb.lemma_)
    words = [_capital(subject), be]
    if negate:
        words.append("not")
    words.append(vbn)
    if particle:
        words.append(particle)
    if tail:
        words.append(tail)
    return " ".join(words).rstrip(" ,;:") + "."


def _sentence_is_one_clause(sentence: Sentence, root) -> bool:
    """Does the sentence consist of `root`'s clause only (so a rewrite can replace all of it)?"""
    root_tokens = set(root.subtree)
    for t in sentence.sent:
        if t in root_tokens or t.is_punct or t.is_space:
            continue
        return False
    for t in root.subtree:
        if t.dep_ in ("advcl", "ccomp", "conj", "parataxis") and t.head is root:
            return False
    return True


# --------------------------------------------------------------------------- detectors

# Past forms the small model sometimes leaves unlemmatised ("forgot" tagged VBP, lemma "forgot").
_FORM_LEMMAS = {"forgot": "forget", "forgotten": "forget", "broke": "break", "broken": "break", "neglected": "neglect",
                "ignored": "ignore", "missed": "miss", "skipped": "skip", "overlooked": "overlook",
                "messed": "mess", "screwed": "screw", "botched": "botch", "failed": "fail"}


def _lemma(token) -> str:
    lower = token.lower_
    return _FORM_LEMMAS.get(lower, token.lemma_.lower())


# Verbs of belief: "we mistakenly assumed the cache was warm" explains a mental model, it does
# not make a person the cause.
_COGNITIVE_VERBS = frozenset({"believe", "think", "assume", "expect", "understand", "conclude", "interpret",
                              "suspect", "consider", "judge", "estimate", "attribute", "identify", "diagnose",
                              "label", "classify", "report", "flag", "mark", "read", "see"})


def _generic_statement(verb, agent) -> bool:
    """"Engineers ignore alerts that fire too often": a present-tense claim about people in general."""
    if verb.tag_ not in ("VBP", "VBZ") or _lemma(verb) != verb.lemma_.lower() and verb.lower_ in _FORM_LEMMAS:
        return False
    return agent.tag_ in ("NNS", "NNPS") and not any(c.dep_ in ("det", "poss") for c in agent.children)


def _fault_predicate(verb) -> tuple[str, Any] | None:
    """Is `verb` a fault-laden predicate? Returns (trigger words, object token or None)."""
    lemma = _lemma(verb)
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
    particle = next((c for c in verb.children if c.dep_ == "prt"), None)
    if lemma == "fail":
        if particle is not None:  # "failed over"
            return None
        xcomp = next((c for c in verb.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")), None)
        if xcomp is not None and (xcomp.lemma_.lower() in lex.DUTY_VERBS):
            xobj = next((c for c in xcomp.children if c.dep_ in ("dobj", "obj")), None)
            return f"{verb.text} to {xcomp.text}", xobj
        return None
    if lemma == "bother" and _negated(verb):
        xcomp = next((c for c in verb.children if c.dep_ == "xcomp"), None)
        return (f"{verb.text} to", next((c for c in xcomp.children if c.dep_ == "dobj"), None) if xcomp else None)
    if lemma in ("mess", "screw") and not (particle is not None and particle.lower_ == "up"):
        return None
    if lemma == "miss" and obj is not None and obj.lemma_.lower() in lex.MISS_NEUTRAL_OBJECTS:
        return None
    if lemma == "forget" or lemma == "neglect":
        xcomp = next((c for c in verb.children if c.dep_ == "xcomp"), None)
        if xcomp is not None:
            return f"{verb.text} to {xcomp.text}", next((c for c in xcomp.children if c.dep_ in ("dobj", "obj")), None)
        return verb.text, obj
    if lemma in lex.FAULT_VERBS:
        if lemma in ("skip", "bypass", "circumvent", "break") and obj is None:
            return None
        if lemma == "skip" and not (obj.lemma_.lower() in lex.SKIP_FAULT_OBJECTS
                                    or any(c.lower_ in lex.SKIP_FAULT_OBJECTS for c in obj.children if c.dep_ == "compound")):
            return None  # "we skipped the 1.4 release"
        if lemma == "break" and obj.lemma_.lower() in lex.BREAK_NEUTRAL_OBJECTS:
            return None
        if lemma == "break" and (particle is not None or any(c.dep_ == "prep" and c.lower_ in ("into", "up", "down", "out")
                                                             for c in verb.children)):
            return None  # "we broke the change into three steps", "broke down the problem"
        return verb.text, obj
    return None


def _finite(verb) -> bool:
    if verb.tag_ in ("VBD", "VBZ", "VBP"):
        return True
    if verb.tag_ == "VBN" and any(c.dep_ in ("aux", "auxpass") and c.lemma_.lower() in ("have", "be") for c in verb.children):
        return True
    if verb.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ in ("did", "does", "do") for c in verb.children):
        return True
    return False


def _person_fault(sentence: Sentence, allowlist) -> list[BlameSignal]:
    out: list[BlameSignal] = []
    sent = sentence.sent
    for verb in sent:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        fault = _fault_predicate(verb)
        adverb = next((c for c in verb.children if c.dep_ == "advmod" and c.lower_ in lex.FAULT_ADVERBS), None)
        if adverb is not None and (verb.lemma_.lower() in lex.TECHNICAL_MANNER
                                   or verb.lemma_.lower() in _COGNITIVE_VERBS):
            adverb = None
        if fault is None and adverb is None:
            continue
        if not _finite(verb) or _hypothetical(verb):
            continue
        if fault is not None and _lemma(verb) != "bother" and _negated(verb):
            continue
        agents = [(s, person_strength(s, allowlist)) for s in _subjects(verb) if s.dep_ == "nsubj"]
        agents += [(a, person_strength(a, allowlist)) for a in _by_agents(verb)]
        agents = [(a, s) for a, s in agents if s > 0 and not _generic_statement(verb, a)]
        if not agents:
            continue
        agent, strength = max(agents, key=lambda x: x[1])
        if _in_quotes(sentence, verb):
            continue
        trigger = f"{adverb.text} {verb.text}" if fault is None else fault[0]
        obj = fault[1] if fault is not None else next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
        # Self-attribution ("we missed", "I broke") is blame by the rubric too, a little less surely.
        prior = 0.85 if strength == 1.0 else 0.55
        if agent.lower_ in ("we", "i", "us"):
            prior -= 0.1
        rewrite, dropin = _fault_rewrite(sentence, verb, fault, adverb, obj, agent)
        out.append(BlameSignal(
            kind=PERSON_FAULT, span=sentence.span, sentence=sentence.span, trigger=trigger,
            agent=agent.text, prior=prior, strong=strength == 1.0,
            message=(f"\"{agent.text}\" is made the cause of the failure (\"{trigger}\"). Describe what the system "
                     "allowed or failed to catch instead of who slipped."),
            rewrite=rewrite, dropin=dropin))
        break
    out.extend(_error_by_person(sentence, allowlist))
    return out[:1]


_NEGATIVE_ACTION = {"ignore": "was not acted on", "overlook": "was not noticed", "miss": "was missed",
                    "skip": "was skipped", "neglect": "was not done", "bypass": "was bypassed",
                    "circumvent": "was bypassed", "misconfigure": "was misconfigured", "mistype": "was mistyped",
                    "misread": "was misread", "mishandle": "was mishandled", "disregard": "was not acted on"}


def _fault_rewrite(sentence, verb, fault, adverb, obj, agent) -> tuple[str | None, bool]:
    lemma = _lemma(verb)
    rewrite = None
    try:
        if fault is not None and lemma in ("forget", "neglect", "fail", "bother"):
            xcomp = next((c for c in verb.children if c.dep_ == "xcomp"), None)
            if xcomp is not None and obj is not None:
                rewrite = passive_rewrite(xcomp, obj, negate=True, drop=set())
        elif fault is not None and lemma == "break" and obj is not None:
            rewrite = f"{_capital(_object_phrase(obj) or '')} broke."
            tail = _phrase([t for c in verb.children if c.i > obj.i and c.dep_ not in ("punct", "cc", "conj")
                            for t in _subtree_tokens(c)])
            if tail:
                rewrite = rewrite[:-1] + f" {tail}."
        elif fault is not None and lemma in _NEGATIVE_ACTION and obj is not None:
            action = _NEGATIVE_ACTION[lemma]
            if obj.tag_ in ("NNS", "NNPS") and obj.lower_.endswith("s"):
                action = "were" + action[3:]
            rewrite = f"{_capital(_object_phrase(obj) or '')} {action}."
        elif adverb is not None and obj is not None:
            rewrite = passive_rewrite(verb, obj, negate=False, drop={adverb})
    except (AttributeError, IndexError, ValueError):
        rewrite = None
    if not rewrite or rewrite.startswith(" "):
        return None, False
    return rewrite, _sentence_is_one_clause(sentence, verb)


_POSSESSIVE_PEOPLE = frozenset({"my", "our", "his", "her", "your"})


def _error_by_person(sentence: Sentence, allowlist) -> list[BlameSignal]:
    """"a mistake by the on-call", "Dave's error", "we made a mistake", "the outage was caused by Dave"."""
    for token in sentence.sent:
        lemma = token.lemma_.lower()
        person = None
        trigger = None
        if lemma in lex.ERROR_NOUNS and token.pos_ == "NOUN" and token.dep_ != "compound":
            if any(c.dep_ == "compound" for c in token.children if c.lower_ in ("budget", "rate", "message", "code")):
                continue
            if token.i + 1 < len(token.doc) and token.nbor(1).pos_ == "NOUN":
                continue  # "error budget", "error rate"
            for child in token.children:
                if child.dep_ == "poss" and (person_strength(child, allowlist) == 1.0
                                             or child.lower_ in _POSSESSIVE_PEOPLE):
                    person, trigger = child, f"{child.text} {token.text}"
                elif child.dep_ == "prep" and child.lower_ == "on":
                    # "a mistake on my part", "an error on the part of the DBA"
                    part = next((p for p in child.children if p.dep_ == "pobj" and p.lower_ == "part"), None)
                    owner = None if part is None else next(
                        (c for c in part.children if c.dep_ == "poss" and (c.lower_ in _POSSESSIVE_PEOPLE
                                                                        or person_strength(c, allowlist) == 1.0)), None)
                    if owner is None and part is not None:
                        of = next((c for c in part.children if c.dep_ == "prep" and c.lower_ == "of"), None)
                        owner = None if of is None else next(
                            (p for p in of.children if p.dep_ == "pobj" and person_strength(p, allowlist) == 1.0), None)
                    if owner is not None:
                        person, trigger = owner, token.doc[token.i: max(part.i, owner.i) + 1].text
                elif child.dep_ == "prep" and child.lower_ in ("by", "of"):
                    pobj = next((p for p in child.children if p.dep_ == "pobj"), None)
                    if pobj is not None and person_strength(pobj, allowlist) == 1.0:
                        person, trigger = pobj, f"{token.text} {child.text} {pobj.text}"
            if person is None and token.dep_ == "dobj" and token.head.lemma_.lower() in ("make", "commit"):
                subj = next((s for s in _subjects(token.head) if person_strength(s, allowlist) == 1.0), None)
                if subj is not None and _finite(token.head) and not _hypothetical(token.head):
                    person, trigger = subj, f"{subj.text} {token.head.text} {token.text}"
        elif lemma == "cause" and token.pos_ == "VERB" and _finite(token) and not _hypothetical(token):
            if _negated(token):
                continue
            obj = next((c for c in token.children if c.dep_ == "dobj"), None)
            subj = _subjects(token)
            failure = obj if obj is not None else next((s for s in subj if s.dep_ == "nsubjpass"), None)
            if failure is None or failure.lemma_.lower() not in lex.FAILURE_NOUNS:
                continue
            for cand in [s for s in subj if s.dep_ == "nsubj"] + _by_agents(token):
                if person_strength(cand, allowlist) == 1.0:
                    person, trigger = cand, f"{cand.text} {token.text} the {failure.text}"
        if person is not None and not _in_quotes(sentence, token) and not _negated(token.head):
            return [BlameSignal(
                kind=PERSON_FAULT, span=sentence.span, sentence=sentence.span, trigger=trigger, agent=person.text,
                prior=0.8, strong=True,
                message=(f"\"{trigger}\" makes a person the cause. Say what in the system let the action "
                         "through and what would have caught it."))]
    return []


_INCIDENT_WORDS = frozenset({"this", "it", "that", "incident", "outage", "issue", "failure", "problem", "event",
                             "downtime", "disruption", "breakage"})

_DENIAL = re.compile(r"\b(not|never|no|isn't|wasn't|rather than|instead of|beyond|blaming|blame on|"
                     r"rarely|seldom|avoid|myth|without)\b", re.I)


def _human_error(sentence: Sentence, section_kind: SectionKind | None) -> list[BlameSignal]:
    sent = sentence.sent
    for token in sent:
        lower, lemma = token.lower_, token.lemma_.lower()
        found = None
        if lower in lex.HUMAN_ERROR_WORDS:
            found = [token]
        elif lemma in ("error", "mistake", "failure", "slip", "oversight", "fault") and token.pos_ == "NOUN":
            mod = next((c for c in token.children if c.dep_ in ("compound", "amod")
                        and c.lower_ in lex.HUMAN_ERROR_MODIFIERS and c.i == token.i - 1), None)
            if mod is not None:
                found = [mod, token]
            elif lemma == "mistake" and any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in token.children):
                # "a mistake" only when it is itself the cause: "the cause was a mistake", "caused by a mistake".
                head = token.head
                if token.dep_ in ("attr", "pobj") and (head.lemma_.lower() in ("be", "by", "to") or head.dep_ == "agent"):
                    found = [token]
        if not found:
            continue
        if _in_quotes(sentence, found[0]):
            continue
        in_cause_section = section_kind in (SectionKind.ROOT_CAUSE, SectionKind.TRIGGER)
        cause_words = {t.lemma_.lower() for t in sent} & lex.CAUSE_WORDS
        # "This was (a) human error": the incident itself is called human error.
        head = found[-1].head
        copula = found[-1].dep_ == "attr" and head.lemma_.lower() == "be" and any(
            c.dep_ == "nsubj" and c.lemma_.lower() in _INCIDENT_WORDS for c in head.children)
        if not cause_words and not in_cause_section and not copula:
            continue
        # "This was not human error", "rather than blaming human error": a denial, not a cause.
        window = sentence.block.text[max(sent.start_char, found[0].idx - 40): found[0].idx]
        if _DENIAL.search(window) or _negated(found[-1].head) or _negated(found[-1]):
            continue
        weak = found[-1].lemma_.lower() == "mistake" and len(found) == 1
        span = sentence.block.original_span(found[0].idx, found[-1].idx + len(found[-1].text))
        phrase = " ".join(t.text for t in found)
        return [BlameSignal(
            kind=HUMAN_ERROR, span=span, sentence=sentence.span, trigger=phrase, prior=0.6 if weak else 0.9,
            strong=not weak,
            message=(f"\"{phrase}\" is given as the cause. A person's mistake is where an investigation starts: "
                     "name the conditions that made the mistake possible and let it reach production (a missing "
                     "check, a confusing interface, no confirmation step)."),
            data={"explanation": "human error is a symptom, not a cause"})]
    return []


_MODAL_PERFECT = frozenset({"should", "ought", "could", "must", "shall"})
_HAVE = frozenset({"have", "'ve", "ve", "of"})


def _modal_perfect(verb) -> tuple[Any, Any] | None:
    """(modal, have) when `verb` stands under "should/ought to/could have"."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    have = next((a for a in auxes if a.lower_ in _HAVE), None)
    if have is None:
        return None
    modal = next((a for a in auxes if a.lower_ in _MODAL_PERFECT or a.lower_ in ("shouldn't", "couldn't")), None)
    if modal is None and verb.dep_ == "xcomp" and verb.head.lower_ == "ought":
        modal = verb.head
    return (modal, have) if modal is not None else None


def _counterfactual(sentence: Sentence, allowlist) -> list[BlameSignal]:
    sent = sentence.sent
    if sent.text.rstrip().endswith("?"):
        return []  # "Could we have caught this earlier?" asks; it does not judge
    for verb in sent:
        if verb.tag_ != "VBN" or verb.pos_ not in ("VERB", "AUX"):
            continue
        found = _modal_perfect(verb)
        if found is None:
            continue
        modal, have = found
        if _in_quotes(sentence, verb):
            continue
        subjects = _subjects(verb) or (_subjects(modal) if modal.head is modal or modal.dep_ == "ROOT" else [])
        subject = subjects[0] if subjects else None
        strength = person_strength(subject, allowlist) if subject is not None else 0.0
        owned = subject is not None and any(
            c.dep_ == "poss" and c.lower_ in ("our", "my", "their", "his", "her", "your") for c in subject.children)
        passive = any(c.dep_ == "auxpass" for c in verb.children)
        lemma = verb.lemma_.lower()
        modal_word = modal.lower_
        is_could = modal_word.startswith("could")
        strong = False
        prior = 0.0
        why = ""
        if strength == 1.0 and passive:
            continue  # "the on-call should have been paged": the person is who the system failed
        if strength == 1.0:
            if is_could and lemma not in lex.HUMAN_CHECK_VERBS:
                continue  # "we could have lost data": a possibility, not a judgement
            prior, strong, why = (0.85 if not is_could else 0.65), not is_could, "what a person should have done"
            if lemma == "have":
                # "we should have had an alert on pool exhaustion" is as often about a missing
                # piece of the system as about a decision: the classifier decides.
                prior, strong = 0.6, False
        elif owned and not passive:
            if is_could:
                continue
            prior, strong, why = 0.75, True, "a decision the team made"
        elif passive and lemma in lex.HUMAN_CHECK_VERBS and subject is not None and not is_could and not any(
                person_strength(a, allowlist) == 0.0 for a in _by_agents(verb)):
            # ("This should have been caught by the integration tests" names a system: not reported.)
            # "This should have been caught in review": the reviewers are the implied agents.
            prior, strong, why = 0.7, True, "what reviewers or responders should have done"
        elif strength == 0.5 and not is_could:
            prior, strong, why = 0.5, False, "what someone should have done"
        else:
            continue
        rewrite, dropin = None, False
        if passive and subject is not None and subject.lower_ in ("this", "it", "that", "these", "they"):
            tail = _phrase([t for c in verb.children if c.i > verb.i and c.dep_ not in ("punct",)
                            for t in _subtree_tokens(c)])
            be = "were" if subject.lower_ in ("these", "they") else "was"
            rewrite = f"{_capital(subject.text)} {be} not {verb.text}{(' ' + tail) if tail else ''}."
            dropin = _sentence_is_one_clause(sentence, verb)
        first = min(modal.i, have.i)
        trigger = verb.doc[first: verb.i + 1].text
        return [BlameSignal(
            kind=COUNTERFACTUAL, span=sentence.span, sentence=sentence.span, trigger=trigger,
            agent=subject.text if subject is not None else None, prior=prior, strong=strong,
            message=(f"Hindsight (\"{trigger}\") judges {why}. State what happened and what made the better "
                     "choice hard to see at the time (missing signal, unclear runbook, no test)."),
            rewrite=rewrite, dropin=dropin)]
    return _conditional_counterfactual(sentence, allowlist)


def _conditional_counterfactual(sentence: Sentence, allowlist) -> list[BlameSignal]:
    """"Had the reviewer looked closer, this would not have shipped"; "If Dave had checked, ...".

    Only when the condition is about a person's action (or a thing a person owns): "with
    rate limiting the proxy would have survived" names no decision and is not blame.
    """
    sent = sentence.sent
    for verb in sent:
        if verb.dep_ != "advcl":
            continue
        marks = [c for c in verb.children if c.dep_ == "mark" and c.lower_ == "if"]
        inverted = verb.i > 0 and any(c.dep_ == "aux" and c.lower_ == "had" and c.i < verb.i and
                                      c.i == min(t.i for t in verb.subtree) for c in verb.children)
        past_perfect = any(c.dep_ == "aux" and c.lower_ == "had" for c in verb.children) or (
            verb.lower_ == "had" and verb.lemma_ == "have")
        if not (marks or inverted) or not past_perfect:
            continue
        main = verb.head
        if not any(c.lower_ in ("would", "could", "might") for c in main.children if c.dep_ == "aux"):
            continue
        if not any(c.lower_ in _HAVE for c in main.children if c.dep_ in ("aux", "auxpass")) and main.lower_ != "have":
            continue
        subject = next(iter(_subjects(verb)), None)
        if subject is None:
            continue
        strength = person_strength(subject, allowlist)
        owner = next((c for c in subject.children if c.dep_ in ("compound", "poss")
                      and person_strength(c, allowlist) == 1.0 or c.lower_ in ("user", "customer")), None)
        if strength < 1.0 and owner is None:
            continue
        # "… would NOT have happened if X had …" puts the outcome on X's choice.
        outcome_denied = any(c.dep_ == "neg" for c in main.children)
        if verb.lemma_.lower() in ("be", "know", "understand", "hear", "receive", "get"):
            continue  # "if we had known about the limit": missing information, not a choice
        if any(c.dep_ == "auxpass" for c in verb.children):
            continue  # "if the on-call had been paged": the person is who the system failed
        if subject.lower_ in ("we", "i") and verb.lower_ == "had" and not any(
                c.dep_ in ("ccomp", "xcomp", "dobj") and c.tag_ == "VBN" for c in verb.children):
            continue  # "if we had had a staging cluster": about the system
        if _in_quotes(sentence, verb):
            continue
        return [BlameSignal(
            kind=COUNTERFACTUAL, span=sentence.span, sentence=sentence.span,
            trigger=verb.doc[min(t.i for t in verb.subtree): verb.i + 1].text,
            agent=subject.text, prior=0.7 if strength == 1.0 else 0.6, strong=strength == 1.0 or outcome_denied,
            message=("A counterfactual aimed at a person's choice. Say what the system did and what would make the "
                     "safe path the default (a guard, a default setting, a check)."))]
    return []


_STRONG_JUDGEMENT = frozenset({"sloppy", "sloppiness", "careless", "carelessness", "negligent", "negligence",
                               "incompetent", "incompetence", "reckless", "recklessness", "irresponsible",
                               "irresponsibility", "inept", "ineptitude", "unprofessional", "idiotic", "idiot",
                               "moron", "moronic", "boneheaded", "clueless", "amateurish", "slapdash", "laziness",
                               "inattentive", "inattention", "thoughtless", "brainless", "sloppily", "carelessly",
                               "negligently", "recklessly", "incompetently", "stupidity", "shoddy", "shoddily"})
_ACT_NOUNS = frozenset({"deploy", "deployment", "change", "mistake", "error", "decision", "review", "work", "approach",
                        "attitude", "behavior", "behaviour", "act", "oversight", "job", "practice", "handling",
                        "rollout", "release", "fix", "response", "move", "code", "commit", "migration", "engineering",
                        "planning", "testing", "operator", "engineer", "team", "person", "developer"})


def _judgement(sentence: Sentence, allowlist) -> list[BlameSignal]:
    out = []
    for token in sentence.sent:
        lower, lemma = token.lower_, token.lemma_.lower()
        word = lower if lower in lex.JUDGEMENT_WORDS else (lemma if lemma in lex.JUDGEMENT_WORDS else None)
        if word is None or token.pos_ not in ("ADJ", "ADV", "NOUN", "PROPN", "VERB"):
            continue
        head = token.head
        if head.lemma_.lower() in lex.TECHNICAL_HEADS or head.lower_ in lex.TECHNICAL_HEADS:
            continue
        if token.dep_ == "compound" or (token.i + 1 < len(token.doc) and token.nbor(1).lower_ in lex.TECHNICAL_HEADS):
            continue
        if lower in ("lazily", "lazy") and head.lemma_.lower() in lex.TECHNICAL_MANNER:
            continue
        if _negated(head) or _negated(token) or _in_quotes(sentence, token):
            continue
        clause = next((a for a in token.ancestors if a.pos_ in ("VERB", "AUX")), None)
        window = sentence.block.text[max(sentence.sent.start_char, token.idx - 40): token.idx]
        if (clause is not None and _negated(clause)) or _DENIAL.search(window):
            continue  # "this is not about careless engineers", "rather than blaming sloppy work"
        strong = word in _STRONG_JUDGEMENT
        if not strong:
            # "lazy", "stupid", "lax", "dumb": only of a person or an act ("lazy deploy"), not a "lax policy".
            target = head if token.dep_ in ("amod", "advmod") else next(iter(_subjects(head)), None)
            if target is None or not (person_strength(target, allowlist) == 1.0
                                      or target.lemma_.lower() in _ACT_NOUNS):
                continue
        span = sentence.block.original_span(token.idx, token.idx + len(token.text))
        rewrite, dropin = None, False
        if token.dep_ == "amod" and head.i == token.i + 1:
            # "a sloppy deploy" → "a deploy": drop the adjective.
            span = sentence.block.original_span(token.idx, head.idx + len(head.text))
            rewrite, dropin = head.text, True
        elif token.dep_ == "advmod" and token.pos_ == "ADV" and token.i + 1 < len(token.doc) and token.nbor(1).is_alpha:
            nxt = token.nbor(1)
            span = sentence.block.original_span(token.idx, nxt.idx + len(nxt.text))
            rewrite = _capital(nxt.text) if token.is_sent_start else nxt.text
            dropin = True
        out.append(BlameSignal(
            kind=JUDGEMENT, span=span, sentence=sentence.span, trigger=token.text, prior=0.85 if strong else 0.6,
            strong=strong,
            message=(f"\"{token.text}\" judges someone's character or competence. Describe the action and its "
                     "conditions; the judgement teaches nothing and makes people hide mistakes."),
            rewrite=rewrite, dropin=dropin))
        break
    return out


_HINDSIGHT_MODALS = frozenset({"should", "ought", "must", "shouldn't", "mustn't"})


def _minimiser(sentence: Sentence, allowlist) -> list[BlameSignal]:
    """"just", "simply", "obviously", "clearly" in hindsight: "the on-call could simply have rolled back"."""
    for token in sentence.sent:
        lower = token.lower_
        if lower not in lex.MINIMISERS or token.dep_ not in ("advmod",) or _in_quotes(sentence, token):
            continue
        nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
        if lower == "just" and (nxt is None or nxt.lower_ in lex.JUST_NEUTRAL_NEXT or nxt.like_num or nxt.is_punct
                                or not nxt.is_alpha):
            continue
        if token.i > 0 and token.nbor(-1).text == "-" or (nxt is not None and nxt.text == "-"):
            continue  # "the just-released version"
        head = token.head
        if head.pos_ not in ("VERB", "AUX"):
            continue
        if lower in ("clearly", "easily") and head.lemma_.lower() in lex.MANNER_VERBS:
            continue
        chain = [head, *list(head.ancestors)[:3]]
        # Hindsight: "should/ought/need to/had to", or "could/would have" + participle. A bare
        # "could just be" is a possibility, not hindsight.
        modal = any(c.dep_ == "aux" and c.lower_ in _HINDSIGHT_MODALS for h in chain for c in h.children)
        modal = modal or head.lemma_.lower() in ("need", "have") and any(c.dep_ == "xcomp" for c in head.children)
        modal = modal or any(h.lower_ == "ought" for h in chain) or any(
            h.lower_ == "had" and any(c.dep_ == "xcomp" for c in h.children) for h in chain)  # "only had to"
        hindsight = modal or _modal_perfect(head) is not None
        person = any(person_strength(s, allowlist) == 1.0 for s in _subjects(head))
        if lower == "simply" and head.lower_ == "put" or (nxt is not None and nxt.lower_ == "put"):
            continue  # "simply put"
        if lower in ("obviously", "clearly"):
            # Said of a person only next to a fault: "he clearly didn't read the runbook",
            # not "we obviously wanted to restore service first", "I clearly remember".
            at_fault = _negated(head) or _lemma(head) in lex.FAULT_VERBS or any(
                t.lemma_.lower() in lex.ERROR_NOUNS for t in sentence.sent)
            if not (hindsight or (person and at_fault)):
                continue
        elif not hindsight:
            continue
        if nxt is not None and nxt.text == "," and token.i + 2 < len(token.doc):
            nxt = token.nbor(2)  # "Clearly, the on-call …" → "The on-call …"
        if nxt is None or not (nxt.is_alpha or nxt.text[:1].isalpha()):
            continue
        span = sentence.block.original_span(token.idx, nxt.idx + len(nxt.text))
        replacement = _capital(nxt.text) if token.is_sent_start else nxt.text
        return [BlameSignal(
            kind=MINIMISER, span=span, sentence=sentence.span, trigger=token.text, prior=0.7, strong=True,
            message=(f"\"{token.text}\" makes the better choice sound easy in hindsight. Drop it, or say what made it "
                     "hard to see at the time."),
            rewrite=replacement, dropin=True)]
    return []


_CARE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in lex.ACTION_CARE_PHRASES) + r")\b(?! of\b)", re.I)


def _person_action(sentence: Sentence, allowlist) -> list[BlameSignal]:
    sent = sentence.sent
    text = sent.text
    message = ("This action item asks people to behave differently. Change the system instead, so the right thing "
               "happens without anyone remembering: a check, an alert, a guard, an automated step.")
    for token in sent:
        lemma = token.lemma_.lower()
        target = None
        if lemma in lex.ACTION_PERSON_VERBS:
            target = next((c for c in token.children if c.dep_ in ("dobj", "nsubjpass") and person_strength(c, allowlist) == 1.0), None)
            if target is None and lemma in ("retrain", "discipline", "reprimand"):
                target = token
        elif lemma in ("ensure", "sure") or (lemma == "make" and any(c.lower_ == "sure" for c in token.children)):
            for clause in token.subtree:
                if clause.dep_ in ("ccomp", "xcomp") and clause.pos_ in ("VERB", "AUX"):
                    # "make sure the engineer checks …" (an action asked of a person), not
                    # "ensure the team is aware of …" (a state).
                    if clause.lemma_.lower() in ("be", "have", "know", "get"):
                        continue
                    subj = next((s for s in _subjects(clause) if person_strength(s, allowlist) == 1.0), None)
                    if subj is not None and subj.lower_ not in ("we", "us"):
                        target = subj
                        break
            if target is None:
                target = _person_after(token, allowlist)
        if target is not None:
            first = token.nbor(-1) if token.lower_ == "sure" and token.i > 0 and token.nbor(-1).lemma_.lower() == "make" \
                else token
            span = sentence.block.original_span(first.idx, target.idx + len(target.text)) if target.i >= token.i \
                else sentence.span
            return [BlameSignal(kind=PERSON_ACTION, span=span, sentence=sentence.span, trigger=token.text, prior=0.75,
                                agent=target.text, message=message)]
    match = _CARE.search(text)
    if match:
        start = sent.start_char + match.start()
        span = sentence.block.original_span(start, start + len(match.group(0)))
        return [BlameSignal(kind=PERSON_ACTION, span=span, sentence=sentence.span, trigger=match.group(0), prior=0.8,
                            message=message)]
    return []


# After "make sure the engineer …": an action or a duty. "… is aware", "… has access", "… knows"
# are states (and usually about access or training), not instructions to try harder.
_PERSON_NEXT = frozenset({"always", "never", "can", "will", "must", "should", "remembers", "remember", "does", "do",
                          "double-checks", "manually"})
_STATE_VERBS = frozenset({"be", "have", "know", "get", "understand", "receive", "own"})


def _person_after(token, allowlist):
    """The person right after "make sure" / "ensure (that)", read from the words when the parse
    is unsure ("make sure the on-call engineer checks …" is often tagged with "checks" as a noun)."""
    doc = token.doc
    i = token.i + 1
    while i < len(doc) and (doc[i].lower_ in ("that", "the", "all", "every", "each", "our", "any")):
        i += 1
    last_person = None
    while i < len(doc):
        t = doc[i]
        if t.lower_ in ("on", "-", "oncall") or person_strength(t, allowlist) == 1.0 or t.lemma_.lower() in lex.ROLE_NOUNS:
            if person_strength(t, allowlist) == 1.0 or t.lemma_.lower() in lex.ROLE_NOUNS:
                last_person = t
            i += 1
            continue
        break
    if last_person is None or last_person.lower_ in ("we", "us") or i >= len(doc):
        return None
    nxt = doc[i]
    if nxt.lemma_.lower() in _STATE_VERBS or nxt.lower_ in ("is", "are", "has", "knows", "gets", "understands"):
        return None
    if nxt.lower_ in _PERSON_NEXT or nxt.pos_ in ("VERB", "AUX") or (nxt.lower_.endswith("s") and nxt.tag_ in ("NNS", "VBZ")):
        return last_person
    return None


# --------------------------------------------------------------------------- the pass

def _action_item_spans(doc) -> list[Span]:
    spans = [item.span for item in doc.action_items]
    spans += [s.span for s in doc.sections if s.kind == SectionKind.ACTION_ITEMS]
    return spans


def detect(analysis: Analysis, allowlist: frozenset[str] = frozenset()) -> list[BlameSignal]:
    """Every blame signal in the non-quoted prose of the document (before the classifier)."""
    doc = analysis.doc
    action_spans = _action_item_spans(doc)
    signals: list[BlameSignal] = []
    quoted_cache: dict[int, bool] = {}
    for sentence in analysis.sentences():
        block = sentence.block
        key = id(block)
        if key not in quoted_cache:
            quoted_cache[key] = _quoted_block(analysis, block)
        if quoted_cache[key]:
            continue
        if any(code.covers(sentence.span) for code in doc.code_spans):
            continue
        if sentence.sent.start_char < _speaker_prefix(block.text):
            continue  # the first sentence of a "10:07 bob: …" row is bob's words, not the author's
        section = doc.section_of(block)
        kind = section.kind if section is not None else None
        found = _person_fault(sentence, allowlist)
        if not found:  # "a mistake by Dave" is one finding (the person), not two
            found += _human_error(sentence, kind)
        if not found:
            found += _counterfactual(sentence, allowlist)
        found += _judgement(sentence, allowlist)
        found += _minimiser(sentence, allowlist)
        if any(s.covers(sentence.span) or sentence.span.covers(s) for s in action_spans):
            found += _person_action(sentence, allowlist)
        for signal in found:
            signal.sent = sentence.sent
        signals.extend(found)
    return signals


def _combine(signal: BlameSignal, probability: float | None) -> BlameSignal | None:
    """Rules and classifier together: the classifier can veto a strong signal or confirm a weak one."""
    if signal.kind not in CLASSIFIED_KINDS or probability is None:
        signal.confidence = round(signal.prior, 3)
        return signal
    signal.classifier = round(probability, 3)
    if signal.strong and probability < STRONG_VETO:
        return None
    if not signal.strong and probability < WEAK_MIN:
        return None
    signal.confidence = round(min(0.99, 0.5 * signal.prior + 0.5 * probability + (0.1 if signal.strong else 0.0)), 3)
    return signal


def blame_signals(analysis: Analysis, config: Config) -> list[BlameSignal]:
    """The blame findings of a document, computed once per analysis for every blame rule,
    and once per block across reviews (an unchanged paragraph keeps its findings)."""
    from reviewer.nlp.blame_model import load_model, score_sentences

    allowlist = frozenset(w.strip().lower().lstrip("@") for w in (config.blame_allowlist or []) if w.strip())
    model = load_model()

    def in_block(alone: Analysis) -> list[BlameSignal]:
        raw = detect(alone, allowlist)
        scored = [s for s in raw if s.kind in CLASSIFIED_KINDS]
        probabilities = score_sentences([s.sent for s in scored], allowlist) if scored else []
        by_signal = {id(s): p for s, p in zip(scored, probabilities)}
        out = []
        for signal in raw:
            kept = _combine(signal, by_signal.get(id(signal)))
            if kept is not None:
                out.append(kept)
        return out

    return analysis.shared("blame:" + ",".join(sorted(allowlist)),
                           lambda a: a.per_block("blame", in_block, key=(allowlist, id(model))))
