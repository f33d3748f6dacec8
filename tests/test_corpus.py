"""The corpus service with a tiny deterministic embedder: import, search, feedback, groups, trends."""

from __future__ import annotations

import json
from pathlib import Path
from datetime import date

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import pytest

from reviewer.corpus.categories import KeywordCategoryClassifier
from reviewer.corpus.embeddings import HashingEmbedder
from reviewer.corpus.errors import CorpusError
from reviewer.corpus.extract import extract, record_from_markdown
from reviewer.corpus.index import LexicalIndex, VectorIndex
from reviewer.corpus.service import Corpus
from reviewer.corpus.types import IncidentFilters, IncidentRecord
from tests.corpus_fixtures import INCIDENTS, check_shared_store, postmortem, write_incidents


def open_corpus(url: str = "sqlite://", **kwargs) -> Corpus:
    return Corpus.open(url, embedder=HashingEmbedder(), classifier=KeywordCategoryClassifier(), **kwargs)


@pytest.fixture()
def folder(tmp_path):
    return write_incidents(tmp_path)


@pytest.fixture()
def corpus(folder):
    corpus = open_corpus()
    report = corpus.import_paths([folder])
    assert sorted(report.imported) == sorted(INCIDENTS)
    yield corpus
    corpus.close()


def test_reimport_is_idempotent_and_a_changed_record_is_updated(corpus, folder):
    again = corpus.import_paths([folder])
    assert sorted(again.unchanged) == sorted(INCIDENTS) and not again.imported and not again.updated
    changed = INCIDENTS["inc-b2"].replace("for an hour", "for two hours")
    (folder / "inc-b2.md").write_text(changed, encoding="utf-8")
    report = corpus.import_paths([folder])
    assert report.updated == ["inc-b2"]
    assert "two hours" in corpus.get("inc-b2").root_cause
    assert corpus.count() == len(INCIDENTS)


