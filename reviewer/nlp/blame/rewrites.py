"""System-focused rewrites: the object of a person's action becomes the subject."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from reviewer.nlp.blame import lexicon as lex
from reviewer.nlp.blame.agents import lemma_of, negated, person_strength, subjects

if TYPE_CHECKING:
    from reviewer.nlp.analysis import Sentence

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


def phrase(tokens) -> str:
    out = ""
    for t in tokens:
        out += t.text + t.whitespace_
    return out.strip()


def subtree_tokens(token, exclude=frozenset()) -> list:
    return sorted((t for t in token.subtree if not (set(t.ancestors) | {t}) & exclude), key=lambda t: t.i)


def capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def object_phrase(obj) -> str | None:
    """The object as the subject of the rewrite: possessives of people become "the"."""
    tokens = subtree_tokens(obj)
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
    subject = object_phrase(obj)
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
        rest.extend(subtree_tokens(child))
    rest.sort(key=lambda t: t.i)
    tail = phrase(rest)
    particle = " ".join(c.text for c in verb.children if c.dep_ == "prt")
    vbn = participle(verb_lemma or verb.lemma_)
    words = [capital(subject), be]
    if negate:
        words.append("not")
    words.append(vbn)
    if particle:
        words.append(particle)
    if tail:
        words.append(tail)
    return " ".join(words).rstrip(" ,;:") + "."


def sentence_is_one_clause(sentence: Sentence, root) -> bool:
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


_NEGATIVE_ACTION = {"ignore": "was not acted on", "overlook": "was not noticed", "miss": "was missed",
                    "skip": "was skipped", "neglect": "was not done", "bypass": "was bypassed",
                    "circumvent": "was bypassed", "misconfigure": "was misconfigured", "mistype": "was mistyped",
                    "misread": "was misread", "mishandle": "was mishandled", "disregard": "was not acted on"}


def fault_rewrite(sentence, verb, fault, adverb, obj, agent) -> tuple[str | None, bool]:
    lemma = lemma_of(verb)
    rewrite = None
    try:
        if fault is not None and lemma in ("forget", "neglect", "fail", "bother"):
            xcomp = next((c for c in verb.children if c.dep_ == "xcomp"), None)
            if xcomp is not None and obj is not None:
                rewrite = passive_rewrite(xcomp, obj, negate=True, drop=set())
        elif fault is not None and lemma == "break" and obj is not None:
            rewrite = f"{capital(object_phrase(obj) or '')} broke."
            tail = phrase([t for c in verb.children if c.i > obj.i and c.dep_ not in ("punct", "cc", "conj")
                            for t in subtree_tokens(c)])
            if tail:
                rewrite = rewrite[:-1] + f" {tail}."
        elif fault is not None and lemma in _NEGATIVE_ACTION and obj is not None:
            action = _NEGATIVE_ACTION[lemma]
            if obj.tag_ in ("NNS", "NNPS") and obj.lower_.endswith("s"):
                action = "were" + action[3:]
            rewrite = f"{capital(object_phrase(obj) or '')} {action}."
        elif adverb is not None and obj is not None:
            rewrite = passive_rewrite(verb, obj, negate=False, drop={adverb})
    except (AttributeError, IndexError, ValueError):
        rewrite = None
    if not rewrite or rewrite.startswith(" "):
        return None, False
    return rewrite, sentence_is_one_clause(sentence, verb)



def model_rewrite(sentence: Sentence, kind: str, allowlist: frozenset[str]) -> tuple[str | None, str | None]:
    """(a system-focused rewrite, the person named) for a sentence the model alone flagged.

    "Tom merged a broken migration" → "A broken migration was merged.": the object of the
    person's action becomes the subject. None when the sentence has no such shape; the
    finding's message then says what to write instead.
    """
    agent = None
    for verb in sentence.sent:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        people = [s for s in subjects(verb) if s.dep_ == "nsubj" and person_strength(s, allowlist) == 1.0]
        if not people:
            continue
        agent = agent or people[0].text
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
        if obj is None or obj.pos_ == "PRON":
            continue
        try:
            rewrite = passive_rewrite(verb, obj, negate=negated(verb), drop=set())
        except (AttributeError, IndexError, ValueError):
            rewrite = None
        if rewrite and not rewrite.startswith(" "):
            return rewrite, agent
    return None, agent
