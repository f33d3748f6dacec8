"""Blame rules PM201–PM206: what they flag, what they leave alone, rewrites, allowlist, quotes."""

from __future__ import annotations

import json

import pytest

from reviewer.nlp.blame import participle

BLAME = "PM2"


def doc(body: str, section: str = "Root cause") -> str:
    return f"# Outage\n\n## {section}\n{body}\n"


def codes(review) -> list[str]:
    return [f.code for f in review.findings if f.code.startswith(BLAME)]


@pytest.mark.parametrize("sentence,code", [
    ("Bob forgot to update the DNS record before the cutover.", "PM201"),
    ("The network team broke the VPN with an untested firewall rule.", "PM201"),
    ("An SRE accidentally deleted the production bucket.", "PM201"),
    ("She ignored the disk space alerts for a week.", "PM201"),
    ("Kevin failed to notify the support team.", "PM201"),
    ("We forgot to remove the old node from the load balancer.", "PM201"),
    ("The outage was caused by Dave.", "PM201"),
    ("The root cause of the outage was human error.", "PM202"),
    ("This incident was caused by operator error.", "PM202"),
    ("Our release manager should have postponed the launch.", "PM203"),
    ("We should not have deployed on a Friday.", "PM203"),
    ("This change should have been tested in staging.", "PM203"),
    ("If Alice had tested the migration, this would not have happened.", "PM203"),
    ("Had the on-call read the runbook, recovery would have taken minutes.", "PM203"),
    ("The engineers should have known better than to deploy on a Friday.", "PM203"),
    ("A mistake by the on-call engineer took down the cluster.", "PM201"),
    ("The outage was a mistake on my part.", "PM201"),
    ("This was a human error.", "PM202"),
    ("Mary's carelessness with the credentials led to the breach.", "PM204"),
    ("The DBA was careless with the backups.", "PM204"),
    ("It was a sloppy change that nobody reviewed properly.", "PM204"),
])
def test_blameful_sentences_are_flagged(review_text, sentence, code):
    review = review_text(doc(sentence), select=[BLAME])
    assert code in codes(review), [(f.code, f.message) for f in review.findings]


@pytest.mark.parametrize("sentence", [
    "We failed over to us-west-2 at 14:02 UTC.",
    "@alice restarted the proxy at 11:14 UTC.",
    "Jane restarted the pods and the errors cleared.",
    "The deploy broke the login page for users on Safari.",
    "The primary database missed several heartbeats and was fenced.",
    "Our monitoring missed the slow increase in latency because the alert used a 1-hour average.",
    "If the certificate had been renewed automatically, the outage would not have happened.",
    "In retrospect, a canary would have caught this.",
    "With rate limiting the proxy would have survived.",
    "The DNS change should have propagated in five minutes.",
    "We broke the migration into three smaller steps.",
    "A mistake in the YAML indentation disabled the health check.",
    "Could we have caught this earlier? Only with an end-to-end test.",
    "Alice forgot nothing; the runbook skipped the step.",
    "Nobody forgot to renew the certificate; renewal was never automated.",
    "Bob mistakenly believed the alert was a false positive, because it had fired twice that week.",
    "Engineers ignore alerts that fire too often; that is a property of the alerts.",
    "The script failed to parse the config and exited.",
    "This was not human error: the tool accepted the wrong target without asking.",
    "Lazy loading hid the bad value until the first request.",
    "Our error budget was burned in two hours.",
    "We missed our availability SLO for the month.",
    "An engineer could accidentally run the cleanup against production, so the script now asks first.",
    "The failure was caused by node metadata that changed between versions.",
    "Expiry of an old root CA broke outbound webhooks.",
    "It could just be a flaky test.",
    "The errors started just before 10:00 UTC, right after the just-released version.",
    "We obviously wanted to restore service before investigating further.",
    "Simply put, the cache had no upper bound.",
    "I clearly remember the alert firing twice.",
    "If the on-call had been paged, they would have responded within minutes.",
    "Engineers should have been paged at the first error.",
    "If we had known about the limit, we would not have scaled up.",
    "We skipped the 1.4 release and went straight to 1.5.",
    "We broke the deadlock by restarting the leader.",
    "The etcd member failed to rejoin the cluster.",
    "This is not about careless engineers; the tool made the wrong action easy.",
    "The primary cause was a bug in the retry logic, not human error.",
    "Make sure the on-call engineer checks the dashboard.",  # not in an action item
])
def test_neutral_sentences_are_not_flagged(review_text, sentence):
    review = review_text(doc(sentence), select=[BLAME])
    assert codes(review) == [], [(f.code, f.message) for f in review.findings]


def test_quoted_material_is_never_flagged(review_text):
    text = (
        "# Outage\n\n## Timeline\n"
        "- 10:05 UTC Dave: \"I forgot to renew it, sorry.\"\n"
        "- 10:07 UTC [10:07] bob: we just need to roll back, I broke it\n\n"
        "> The contractor accidentally deleted the volume.\n\n"
        "## Chat log\n\ndave: i forgot to renew the cert, my bad\n"
    )
    review = review_text(text, select=[BLAME])
    assert codes(review) == [], [(f.code, text[f.start:f.end]) for f in review.findings]


def test_allowlist_names_are_not_blamed(review_text):
    text = doc("Dave forgot to renew the certificate.")
    assert "PM201" in codes(review_text(text, select=[BLAME]))
    assert "PM201" not in codes(review_text(text, select=[BLAME], blame_allowlist=["Dave"]))


