"""Word lists for blame detection. They only feed the parse-based detector in
reviewer.nlp.blame: a word here is never a finding by itself, it has to stand in the right
grammatical relation (a person as its subject, a cause phrase around it, a modal + have)."""

from __future__ import annotations

# Pronouns that stand for people. "they"/"it" are left out: in postmortems "they" is as
# often the nodes as the people, so it only counts when the classifier agrees (WEAK_PRONOUNS).
PERSON_PRONOUNS = frozenset({"i", "we", "he", "she", "you", "me", "us", "him", "her", "someone", "somebody",
                             "everyone", "everybody"})
WEAK_PRONOUNS = frozenset({"they", "them"})

# Roles and groups of people (lemmas). A noun with one of these as its head (or "team" with a
# compound: "the DBA team") is a person-like agent.
ROLE_NOUNS = frozenset({
    "engineer", "developer", "dev", "admin", "administrator", "sysadmin", "dba", "sre", "oncall",
    "on-call", "responder", "reviewer", "author", "person", "team", "teammate", "colleague", "employee", "staff",
    "contractor", "intern", "manager", "maintainer", "committer", "deployer", "human", "people", "folk",
    "analyst", "technician", "programmer", "coworker", "co-worker", "approver", "requester", "commander", "ic",
    "architect", "qa", "ops", "devops", "guy", "individual", "squad", "crew", "newcomer", "hire", "junior", "senior", "specialist", "consultant",
})
# Roles that are as often software ("the Kubernetes operator", "an etcd member", "a Celery
# worker", "the load tester"): people only when the classifier agrees, or with a people word
# before them ("team member", "human operator").
AMBIGUOUS_ROLE_NOUNS = frozenset({"operator", "member", "worker", "tester", "owner"})
AMBIGUOUS_ROLE_PEOPLE_MODIFIERS = frozenset({"team", "staff", "human", "crew", "our", "the", "an", "a"})

# Nouns that are people but usually the ones affected, not the ones acting.
AFFECTED_NOUNS = frozenset({"user", "customer", "client", "visitor", "subscriber", "attacker", "student"})

# Words that are never a person here even when spaCy tags them PERSON (tools, bots, systems).
NOT_PERSON = frozenset({"prow", "jenkins", "kubernetes", "k8s", "terraform", "ansible", "puppet", "chef", "helm",
                        "nginx", "haproxy", "envoy", "redis", "postgres", "mysql", "kafka", "consul", "vault",
                        "github", "gitlab", "travis", "circleci", "bot", "dependabot", "renovate", "argo", "flux"})

# Verbs whose person subject makes the person the cause of a failure (lemma → kind of fault).
FAULT_VERBS = frozenset({"forget", "neglect", "ignore", "overlook", "botch", "bungle", "fumble", "misconfigure",
                         "mistype", "misread", "misjudge", "mishandle", "disregard", "skip", "miss", "break",
                         "mess", "screw", "fat-finger", "fatfinger", "goof", "blunder", "bypass", "circumvent"})
# "skip" is a fault only for a step of a process ("skipped the canary"), not "skipped the 1.4 release".
SKIP_FAULT_OBJECTS = frozenset({"step", "stage", "canary", "test", "tests", "testing", "review", "check", "checks",
                                "validation", "backup", "approval", "runbook", "procedure", "checklist", "qa",
                                "verification", "rollout", "process", "playbook", "drill", "confirmation", "phase",
                                "soak", "staging", "precheck", "pre-check", "dry-run", "run", "migration"})
# "broke the deadlock", "broke the news": breaking these is a neutral or good act.
BREAK_NEUTRAL_OBJECTS = frozenset({"deadlock", "loop", "cycle", "storm", "tie", "silence", "news", "record", "ice",
                                   "logjam", "stalemate", "spell", "chain", "link", "glass", "habit", "work", "task",
                                   "problem", "change", "pr", "commit", "monolith"})
# Objects after which "miss" is no fault ("we missed our SLO" is a measurement).
MISS_NEUTRAL_OBJECTS = frozenset({"slo", "sla", "target", "objective", "goal", "budget", "cache", "window",
                                  "deadline", "train", "bus", "flight", "meeting"})