def test_bad_records_are_reported_and_skipped_and_nothing_stored_is_lost(corpus, tmp_path):
    lines = [
        json.dumps({"id": "good-1", "title": "Disk full on the build server", "date": "2022-01-02",
                    "text": "The build server disk filled up with old artifacts and every build failed."}),
        "{not json",
        json.dumps({"title": "no id here", "text": "Some incident without an id."}),
        json.dumps({"id": "bad-date", "date": "last tuesday", "text": "A text."}),
        json.dumps({"id": "no-text", "text": "   "}),
        json.dumps(["a", "list"]),
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = corpus.import_paths([path])
    assert report.imported == ["good-1"]
    reasons = {s.source.rsplit(":", 1)[1]: s.reason for s in report.skipped}
    assert set(reasons) == {"2", "3", "4", "5", "6"}
    assert "not JSON" in reasons["2"] and "id" in reasons["3"] and "date" in reasons["4"] and "text" in reasons["5"]
    assert corpus.count() == len(INCIDENTS) + 1
    assert corpus.get("good-1").date == date(2022, 1, 2)


def test_an_interrupted_import_leaves_a_consistent_store_that_a_rerun_completes(tmp_path):
    url = f"sqlite:///{tmp_path / 'corpus.sqlite3'}"
    records = [IncidentRecord(id=f"r{i}", text=f"# Incident {i}\n\n## Root cause\n\nQueue {i} overflowed the disk.\n")
               for i in range(5)]

    class FailingEmbedder(HashingEmbedder):
        calls = 0

        def encode(self, texts):
            FailingEmbedder.calls += 1
            if FailingEmbedder.calls == 2:
                raise KeyboardInterrupt  # the user pressed Ctrl-C during the second batch
            return super().encode(texts)

    corpus = Corpus.open(url, embedder=FailingEmbedder(), classifier=KeywordCategoryClassifier())
    with pytest.raises(KeyboardInterrupt):
        corpus.import_records(records, batch_size=2)
    corpus.close()

    reopened = open_corpus(url)
    assert reopened.count() == 2  # the first batch, whole; nothing of the second
    for name in ("root_cause", "summary", "text"):
        ids, matrix = reopened.store.vectors(name, reopened.embedder.name)
        assert ids == ["r0", "r1"] and matrix.shape[0] == 2
    report = reopened.import_records(records, batch_size=2)
    assert report.unchanged == ["r0", "r1"] and report.imported == ["r2", "r3", "r4"]
    assert reopened.count() == 5


def test_extract_reads_root_cause_summary_resolution_action_items_and_metrics():
    incident, prose = extract(record_from_markdown(INCIDENTS["inc-a1"], "a1.md"))
    assert incident.id == "inc-a1" and incident.category == "expiry" and incident.category_source == "given"
    assert "renewal job" in incident.root_cause and "Reverted" in incident.resolution
    assert incident.summary.startswith("Edge proxies served")
    assert [a.done for a in incident.action_items] == [False, True]
    assert incident.metrics["time_to_resolve_minutes"] == 90
    assert incident.services == ["edge"] and incident.severity == "SEV-2"
    assert "renewal job" in prose


def test_a_one_paragraph_record_uses_its_text_for_every_field():
    record = IncidentRecord(id="short-1", text="The certificate on the load balancer expired at midnight.")
    incident, prose = extract(record)
    assert incident.root_cause == "" and incident.summary.startswith("The certificate")
    assert prose.startswith("The certificate")


def test_list_pages_filters_and_counts(corpus):
    page = corpus.list(offset=0, limit=2)
    assert page.total == len(INCIDENTS) and len(page.items) == 2
    assert [i.date for i in page.items] == sorted([i.date for i in page.items], reverse=True)
    assert page.items[0].text is None  # list views leave the text out
    assert {i.id for i in corpus.list(IncidentFilters(service="api")).items} == {"inc-b1", "inc-c1"}
    assert corpus.list(IncidentFilters(severity="SEV-1")).total == 2
    assert corpus.list(IncidentFilters(severity="1")).total == 2
    dated = corpus.list(IncidentFilters(since=date(2020, 1, 1), until=date(2020, 12, 31)))
    assert {i.id for i in dated.items} == {"inc-a2", "inc-b2", "inc-c1"}
    with pytest.raises(CorpusError):
        corpus.list(limit=0)


def test_similar_finds_the_certificate_incidents_with_reasons(corpus):
    matches = corpus.similar("The TLS certificate on the load balancer expired overnight.", k=3)
    assert {m.incident.id for m in matches} == {"inc-a1", "inc-a2", "inc-a3"}
    assert all(0 < m.score <= 1 for m in matches)
    assert matches == sorted(matches, key=lambda m: -m.score)
    assert any("certificate" in m.reason.shared_terms for m in matches)
    assert all(m.reason.sections for m in matches)


def test_similar_by_id_leaves_the_incident_itself_out_and_applies_filters(corpus):
    matches = corpus.similar(incident_id="inc-a1", k=5)
    assert "inc-a1" not in {m.incident.id for m in matches}
    assert matches[0].incident.id in {"inc-a2", "inc-a3"}
    only_payments = corpus.similar(incident_id="inc-a1", k=5, filters=IncidentFilters(service="payments"))
    assert [m.incident.id for m in only_payments] == ["inc-a2"]
    with pytest.raises(CorpusError):
        corpus.similar(incident_id="no-such-incident")
    with pytest.raises(CorpusError):
        corpus.similar("text", k=0)


def test_not_similar_feedback_is_remembered_across_reopening(folder, tmp_path):
    url = f"sqlite:///{tmp_path / 'feedback.sqlite3'}"
    first = open_corpus(url)
    first.import_paths([folder])
    assert "inc-a2" in {m.incident.id for m in first.similar(incident_id="inc-a1", k=3)}
    first.feedback("inc-a1", "inc-a2")
    first.close()
    second = open_corpus(url)
    assert "inc-a2" not in {m.incident.id for m in second.similar(incident_id="inc-a1", k=5)}
    assert "inc-a1" not in {m.incident.id for m in second.similar(incident_id="inc-a2", k=5)}  # both orders
    with pytest.raises(CorpusError):
        second.feedback("inc-a1", "inc-a1")


def test_delete_removes_the_incident_from_search(corpus):
    assert corpus.delete("inc-a3") is True
    assert corpus.delete("inc-a3") is False
    assert corpus.get("inc-a3") is None
    assert "inc-a3" not in {m.incident.id for m in corpus.similar("certificate expired", k=5)}


def test_root_causes_groups_recurring_causes_with_dates_and_open_action_items(corpus):
    groups = corpus.root_causes()
    expiry = next(g for g in groups if g.category == "expiry")
    assert expiry.count == 3 and expiry.incident_ids == ["inc-a1", "inc-a2", "inc-a3"]
    assert (expiry.first_date, expiry.last_date) == (date(2019, 3, 4), date(2021, 1, 20))
    assert expiry.label.startswith("expiry") and "certificate" in expiry.label
    open_items = [a.text for a in expiry.open_action_items]
    assert "Renew the certificate" not in " ".join(open_items)  # done items are not open
    assert any("inventory" in text for text in open_items)
    assert all(g.count >= 2 for g in groups)
    assert all(g.category != "database" for g in groups)  # one incident is not a recurrence
    recent = corpus.root_causes(since=date(2020, 1, 1))
    assert next(g for g in recent if g.category == "expiry").count == 2


def test_trends_per_month(corpus):
    points = {p.month: p for p in corpus.trends()}
    assert points["2020-09"].incidents == 1 and points["2020-09"].severity_counts == {"SEV-1": 1}
    assert points["2020-09"].mean_time_to_resolve_minutes == 60
    assert points["2019-03"].impact_minutes == 90
    assert list(points) == sorted(points)


def test_recurrence_counts_earlier_incidents_with_the_same_root_cause(corpus):
    draft = postmortem("draft-1", "Certificate expired on the API", "2022-05-01",
                       root_cause="The TLS certificate of the public API expired because its renewal failed.")
    recurrence = corpus.recurrence(draft)
    assert recurrence.category == "expiry"
    assert recurrence.count == 3 and recurrence.earlier_incident_ids == ["inc-a1", "inc-a2", "inc-a3"]
    assert recurrence.message.startswith("3 earlier incidents share this root cause")
    early = postmortem("draft-0", "Certificate expired", "2020-01-01",
                       root_cause="The TLS certificate of the public API expired because its renewal failed.")
    assert corpus.recurrence(early).earlier_incident_ids == ["inc-a1"]  # only what came before it


def test_ensure_seeded_imports_only_into_an_empty_store(folder):
    corpus = open_corpus()
    report = corpus.ensure_seeded(folder)
    assert report is not None and len(report.imported) == len(INCIDENTS)
    assert corpus.ensure_seeded(folder) is None
    assert corpus.count() == len(INCIDENTS)


def test_a_folders_readme_is_skipped_with_a_reason_but_imported_when_named(folder):
    (folder / "README.md").write_text("# Our postmortems\n\nOne file per incident; see the template.\n", encoding="utf-8")
    corpus = open_corpus()
    report = corpus.import_paths([folder])
    assert sorted(report.imported) == sorted(INCIDENTS)
    assert [Path(s.source).name for s in report.skipped] == ["README.md"]
    assert "not a postmortem" in report.skipped[0].reason
    named = corpus.import_paths([folder / "README.md"])
    assert len(named.imported) == 1 and corpus.count() == len(INCIDENTS) + 1


def test_the_shipped_example_corpus_seeds_only_postmortems():
    shipped = Path(__file__).resolve().parents[1] / "data" / "incidents"
    corpus = open_corpus()
    report = corpus.ensure_seeded(shipped)
    assert report is not None and len(report.imported) == len(list(shipped.glob("inc-*.md")))
    assert all(i.startswith("inc-") for i in corpus.store.ids(None))


def test_a_bad_database_url_is_a_clear_error():
    with pytest.raises(CorpusError, match="not a database URL"):
        Corpus.open("not a url", embedder=HashingEmbedder())


def test_vector_index_matches_a_brute_force_scan_after_upserts_and_removes():
    rng = np.random.default_rng(3)
    index = VectorIndex(8)
    vectors = {f"v{i}": rng.standard_normal(8).astype(np.float32) for i in range(50)}
    for v in vectors.values():
        v /= np.linalg.norm(v)
    ids = list(vectors)
    index.upsert(ids[:30], np.vstack([vectors[i] for i in ids[:30]]))
    index.upsert(ids[20:], np.vstack([vectors[i] for i in ids[20:]]))
    for removed in ("v3", "v49", "v0"):
        index.remove(removed)
        del vectors[removed]
    query = rng.standard_normal(8).astype(np.float32)
    expected = sorted(vectors, key=lambda i: -float(vectors[i] @ query))[:7]
    assert [i for i, _ in index.search(query, 7)] == expected
    assert len(index) == 47


def test_bm25_ranks_the_document_with_the_rare_shared_words_first():
    index = LexicalIndex()
    index.upsert({"a": "the certificate expired on the proxy", "b": "the database failover failed",
                  "c": "the proxy restarted after the config push"})
    scores = index.scores("certificates expired")
    assert index.ids[int(np.argmax(scores))] == "a"
    assert index.scores("nothing matches").max() == 0


def _bm25_by_hand(docs: dict[str, str], query: str, k1: float = 1.2, b: float = 0.75) -> dict[str, float]:
    """Okapi BM25 written out plainly, to hold the incremental index to."""
    import math
    from collections import Counter

    from reviewer.corpus.index import terms

    counted = {i: Counter(terms(text)) for i, text in docs.items()}
    n = len(docs)
    average = sum(sum(c.values()) for c in counted.values()) / n or 1.0
    out = {}
    for i, counts in counted.items():
        length, total = sum(counts.values()), 0.0
        for term in dict.fromkeys(terms(query)):
            tf = counts.get(term, 0)
            if tf:
                df = sum(1 for c in counted.values() if term in c)
                idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
                total += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average))
        out[i] = total
    return out


