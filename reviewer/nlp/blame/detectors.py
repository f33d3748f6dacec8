"""The parse patterns, one per kind of blame: a person as the agent of a fault, human error as
a cause, hindsight about a person's choice, judgements of character, minimisers, action items
aimed at people. Each returns BlameSignals for one sentence."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from reviewer.document import Span
from reviewer.document.model import SectionKind
from reviewer.nlp.blame import lexicon as lex
from reviewer.nlp.blame.agents import (_FORM_LEMMAS, _HAVE, by_agents, finite, hypothetical, in_quotes, lemma_of,
                                       modal_perfect, negated, person_strength, quoted_block, speaker_prefix,
                                       subjects)
from reviewer.nlp.blame.rewrites import (capital, fault_rewrite, model_rewrite, phrase, sentence_is_one_clause,
                                         subtree_tokens)
from reviewer.nlp.blame.signals import (COUNTERFACTUAL, HUMAN_ERROR, JUDGEMENT, MINIMISER, PERSON_ACTION,
                                        PERSON_FAULT, BlameSignal)

if TYPE_CHECKING:
    from reviewer.nlp.analysis import Analysis, Sentence

# not make a person the cause.
_COGNITIVE_VERBS = frozenset({"believe", "think", "assume", "expect", "understand", "conclude", "interpret",
                              "suspect", "consider", "judge", "estimate", "attribute", "identify", "diagnose",
                              "label", "classify", "report", "flag", "mark", "read", "see"})


def _generic_statement(verb, agent) -> bool:
    """"Engineers ignore alerts that fire too often": a present-tense claim about people in general."""
    if verb.tag_ not in ("VBP", "VBZ") or lemma_of(verb) != verb.lemma_.lower() and verb.lower_ in _FORM_LEMMAS:
        return False
    return agent.tag_ in ("NNS", "NNPS") and not any(c.dep_ in ("det", "poss") for c in agent.children)


def _fault_predicate(verb) -> tuple[str, Any] | None:
    """Is `verb` a fault-laden predicate? Returns (trigger words, object token or None)."""
    lemma = lemma_of(verb)
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
    particle = next((c for c in verb.children if c.dep_ == "prt"), None)
    if obj is not None and obj.lower_ in ("nothing", "none"):
        return None  # "Alice forgot nothing": a denial
    if lemma == "fail":
        if particle is not None:  # "failed over"
            return None
        xcomp = next((c for c in verb.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")), None)
        if xcomp is not None and (xcomp.lemma_.lower() in lex.DUTY_VERBS):
            xobj = next((c for c in xcomp.children if c.dep_ in ("dobj", "obj")), None)
            return f"{verb.text} to {xcomp.text}", xobj
        if xcomp is None and verb.i + 2 < len(verb.doc) and verb.nbor(1).lower_ == "to" and \
                verb.nbor(2).lower_ in lex.DUTY_VERBS | {"rollback", "backup", "failover", "checkin"}:
            return f"{verb.text} to {verb.nbor(2).text}", None  # "Mei failed to backup the ledger" (a noun to the tagger)
        return None
    if lemma == "bother" and negated(verb):
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


def _person_fault(sentence: Sentence, allowlist) -> list[BlameSignal]:
    out: list[BlameSignal] = []
    sent = sentence.sent
    for verb in sent:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        fault = _fault_predicate(verb)
        adverb = next((c for c in verb.children if c.dep_ == "advmod" and c.lower_ in lex.FAULT_ADVERBS), None)
        if adverb is None:
            # "wiped the cache by mistake", "deleted it in error": the adverb as a phrase
            adverb = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("by", "in") and any(
                p.dep_ == "pobj" and p.lower_ in ("mistake", "accident", "error") and not any(
                    q.dep_ in ("det", "poss", "amod", "compound") for q in p.children) for p in c.children)), None)
        if adverb is not None and (verb.lemma_.lower() in lex.TECHNICAL_MANNER
                                   or verb.lemma_.lower() in _COGNITIVE_VERBS):
            adverb = None
        if fault is None and adverb is None:
            continue
        if not finite(verb) or hypothetical(verb):
            continue
        if fault is not None and lemma_of(verb) != "bother" and negated(verb):
            continue
        agents = [(s, person_strength(s, allowlist)) for s in subjects(verb) if s.dep_ == "nsubj"]
        agents += [(a, person_strength(a, allowlist)) for a in by_agents(verb)]
        agents = [(a, s) for a, s in agents if s > 0 and not _generic_statement(verb, a)]
        if not agents:
            continue
        agent, strength = max(agents, key=lambda x: x[1])
        if in_quotes(sentence, verb):
            continue
        if fault is None and adverb.lower_ in lex.HASTE_ADVERBS and agent.lower_ in ("we", "i"):
            continue  # "we hastily rolled back": the pace of a response, told by those who responded
        trigger = f"{adverb.text} {verb.text}" if fault is None else fault[0]
        obj = fault[1] if fault is not None else next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
        # Self-attribution ("we missed", "I broke") is blame by the rubric too, a little less surely.
        prior = 0.85 if strength == 1.0 else 0.55
        if agent.lower_ in ("we", "i", "us"):
            prior -= 0.1
        rewrite, dropin = fault_rewrite(sentence, verb, fault, adverb, obj, agent)
        out.append(BlameSignal(
            kind=PERSON_FAULT, span=sentence.span, sentence=sentence.span, trigger=trigger,
            agent=agent.text, prior=prior,
            strong=strength == 1.0 and not (fault is None and adverb.lower_ in lex.HASTE_ADVERBS),
            message=(f"\"{agent.text}\" is made the cause of the failure (\"{trigger}\"). Describe what the system "
                     "allowed or failed to catch instead of who slipped."),
            rewrite=rewrite, dropin=dropin))
        break
    out.extend(_error_by_person(sentence, allowlist))
    if not out:
        out.extend(_omission_or_manner(sentence, allowlist))
    return out[:1]


_OMISSION_MESSAGE = ("\"{agent}\" is made the cause by what they did not do (\"{trigger}\"). Say what in the "
                     "process should have done it or made it visible: a check, an alert, a required step.")
_MANNER_MESSAGE = ("\"{agent}\" is blamed for how they acted (\"{trigger}\"). Say what let the change through "
                   "that way: was review or approval required, and did the tool enforce it?")


def _blaming_question(sentence: Sentence, allowlist) -> list[BlameSignal]:
    """"Why did you deploy on a Friday?", "Why didn't Sam test it?", "Who approved this change?": a
    question that asks a person to account for an act ("who …?" is weak: the model confirms it;
    "why did the cache expire?" has no person and is not one)."""
    sent = sentence.sent
    if not sent.text.rstrip().endswith("?"):
        return []
    first = next((t for t in sent if not t.is_punct and not t.is_space), None)
    if first is None or first.lower_ not in ("why", "who", "whose"):
        return []
    verb = first.head if first.lower_ == "why" else (first.head if first.dep_ == "nsubj" else None)
    if verb is None or verb.pos_ not in ("VERB", "AUX") or in_quotes(sentence, first):
        return []
    if first.lower_ == "why":
        agent = next((s for s in subjects(verb) if s.dep_ == "nsubj" and person_strength(s, allowlist) == 1.0), None)
        if agent is None or not any(c.dep_ == "aux" and c.lower_ in ("did", "didn't") for c in verb.children):
            return []
        # "why did you …?" asks for a justification: blame as facilitation guides describe it
        trigger, who, strong = f"Why did {agent.text} {verb.text}", agent.text, True
    else:
        if verb.tag_ != "VBD" or lemma_of(verb) in lex.NOT_OMISSION_VERBS:
            return []
        trigger, who, strong = f"{first.text} {verb.text}", None, False
    return [BlameSignal(kind=PERSON_FAULT, span=sentence.span, sentence=sentence.span, trigger=trigger, agent=who,
                        prior=0.7 if strong else 0.55, strong=strong,
                        message=(f"The question (\"{trigger}\") asks a person to account for themselves. Ask "
                                 "what made the action look right at the time: \u201cWhat did the deploy tool show "
                                 "before the change went out?\u201d"))]


_OMISSION_CUES = frozenset({"not", "n't", "never", "without", "nobody", "noone", "no", "none", "hurry", "rush",
                            "rushed", "rushing", "shortcut"})


def _omission_or_manner(sentence: Sentence, allowlist) -> list[BlameSignal]:
    """Weak signals the sentence model must confirm: a person or "nobody" who did not act
    ("the reviewer did not run the tests", "nobody validated the input"), a person who acted
    "without review" or "in a hurry". Alone these are as often plain narration ("Bob did not
    deploy during the freeze"); the model reads the rest of the sentence."""
    question = _blaming_question(sentence, allowlist)
    if question:
        return question
    if not any(t.lower_ in _OMISSION_CUES for t in sentence.sent):
        return []  # most sentences: no negation, no "nobody", no "without", no haste
    for verb in sentence.sent:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        people = [s for s in subjects(verb) if s.dep_ == "nsubj"]
        if not people or hypothetical(verb) or in_quotes(sentence, verb):
            continue
        lemma = lemma_of(verb)
        nobody = next((s for s in people if s.lower_ in ("nobody", "noone") or (
            s.lower_ == "one" and s.i > 0 and s.nbor(-1).lower_ == "no")), None)
        person = next((s for s in people if person_strength(s, allowlist) == 1.0), None)
        # An untyped name ("Priya never looked …") counts for an omission: the model confirms it.
        named = person or next((s for s in people if person_strength(s, allowlist) == 0.5 and s.pos_ == "PROPN"), None)
        trigger = kind = None
        if nobody is not None and verb.tag_ == "VBD" and lemma not in lex.NOT_OMISSION_VERBS | lex.PERCEPTION_VERBS:
            trigger, kind, agent = f"{'no one' if nobody.lower_ == 'one' else nobody.text} {verb.text}", "omission", nobody
        elif named is not None and negated(verb) and lemma not in lex.NOT_OMISSION_VERBS and (
                verb.tag_ == "VBD" or any(c.lower_ in ("did", "had") for c in verb.children if c.dep_ == "aux")):
            trigger, kind, agent = f"{named.text} did not {verb.lemma_}", "omission", named
        elif person is not None and finite(verb):
            without = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "without"), None)
            target = None if without is None else next((c for c in without.children if c.dep_ in ("pobj", "pcomp")), None)
            if target is not None and (target.lemma_.lower() in lex.SAFEGUARD_NOUNS or target.tag_ == "VBG"):
                trigger, kind, agent = f"{verb.text} without {target.text}", "manner", person
            elif lemma in ("rush", "hurry") or any(c.lower_ in ("hurry", "rush", "shortcut") for t in verb.subtree
                                                   for c in [t] if t.dep_ == "pobj"):
                trigger, kind, agent = f"{person.text} {verb.text}", "manner", person
        if trigger is None:
            continue
        rewrite, _ = model_rewrite(sentence, PERSON_FAULT, allowlist)
        message = (_OMISSION_MESSAGE if kind == "omission" else _MANNER_MESSAGE).format(agent=agent.text, trigger=trigger)
        return [BlameSignal(kind=PERSON_FAULT, span=sentence.span, sentence=sentence.span, trigger=trigger,
                            agent=agent.text, prior=0.55, strong=False, message=message, rewrite=rewrite)]
    return []


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
                subj = next((s for s in subjects(token.head) if person_strength(s, allowlist) == 1.0), None)
                if subj is not None and finite(token.head) and not hypothetical(token.head):
                    person, trigger = subj, f"{subj.text} {token.head.text} {token.text}"
        elif lemma == "failure" and token.pos_ == "NOUN" and any(c.dep_ in ("acl", "relcl", "xcomp") and c.tag_ == "VB"
                                                                 for c in token.children):
            # "the on-call's failure to renew the certificate": a duty a person did not do
            owner = next((c for c in token.children if c.dep_ == "poss" and (
                person_strength(c, allowlist) == 1.0 or c.lower_ in _POSSESSIVE_PEOPLE)), None)
            if owner is not None:
                duty = next(c for c in token.children if c.dep_ in ("acl", "relcl", "xcomp") and c.tag_ == "VB")
                person, trigger = owner, f"{owner.text}'s failure to {duty.text}"
        elif lemma == "cause" and token.pos_ == "VERB" and finite(token) and not hypothetical(token):
            if negated(token):
                continue
            obj = next((c for c in token.children if c.dep_ == "dobj"), None)
            subj = subjects(token)
            failure = obj if obj is not None else next((s for s in subj if s.dep_ == "nsubjpass"), None)
            if failure is None or failure.lemma_.lower() not in lex.FAILURE_NOUNS:
                continue
            for cand in [s for s in subj if s.dep_ == "nsubj"] + by_agents(token):
                if person_strength(cand, allowlist) == 1.0:
                    person, trigger = cand, f"{cand.text} {token.text} the {failure.text}"
        if person is not None and not in_quotes(sentence, token) and not negated(token.head):
            return [BlameSignal(
                kind=PERSON_FAULT, span=sentence.span, sentence=sentence.span, trigger=trigger, agent=person.text,
                prior=0.8, strong=True,
                message=(f"\"{trigger}\" makes a person the cause. Say what in the system let the action "
                         "through and what would have caught it."))]
    return []