# "X failed to VERB": only these verbs are a person's duty ("failed to renew"); a system
# "failed to connect". Also used by "did not bother to".
DUTY_VERBS = frozenset({"renew", "update", "check", "test", "notify", "escalate", "follow", "review", "verify",
                        "communicate", "read", "validate", "confirm", "inform", "tell", "alert", "page",
                        "document", "report", "monitor", "investigate", "respond", "acknowledge", "ack", "act",
                        "heed", "notice", "catch", "spot", "consider", "realize", "realise", "recognize",
                        "remember", "double-check", "ensure", "lock", "rotate", "revoke", "backup", "back",
                        "coordinate", "consult", "ask", "wait", "plan", "prepare", "announce", "inspect",
                        "audit", "approve", "merge", "roll", "revert", "restore", "apply", "run", "deploy",
                        "configure", "set", "enable", "disable", "add", "remove", "include", "mention",
                        "pay", "take", "use", "look", "address", "fix", "patch", "upgrade", "tag", "label",
                        "copy", "install", "transfer", "migrate", "push", "upload", "move", "delete", "clean",
                        "record", "log", "write", "save", "execute", "perform", "schedule", "provision", "replace",
                        "allow", "allocate", "disclose", "share", "warn", "contain", "secure", "protect",
                        "maintain", "control", "manage", "handle", "supervise", "oversee", "train", "detect",
                        "rollback", "backup", "failover"})
# Haste is blame only in context ("merged it hastily" after a long night, or as a shortcut):
# a person acting so is a weak signal the sentence model must confirm.
HASTE_ADVERBS = frozenset({"hastily", "blindly", "haphazardly"})
FAULT_ADVERBS = frozenset({"accidentally", "mistakenly", "carelessly", "inadvertently", "erroneously", "wrongly",
                           "incorrectly", "thoughtlessly",
                           "haphazardly", "improperly", "unintentionally", "blindly", "hastily", "foolishly"})
# Adverbs that are technical manner, not fault, when they modify these verbs ("lazily loaded").
TECHNICAL_MANNER = frozenset({"load", "evaluate", "initialize", "initialise", "compute", "fetch", "import",
                              "instantiate", "allocate", "resolve", "parse", "render", "compile", "bind"})

# Nouns of failure for "X caused the outage" and "the outage was caused by X".
FAILURE_NOUNS = frozenset({"outage", "incident", "failure", "problem", "issue", "downtime", "disruption",
                           "breakage", "degradation", "interruption", "loss", "corruption", "mess", "disaster"})
# Nouns of error for "a mistake by X", "X's mistake", "X made an error".
ERROR_NOUNS = frozenset({"mistake", "error", "fault", "blunder", "slip", "oversight", "screw-up", "screwup",
                         "lapse", "gaffe", "goof", "misstep", "fumble"})

# "human error" and its cousins: the modifier of an ERROR_NOUN that makes it a human-error cause.
HUMAN_ERROR_MODIFIERS = frozenset({"human", "operator", "user", "manual", "engineer", "admin", "administrator",
                                   "pilot", "personnel", "operational", "people", "procedural", "staff"})
HUMAN_ERROR_WORDS = frozenset({"pebkac", "pebcak", "pebkak", "id10t", "layer-8"})
# Words that put a noun phrase in the position of a cause.
CAUSE_WORDS = frozenset({"cause", "because", "due", "result", "attribute", "blame", "reason", "root", "trigger",
                         "fault", "responsible", "stem", "boil", "come", "owe", "thanks", "culprit", "source",
                         "origin", "lead", "contribute", "contributing", "factor"})

# Judgements of character or competence, by lemma (and the lower-cased form for adverbs).
JUDGEMENT_WORDS = frozenset({"sloppy", "sloppiness", "careless", "carelessness", "lazy", "laziness", "negligent",
                             "negligence", "incompetent", "incompetence", "reckless", "recklessness", "stupid",
                             "stupidity", "dumb", "idiotic", "idiot", "clueless", "irresponsible",
                             "irresponsibility", "amateurish", "boneheaded", "lax", "inept", "ineptitude",
                             "foolish", "moron", "moronic", "lousy", "shoddy", "slapdash", "unprofessional",
                             "inattentive", "inattention", "thoughtless", "brainless", "dim-witted", "dimwit",
                             "sloppily", "lazily", "carelessly", "negligently", "recklessly", "stupidly",
                             "incompetently", "foolishly", "shoddily", "cowboy"})
