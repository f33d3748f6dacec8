"""The corpus with the real models: all-MiniLM-L6-v2 (loaded once) and the shipped root-cause classifier."""

from __future__ import annotations

import pytest

from reviewer.corpus.categories import SkopsCategoryClassifier, best
from reviewer.corpus.embeddings import SentenceTransformerEmbedder
from reviewer.corpus.service import Corpus
from reviewer.corpus.types import IncidentRecord
from tests.corpus_fixtures import INCIDENTS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_corpus():
    corpus = Corpus.open("sqlite://", embedder=SentenceTransformerEmbedder())
    records = [IncidentRecord(id=i, text=t) for i, t in INCIDENTS.items()]
    assert len(corpus.import_records(records).imported) == len(INCIDENTS)
    yield corpus
    corpus.close()


def test_real_embeddings_are_unit_vectors_of_the_model_dimension():
    embedder = SentenceTransformerEmbedder()
    vectors = embedder.encode(["a certificate expired", "the DNS zone lost a record"])
    assert vectors.shape == (2, 384)
    assert abs(float((vectors ** 2).sum(axis=1).max()) - 1) < 1e-4


def test_the_real_model_reads_a_text_only_up_to_its_length_limit():
    """What `input_key` promises: texts with the same key get the same vector."""
    import numpy as np

    embedder = SentenceTransformerEmbedder()
    long_text = " ".join(f"the certificate of service {n} expired" for n in range(80))  # > 256 word pieces
    edited = long_text + " and one more sentence at the end"
    assert embedder.input_key(long_text) == embedder.input_key(edited)
    assert np.allclose(embedder.encode([long_text]), embedder.encode([edited]), atol=1e-6)
    assert embedder.input_key("a short text") != embedder.input_key("a short text, edited")


def test_a_paraphrase_finds_the_certificate_incidents_first(real_corpus):
    # No words in common with "certificate … expired" except the meaning.
    matches = real_corpus.similar("Browsers refused our HTTPS site because the SSL cert had lapsed.", k=3)
    assert {m.incident.id for m in matches} == {"inc-a1", "inc-a2", "inc-a3"}


def test_a_dns_question_finds_the_dns_incidents(real_corpus):
    matches = real_corpus.similar("Name resolution for our domain stopped working when the nameservers went down.", k=2)
    assert {m.incident.id for m in matches} == {"inc-b1", "inc-b2"}


def test_the_shipped_classifier_names_categories_of_new_sentences():
    classifier = SkopsCategoryClassifier()
    texts = [
        "Our wildcard TLS certificate lapsed on Sunday and every HTTPS request failed the handshake.",
        "The nameservers for the zone stopped answering queries, so the hostname could not be resolved.",
        "The primary Postgres node failed over and the replica that took over was hours behind.",
    ]
    assert [c for c, _ in best(classifier.probabilities(texts))] == ["expiry", "dns", "database"]


def test_the_embedding_head_joins_only_for_the_embedder_it_was_trained_with():
    import numpy as np

    classifier = SkopsCategoryClassifier()
    embedder = SentenceTransformerEmbedder()
    texts = ["Half the racks went dark when the UPS failed during a utility power cut.",
             "A typo in the load balancer config pushed to every region sent all traffic to one pool."]
    vectors = embedder.encode(texts)
    text_only = classifier.probabilities(texts)
    both = classifier.probabilities(texts, vectors, embedder.name)
    other = classifier.probabilities(texts, vectors, "some-other-model")
    assert np.allclose(other, text_only) and not np.allclose(both, text_only)
    assert np.allclose(both.sum(axis=1), 1, atol=1e-4)
    assert [c for c, _ in best(both)] == ["hardware-power", "config-change"]


def test_recurrence_with_the_real_models(real_corpus):
    draft = ("---\ndate: 2023-03-01\n---\n# Login outage\n\n## Root cause\n\n"
             "Our HTTPS certificate for the login domain ran past its validity date; the renewal had not happened.\n")
    recurrence = real_corpus.recurrence(draft)
    assert recurrence.category == "expiry"
    assert set(recurrence.earlier_incident_ids) == {"inc-a1", "inc-a2", "inc-a3"}
    unrelated = ("---\ndate: 2023-03-01\n---\n# Slow search\n\n## Root cause\n\n"
                 "A marketing campaign tripled search traffic and the search cluster ran out of capacity.\n")
    assert real_corpus.recurrence(unrelated).count == 0


def test_similar_abstains_rather_than_list_unrelated_incidents(real_corpus):
    """Ranked by P(same cause): the certificate incidents for a certificate question, and for a
    cause none of the stored incidents share, fewer matches than asked for."""
    related = real_corpus.similar("Our TLS certificate expired and clients refused to connect.", k=6)
    assert {m.incident.id for m in related[:3]} == {"inc-a1", "inc-a2", "inc-a3"}
    assert all(0 <= m.score <= 1 for m in related)
    unrelated = real_corpus.similar("A marketing campaign tripled the traffic and the search cluster ran out of "
                                    "capacity.", k=6)
    assert len(unrelated) < 6
    assert not {"inc-a1", "inc-a2", "inc-a3"} & {m.incident.id for m in unrelated[:2]}


def test_a_match_names_the_cause_spans_both_share(real_corpus):
    match = real_corpus.similar("The root cause: the TLS certificate on the edge proxies expired.", k=1)[0]
    assert match.reason.matched_spans, match.reason
    assert "certificate" in match.reason.matched_spans[-1].lower()
    assert match.reason.describe().startswith("both: ")


def test_the_team_taxonomy_names_a_team_category_for_a_report():
    from reviewer.corpus.taxonomy import taxonomy_from_tables

    taxonomy = taxonomy_from_tables([
        {"name": "SETTINGS", "description": "a wrong configuration value", "built-in": ["config-change"],
         "examples": ["someone pushed a bad setting to the proxies"]},
        {"name": "OUTSIDE", "description": "a supplier or the power grid failed", "built-in": ["dependency", "hardware-power"],
         "examples": ["the utility power went out at the data center"]},
    ])
    corpus = Corpus.open("sqlite://", embedder=SentenceTransformerEmbedder(), taxonomy=taxonomy)
    reading = corpus.cause("Root cause: a generator failed to start when the grid power was cut, and the racks went dark.")
    assert reading.team_category == "OUTSIDE" and reading.category == "hardware-power"
    assert corpus.cause("A typo in the new rate-limit setting, pushed to every gateway, throttled all "
                        "traffic.").team_category == "SETTINGS"
    corpus.close()
