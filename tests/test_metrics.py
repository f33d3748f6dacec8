"""Metric extraction (reviewer.nlp.metrics) and the metrics rules PM401–PM407."""

import json
import re
from pathlib import Path

import pytest

from reviewer.document import parse
from reviewer.nlp.metrics import document_facts, extract_metrics, link_kind, parse_duration, stated_durations


@pytest.mark.parametrize("text,minutes", [
    ("47 minutes", 47), ("1h 28m", 88), ("2d 1h 29m", 2969), ("1h50m", 110), ("five hours", 300),
    ("2 hours and 2 minutes", 122), ("ten minutes", 10), ("an hour", 60), ("90 min", 90), ("1.5 hours", 90),
    ("2 weeks", 20160), ("30 seconds", 0.5),
])
def test_parse_duration(text, minutes):
    assert parse_duration(text) == pytest.approx(minutes, abs=0.1)


def test_parse_duration_without_a_unit_is_none():
    assert parse_duration("forty-two") is None
    assert parse_duration("") is None


def _durations(text):
    return {(d.kind, d.minutes) for d in stated_durations(parse(text))}


@pytest.mark.parametrize("text,expected", [
    ("# X\n\n- **Time to resolve**: 1h 29m\n- **Time to repair**: 1h 28m\n", {("resolve", 89), ("mitigate", 88)}),
    ("---\ntime_to_detect: 6 minutes\n---\n# X\n", {("detect", 6)}),
    ("# X\n\nThe outage lasted for 47 minutes.\n", {("impact", 47)}),
    ("# X\n\nThe API was unavailable for about 2 hours.\n", {("impact", 120)}),
    ("# X\n\nThis resulted in a 47 minute period during which nothing could merge.\n", {("impact", 47)}),
    ("# X\n\nThe issue went unnoticed for 3 hours.\n", {("detect", 180)}),
    ("# X\n\nIt was resolved in 2 hours and 2 minutes.\n", {("resolve", 122)}),
    ("# X\n\n## Impact\nUploads failed between 1:46pm - 5:30pm.\n", {("impact", 224)}),
    ("# X\n\nThe failure started at approximately 10.16, and was fixed at approximately 11.35.\n", {("impact", 79)}),
    ("# X\n\nThe effect lasted nine hours before normal operation was restored.\n", {("impact", 540), ("resolve", 540)}),
])
def test_stated_durations(text, expected):
    assert _durations(text) == expected


@pytest.mark.parametrize("text", [
    "# X\n\nAn outage of unknown length bounded to at maximum 16 hours.\n",  # a bound, not a figure
    "# X\n\nThe deploy must wait at least four hours before the next one.\n",
    "# X\n\n```\nlasted for 47 minutes\n```\n",  # code
    "# X\n\n## Timeline\n- 10:02 from 10:02 to 10:40 the job retried\n",  # a timeline row is not the incident window
])
def test_no_stated_duration(text):
    assert _durations(text) == set()


def test_severity_from_front_matter_table_and_prose():
    assert extract_metrics(parse("---\nseverity: SEV-2\n---\n# X\n")).severity_level == 2
    assert extract_metrics(parse("# X\n\n| Field | Value |\n|---|---|\n| Severity | P1 |\n")).severity_level == 1
    prose = extract_metrics(parse("# X\n\nThis SEV-3 incident delayed e-mail.\n"))
    assert (prose.severity, prose.severity_level) == ("SEV-3", 3)
    assert extract_metrics(parse("# X\n\nNothing about how bad it was.\n")).severity is None


def _numbers(analyzer, text):
    doc = parse(text)
    return [n.text for n in extract_metrics(doc, analyzer.analyze(doc)).impact_numbers]


@pytest.mark.parametrize("text,expected", [
    ("# X\n\n## Summary\nDuring the outage 415 jobs were unable to start.\n", "415 jobs"),
    ("# X\n\n## Impact\nAbout 1,200 customers could not pay.\n", "1,200 customers"),
    ("# X\n\nApproximately a third of visitors were unable to reach the site.\n", "a third of visitors"),
    ("# X\n\n## Impact\nThe error rate of requests reached 12% for an hour.\n", "12%"),
    ("# X\n\nLaunch success rate dropped to zero.\n", "success rate dropped to zero"),
    ("# X\n\nThe outage cost $4,000 in refunds.\n", "$4,000"),
])
def test_impact_numbers_found(analyzer, text, expected):
    assert any(expected in found for found in _numbers(analyzer, text)), _numbers(analyzer, text)