def test_bm25_stays_exact_through_imports_changes_removals_and_compactions():
    import math
    import random

    words = ("certificate expired renewal proxy database failover replica pool dns record zone cache deploy "
             "rollback config flag region queue consumer disk logs retry backoff kernel patch").split()
    rng = random.Random(7)
    index, docs = LexicalIndex(), {}
    index.MAX_CHUNKS = 3  # compact often
    for step in range(60):
        action = rng.random()
        if action < 0.6 or not docs:  # an import of a few documents, some of them already there
            batch = {f"d{rng.randrange(40)}": " ".join(rng.choices(words, k=rng.randint(3, 30))) for _ in range(3)}
            index.upsert(batch)
            docs.update(batch)
        else:
            gone = rng.choice(sorted(docs))
            index.remove(gone)
            del docs[gone]
        query = " ".join(rng.sample(words, 3))
        expected = _bm25_by_hand(docs, query)
        got = dict(zip(index.ids, index.scores(query).tolist()))
        assert sorted(got) == sorted(docs), step
        assert all(abs(got[i] - expected[i]) < 1e-4 for i in docs), step
        df = sum(1 for text in docs.values() if "certificate" in text.split())
        assert abs(index.idf("certificate") - (math.log(1 + (len(docs) - df + 0.5) / (df + 0.5)) if df else 0.0)) < 1e-9


