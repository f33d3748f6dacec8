"""The review service through its HTTP interface (FastAPI TestClient, in-process).

One app per module: the session's spaCy pipeline (fixture `analyzer`), a throw-away SQLite
store seeded with the shipped example corpus, and a hashing embedder instead of the neural
model (the API is tested here, not the quality of the embeddings).
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import numpy as np

from api.app import create_app
from api.caches import CachingEmbedder
from api.settings import Settings
from reviewer.corpus.embeddings import HashingEmbedder
from reviewer.corpus.errors import CorpusError
from reviewer.corpus.service import Corpus
from reviewer.config import Config
from reviewer.errors import ConfigError
from reviewer.review import Reviewer
from reviewer.rules.base import all_rules

pytestmark = pytest.mark.slow

# A postmortem written for these tests: a few known problems (a vague time, a weak action item),
# an emoji in the title (UTF-16 offsets), front-matter times (durations).
DOC = """---
id: test-2024-001
title: Checkout errors after the payment proxy certificate expired
date: 2024-03-05
severity: SEV-2
owner: "@mira"
services: [checkout, payment-proxy]
started: 2024-03-05T10:02:00Z
detected: 2024-03-05T10:09:00Z
mitigated: 2024-03-05T10:41:00Z
resolved: 2024-03-05T11:20:00Z
---
# Checkout errors after the payment proxy certificate expired 🔒

## Summary

For 39 minutes on 5 March 2024, 18% of checkout requests failed because the TLS certificate on the payment proxy expired. About 4,100 customers saw an error page.

## Impact

- 4,100 customers could not pay between 10:02 and 10:41 UTC.
- 12,800 failed requests; no payment was charged twice.

## Timeline (all times UTC)

