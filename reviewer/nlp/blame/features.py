"""What the sentence model reads: parse markers, placeholder words, and which sentences it reads.

All of it comes from the spaCy parse the review already made (no second spaCy run):

- `candidate`: a sentence is scored only when it has a human agent (a name, a handle, a role,
  a pronoun for people), addresses someone ("you"), or carries a blame cue (a fault word, an
  error noun, a judgement, "nobody", a modal perfect, a blaming question). The rest of a
  document costs nothing here.
- `markers`: who acts (a person, a system, "nobody"), negation and omission, hindsight (modal
  + have, "had X done"), a wrong or bad object, manner ("without review", "in a hurry"),
  questions aimed at people, "human error" in any shape, judgements of competence, denials,
  quotation, action-item voice.
- `words`: the sentence's lemmas with people, numbers and times replaced by placeholders
  (`PER`, `NUM`, `NAME`), so the model learns "PER never look at the alert", not names.
"""

from __future__ import annotations

from typing import Any

from reviewer.nlp.blame import lexicon as lex
from reviewer.nlp.blame.agents import modal_perfect, negated, person_strength, subjects

_NOBODY = frozenset({"nobody", "noone", "no-one"})
_SECOND_PERSON = frozenset({"you", "your", "yours", "yourself", "yourselves", "y'all"})
_SELF = frozenset({"we", "i", "us", "our", "my"})
_QUESTION_WORDS = frozenset({"why", "who", "how", "whose", "what"})
_ACTION_MODALS = frozenset({"will", "shall", "must", "need", "going"})
_POSSIBLE_MODALS = frozenset({"could", "might", "may", "can", "would"})
_RELATIVE = frozenset({"who", "that", "whom"})


def _is_person(token, allowlist) -> float:
    if token.pos_ not in ("PROPN", "PRON", "NOUN"):
        return 0.0
    if token.lower_ in _RELATIVE and token.head.dep_ == "relcl" and token.head.head is not token:
        # "the technician who accidentally cut the fibre": the relative pronoun is its antecedent
        return _is_person(token.head.head, allowlist)
    memo = token.doc.user_data.setdefault(("pmreview", "blame-person", allowlist), {})
    known = memo.get(token.i)
    if known is None:
        known = memo[token.i] = person_strength(token, allowlist)
    return known