@pytest.mark.parametrize("text", [
    "# X\n\nThe node's CPU was at 95% and memory at 80% when pods failed.\n",  # resources, not impact
    "# X\n\nEvery cull request fails due to 400 requests asking for a stopped server.\n",  # HTTP status
    "# X\n\nThe hub served a workshop of 700 attendees without trouble.\n",  # load, no failure
    '# X\n\nThe log said "13337 validators failed" at the time.\n',  # quoted
    "# X\n\n## Action items\n- Alert when 100 users fail to log in\n",  # a plan
])
def test_impact_numbers_not_found(analyzer, text):
    assert _numbers(analyzer, text) == []


def test_vague_claims(analyzer):
    doc = parse("# X\n\n## Summary\nMany users saw errors. A traffic spike caused significant latency.\n"
                "About 1,200 users saw errors.\n\n## Action items\n- Alert when many users see errors\n")
    claims = [c.text for c in extract_metrics(doc, analyzer.analyze(doc)).vague_claims]
    assert claims == ["Many users", "A traffic spike", "significant latency"]


def test_link_kinds():
    assert link_kind("https://github.com/acme/api/pull/812") == "ticket"
    assert link_kind("https://acme.atlassian.net/browse/OPS-1") == "ticket"
    assert link_kind("https://github.com/acme/api/commit/88767d85c3") == "change"
    assert link_kind("https://grafana.acme.dev/d/api-latency") == "dashboard"
    assert link_kind("https://status.acme.com/incidents/123") == "status"
    assert link_kind("https://acme.slack.com/archives/C024BE91L/p1626101058045600") == "chat"
    assert link_kind("https://github.com/acme/design-notes") is None
    assert link_kind("https://www.patreon.com/acme") is None


def test_document_facts_ignore_links_in_comments():
    doc = parse("<!-- source: https://github.com/acme/api/issues/1 -->\n# X\n\nText.\n")
    assert document_facts(doc)["has_evidence_links"] is False
    doc = parse("# X\n\nSee [OPS-1](https://acme.atlassian.net/browse/OPS-1).\n")
    assert document_facts(doc)["evidence_links"] == {"ticket": 1}


def test_metrics_fact_in_review(review_text):
    review = review_text("---\nseverity: SEV-2\n---\n# X\n\n## Summary\nCheckout failed for 42 minutes; "
                         "1,200 customers could not pay. Time to detect: 6 minutes.\n", select=["PM4"])
    metrics = review.facts["metrics"]
    assert metrics["severity_level"] == 2
    assert metrics["impact_minutes"] == 42 and metrics["time_to_detect_minutes"] == 6
    assert metrics["quantified_impact"] is True
    json.dumps(metrics)  # JSON-ready, for the API and trends
    assert not [f for f in review.findings if f.code in ("PM401", "PM402", "PM405")]


def test_mismatch_tolerance_is_configurable(review_text):
    text = ("# Outage\n\nThe outage lasted 45 minutes.\n\n## Timeline\n\n- 10:02 UTC checkout errors start\n"
            "- 10:08 UTC alert fires and pages the on-call\n- 11:15 UTC rollback complete, incident resolved\n")
    assert [f.code for f in review_text(text, select=["PM407"]).findings] == ["PM407"]
    loose = review_text(text, select=["PM407"], rules={"PM407": {"tolerance_minutes": 30}})
    assert loose.findings == []


def test_missing_time_to_detect_only_at_the_full_bar(review_text):
    text = "---\nseverity: SEV-4\n---\n# Outage\n\n## Summary\nCheckout returned errors for 42 minutes.\n"
    assert review_text(text, select=["PM403"]).findings == []
    assert [f.code for f in review_text(text, select=["PM403"], full_bar_severities=[1, 2, 3, 4]).findings] == ["PM403"]