_SLIP_NOUNS = frozenset({"mistake", "blunder", "slip", "oversight", "lapse", "misstep", "gaffe", "goof", "screw-up"})
_CAUSE_VERBS = frozenset({"lead", "cause", "trigger", "result", "bring", "take", "spark", "set"})

_INCIDENT_WORDS = frozenset({"this", "it", "that", "incident", "outage", "issue", "failure", "problem", "event",
                             "downtime", "disruption", "breakage"})

_DENIAL = re.compile(r"\b(not|never|no|isn't|wasn't|rather than|instead of|beyond|blaming|blame on|"
                     r"rarely|seldom|avoid|myth|without)\b", re.I)


def _judges(token) -> bool:
    """A word that judges a person by itself ("rookie", "careless"), not a neutral "experience"."""
    words = {token.lower_, token.lemma_.lower()}
    return bool(words & lex.JUDGEMENT_WORDS) or (
        bool(words & lex.COMPETENCE_WORDS) and not words & lex.COMPETENCE_CONTEXT_WORDS)


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
            if found is None and lemma in _SLIP_NOUNS and (
                    (token.dep_ == "nsubj" and token.head.lemma_.lower() in _CAUSE_VERBS)
                    or any(c.dep_ == "acl" and c.lemma_.lower() in _CAUSE_VERBS for c in token.children)) and not any(
                        c.dep_ == "prep" and c.lower_ in ("in", "with", "on") for c in token.children):
                # "another slip triggered the failover", "mistakes led to the outage" ("a mistake in the YAML"
                # is a defect of a file, not a person's slip)
                found = [token]
        if not found:
            continue
        if in_quotes(sentence, found[0]):
            continue
        if any(c.dep_ in ("amod", "compound", "poss", "nmod") and _judges(c) for c in found[-1].children):
            continue  # "a rookie mistake", "a careless error": a judgement of the person (PM204), not a cause
        in_cause_section = section_kind in (SectionKind.ROOT_CAUSE, SectionKind.TRIGGER)
        cause_words = {t.lemma_.lower() for t in sent} & lex.CAUSE_WORDS
        head_of = found[-1].head
        if found[-1].dep_ == "pobj" and head_of.lower_ == "by" and head_of.dep_ in ("agent", "prep"):
            cause_words = cause_words | {"by"}  # "brought down by human error", "hit by human failure"
        # "This was (a) human error": the incident itself is called human error.
        head = found[-1].head
        copula = found[-1].dep_ == "attr" and head.lemma_.lower() == "be" and any(
            c.dep_ == "nsubj" and c.lemma_.lower() in _INCIDENT_WORDS for c in head.children)
        if not cause_words and not in_cause_section and not copula:
            continue
        # "This was not human error", "rather than blaming human error": a denial, not a cause.
        window = sentence.block.text[max(sent.start_char, found[0].idx - 40): found[0].idx]
        if _DENIAL.search(window) or negated(found[-1].head) or negated(found[-1]):
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