def _nobody(token) -> bool:
    if token.lower_ in _NOBODY:
        return True
    # "no one", "none of us", "no engineer"
    if token.lower_ == "one" and token.i > 0 and token.nbor(-1).lower_ == "no":
        return True
    if token.lower_ == "none":
        # "none of us", "none of the reviewers": people; "none of the projects" is not
        of = [p for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
        return any(p.lower_ in ("us", "them", "you") or person_strength(p) == 1.0 for p in of)
    return any(c.dep_ == "det" and c.lower_ == "no" for c in token.children) and (
        token.lemma_.lower() in lex.ROLE_NOUNS or token.lemma_.lower() in ("one", "body"))


def candidate(sent: Any, allowlist: frozenset[str] = frozenset()) -> bool:
    """Is this sentence worth scoring: a human agent, a second person, or a blame cue?"""
    for token in sent:
        lower, lemma = token.lower_, token.lemma_.lower()
        if lower in _SECOND_PERSON or lower in _NOBODY or lower in lex.HUMAN_ERROR_WORDS:
            return True
        if lemma in lex.BLAME_CUES or lower in lex.BLAME_CUES:
            return True
        if token.dep_ in ("nsubj", "nsubjpass", "pobj", "poss", "dobj", "attr", "ROOT", "appos", "conj") and \
                _is_person(token, allowlist) > 0:
            return True
        if token.tag_ == "VBN" and modal_perfect(token) is not None:
            return True
    return False


_ALONE_MARKERS = frozenset({"M_PERSON_SUBJ", "M_YOU_SUBJ", "M_SELF_SUBJ", "M_PERSON_AGENT", "M_PERSON_POSS",
                            "M_NOBODY_SUBJ", "M_SECOND_PERSON", "M_HUMAN_ERROR", "M_JUDGEMENT", "G_COMPETENCE",
                            "M_MODAL_PERFECT_PERSON", "M_MODAL_PERFECT_CATCH", "M_PERSON_PASSIVE_SUBJ",
                            "M_HAD_INVERTED", "M_PERSON_HAD_DONE"})


_SELF_FAULT = frozenset({"M_SELF_NEG_PAST", "M_SELF_FAULT_VERB", "M_SELF_BAD_OBJECT", "M_WITHOUT_SAFEGUARD"})
_YOU_BLAME = frozenset({"M_QUESTION", "M_YOU_PAST", "M_YOU_NEG", "M_YOU_NEG_PAST", "M_YOU_FAULT_VERB",
                        "M_YOU_BAD_OBJECT", "M_MODAL_PERFECT"})


# What backs each kind the model may report alone: at least one marker of that kind.
_KIND_MARKERS = {
    "person-fault": frozenset({"M_PERSON_SUBJ", "M_YOU_SUBJ", "M_SELF_SUBJ", "M_PERSON_AGENT", "M_PERSON_POSS",
                               "M_NOBODY_SUBJ", "M_BLAME_WORD"}),
    "human-error-cause": frozenset({"M_HUMAN_ERROR", "M_ERROR_NOUN"}),
    "counterfactual": frozenset({"M_MODAL_PERFECT_PERSON", "M_MODAL_PERFECT_CATCH", "M_HAD_INVERTED", "M_IF",
                                 "M_PERSON_HAD_DONE",
                                 "M_WH_WHY", "M_WH_HOW", "M_NOBODY_SUBJ"}),
    "judgmental": frozenset({"M_JUDGEMENT", "G_COMPETENCE", "M_HASTE"}),
}


# Markers that name one kind by themselves, strongest first: a judging word outranks the error noun
# it judges ("a rookie mistake" is a judgement), "human error" outranks hindsight about it, and
# hindsight said of a person outranks the person as a plain subject.
_DECIDING_MARKERS = (
    ("G_COMPETENCE", "judgmental"), ("M_JUDGEMENT", "judgmental"),
    ("M_HUMAN_ERROR", "human-error-cause"),
    ("M_MODAL_PERFECT_PERSON", "counterfactual"), ("M_MODAL_PERFECT_CATCH", "counterfactual"),
    ("M_PERSON_HAD_DONE", "counterfactual"), ("M_HAD_INVERTED", "counterfactual"),
    ("M_PERSON_FAULT_VERB", "person-fault"), ("M_PERSON_BAD_OBJECT", "person-fault"),
    ("M_YOU_FAULT_VERB", "person-fault"), ("M_PERSON_NEG_PAST", "person-fault"), ("M_NOBODY_PAST", "person-fault"),
    ("M_BLAME_WORD", "person-fault"),
)


def reported_kind(found: set[str], model_kind: str) -> str:
    """The kind (and so the rule) of a finding the model makes alone: the model's most likely kind
    when one of that kind's deciding markers backs it, else the kind of the strongest deciding
    marker present (the model's second-best guesses between kinds are least reliable where the
    parse names the kind outright), else the model's kind."""
    deciding = [kind for marker, kind in _DECIDING_MARKERS if marker in found]
    if not deciding or model_kind in deciding:
        return model_kind
    return deciding[0]


def may_report_alone(found: set[str], sent: Any, kind: str | None = None) -> bool:
    """May the model report this sentence with no parse pattern behind it? Only with a sure
    human agent (not an untyped name, which is as often a tool), an address to someone, "nobody",
    "human error", a judgement or hindsight; with a marker of the kind it reports (a
    counterfactual needs a modal perfect or a condition, a judgement a judging word); and not
    a label, a heading-like fragment or a line of two or three words."""
    if not found & _ALONE_MARKERS:
        return False
    backed = found & _KIND_MARKERS.get(kind, frozenset()) if kind is not None else True
    if kind == "judgmental" and "M_COMPETENCE" in found and found & {"M_PERSON_SUBJ", "M_PERSON_POSS"}:
        backed = True  # "the on-call was out of their depth": a competence word said of a person
    if not backed:
        return False
    if "G_POSSIBLE" in found:
        return False  # "an engineer could accidentally run it": a risk, not an act
    if "G_NOBODY_PERCEIVED" in found and "M_QUESTION" not in found:
        return False  # "nobody saw the slow leak": a detection gap told as it was ("why did nobody notice?" asks blame)
    others = found & (_ALONE_MARKERS - {"M_SELF_SUBJ"})
    if "M_SELF_SUBJ" in found and not others and not found & _SELF_FAULT:
        return False  # "we notified the team and merged the fix": the authors' own narration
    if not found & (_ALONE_MARKERS - {"M_SECOND_PERSON", "M_YOU_SUBJ"}) and not found & _YOU_BLAME:
        return False  # "you can find the timeline in the appendix" addresses the reader; only asking or past acts blame
    words = sum(1 for t in sent if t.is_alpha)
    return words >= 4 or "M_HUMAN_ERROR" in found


def markers(sent: Any, allowlist: frozenset[str] = frozenset()) -> set[str]:
    """Named parse markers of one sentence (see the module doc)."""
    out: set[str] = set()
    tokens = [t for t in sent if not t.is_space]
    if not tokens:
        return out
    text = sent.text.strip()
    if text.endswith("?"):
        out.add("M_QUESTION")
    first = next((t for t in tokens if not t.is_punct), tokens[0])
    if text.endswith("?") and first.lower_ in _QUESTION_WORDS:
        out.add("M_WH_" + first.lower_.upper())
    root = sent.root
    if root.pos_ not in ("VERB", "AUX"):
        out.add("M_FRAGMENT")
    if root.tag_ == "VB" and root.i == sent.start and not text.endswith("?"):
        out.add("M_IMPERATIVE")
    for token in tokens:
        lower, lemma, dep = token.lower_, token.lemma_.lower(), token.dep_
        strength = _is_person(token, allowlist)
        head = token.head
        if dep in ("nsubj", "nsubjpass"):
            if _nobody(token):
                out.add("M_NOBODY_SUBJ")
                if head.tag_ in ("VBD", "VBN"):
                    out.add("M_NOBODY_PAST")
                if head.lemma_.lower() in lex.PERCEPTION_VERBS:
                    out.add("G_NOBODY_PERCEIVED")
            elif strength == 1.0:
                who = "SELF" if lower in _SELF else ("YOU" if lower in _SECOND_PERSON else "PERSON")
                out.add(f"M_{who}_SUBJ" if dep == "nsubj" else f"M_{who}_PASSIVE_SUBJ")
                verb = head
                if dep == "nsubj" and verb.pos_ in ("VERB", "AUX"):
                    if negated(verb) or any(c.lower_ == "never" for c in verb.children):
                        out.add(f"M_{who}_NEG")
                        if verb.tag_ in ("VBD", "VBN") or any(c.lower_ in ("did", "had", "was", "were") for c in verb.children):
                            out.add(f"M_{who}_NEG_PAST")
                    if verb.tag_ == "VBD":
                        out.add(f"M_{who}_PAST")
                    if any(c.dep_ == "aux" and c.lower_ in _ACTION_MODALS for c in verb.children):
                        out.add(f"M_{who}_WILL")
                    if any(c.dep_ == "aux" and c.lower_ in _POSSIBLE_MODALS for c in verb.children) and not any(
                            c.dep_ == "aux" and c.lower_ in ("have", "'ve") for c in verb.children):
                        out.add("G_POSSIBLE")  # for the report-alone gate only (G_: not a model feature)
                    obj = next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
                    if obj is not None and any(t.lower_ in lex.BAD_OBJECT_WORDS and t.i < obj.i for t in obj.subtree):
                        out.add(f"M_{who}_BAD_OBJECT")
                    if lemma_in(verb, lex.FAULT_VERBS):
                        out.add(f"M_{who}_FAULT_VERB")
            elif strength == 0.5:
                out.add("M_WEAK_PERSON_SUBJ")
            elif token.pos_ in ("NOUN", "PROPN"):
                out.add("M_THING_SUBJ")
        if dep == "pobj" and head.dep_ == "agent" and strength == 1.0:
            out.add("M_PERSON_AGENT")
        if dep == "poss" and strength == 1.0 and lower not in _SELF:
            out.add("M_PERSON_POSS")
        if lower in _SECOND_PERSON:
            out.add("M_SECOND_PERSON")
        if dep == "neg" or lower == "never":
            out.add("M_NEG")
        if dep == "auxpass":
            out.add("M_PASSIVE")
        if dep == "mark" and lower == "if":
            out.add("M_IF")
        if lower == "had" and dep == "aux" and token.i == min(t.i for t in head.subtree):
            out.add("M_HAD_INVERTED")
        if lower == "had":
            out |= _had_done(token, allowlist)
        if token.tag_ == "VBN" and token.pos_ in ("VERB", "AUX"):
            found = modal_perfect(token)
            if found is not None:
                out.add("M_MODAL_PERFECT")
                who = [s for s in subjects(token)]
                if any(_is_person(s, allowlist) == 1.0 for s in who):
                    out.add("M_MODAL_PERFECT_PERSON")
                elif any(c.dep_ == "auxpass" for c in token.children):
                    out.add("M_MODAL_PERFECT_PASSIVE")
                    if lemma in lex.HUMAN_CHECK_VERBS:
                        out.add("M_MODAL_PERFECT_CATCH")
                else:
                    out.add("M_MODAL_PERFECT_THING")
        if lower in lex.FAULT_ADVERBS:
            out.add("M_FAULT_ADV")
        if lemma_in(token, lex.FAULT_VERBS):
            out.add("M_FAULT_VERB")
        if lemma in lex.JUDGEMENT_WORDS or lower in lex.JUDGEMENT_WORDS:
            out.add("M_JUDGEMENT")
        if lemma in lex.COMPETENCE_WORDS or lower in lex.COMPETENCE_WORDS:
            out.add("M_COMPETENCE")
            if lemma not in lex.COMPETENCE_CONTEXT_WORDS and lower not in lex.COMPETENCE_CONTEXT_WORDS:
                out.add("G_COMPETENCE")  # a word that judges by itself ("rookie"), not "experience"
        if lemma in lex.ERROR_NOUNS and token.pos_ == "NOUN":
            out.add("M_ERROR_NOUN")
            if any(c.lower_ in lex.HUMAN_ERROR_MODIFIERS for c in token.children if c.dep_ in ("amod", "compound")):
                out.add("M_HUMAN_ERROR")
        if lower in lex.HUMAN_ERROR_WORDS or (lower == "human" and head.lemma_.lower() in lex.ERROR_NOUNS):
            out.add("M_HUMAN_ERROR")
        if lower == "human" and dep in ("acomp", "attr") and any(
                c.lemma_.lower() in lex.ERROR_NOUNS for c in head.children if c.dep_ == "nsubj"):
            out.add("M_HUMAN_ERROR")  # "the error was human"
        if lemma in lex.CAUSE_WORDS:
            out.add("M_CAUSE_WORD")
        if lower == "without" and dep == "prep":
            obj = next((c for c in token.children if c.dep_ in ("pobj", "pcomp")), None)
            if obj is not None and (obj.lemma_.lower() in lex.SAFEGUARD_NOUNS or obj.tag_ == "VBG"):
                out.add("M_WITHOUT_SAFEGUARD")
        if lower in lex.MANNER_WORDS or lemma in lex.MANNER_WORDS:
            out.add("M_HASTE")
        if lower in lex.BAD_OBJECT_WORDS and dep in ("amod", "acomp"):
            out.add("M_BAD_THING")
        if lemma in lex.DENIAL_WORDS or lower in lex.DENIAL_WORDS:
            out.add("M_DENIAL_WORD")
        if lemma in lex.BLAME_WORDS:
            out.add("M_BLAME_WORD")
        if token.is_quote or lower in ('"', "\u201c", "\u201d"):
            out.add("M_QUOTE")
        if lemma in lex.SYSTEM_FIX_WORDS:
            out.add("M_FIX_WORD")
    return out


_STATE_VERBS = frozenset({"be", "know", "understand", "hear", "receive", "get", "have", "need"})


def _had_done(had, allowlist) -> set[str]:
    """Markers of a past perfect "had" that puts an act in a condition: "had the admin checked …"
    (the inversion, which the parser often reads as a main verb "had" with a clause under it) and
    "if the DBA had read …". With a person as the subject of an active act (not "had been paged",
    not "had known": what the system did not tell the person) it is hindsight about a person."""
    verb = had.head if had.dep_ == "aux" else next(
        (c for c in had.children if c.dep_ in ("ccomp", "xcomp", "advcl") and c.tag_ in ("VBN", "VBD") and c.i > had.i),
        None)
    if verb is None or verb.tag_ not in ("VBN", "VBD") or verb.i < had.i:
        return set()
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None:
        return set()
    out: set[str] = set()
    inverted = had.i < subject.i < verb.i and (had.i == had.sent.start or not had.nbor(-1).is_alpha
                                                or had.nbor(-1).pos_ in ("VERB", "AUX", "ADJ", "ADV", "PUNCT"))
    conditional = any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in verb.children) or (
        had.i > 0 and any(t.lower_ in ("if", "unless") for t in had.doc[max(had.sent.start, subject.left_edge.i - 1):subject.left_edge.i]))
    if inverted:
        out.add("M_HAD_INVERTED")
    if (inverted or conditional) and _is_person(subject, allowlist) == 1.0 \
            and verb.lemma_.lower() not in _STATE_VERBS and not any(c.dep_ == "auxpass" for c in verb.children):
        out.add("M_PERSON_HAD_DONE")
    return out