def test_a_new_embedding_model_re_embeds_the_store_and_keeps_the_imported_fields(tmp_path):
    url = f"sqlite:///{tmp_path / 'models.sqlite3'}"
    first = Corpus.open(url, embedder=HashingEmbedder(256), classifier=KeywordCategoryClassifier())
    first.import_records([IncidentRecord(id="j1", title="Given title", date=date(2021, 5, 6), services=["billing"],
                                         text="The invoice job ran out of disk space on the worker.")])
    first.close()
    second = Corpus.open(url, embedder=HashingEmbedder(128), classifier=KeywordCategoryClassifier())
    assert [m.incident.id for m in second.similar("disk space ran out", k=1)] == ["j1"]
    ids, matrix = second.store.vectors("text", "hashing-128")
    assert ids == ["j1"] and matrix.shape == (1, 128)
    kept = second.get("j1")
    assert (kept.title, kept.date, kept.services) == ("Given title", date(2021, 5, 6), ["billing"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400), record_id=st.text(max_size=20))
def test_any_record_is_imported_or_skipped_with_a_reason_never_a_crash(text, record_id):
    corpus = open_corpus()
    report = corpus.import_records([IncidentRecord(id=record_id, text=text)])
    assert len(report.imported) + len(report.skipped) == 1
    assert all(s.reason for s in report.skipped)
    corpus.close()


def test_not_similar_feedback_for_a_draft_key_hides_that_incident_for_that_draft_only(corpus):
    text = "The TLS certificate on the load balancer expired overnight."
    assert "inc-a1" in {m.incident.id for m in corpus.similar(text, k=3, draft_key="draft:abc")}
    corpus.feedback("draft:abc", "inc-a1")
    assert "inc-a1" not in {m.incident.id for m in corpus.similar(text, k=5, draft_key="draft:abc")}
    assert "inc-a1" in {m.incident.id for m in corpus.similar(text, k=3, draft_key="draft:other")}