def _counterfactual(sentence: Sentence, allowlist) -> list[BlameSignal]:
    sent = sentence.sent
    if sent.text.rstrip().endswith("?"):
        return []  # "Could we have caught this earlier?" asks; it does not judge
    for verb in sent:
        if verb.tag_ != "VBN" or verb.pos_ not in ("VERB", "AUX"):
            continue
        found = modal_perfect(verb)
        if found is None:
            continue
        modal, have = found
        if in_quotes(sentence, verb):
            continue
        found_subjects = subjects(verb) or (subjects(modal) if modal.head is modal or modal.dep_ == "ROOT" else [])
        subject = found_subjects[0] if found_subjects else None
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
                # "we could have lost data" is a possibility; "they could have trained for it" a
                # judgement: only the sentence model tells them apart.
                if lemma in ("lose", "be", "get", "happen", "cause", "break", "become", "take", "see"):
                    continue
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
                person_strength(a, allowlist) == 0.0 for a in by_agents(verb)):
            # ("This should have been caught by the integration tests" names a system: not reported.)
            # "This should have been caught in review": the reviewers are the implied agents.
            prior, strong, why = 0.7, True, "what reviewers or responders should have done"
        elif strength == 0.5 and not is_could:
            prior, strong, why = 0.5, False, "what someone should have done"
        elif passive and is_could and lemma in lex.CATCH_VERBS and subject is not None and not any(
                person_strength(a, allowlist) == 0.0 for a in by_agents(verb)):
            # "This could have been spotted in staging": hindsight about catching, as "should have been
            # caught in review" is ("could have been caught by the linter" names a system: not reported).
            prior, strong, why = 0.6, True, "what someone could have caught"
        else:
            continue
        rewrite, dropin = None, False
        if passive and subject is not None and subject.lower_ in ("this", "it", "that", "these", "they"):
            tail = phrase([t for c in verb.children if c.i > verb.i and c.dep_ not in ("punct",)
                            for t in subtree_tokens(c)])
            be = "were" if subject.lower_ in ("these", "they") else "was"
            rewrite = f"{capital(subject.text)} {be} not {verb.text}{(' ' + tail) if tail else ''}."
            dropin = sentence_is_one_clause(sentence, verb)
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
        subject = next(iter(subjects(verb)), None)
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
        if in_quotes(sentence, verb):
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