def lemma_in(token, words) -> bool:
    return token.lemma_.lower() in words or token.lower_ in words


def words(sent: Any, allowlist: frozenset[str] = frozenset()) -> list[str]:
    """The sentence's words for n-grams: lemmas, with people, numbers and names as placeholders."""
    out: list[str] = []
    for token in sent:
        if token.is_space or (token.is_punct and token.text not in ("?", "!")):
            continue
        strength = _is_person(token, allowlist)
        lower = token.lower_
        if token.text.startswith("@") or (strength == 1.0 and token.pos_ == "PROPN"):
            out.append("PER")
        elif strength > 0 and token.pos_ == "PRON":
            out.append(lower)
        elif token.like_num or token.ent_type_ in ("TIME", "DATE", "CARDINAL", "QUANTITY", "PERCENT", "MONEY"):
            out.append("NUM")
        elif token.pos_ == "PROPN":
            out.append("NAME")
        elif not any(ch.isalnum() for ch in token.text) and token.text not in ("?", "!"):
            continue  # a symbol or an emoji the prose kept: no meaning for the model
        else:
            out.append(token.lemma_.lower())
    return out


def embedding_words(sent: Any, allowlist: frozenset[str] = frozenset()) -> list[str]:
    """The words the word-vector average reads: lower-cased text, people as "someone"."""
    out = []
    for token in sent:
        if token.is_space or token.is_punct:
            continue
        if token.text.startswith("@") or (_is_person(token, allowlist) == 1.0 and token.pos_ == "PROPN"):
            out.append("someone")
        elif token.like_num:
            continue
        else:
            out.append(token.lower_)
    return out