def test_document_facts_match_labels_on_real_documents(eval_dir: Path, analyzer):
    """The extracted facts agree with the labels on ≥ 90% of the real documents, per fact."""
    labels = [json.loads(line) for line in (eval_dir / "labels" / "fulltext_labels.jsonl").read_text().splitlines()]
    labels = [r for r in labels if r.get("layer") == "doc"]

    def close(a, b):
        return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= max(5, 0.1 * b))

    right = {"duration_minutes": 0, "time_to_detect_minutes": 0, "time_to_resolve_minutes": 0, "impact_numbers": 0,
             "has_links": 0, "has_action_items": 0, "has_images": 0}
    for record in labels:
        doc = parse((eval_dir / "fulltext" / record["doc"]).read_text(encoding="utf-8"))
        metrics = extract_metrics(doc, analyzer.analyze(doc))
        facts = document_facts(doc)
        right["duration_minutes"] += close(metrics.impact_minutes, record["duration_minutes"])
        right["time_to_detect_minutes"] += close(metrics.time_to_detect_minutes, record["time_to_detect_minutes"])
        right["time_to_resolve_minutes"] += close(metrics.time_to_resolve_minutes, record["time_to_resolve_minutes"])
        right["impact_numbers"] += bool(metrics.impact_numbers) == bool(record["impact_numbers"])
        right["has_links"] += facts["has_evidence_links"] == bool(record["has_links"])
        right["has_action_items"] += facts["has_action_items"] == bool(record["has_action_items"])
        right["has_images"] += facts["has_images"] == bool(record["has_images"])
    accuracy = {fact: count / len(labels) for fact, count in right.items()}
    assert all(value >= 0.9 for value in accuracy.values()), accuracy


def test_unreadable_severity_points_at_its_line(review_text):
    text = "---\ntitle: X\nseverity: SEV-?\n---\n# X\n"
    [finding] = [f for f in review_text(text, select=["PM401"]).findings]
    assert text[finding.start:finding.end] == "severity: SEV-?" and "not a level" in finding.message


def test_metadata_times_state_the_durations(review_text):
    text = ("---\nseverity: SEV-1\nstarted: 2026-03-02T10:02:00Z\ndetected: 2026-03-02T10:08:00Z\n"
            "resolved: 2026-03-02T10:51:00Z\n---\n# X\n\n## Summary\nCheckout failed.\n")
    review = review_text(text, select=["PM402", "PM403", "PM404"])
    assert review.findings == []


@pytest.mark.parametrize("text", [
    "# X\n\n## Impact\n\n| Measure | Value |\n|---|---|\n| Customers affected | 1,240 |\n| Error rate | 12% |\n",
    "# X\n\n| Field | Value |\n|---|---|\n| Failed requests | 3115 |\n",
    "---\ncustomers_affected: 1240\n---\n# X\n",
])
def test_impact_numbers_in_tables_and_front_matter(analyzer, text):
    assert _numbers(analyzer, text)


def test_resource_tables_are_not_impact(analyzer):
    text = "# X\n\n## Impact\n\n| Node | CPU | Memory |\n|---|---|---|\n| a | 95% | 80% |\n"
    assert _numbers(analyzer, text) == []


def test_loss_for_a_bit_over_an_hour():
    text = "# X\n\n- Slow detection caused complete loss of online bookings for a bit over 1 hour.\n"
    assert _durations(text) == {("impact", 60)}


@pytest.mark.parametrize("sentence,stated", [
    ("One node had run out of memory, which broke the proxy.", True),
    ("This caused the outage on the API.", True),
    ("We are still investigating the root cause.", False),
])
def test_root_cause_stated_in_prose(sentence, stated):
    from reviewer.document import parse
    from reviewer.nlp.metrics import has_root_cause

    assert has_root_cause(parse(f"# Outage\n\n## Summary\n{sentence}\n")) is stated


# Impact durations written in prose, in many voices: the figure is read.
PROSE_DURATIONS = [
    ("The site was unreachable for roughly five hours.", 300),
    ("Customers saw errors for about 2.5 hours.", 150),
    ("We were down for nearly an hour.", 60),
    ("Users could not log in for around 90 minutes.", 90),
    ("The outage lasted just under two hours.", 120),
    ("This resulted in 2.5 hours of downtime for the API.", 150),
    ("For roughly five hours, the API returned errors to customers.", 300),
    ("Uploads were failing for two and a half hours.", 150),
    ("The dashboard was degraded for approximately 40 min.", 40),
    ("Payments were impacted for a total of 3.5 hours.", 210),
]