| Time | Event |
|---|---|
| 10:02 | The certificate on the payment proxy expires; checkout errors start. |
| 10:09 | The checkout error-rate alert pages @mira ([OPS-4410](https://tickets.example.com/OPS-4410)). |
| 10:15 | Status page updated: "Payments are failing for some customers". |
| 10:41 | @ken installs a renewed certificate; errors stop. |
| 11:20 | Resolved after an hour of monitoring. |

## Root cause

Dave forgot to renew the certificate, which was obviously careless. The renewal reminder went to a mailbox nobody reads.

## Resolution

A renewed certificate was installed around 11 and the proxies were reloaded.

## Action items

- Automate renewal of the payment proxy certificate (@ken, OPS-4411, due 2024-03-29)
- Alert 21 days before any certificate expires (@mira, OPS-4412, due 2024-03-22)
- Be more careful
"""
LIMITS = dict(max_document_chars=20_000, max_body_bytes=64_000, max_k=10, max_page_size=50)


def make_app(analyzer, database: Path, **settings):
    def corpus_factory() -> Corpus:
        return Corpus.open(f"sqlite:///{database}", embedder=HashingEmbedder())

    return create_app(Settings(**settings), analyzer=analyzer, corpus_factory=corpus_factory)


@contextlib.contextmanager
def running(app, *, seeded: bool = True):
    """A started app: lifespan entered, models loaded, (by default) example corpus imported."""
    with TestClient(app) as client:
        state = app.state.service
        assert state.wait_started(120), "start-up did not finish"
        if seeded:
            assert state.seeded.wait(120), "seeding did not finish"
        yield client


@pytest.fixture(scope="module")
def client(analyzer, tmp_path_factory):
    app = make_app(analyzer, tmp_path_factory.mktemp("api") / "corpus.sqlite3", **LIMITS)
    with running(app) as started:
        yield started


@pytest.fixture()
def token(client):
    """Configure an API token for the duration of one test."""
    settings = client.app.state.service.settings
    settings.api_token = "s3cret-token"
    yield "s3cret-token"
    settings.api_token = None
    settings.protect_reads = False


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC


def no_traceback(response) -> None:
    assert "Traceback" not in response.text and 'File "' not in response.text


# -- health, readiness, metrics ----------------------------------------------------------------

def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_reports_models_and_store(client):
    body = client.get("/readyz").json()
    assert body["ready"] is True
    assert body["models"]["ready"] and body["store"]["ready"]
    assert body["store"]["incidents"] == client.app.state.service.corpus.count() > 0


def test_not_ready_while_the_corpus_is_loading(analyzer, tmp_path, doc):
    """Readiness waits for the store; reviews work meanwhile and say why similar incidents are missing."""
    release = threading.Event()
    database = tmp_path / "slow.sqlite3"

    def slow_corpus() -> Corpus:
        release.wait(60)
        return Corpus.open(f"sqlite:///{database}", embedder=HashingEmbedder())

    app = create_app(Settings(seed_corpus=False), analyzer=analyzer, corpus_factory=slow_corpus)
    with TestClient(app) as client:
        state = app.state.service
        assert state.models_loaded.wait(60)
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["models"]["ready"] is True and response.json()["store"]["ready"] is False
        review = client.post("/v1/reviews", json={"text": doc})
        assert review.status_code == 200
        assert review.json()["similar"] is None and "loading" in review.json()["similar_error"]
        listing = client.get("/v1/incidents")
        assert listing.status_code == 503 and "Retry-After" in listing.headers
        release.set()
        assert state.wait_started(60)
        assert client.get("/readyz").status_code == 200


def test_a_store_that_fails_at_first_is_tried_again(analyzer, tmp_path):
    attempts = []

    def flaky_corpus() -> Corpus:
        attempts.append(1)
        if len(attempts) == 1:
            raise CorpusError("the database is starting up")
        return Corpus.open(f"sqlite:///{tmp_path / 'flaky.sqlite3'}", embedder=HashingEmbedder())

    app = create_app(Settings(seed_corpus=False), analyzer=analyzer, corpus_factory=flaky_corpus)
    with TestClient(app) as client:
        state = app.state.service
        assert state.wait_started(60)
        if not state.corpus_ready.is_set():
            body = client.get("/readyz").json()
            assert body["ready"] is False and "starting up" in body["store"]["error"]
        assert state.corpus_ready.wait(30)
        assert client.get("/readyz").json()["ready"] is True and len(attempts) == 2


def test_metrics_count_requests_by_route_template(client, doc):
    client.post("/v1/reviews", json={"text": doc, "similar": False})
    incident_id = client.get("/v1/incidents", params={"limit": 1}).json()["items"][0]["id"]
    client.get(f"/v1/incidents/{incident_id}")
    text = client.get("/metrics").text
    assert 'pmreview_http_requests_total{method="POST",route="/v1/reviews",status="200"}' in text
    assert 'route="/v1/incidents/{incident_id:path}"' in text
    assert incident_id not in text  # one series per route, not per id
    assert "pmreview_review_duration_seconds_count" in text
    corpus_line = next(line for line in text.splitlines() if line.startswith("pmreview_corpus_incidents "))
    assert float(corpus_line.split()[1]) == client.app.state.service.corpus.count()


# One uvicorn worker process, as far as metrics go: it serves `requests` requests, is ready or
# not, counts its corpus, and answers a scrape.
_WORKER = """
import sys
from api.metrics import Metrics

metrics = Metrics()
for _ in range(int(sys.argv[1])):
    metrics.observe_request("POST", "/v1/reviews", 200, 0.2)
metrics.ready.set(int(sys.argv[2]))
metrics.track_corpus_size(lambda: int(sys.argv[3]))
sys.stdout.write(metrics.render().decode())
"""


def test_metrics_add_up_over_worker_processes(tmp_path):
    """With several workers (PROMETHEUS_MULTIPROC_DIR set, as api.server does), a scrape of any
    worker reports all of them: requests summed, ready only when every worker is."""
    import os
    import subprocess
    import sys

    from prometheus_client.parser import text_string_to_metric_families

    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}

    def worker(requests: int, ready: int, corpus: int) -> dict[str, float]:
        out = subprocess.run([sys.executable, "-c", _WORKER, str(requests), str(ready), str(corpus)], env=env,
                             cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return {f"{s.name}{sorted(s.labels.items())}": s.value
                for family in text_string_to_metric_families(out.stdout) for s in family.samples}

    worker(3, 1, 40)
    scraped = worker(2, 0, 41)
    requests = "pmreview_http_requests_total[('method', 'POST'), ('route', '/v1/reviews'), ('status', '200')]"
    assert scraped[requests] == 5
    assert scraped["pmreview_http_request_duration_seconds_count[('method', 'POST'), ('route', '/v1/reviews')]"] == 5
    assert scraped["pmreview_ready[]"] == 0  # the second worker is not ready
    assert scraped["pmreview_corpus_incidents[]"] == 41  # the latest count


def test_one_log_line_per_request_without_the_text(client, doc, caplog):
    secret_sentence = "The zebra-striped canary deployment mentioned only here."
    with caplog.at_level(logging.INFO, logger="pmreview.access"):
        response = client.post("/v1/reviews", json={"text": doc + "\n" + secret_sentence + "\n", "similar": False})
    assert response.status_code == 200
    access = [r for r in caplog.records if r.name == "pmreview.access"]
    assert len(access) == 1
    fields = access[0].fields
    assert fields["route"] == "/v1/reviews" and fields["status"] == 200 and fields["duration_ms"] > 0
    assert fields["request_id"] == response.headers["x-request-id"]
    assert all("zebra-striped" not in r.getMessage() and "zebra-striped" not in json.dumps(getattr(r, "fields", {}))
               for r in caplog.records)


# -- POST /v1/reviews --------------------------------------------------------------------------

def test_review_findings_have_exact_spans_and_positions(client, doc):
    body = client.post("/v1/reviews", json={"text": doc, "filename": "pm.md", "similar": False}).json()
    assert body["filename"] == "pm.md"
    assert body["findings"], "the document has known problems"
    lines = doc.split("\n")
    for finding in body["findings"]:
        assert 0 <= finding["start"] <= finding["end"] <= len(doc)
        line, column = finding["line"], finding["column"]
        before = doc[:finding["start"]]
        assert line == before.count("\n") + 1
        assert column == len(before) - (before.rfind("\n") + 1) + 1
        assert lines[line - 1] is not None
    vague = [f for f in body["findings"] if doc[f["start"]:f["end"]] == "around 11"]
    assert vague, "the vague time 'around 11' is flagged"
    assert set(body["scores"]["dimensions"]) == {"blame", "time", "metrics", "detail"}
    assert 0 <= body["scores"]["overall"] <= 100
    assert body["similar"] is None and body["similar_error"] is None


def test_utf16_offsets_count_astral_characters_twice(client, doc):
    body = client.post("/v1/reviews", json={"text": doc, "similar": False, "config": {"select": ["PM301"]}}).json()
    finding = next(f for f in body["findings"] if doc[f["start"]:f["end"]] == "around 11")
    astral_before = sum(1 for ch in doc[:finding["start"]] if ord(ch) > 0xFFFF)
    assert astral_before >= 1  # the title carries an emoji
    assert finding["start_utf16"] == finding["start"] + astral_before
    encoded = doc.encode("utf-16-le")
    assert encoded[finding["start_utf16"] * 2:finding["end_utf16"] * 2].decode("utf-16-le") == "around 11"


def test_review_returns_facts_scores_and_similar_incidents(client, doc):
    body = client.post("/v1/reviews", json={"text": doc, "k": 3}).json()
    assert body["facts"]["durations"]["time_to_resolve"] == 78.0  # 10:02 → 11:20 from the front matter
    assert len(body["similar"]) == 3
    scores = [match["score"] for match in body["similar"]]
    assert scores == sorted(scores, reverse=True)
    assert all(match["reason"]["text"] for match in body["similar"])
    assert body["recurrence"]["message"]


def test_review_of_a_stored_incident_does_not_return_itself(client):
    incident = client.get("/v1/incidents", params={"limit": 1}).json()["items"][0]
    text = client.get(f"/v1/incidents/{incident['id']}").json()["text"]
    body = client.post("/v1/reviews", json={"text": text, "k": 5}).json()
    assert incident["id"] not in [m["incident"]["id"] for m in body["similar"]]


def test_config_overrides_select_and_severity(client, doc):
    body = client.post("/v1/reviews", json={"text": doc, "similar": False,
                                            "config": {"select": ["PM3"], "severity": {"PM301": "error"}}}).json()
    assert body["findings"] and all(f["code"].startswith("PM3") for f in body["findings"])
    assert all(f["severity"] == "error" for f in body["findings"] if f["code"] == "PM301")


def test_invalid_config_override_is_422_naming_the_field(client, doc):
    response = client.post("/v1/reviews", json={"text": doc, "config": {"severity": {"PM301": "fatal"}}})
    assert response.status_code == 422 and "severity" in response.json()["detail"]
    response = client.post("/v1/reviews", json={"text": doc, "config": {"nlp_model": "/tmp/evil"}})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.config.nlp_model"
    no_traceback(response)


def test_similar_can_be_turned_off(client, doc):
    body = client.post("/v1/reviews", json={"text": doc, "similar": False}).json()
    assert body["similar"] is None and body["recurrence"] is None


def test_rereview_after_one_paragraph_edit_parses_only_that_paragraph(client, doc):
    analyzer = client.app.state.service.reviewer.analyzer
    first = doc.replace("About 4,100 customers", "About 4,150 customers")
    client.post("/v1/reviews", json={"text": first, "similar": False})
    parsed = analyzer.parsed_blocks
    edited = first.replace("The renewal reminder went to a mailbox nobody reads.",
                           "The renewal reminder went to a shared mailbox that nobody reads.")
    assert client.post("/v1/reviews", json={"text": edited, "similar": False}).status_code == 200
    assert analyzer.parsed_blocks - parsed == 1


def test_concurrent_reviews_of_different_documents(client, analyzer, doc):
    variants = [doc.replace("4,100 customers", f"{4200 + n} customers") for n in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(lambda v: client.post("/v1/reviews", json={"text": v, "similar": False}), variants))
    assert [r.status_code for r in together] == [200] * 6
    alone = [Reviewer(Config(), analyzer=analyzer).review(v) for v in variants]
    for response, review in zip(together, alone):
        assert [(f["code"], f["start"], f["end"], f["message"]) for f in response.json()["findings"]] == \
            [(f.code, f.start, f.end, f.message) for f in review.findings]


def test_an_unchanged_document_comes_from_the_review_cache(client, doc):
    cache = client.app.state.service.review_cache
    text = doc.replace("12,800 failed requests", "12,900 failed requests")
    first = client.post("/v1/reviews", json={"text": text, "similar": False}).json()
    hits = cache.hits
    second = client.post("/v1/reviews", json={"text": text, "similar": False}).json()
    assert cache.hits == hits + 1
    assert second["findings"] == first["findings"] and second["scores"] == first["scores"]
    other_config = client.post("/v1/reviews", json={"text": text, "similar": False, "config": {"select": ["PM3"]}})
    assert cache.hits == hits + 1 and other_config.json()["findings"] != first["findings"]


def test_caching_embedder_embeds_each_text_once():
    class Counting(HashingEmbedder):
        def __init__(self):
            super().__init__(64)
            self.encoded: list[str] = []

        def encode(self, texts):
            self.encoded += texts
            return super().encode(texts)

    inner = Counting()
    cached = CachingEmbedder(inner)
    first = cached.encode(["root cause: cert expired", "summary"])
    second = cached.encode(["summary", "a new whole text", "root cause: cert expired"])
    assert inner.encoded == ["root cause: cert expired", "summary", "a new whole text"]
    assert np.allclose(second[0], first[1]) and np.allclose(second[2], first[0])
    assert np.allclose(second[1], HashingEmbedder(64).encode(["a new whole text"])[0])
    assert cached.name == inner.name and cached.encode([]).shape == (0, 64)


def test_caching_embedder_keys_on_what_the_model_reads():
    """A model reads only the start of a long text: an edit past it needs no new embedding."""
    class FirstWords(HashingEmbedder):
        def __init__(self):
            super().__init__(64)
            self.encoded: list[str] = []

        def input_key(self, text):
            return " ".join(text.split()[:5])

        def encode(self, texts):
            self.encoded += texts
            return super().encode([self.input_key(t) for t in texts])

    inner = FirstWords()
    cached = CachingEmbedder(inner)
    first = cached.encode(["one two three four five and the rest"])
    second = cached.encode(["one two three four five but another ending"])
    assert len(inner.encoded) == 1 and np.allclose(first, second)
    cached.encode(["one two three four CHANGED and the rest"])
    assert len(inner.encoded) == 2


# -- limits and bad input ----------------------------------------------------------------------

def test_document_above_the_length_limit_is_413(client):
    response = client.post("/v1/reviews", json={"text": "word " * 5_000})  # 25,000 characters > 20,000
    assert response.status_code == 413
    assert "20,000" in response.json()["detail"]


def test_body_above_the_size_limit_is_413(client):
    response = client.post("/v1/reviews", content=b'{"text": "' + b"a" * 70_000 + b'"}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 413 and "64,000 bytes" in response.json()["detail"]


def test_streamed_body_above_the_size_limit_is_413(client):
    def chunks():
        yield b'{"text": "'
        for _ in range(20):
            yield b"a" * 4_000
        yield b'"}'

    response = client.post("/v1/reviews", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_malformed_json_is_422_with_the_reason(client):
    response = client.post("/v1/reviews", content=b'{"text": "x",', headers={"content-type": "application/json"})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["type"] == "json_invalid" and error["field"] == "body"
    no_traceback(response)


def test_body_that_is_not_utf8_is_422(client):
    response = client.post("/v1/reviews", content=b'{"text": "\xff\xfe"}', headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "body"


@pytest.mark.parametrize("payload, field", [
    ({}, "body.text"),
    ({"text": 12}, "body.text"),
    ({"text": "x", "k": 0}, "body.k"),
    ({"text": "x", "surprise": True}, "body.surprise"),
    ({"text": "x", "draft_key": "no spaces allowed"}, "body.draft_key"),
])
def test_bad_fields_are_422_with_the_field(client, payload, field):
    response = client.post("/v1/reviews", json=payload)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert '"input"' not in response.text  # a rejected document is never echoed back


def test_k_above_the_configured_maximum_is_422(client):
    response = client.post("/v1/reviews", json={"text": "# A draft", "k": 11})
    assert response.status_code == 422 and "max_k" in response.json()["detail"]


def test_review_of_odd_text_never_fails(client):
    for text in ["", "\x00\x01", "# " * 500, "| a |\n|---|\n" * 50, "🙂" * 100]:
        response = client.post("/v1/reviews", json={"text": text})
        assert response.status_code == 200, text[:20]
    # JSON may carry a lone surrogate escape; it must not break the review or the response.
    lone = client.post("/v1/reviews", content=b'{"text": "# Draft \\ud800\\n\\nA lone surrogate."}',
                       headers={"content-type": "application/json"})
    assert lone.status_code == 200
    assert client.post("/v2/check", data={"text": "x"}, ).status_code == 200


# -- POST /v2/check (LanguageTool) -------------------------------------------------------------

def lt_check(client, **form):
    return client.post("/v2/check", data={"language": "en-US", **form})


def test_languagetool_offsets_are_utf16(client, doc):
    body = lt_check(client, text=doc).json()
    assert body["language"]["code"] == "en-US" and body["software"]["apiVersion"] == 1
    encoded = doc.encode("utf-16-le")
    vague = [m for m in body["matches"]
             if encoded[m["offset"] * 2:(m["offset"] + m["length"]) * 2].decode("utf-16-le") == "around 11"]
    assert vague and vague[0]["rule"]["id"] == "PM301"
    match = vague[0]
    assert match["rule"]["category"]["id"] == "TIME" and match["rule"]["description"]
    context = match["context"]
    context_units = context["text"].encode("utf-16-le")
    assert context_units[context["offset"] * 2:(context["offset"] + context["length"]) * 2].decode("utf-16-le") \
        == "around 11"
    assert all(m["length"] > 0 for m in body["matches"])  # editors cannot underline an empty range


def test_languagetool_annotated_data_counts_markup(client, doc):
    heading, rest = doc.split("\n## Summary", 1)
    annotation = {"annotation": [{"markup": heading}, {"markup": "\n## "}, {"text": "Summary" + rest}]}
    from_data = lt_check(client, data=json.dumps(annotation)).json()["matches"]
    from_text = lt_check(client, text=doc).json()["matches"]
    assert [(m["offset"], m["length"], m["rule"]["id"]) for m in from_data] == \
        [(m["offset"], m["length"], m["rule"]["id"]) for m in from_text]


def test_languagetool_rule_switches(client, doc):
    all_matches = lt_check(client, text=doc).json()["matches"]
    assert any(m["rule"]["id"] == "PM301" for m in all_matches)
    without = lt_check(client, text=doc, disabledRules="PM301").json()["matches"]
    assert not any(m["rule"]["id"] == "PM301" for m in without) and without
    only = lt_check(client, text=doc, enabledRules="PM301", enabledOnly="true").json()["matches"]
    assert only and {m["rule"]["id"] for m in only} == {"PM301"}
    no_time = lt_check(client, text=doc, disabledCategories="TIME").json()["matches"]
    assert not any(m["rule"]["category"]["id"] == "TIME" for m in no_time)


@pytest.mark.parametrize("form, field", [
    ({}, "form.text"),
    ({"text": "x", "data": "{}"}, "form.data"),
    ({"data": "{not json"}, "form.data"),
    ({"data": json.dumps({"annotation": [{"nothing": 1}]})}, "form.data"),
    ({"text": "x", "language": "de-DE"}, "form.language"),
    ({"text": "x", "enabledOnly": "true"}, "form.enabledOnly"),
])
def test_languagetool_bad_fields(client, form, field):
    # LanguageTool's server answers a bad request with 400 and a plain-text reason (tests/test_languagetool.py)
    response = client.post("/v2/check", data={"language": "en-US", **form})
    assert response.status_code == 400 and response.text.startswith("Error: ")


def test_languagetool_check_by_get_matches_post(client):
    text = "# Draft\n\nWe restarted the proxy around 11.\n"
    by_get = client.get("/v2/check", params={"text": text, "language": "en-US"}).json()["matches"]
    by_post = lt_check(client, text=text).json()["matches"]
    assert by_get == by_post and by_get


def test_languagetool_languages(client):
    assert {entry["longCode"] for entry in client.get("/v2/languages").json()} >= {"en-US", "en-GB"}


# -- rules -------------------------------------------------------------------------------------

def test_rules_list_every_registered_rule(client):
    items = client.get("/v1/rules").json()["items"]
    assert [r["code"] for r in items] == list(all_rules())
    time_rules = client.get("/v1/rules", params={"category": "time"}).json()["items"]
    assert time_rules and all(r["category"] == "time" for r in time_rules)


def test_rule_by_code_or_name(client):
    rule = next(iter(all_rules().values()))
    by_code = client.get(f"/v1/rules/{rule.code.lower()}").json()
    by_name = client.get(f"/v1/rules/{rule.name}").json()
    assert by_code == by_name
    assert by_code["why"] == rule.why and by_code["doc"].startswith(f"# {rule.code}")
    assert client.get("/v1/rules/PM999").status_code == 404


# -- incidents ---------------------------------------------------------------------------------

def test_incident_list_pages_and_filters(client):
    corpus = client.app.state.service.corpus
    first = client.get("/v1/incidents", params={"limit": 5}).json()
    second = client.get("/v1/incidents", params={"limit": 5, "offset": 5}).json()
    assert first["total"] == corpus.count() and len(first["items"]) == 5
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    dated = client.get("/v1/incidents", params={"since": "2019-01-01", "until": "2019-12-31", "limit": 50}).json()
    assert dated["items"] and all(i["date"].startswith("2019") for i in dated["items"])
    assert client.get("/v1/incidents", params={"limit": 51}).status_code == 422  # max_page_size
    assert client.get("/v1/incidents", params={"limit": 0}).status_code == 422
    assert client.get("/v1/incidents", params={"since": "yesterday"}).status_code == 422


def test_get_unknown_incident_is_404(client):
    for response in (client.get("/v1/incidents/no-such-incident"),
                     client.get("/v1/incidents/no-such-incident/similar"),
                     client.delete("/v1/incidents/no-such-incident")):
        assert response.status_code == 404 and "no-such-incident" in response.json()["detail"]


def test_import_get_similar_delete(client, doc):
    created = client.post("/v1/incidents", json={"text": doc})
    assert created.status_code == 201, created.text
    assert created.json()["id"] == "test-2024-001" and created.json()["status"] == "imported"
    again = client.post("/v1/incidents", json={"text": doc})
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    stored = client.get("/v1/incidents/test-2024-001").json()
    assert stored["text"] == doc and stored["severity"] == "SEV-2"
    similar = client.get("/v1/incidents/test-2024-001/similar", params={"k": 4}).json()["items"]
    assert len(similar) == 4 and "test-2024-001" not in [m["incident"]["id"] for m in similar]
    assert client.get("/v1/incidents/test-2024-001/similar", params={"k": 11}).status_code == 422
    assert client.delete("/v1/incidents/test-2024-001").status_code == 204
    assert client.get("/v1/incidents/test-2024-001").status_code == 404


def test_import_markdown_with_an_id_containing_a_slash(client):
    text = "# Queue backlog in billing\n\n## Root cause\n\nThe consumer pool was sized for half the traffic.\n"
    created = client.post("/v1/incidents", params={"id": "billing/2024-7"}, content=text,
                          headers={"content-type": "text/markdown"})
    assert created.status_code == 201, created.text
    assert client.get("/v1/incidents/billing/2024-7").json()["title"] == "Queue backlog in billing"
    assert client.get("/v1/incidents/billing/2024-7/similar").status_code == 200
    assert client.delete("/v1/incidents/billing/2024-7").status_code == 204


@pytest.mark.parametrize("content, content_type, status", [
    ("# No id anywhere\n\nText.", "text/markdown", 422),
    ('{"id": "x-1"}', "application/json", 422),  # no text
    ('{"id": "x-1", "text": "# T", "date": "someday"}', "application/json", 422),
    ('{"id": "bad id with spaces", "text": "# T"}', "application/json", 422),
    ("{broken", "application/json", 422),
    ("id,text\nx,y", "text/csv", 415),
])
def test_bad_imports(client, content, content_type, status):
    response = client.post("/v1/incidents", content=content, headers={"content-type": content_type})
    assert response.status_code == status, response.text
    no_traceback(response)


def test_similar_to_text_and_feedback(client, doc):
    matches = client.post("/v1/similar", json={"text": doc, "k": 3}).json()["items"]
    assert len(matches) == 3
    rejected = matches[0]["incident"]["id"]
    key = "draft:checkout-cert"
    feedback = client.post(f"/v1/incidents/{key}/feedback", json={"other_id": rejected})
    assert feedback.status_code == 201
    after = client.post("/v1/similar", json={"text": doc, "k": 3, "draft_key": key}).json()["items"]
    assert rejected not in [m["incident"]["id"] for m in after]
    review = client.post("/v1/reviews", json={"text": doc, "k": 3, "draft_key": key}).json()
    assert rejected not in [m["incident"]["id"] for m in review["similar"]]
    assert client.post(f"/v1/incidents/{key}/feedback", json={"other_id": "nope"}).status_code == 404
    assert client.post("/v1/incidents/not-stored/feedback", json={"other_id": rejected}).status_code == 404
    assert client.post(f"/v1/incidents/{key}/feedback", json={"other_id": rejected, "verdict": "meh"}).status_code \
        == 422


def test_similar_filters_and_empty_text(client, doc):
    items = client.post("/v1/similar", json={"text": doc, "k": 5, "since": "2020-01-01"}).json()["items"]
    assert items and all(m["incident"]["date"] >= "2020-01-01" for m in items)
    assert client.post("/v1/similar", json={"text": "   "}).status_code == 422


def test_root_causes_and_trends(client):
    groups = client.get("/v1/root-causes", params={"min_count": 2}).json()["items"]
    assert groups and all(g["count"] >= 2 and len(g["incident_ids"]) == g["count"] for g in groups)
    trends = client.get("/v1/trends").json()["items"]
    months = [p["month"] for p in trends]
    assert months == sorted(months)
    dated = [i for i in client.app.state.service.corpus.store.all_incidents() if i.date]
    assert sum(p["incidents"] for p in trends) == len(dated)
    assert all(sum(p["severity_counts"].values()) == p["incidents"] for p in trends)


# -- auth and CORS -----------------------------------------------------------------------------

def test_writes_need_the_token(client, token):
    body = {"id": "auth-1", "text": "# Auth test\n\n## Root cause\n\nA token was missing.\n"}
    assert client.post("/v1/incidents", json=body).status_code == 401
    wrong = client.post("/v1/incidents", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Bearer")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/v1/incidents", json=body, headers=headers).status_code == 201
    assert client.delete("/v1/incidents/auth-1").status_code == 401
    assert client.post("/v1/incidents/auth-1/feedback", json={"other_id": "x"}).status_code == 401
    assert client.delete("/v1/incidents/auth-1", headers=headers).status_code == 204
    # Reads stay open.
    assert client.get("/v1/incidents").status_code == 200
    assert client.post("/v1/reviews", json={"text": "# Draft", "similar": False}).status_code == 200


def test_reads_can_be_protected_too(client, token):
    client.app.state.service.settings.protect_reads = True
    assert client.get("/v1/incidents").status_code == 401
    assert client.post("/v2/check", data={"text": "x"}).status_code == 401
    assert client.get("/v1/incidents", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_cors_for_configured_origins(analyzer, tmp_path):
    app = make_app(analyzer, tmp_path / "c.sqlite3", cors_origins="https://editor.example.com")
    client = TestClient(app)  # no start-up needed: CORS answers before any route
    preflight = client.options("/v1/reviews", headers={"Origin": "https://editor.example.com",
                                                       "Access-Control-Request-Method": "POST",
                                                       "Access-Control-Request-Headers": "content-type"})
    assert preflight.headers["access-control-allow-origin"] == "https://editor.example.com"
    other = client.options("/v1/reviews", headers={"Origin": "https://evil.example.com",
                                                   "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in other.headers


# -- settings ----------------------------------------------------------------------------------

def test_settings_from_file_then_environment(tmp_path):
    path = tmp_path / "service.toml"
    path.write_text('ignore = ["PM301"]\n\n[service]\napi_token = "from-file"\nmax_k = 7\n'
                    'cors_origins = ["https://a.example"]\n', encoding="utf-8")
    settings = Settings.load(path, environ={"PMREVIEW_MAX_K": "9", "PMREVIEW_CORS_ORIGINS": "https://b.example,https://c.example"})
    assert settings.api_token == "from-file" and settings.max_k == 9
    assert settings.cors_origins == ["https://b.example", "https://c.example"]
    assert settings.review_config.ignore == ["PM301"]
    assert Settings.load(environ={}).api_token is None


@pytest.mark.parametrize("content, environ", [
    ("[service]\nmax_k = 0\n", {}),
    ("[service]\nno_such_setting = 1\n", {}),
    ("no_such_review_key = 1\n", {}),
    ("not toml = = =", {}),
    ("", {"PMREVIEW_MAX_BODY_BYTES": "lots"}),
    ("[service]\nmax_k = 3\n", {}),  # the default k (5) would exceed it
])
def test_bad_settings_are_a_config_error(tmp_path, content, environ):
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError):
        Settings.load(path, environ=environ)


def test_python_m_api_refuses_bad_settings_with_a_message(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "service.toml"
    bad.write_text("[service]\nmax_k = -1\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "api", "--config", str(bad)], capture_output=True, text=True,
                            timeout=60, cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 2
    assert "max_k" in result.stderr and "Traceback" not in result.stderr