_LACKED_QUALITIES = frozenset({"awareness", "experience", "skill", "skills", "knowledge", "judgement", "judgment",
                               "attention", "competence", "expertise", "discipline", "care", "diligence", "focus",
                               "understanding", "training"})


def _lacked_quality(sentence: Sentence, allowlist) -> list[BlameSignal]:
    """"They lacked situational awareness", "the on-call lacked the experience to see it": a
    person's competence or state of mind given as the explanation."""
    for verb in sentence.sent:
        if lemma_of(verb) not in ("lack", "miss") or verb.pos_ != "VERB" or hypothetical(verb) or negated(verb):
            continue
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
        agent = next((s for s in subjects(verb) if s.dep_ == "nsubj" and person_strength(s, allowlist) >= 0.5), None)
        if obj is None or agent is None or obj.lemma_.lower() not in _LACKED_QUALITIES or in_quotes(sentence, verb):
            continue
        return [BlameSignal(
            kind=JUDGEMENT, span=sentence.span, sentence=sentence.span, trigger=f"{verb.text} {obj.text}",
            agent=agent.text, prior=0.7, strong=True,
            message=(f"\"{verb.text} {obj.text}\" judges a person's competence. Say what information or support "
                     "was missing at the time: \u201cThe dashboard showed no sign of the backlog; the runbook did not "
                     "cover it.\u201d"))]
    return []