def test_without_the_classifier_model_the_corpus_still_imports_and_searches(tmp_path):
    from reviewer.corpus.categories import SkopsCategoryClassifier

    corpus = Corpus.open("sqlite://", embedder=HashingEmbedder(),
                         classifier=SkopsCategoryClassifier(tmp_path / "missing.skops"))
    report = corpus.import_records([IncidentRecord(id="n1", text="The disk filled up on the queue broker."),
                                    IncidentRecord(id="n2", text=INCIDENTS["inc-a1"])])
    assert sorted(report.imported) == ["n1", "n2"]
    assert corpus.get("n1").category is None and corpus.get("n2").category == "expiry"  # given in front matter
    assert [m.incident.id for m in corpus.similar("disk full on the broker", k=1)] == ["n1"]


@pytest.mark.eval
def test_real_postmortems_import_with_their_sections_read(eval_dir):
    """The real third-party postmortems (read at test time, never copied): none is skipped, each gets text to embed."""
    corpus = open_corpus()
    folder = eval_dir / "fulltext"
    files = sorted(folder.glob("*.md"))
    report = corpus.import_paths(files)
    assert not report.skipped, report.skipped
    assert len(report.imported) == len(files)
    incidents = corpus.store.all_incidents()
    assert all(i.summary or i.root_cause for i in incidents)
    assert sum(1 for i in incidents if i.root_cause) >= 5  # the documents with a root-cause / cause section
    assert all(corpus.similar(incident_id=i.id, k=3) for i in incidents[:5])


def test_a_stored_postmortem_given_as_text_is_not_similar_to_itself(corpus):
    matches = corpus.similar(INCIDENTS["inc-a1"], k=5)
    assert "inc-a1" not in {m.incident.id for m in matches}
    assert "inc-a1" not in corpus.recurrence(INCIDENTS["inc-a1"]).earlier_incident_ids


def test_a_draft_with_an_odd_front_matter_id_can_still_be_compared(corpus):
    draft = "---\nid: INC 42 / draft?\n---\n# Draft\n\n## Root cause\n\nThe certificate expired.\n"
    assert corpus.similar(draft, k=2)


def test_two_processes_on_one_store_see_each_others_imports_and_deletes(folder, tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    first, second = open_corpus(url), open_corpus(url)
    try:
        check_shared_store(first, second, folder)
    finally:
        first.close()
        second.close()


def test_term_counts_follow_every_change():
    from reviewer.corpus.index import TermCounts

    counts = TermCounts({"a": "The certificate expired.", "b": "A certificate chain broke twice, certificate again."})
    assert counts.document_frequency()["certificate"] == 2  # once per text, however often it occurs
    counts.update({"c": "The DNS record was deleted."})
    assert counts.document_frequency()["record"] == 1 and len(counts) == 3
    counts.pop("a")
    assert counts.document_frequency()["certificate"] == 1 and counts.get("a") is None
    counts.update({"b": "Nothing about it now."})
    assert counts.document_frequency()["certificate"] == 0


def test_a_process_further_behind_than_the_change_log_loads_everything_again(folder, tmp_path):
    url = f"sqlite:///{tmp_path / 'pruned.sqlite3'}"
    first, second = open_corpus(url), open_corpus(url)
    try:
        first.store.KEEP_CHANGES, first.store.PRUNE_EVERY = 2, 1  # keep only the last two changes
        assert second.similar("certificate expired", k=3) == []  # loaded while the store was empty
        first.import_paths([folder])
        assert second.store.changed_since(0) is None  # the log no longer reaches back to what it has
        found = {m.incident.id for m in second.similar("certificate expired", k=len(INCIDENTS))}
        assert found == set(INCIDENTS)
        first.delete("inc-a1")  # and from there on it follows the log again
        assert "inc-a1" not in {m.incident.id for m in second.similar("certificate expired", k=len(INCIDENTS))}
    finally:
        first.close()
        second.close()


def test_similar_and_recurrence_of_one_draft_read_it_once(corpus, monkeypatch):
    import reviewer.corpus.service as service

    calls = []
    real = service.extract
    monkeypatch.setattr(service, "extract", lambda record: calls.append(record.id) or real(record))
    draft = postmortem("draft-7", "Certificate expired on the API", "2022-05-01",
                       root_cause="The TLS certificate of the public API expired because its renewal failed.")
    first = corpus.similar(draft, k=3)
    assert corpus.recurrence(draft).count == 3
    assert [m.incident.id for m in corpus.similar(draft, k=3)] == [m.incident.id for m in first]
    assert calls == ["draft-7"]
    corpus.similar(draft + "\nOne more line.\n", k=3)  # another text is read on its own
    assert calls == ["draft-7", "draft-7"]