# A judgement word that modifies one of these is a technical term, not a judgement.
TECHNICAL_HEADS = frozenset({"load", "loading", "evaluation", "initialization", "initialisation", "iterator",
                             "sequence", "import", "instantiation", "allocation", "binding", "consensus",
                             "lock", "locking", "mode", "match", "matching", "parsing", "parser", "validation",
                             "check", "checking", "quantifier", "regex", "value", "property", "field",
                             "attribute", "list", "stream", "variable", "val", "expiry", "expiration",
                             "ttl", "deletion", "cleanup", "scheduling", "replication"})

# Minimisers of hindsight: they make what happened sound easy to have avoided.
MINIMISERS = frozenset({"just", "simply", "merely", "obviously", "clearly", "trivially", "easily"})
# After "just", these make it a time or quantity ("just before 10:00", "just under 1G").
JUST_NEUTRAL_NEXT = frozenset({"before", "after", "as", "under", "over", "about", "around", "in", "now", "then",
                               "once", "enough", "below", "above", "past", "like", "when", "since", "prior",
                               "a", "an", "the", "one", "two", "three", "few", "minutes", "seconds", "hours",
                               "slightly", "barely", "shy", "short", "beyond", "outside", "inside", "within",
                               "to", "into", "by", "at", "on", "for", "from", "released", "-", "what", "how",
                               "because", "so", "that", "this", "these", "those"})
# Verbs that "clearly"/"easily" modify as plain manner ("clearly communicate", "easily scale").
MANNER_VERBS = frozenset({"communicate", "label", "state", "show", "define", "document", "mark", "explain",
                          "indicate", "display", "visible", "see", "read", "understand", "describe", "write",
                          "identify", "separate", "distinguish", "scale", "reproduce", "articulate", "specify",
                          "outline", "demonstrate", "present", "signal", "mention", "list", "say", "tell"})
MODAL_WORDS = frozenset({"should", "could", "would", "might", "must", "ought", "can", "need", "have"})

# Person-targeted action items: instructions to people instead of changes to the system.
ACTION_PERSON_VERBS = frozenset({"remind", "tell", "instruct", "warn", "reprimand", "discipline", "retrain",
                                 "admonish", "caution", "lecture", "scold", "coach"})
ACTION_CARE_PHRASES = (
    "be more careful", "be careful", "be more vigilant", "be vigilant", "be more attentive", "be attentive",
    "pay more attention", "pay attention", "pay closer attention", "take more care", "take care",
    "be more diligent", "be diligent", "be more thorough", "be thorough", "remember to", "always remember",
    "never forget", "not forget", "don't forget", "do not forget", "double-check", "double check", "triple-check",
    "think twice", "be extra careful", "use more caution", "exercise caution", "exercise more caution",
)

# Verbs that are people's actions when something "should have been VERBed" ("caught in review").
HUMAN_CHECK_VERBS = frozenset({"catch", "spot", "notice", "review", "test", "check", "verify", "escalate",
                               "communicate", "flag", "question", "raise", "discuss", "consider", "validate",
                               "approve", "reject", "block", "roll", "revert", "stage", "announce", "coordinate",
                               "do", "handle", "think", "plan", "read", "inspect", "audit", "double-check",
                               "follow", "ask", "document", "see", "report",
                               "investigate", "realize", "realise", "recognize", "identify"})

# --------------------------------------------------------------------------- for the sentence model
# These feed markers (reviewer.nlp.blame.features); alone they flag nothing.

# Adjectives that make an object bad or wrong: "merged a broken migration", "the wrong cluster".
# ("invalid", "stale", "malformed" are left out: "stored the stale record" describes data, not a choice.)
BAD_OBJECT_WORDS = frozenset({"wrong", "bad", "broken", "untested", "unreviewed", "incorrect", "faulty", "buggy",
                              "unvetted", "unapproved", "half-finished", "unfinished", "unverified", "mistaken",
                              "erroneous"})
# What "without" takes away when a person acts without it: "deployed without review".
SAFEGUARD_NOUNS = frozenset({"review", "approval", "test", "testing", "tests", "check", "checking", "permission",
                             "sign-off", "signoff", "verification", "validation", "confirmation", "authorization",
                             "authorisation", "consent", "backup", "canary", "staging", "care", "thought",
                             "consulting", "telling", "asking", "warning", "notice", "oversight", "discussion",
                             "peer", "ticket", "runbook", "plan", "rollback"})