def _judgement(sentence: Sentence, allowlist) -> list[BlameSignal]:
    out = _lacked_quality(sentence, allowlist)
    if out:
        return out
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
        if negated(head) or negated(token) or in_quotes(sentence, token):
            continue
        clause = next((a for a in token.ancestors if a.pos_ in ("VERB", "AUX")), None)
        window = sentence.block.text[max(sentence.sent.start_char, token.idx - 40): token.idx]
        if (clause is not None and negated(clause)) or _DENIAL.search(window):
            continue  # "this is not about careless engineers", "rather than blaming sloppy work"
        strong = word in _STRONG_JUDGEMENT
        if not strong:
            # "lazy", "stupid", "lax", "dumb": only of a person or an act ("lazy deploy"), not a "lax policy".
            target = head if token.dep_ in ("amod", "advmod") else next(iter(subjects(head)), None)
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
            rewrite = capital(nxt.text) if token.is_sent_start else nxt.text
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
        if lower not in lex.MINIMISERS or token.dep_ not in ("advmod",) or in_quotes(sentence, token):
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
        hindsight = modal or modal_perfect(head) is not None
        person = any(person_strength(s, allowlist) == 1.0 for s in subjects(head))
        if lower == "simply" and head.lower_ == "put" or (nxt is not None and nxt.lower_ == "put"):
            continue  # "simply put"
        if lower in ("obviously", "clearly"):
            # Said of a person only next to a fault: "he clearly didn't read the runbook",
            # not "we obviously wanted to restore service first", "I clearly remember".
            at_fault = negated(head) or lemma_of(head) in lex.FAULT_VERBS or any(
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
        replacement = capital(nxt.text) if token.is_sent_start else nxt.text
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
                    subj = next((s for s in subjects(clause) if person_strength(s, allowlist) == 1.0), None)
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


def authored_sentences(analysis: Analysis) -> Iterator[tuple[Sentence, SectionKind | None, bool]]:
    """The sentences the author wrote (no quotation, chat line, code), with their section kind
    and whether they stand in an action item."""
    doc = analysis.doc
    action_spans = _action_item_spans(doc)
    quoted_cache: dict[int, bool] = {}
    for sentence in analysis.sentences():
        block = sentence.block
        key = id(block)
        if key not in quoted_cache:
            quoted_cache[key] = quoted_block(analysis, block)
        if quoted_cache[key]:
            continue
        if any(code.covers(sentence.span) for code in doc.code_spans):
            continue
        if sentence.sent.start_char < speaker_prefix(block.text):
            continue  # the first sentence of a "10:07 bob: …" row is bob's words, not the author's
        sentence = _trimmed(sentence)
        if sentence is None:
            continue
        section = doc.section_of(block)
        in_action = any(s.covers(sentence.span) or sentence.span.covers(s) for s in action_spans)
        yield sentence, section.kind if section is not None else None, in_action


def _trimmed(sentence: Sentence) -> Sentence | None:
    """The sentence without the whitespace tokens at its ends (an emoji reads as spaces to spaCy:
    a finding starts at the first word, not at the emoji before it)."""
    from reviewer.nlp.analysis import Sentence

    sent = sentence.sent
    doc = sent.doc
    if not doc[sent.start].is_space and not doc[sent.end - 1].is_space:
        return sentence
    first, last = sent.start, sent.end - 1
    while first <= last and doc[first].is_space:
        first += 1
    while last >= first and doc[last].is_space:
        last -= 1
    if first > last:
        return None
    inner = doc[first: last + 1]
    return Sentence(sentence.block, inner, sentence.block.original_span(inner.start_char, inner.end_char))


def detect_sentence(sentence: Sentence, section_kind: SectionKind | None, in_action: bool,
                    allowlist: frozenset[str] = frozenset()) -> list[BlameSignal]:
    """Every parse-pattern signal of one authored sentence (before the sentence model)."""
    found = _person_fault(sentence, allowlist)
    if not found:  # "a mistake by Dave" is one finding (the person), not two
        found += _human_error(sentence, section_kind)
    if not found:
        found += _counterfactual(sentence, allowlist)
    found += _judgement(sentence, allowlist)
    found += _minimiser(sentence, allowlist)
    if in_action:
        found += _person_action(sentence, allowlist)
    for signal in found:
        signal.sent = sentence.sent
    return found


def detect(analysis: Analysis, allowlist: frozenset[str] = frozenset()) -> list[BlameSignal]:
    """Every parse-pattern signal in the authored prose of the document (before the model)."""
    return [signal for sentence, kind, in_action in authored_sentences(analysis)
            for signal in detect_sentence(sentence, kind, in_action, allowlist)]