def test_person_fault_offers_a_drop_in_system_rewrite(review_text):
    text = doc("Dave forgot to renew the certificate.")
    finding = next(f for f in review_text(text, select=["PM201"]).findings)
    assert text[finding.start:finding.end] == "Dave forgot to renew the certificate."
    assert finding.replacements == ["The certificate was not renewed."]
    assert 0 < finding.confidence <= 1
    assert finding.data["agent"] == "Dave"


def test_fault_adverb_rewrite_drops_person_and_adverb(review_text):
    text = doc("An engineer mistakenly ran the cleanup against production.")
    finding = next(f for f in review_text(text, select=["PM201"]).findings)
    assert finding.replacements == ["The cleanup was run against production."]


def test_judgement_replacement_drops_the_adjective(review_text):
    text = doc("A sloppy deploy by the platform team took down checkout.")
    finding = next(f for f in review_text(text, select=["PM204"]).findings)
    assert text[finding.start:finding.end] == "sloppy deploy"
    assert finding.replacements == ["deploy"]


def test_passive_counterfactual_rewrite(review_text):
    text = doc("This should have been caught in review.", "Lessons")
    finding = next(f for f in review_text(text, select=["PM203"]).findings)
    assert finding.replacements == ["This was not caught in review."]


def test_human_error_points_at_the_phrase_with_advice(review_text):
    text = doc("The root cause was human error.")
    finding = next(f for f in review_text(text, select=["PM202"]).findings)
    assert text[finding.start:finding.end] == "human error"
    assert "conditions" in finding.message


def test_minimiser_is_a_suggestion_with_a_replacement(review_text):
    text = doc("The on-call could simply have rolled back.", "Lessons")
    finding = next(f for f in review_text(text, select=["PM205"]).findings)
    assert finding.severity.value == "suggestion"
    assert text[finding.start:finding.end] == "simply have"
    assert finding.replacements == ["have"]


def test_person_targeted_action_items_only_in_action_items(review_text):
    items = ("- Make sure the on-call engineer checks certificate expiry every Monday.\n"
             "- Remind engineers to double-check the target cluster.\n"
             "- Add an expiry alert 14 days before any certificate expires (owner: @alice).\n"
             "- Ensure the deploy tool refuses production targets without a ticket.\n")
    review = review_text(doc(items, "Action items"), select=["PM206"])
    flagged = [review.text[f.start:f.end] for f in review.findings]
    assert flagged == ["Make sure the on-call engineer", "Remind engineers"]
    assert codes(review_text(doc("Everyone should be more careful.", "Summary"), select=["PM206"])) == []


def test_blame_rules_survive_odd_input(review_text):
    for text in ["", "#", "```\nDave forgot to renew it\n```\n", "\u200b\u200b", "should have have have been been.",
                 "# T\n\n" + "If had had had, would have. " * 20, "Dave forgot" * 200]:
        review = review_text(text, select=[BLAME])
        assert not any(f.code == "PM002" for f in review.findings)


@pytest.mark.parametrize("lemma,expected", [("run", "run"), ("renew", "renewed"), ("stop", "stopped"),
                                            ("deploy", "deployed"), ("apply", "applied"), ("update", "updated"),
                                            ("break", "broken"), ("catch", "caught")])
def test_participle(lemma, expected):
    assert participle(lemma) == expected


def test_classifier_separates_blame_from_neutral(nlp):
    from reviewer.nlp.blame import load_model

    model = load_model()
    if model is None:
        pytest.skip("models/blame.npz is not built")
    blame, kind = model.score(nlp("Priya forgot to rotate the keys.")[:])
    neutral, _ = model.score(nlp("Priya rotated the keys at 10:02 UTC.")[:])
    assert blame > 0.5 > neutral
    assert kind == "person-fault"


def test_training_data_is_large_varied_and_labelled():
    from reviewer.nlp.blame import CLASSIFIED_KINDS
    from reviewer.nlp.blame.model import NONE
    from reviewer.resources import data_dir

    LABELS = (NONE, *CLASSIFIED_KINDS)  # the labels the sentence model reads and the kinds it confirms

    rows = [json.loads(line) for line in (data_dir() / "training" / "blame.jsonl").read_text().splitlines()]
    assert len(rows) >= 1500
    assert {r["label"] for r in rows} == set(LABELS)
    assert len({r["text"] for r in rows}) == len(rows)
    negatives = [r["text"] for r in rows if r["label"] == "none"]
    assert any("@" in t for t in negatives) and any(" failed " in t for t in negatives) and any('"' in t for t in negatives)


def test_real_postmortems_meet_precision_and_false_flag_targets(eval_dir, review_text, analyzer):
    """On the labelled real documents: precision >= 0.9 and <= 2 false flags per 1,000 sentences."""
    labels = [json.loads(line) for line in (eval_dir / "labels" / "fulltext_labels.jsonl").read_text().splitlines()
              if line.strip()]
    blame_labels = [lab for lab in labels if lab["layer"] == "blame"]
    true = false = sentences = 0
    for path in sorted((eval_dir / "fulltext").glob("*.md")):
        review = review_text(path.read_text(encoding="utf-8"), select=["PM201", "PM202", "PM203", "PM204"])
        ours = [lab for lab in blame_labels if lab["doc"] == path.name]
        sentences += sum(1 for _ in analyzer.analyze(review.postmortem).sentences())
        for finding in review.findings:
            hit = [lab for lab in ours if finding.start < lab["end"] and lab["start"] < finding.end]
            if any(lab["label"] != "borderline" for lab in hit):
                true += 1
            elif not hit:
                false += 1
    assert true + false > 0
    assert true / (true + false) >= 0.9
    assert 1000 * false / sentences <= 2
