"""Who does what in a sentence: people as agents, negation, modality, conditions, quotation.

Everything here reads the spaCy parse the review already made; the word lists only say which
words to look at (reviewer.nlp.blame.lexicon).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from reviewer.nlp.blame import lexicon as lex

if TYPE_CHECKING:
    from reviewer.nlp.analysis import Analysis, Sentence

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
            # "they noticed", "they failed to notice", "they should have recognised": people
            verb = token.head if token.dep_ == "nsubj" else None
            chain = [verb] + [c for c in verb.children if c.dep_ == "xcomp"] if verb is not None else []
            if any(v.lemma_.lower() in lex.HUMAN_ONLY_VERBS for v in chain):
                return 1.0
            return 0.5
    if _HANDLE.match(token.text) or (token.i > 0 and token.nbor(-1).text == "@" and token.nbor(-1).idx + 1 == token.idx):
        return 1.0
    lemma = token.lemma_.lower()
    if lower in ("one", "some", "several", "two", "three", "many", "most", "all", "each"):
        # "one of our technicians", "two of the reviewers": as much a person as the group named
        groups = [p for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children
                  if p.dep_ == "pobj"]
        if any(person_strength(g, allowlist) == 1.0 for g in groups):
            return 1.0
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


def subjects(verb) -> list:
    subs = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subs and verb.dep_ in ("xcomp", "conj") and verb.head is not verb:
        return subjects(verb.head)
    # "Dave and Bob forgot": the conjuncts of a subject are subjects too.
    out = []
    for s in subs:
        if s.lower_ in ("who", "that") and verb.dep_ == "relcl" and verb.head is not verb:
            s = verb.head  # "the engineer who mistakenly ran it": the engineer ran it
        out.append(s)
        out.extend(c for c in s.children if c.dep_ == "conj")
    return out


def by_agents(verb) -> list:
    return [p for a in verb.children if a.dep_ == "agent" for p in a.children if p.dep_ == "pobj"]


def negated(token) -> bool:
    if any(c.dep_ == "neg" for c in token.children):
        return True
    return any(c.lower_ in ("never", "not", "n't", "no") for c in token.children if c.dep_ in ("advmod", "det", "neg"))


def has_modal(verb, words=("could", "might", "may", "can", "would", "will", "shall")) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in words for c in verb.children)


_CONDITION_MARKS = frozenset({"if", "when", "whenever", "unless", "whether", "once", "lest", "before", "until"})
_PREVENT_VERBS = frozenset({"prevent", "avoid", "stop", "reduce", "protect", "guard", "minimise", "minimize",
                            "discourage", "eliminate", "mitigate", "ensure", "make", "help", "allow", "let",
                            "catch", "detect", "block", "warn", "easy", "hard", "harder", "possible", "impossible"})


def hypothetical(verb) -> bool:
    """Inside a condition, a purpose, a question of risk ("could accidentally delete")."""
    node = verb
    for _ in range(6):
        if any(c.dep_ == "mark" and c.lower_ in _CONDITION_MARKS for c in node.children):
            return True
        if has_modal(node):
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


def in_quotes(sentence: Sentence, token) -> bool:
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
    r"^\s*(?:(?:\[|\()?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:UTC|GMT|[A-Z]{2,4}T)?(?:\]|\))?[\s,-]*)++"  # possessive: a run of times is not re-split on failure
    r"(?:<\S{1,40}>|@?[A-Za-z][\w.-]{0,30})\s*:\s", re.I)
_NOT_SPEAKERS = frozenset({"note", "update", "impact", "action", "status", "root", "cause", "resolution", "detection",
                           "mitigation", "fix", "summary", "trigger", "event", "alert", "result", "outcome", "decision",
                           "issue", "problem", "todo", "done", "start", "end", "utc", "edit"})


def speaker_prefix(text: str) -> int:
    """Length of a chat-style "time speaker:" prefix, 0 when there is none: what follows is a quote."""
    match = _TIMED_SPEAKER.match(text)
    if not match:
        return 0
    speaker = match.group(0).rstrip().rstrip(":").split()[-1].strip("<>@[]()").lower()
    return 0 if speaker in _NOT_SPEAKERS else match.end()


def quoted_block(analysis: Analysis, block) -> bool:
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


# --------------------------------------------------------------------------- detectors

# Past forms the small model sometimes leaves unlemmatised ("forgot" tagged VBP, lemma "forgot").
_FORM_LEMMAS = {"forgot": "forget", "forgotten": "forget", "broke": "break", "broken": "break", "neglected": "neglect",
                "ignored": "ignore", "missed": "miss", "skipped": "skip", "overlooked": "overlook",
                "messed": "mess", "screwed": "screw", "botched": "botch", "failed": "fail"}


def lemma_of(token) -> str:
    lower = token.lower_
    return _FORM_LEMMAS.get(lower, token.lemma_.lower())


def finite(verb) -> bool:
    if verb.tag_ in ("VBD", "VBZ", "VBP"):
        return True
    if verb.tag_ == "VBN" and any(c.dep_ in ("aux", "auxpass") and c.lemma_.lower() in ("have", "be") for c in verb.children):
        return True
    if verb.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ in ("did", "does", "do") for c in verb.children):
        return True
    return False

_MODAL_PERFECT = frozenset({"should", "ought", "could", "must", "shall"})
_HAVE = frozenset({"have", "'ve", "ve", "of"})


def modal_perfect(verb) -> tuple[Any, Any] | None:
    """(modal, have) when `verb` stands under "should/ought to/could have"."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    have = next((a for a in auxes if a.lower_ in _HAVE), None)
    if have is None:
        return None
    modal = next((a for a in auxes if a.lower_ in _MODAL_PERFECT or a.lower_ in ("shouldn't", "couldn't")), None)
    if modal is None and verb.dep_ == "xcomp" and verb.head.lower_ == "ought":
        modal = verb.head
    return (modal, have) if modal is not None else None