@pytest.mark.parametrize("sentence,minutes", PROSE_DURATIONS)
def test_impact_duration_stated_in_prose(sentence, minutes):
    metrics = extract_metrics(parse("# Outage\n\n## Summary\n" + sentence + "\n"))
    assert metrics.impact_minutes == pytest.approx(minutes, abs=0.5)


# A version number is never an impact count; the count beside it still is.
VERSIONS = [
    ("After the upgrade to v1.2.3 the proxy crashed and requests failed.", None),
    ("Version 2.4.1 broke logins for users.", None),
    ("Release 1.30 failed on every node and users were affected.", None),
    ("The v3.0.0 client caused errors for 1,200 users.", "1,200 users"),
    ("Nodes on 1.29 were drained and pods failed to start.", None),
    ("Upgrading to 5.4 made 40 requests per second fail.", "40 requests"),
    ("The 0.9.12 agent crashed on hosts, affecting customers.", None),
    ("The rollout of build 7.1 broke the app for users.", None),
    ("Kubernetes 1.30 nodes killed pods, and 35 users were affected.", "35 users"),
    ("Affected: clients on 4.2.0 and 4.2.1 could not connect.", None),
]


@pytest.mark.parametrize("sentence,count", VERSIONS)
def test_a_version_number_is_not_an_impact_count(analyzer, sentence, count):
    doc = parse("# Outage\n\n## Impact\n" + sentence + "\n")
    numbers = [n.text for n in extract_metrics(doc, analyzer.analyze(doc)).impact_numbers]
    assert not any(re.search(r"\d\.\d", n) for n in numbers), numbers
    if count is not None:
        assert any(count in n for n in numbers), numbers


# A cause stated in prose, with no Root cause heading.
PROSE_CAUSES = [
    "This was not a malfunction of the service; rather, the account was not protected by a second factor.",
    "The outage stemmed from an expired certificate on the load balancer.",
    "We traced the errors back to a stale DNS record.",
    "The culprit was a cron job that deleted the cache directory.",
    "The failures were the result of a full disk on the primary.",
    "It happened because the retry loop had no backoff.",
    "The slowdown can be attributed to a missing index.",
    "The problem was that the health check pointed at the wrong port.",
    "The proxy was misconfigured and dropped half of the requests.",
    "It all came down to a timeout set too low in the client.",
]


@pytest.mark.parametrize("sentence", PROSE_CAUSES)
def test_a_cause_stated_in_prose_is_a_root_cause(sentence):
    assert document_facts(parse("# Outage\n\n## What happened\n" + sentence + "\n"))["has_root_cause"]


# A cause in the title: "Descheduler kills pods on cordoned nodes", "Outage due to an expired certificate".
TITLE_CAUSES = [
    "# Incident 2024-05-02: descheduler kills pods on cordoned nodes",
    "# Login outage due to an expired certificate",
    "# Config push breaks the API gateway",
    "# Disk full on the primary takes down checkout",
    "# Search outage caused by a bad index mapping",
    "# Runaway cron job exhausts database connections",
    "# Webhooks delayed after a queue migration",
    "# Expired token causes CI failures",
    "# Memory leak crashes the ingest workers",
    "# Bad deploy overloads the cache cluster",
]


@pytest.mark.parametrize("title", TITLE_CAUSES)
def test_a_cause_stated_in_the_title_is_a_root_cause(title):
    assert document_facts(parse(title + "\n\n## Timeline\n- 10:00 alert\n- 10:30 resolved\n"))["has_root_cause"]


NO_CAUSE = [
    "# Checkout outage\n\n## Summary\nCheckout was unavailable for 20 minutes. The cause is still under investigation.\n",
    "# Incident 2024-06-01\n\n## Timeline\n- 10:00 alert\n- 10:20 resolved\n",
    "# Elevated error rates\n\n## Summary\nSome users saw errors. We restarted the service and it recovered.\n",
    "# Login issues on Monday\n\n## Impact\nUsers could not log in for an hour.\n",
    "# Post-incident review: API latency\n\n## Summary\nLatency was high; we are still looking for the cause.\n",
]


@pytest.mark.parametrize("text", NO_CAUSE)
def test_no_cause_stated(text):
    assert not document_facts(parse(text))["has_root_cause"]