# Haste and shortcuts in how a person acted.
MANNER_WORDS = frozenset({"hurry", "rush", "rushed", "hastily", "hasty", "shortcut", "cut", "corner", "corners",
                          "cowboy", "yolo", "blindly", "recklessly", "unilaterally", "impatient", "impatiently",
                          "sneak", "snuck"})
# Competence and state of mind: "a rookie mistake", "out of their depth", "lacked the experience".
COMPETENCE_WORDS = frozenset({"rookie", "amateur", "newbie", "noob", "beginner", "novice", "greenhorn", "schoolboy", "inexperienced", "inexperience", "incompetent",
                              "incompetence", "depth", "unqualified", "untrained", "clueless", "ignorant",
                              "ignorance", "naive", "naivety", "complacent", "complacency", "distracted",
                              "inattentive", "lazy", "sloppy", "careless", "negligent", "skill", "competence",
                              "competent", "experience", "judgment", "judgement", "attention", "carelessness",
                              "amateur", "amateurish", "overconfident", "arrogant", "arrogance", "dumb", "stupid",
                              "idiot", "unprofessional", "irresponsible", "reckless", "know", "better"})
# Competence words that judge only in context ("lacked the experience", "should have known better").
COMPETENCE_CONTEXT_WORDS = frozenset({"depth", "skill", "competence", "competent", "experience", "judgment",
                                      "judgement", "attention", "know", "better"})
# Words of a denial of blame or of blameless framing.
DENIAL_WORDS = frozenset({"blameless", "nobody's", "instead", "rather", "regardless", "system", "process",
                          "tooling", "safeguard", "guardrail", "contributing", "factor"})
BLAME_WORDS = frozenset({"blame", "fault", "culprit", "responsible", "accountable", "guilty", "negligence",
                         "punish", "fire", "discipline", "reprimand"})
# Words of a system fix or an action item.
SYSTEM_FIX_WORDS = frozenset({"add", "automate", "alert", "enforce", "require", "introduce", "implement", "guard",
                              "prevent", "will", "going", "plan", "todo", "owner", "ticket"})

# Verbs only people do: "they" as their subject are people, not nodes ("they failed to notice").
HUMAN_ONLY_VERBS = frozenset({"notice", "realise", "realize", "recognise", "recognize", "decide", "forget",
                              "ignore", "panic", "hurry", "rush", "choose", "assume", "believe", "think",
                              "understand", "agree", "refuse", "hesitate", "remember", "neglect", "overlook",
                              "misread", "misjudge", "bother", "ask", "approve", "review", "escalate", "page",
                              "undertake", "train", "deploy", "merge", "push"})

# Verbs whose negation by a person is no omission: states, needs, what could not be known.
NOT_OMISSION_VERBS = frozenset({"be", "have", "know", "need", "want", "see", "hear", "find", "expect", "think",
                                "believe", "seem", "appear", "happen", "exist", "matter", "mean", "like", "get",
                                "realise", "understand", "remember", "recall", "receive", "lose", "change",
                                "deploy", "merge", "restart", "touch", "make", "affect", "experience", "use"})
# Verbs of noticing: "nobody noticed" says what was not seen (a detection gap), not who failed.
PERCEPTION_VERBS = frozenset({"notice", "see", "spot", "realise", "realize", "hear", "know", "detect", "watch"})
# Verbs of catching: "this could have been spotted in staging".
CATCH_VERBS = frozenset({"catch", "pick", "spot", "notice", "detect", "find", "flag", "identify", "prevent",
                         "avoid", "stop", "see", "discover", "recognise", "recognize"})

# A sentence with one of these (lemma or word) is scored by the model even with no person in it.
BLAME_CUES = (FAULT_VERBS | FAULT_ADVERBS | ERROR_NOUNS | JUDGEMENT_WORDS | COMPETENCE_WORDS - {"know", "better",
              "experience", "attention", "judgment", "judgement", "skill"} | BLAME_WORDS | HUMAN_ERROR_WORDS
              | MANNER_WORDS | frozenset({"human", "nobody", "noone", "should", "ought", "shouldn't", "why", "who",
                                          "whoever", "without", "careless"}))
