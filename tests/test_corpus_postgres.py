"""The corpus on PostgreSQL, the store for several service replicas: the same answers as on
SQLite, and replicas that see each other's imports and deletes.

A throw-away server per module (tests/postgres.py); these tests skip, saying why, where
PostgreSQL or psycopg is not installed (`make test` installs both).
"""

from __future__ import annotations

import json
import threading
import uuid
from datetime import date

import pytest

from reviewer.corpus.categories import KeywordCategoryClassifier
from reviewer.corpus.embeddings import HashingEmbedder
from reviewer.corpus.service import Corpus
from reviewer.corpus.types import IncidentFilters
from tests.corpus_fixtures import INCIDENTS, check_shared_store, postmortem, write_incidents
from tests.postgres import new_database, temporary_postgres, unavailable_reason

pytestmark = pytest.mark.skipif(unavailable_reason() is not None, reason=unavailable_reason() or "")


def open_corpus(url: str) -> Corpus:
    return Corpus.open(url, embedder=HashingEmbedder(), classifier=KeywordCategoryClassifier())


@pytest.fixture(scope="module")
def server():
    with temporary_postgres() as url:
        yield url


@pytest.fixture()
def database(server) -> str:
    return new_database(server, f"pm_{uuid.uuid4().hex[:12]}")


@pytest.fixture()
def folder(tmp_path):
    return write_incidents(tmp_path)


def answers(corpus: Corpus) -> dict:
    """What users see of a corpus: pages, filters, search, groups, trends, recurrence."""
    def ids(page):
        return [i.id for i in page.items]

    draft = postmortem("draft-1", "Certificate expired on the API", "2022-05-01",
                       root_cause="The TLS certificate of the public API expired because its renewal failed.")
    return {
        "count": corpus.count(),
        "page": ids(corpus.list(offset=1, limit=3)),
        "api": ids(corpus.list(IncidentFilters(service="api"))),
        "sev1": ids(corpus.list(IncidentFilters(severity="SEV-1"))),
        "2020": ids(corpus.list(IncidentFilters(since=date(2020, 1, 1), until=date(2020, 12, 31)))),
        "similar": [(m.incident.id, round(m.score, 4)) for m in corpus.similar("the TLS certificate expired", k=4)],
        "similar_to": [m.incident.id for m in corpus.similar(incident_id="inc-a1", k=4)],
        "one": {**json.loads(json.dumps(corpus.get("inc-c1").to_dict(), default=str)), "updated_at": None},
        "updated_at_zone": corpus.get("inc-c1").updated_at.utcoffset(),
        "causes": [(g.category, g.incident_ids) for g in corpus.root_causes()],
        "trends": [json.loads(json.dumps(p.to_dict(), default=str)) for p in corpus.trends()],
        "recurrence": corpus.recurrence(draft).earlier_incident_ids,
    }


def test_postgres_gives_the_same_answers_as_sqlite(database, folder):
    on_postgres, on_sqlite = open_corpus(database), open_corpus("sqlite://")
    try:
        for corpus in (on_postgres, on_sqlite):
            assert sorted(corpus.import_paths([folder]).imported) == sorted(INCIDENTS)
            corpus.feedback("inc-a1", "inc-a2")
            assert corpus.delete("inc-b2") is True
        assert answers(on_postgres) == answers(on_sqlite)
        assert on_postgres.import_paths([folder]).updated == []  # idempotent by id there too
    finally:
        on_postgres.close()
        on_sqlite.close()


def test_replicas_see_each_others_imports_and_deletes(database, folder):
    first, second = open_corpus(database), open_corpus(database)
    try:
        check_shared_store(first, second, folder)
    finally:
        first.close()
        second.close()


def test_replicas_seeding_an_empty_store_at_once_import_each_incident_once(database, folder):
    """Two replicas start together on a new database and both seed it: no conflict, no duplicate."""
    replicas = [open_corpus(database) for _ in range(2)]
    errors: list[BaseException] = []

    def seed(corpus: Corpus) -> None:
        try:
            corpus.import_paths([folder])
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=seed, args=(corpus,)) for corpus in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    try:
        assert errors == []
        assert all(corpus.count() == len(INCIDENTS) for corpus in replicas)
        for corpus in replicas:
            found = [m.incident.id for m in corpus.similar("certificate expired", k=len(INCIDENTS))]
            assert len(found) == len(set(found))
    finally:
        for corpus in replicas:
            corpus.close()


def test_two_service_replicas_on_one_database_share_imports(database, analyzer):
    """Two services (as on two machines) against one PostgreSQL database: an incident imported
    through one is found by the other's similar search and listed by both."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    def replica():
        return create_app(Settings(), analyzer=analyzer,
                          corpus_factory=lambda: Corpus.open(database, embedder=HashingEmbedder()))

    text = postmortem("inc-pg-1", "Ledger writes failed after a certificate expired", "2025-02-02",
                      category="expiry", root_cause="The client certificate of the ledger database expired.")
    with TestClient(replica()) as first, TestClient(replica()) as second:
        for client in (first, second):
            state = client.app.state.service
            assert state.wait_started(120) and state.corpus_ready.wait(120) and state.seeded.wait(120)
        seeded = first.get("/v1/incidents", params={"limit": 1}).json()["total"]
        assert second.get("/v1/incidents", params={"limit": 1}).json()["total"] == seeded  # seeded once
        created = first.post("/v1/incidents", json={"text": text})
        assert created.status_code in (200, 201), created.text
        found = second.post("/v1/similar", json={"text": "the ledger database certificate expired", "k": 3}).json()
        assert "inc-pg-1" in [match["incident"]["id"] for match in found["items"]]
        assert second.delete("/v1/incidents/inc-pg-1").status_code in (200, 204)
        assert first.get("/v1/incidents/inc-pg-1").status_code == 404
        again = first.post("/v1/similar", json={"text": "the ledger database certificate expired", "k": 3}).json()
        assert "inc-pg-1" not in [match["incident"]["id"] for match in again["items"]]


def test_replicas_opening_a_new_database_at_once_all_open_it(server):
    """Creating the tables is serialised: no replica fails because another one is creating them."""
    from reviewer.corpus.store import open_store

    for attempt in range(3):
        url = new_database(server, f"pm_open_{attempt}_{uuid.uuid4().hex[:8]}")
        start = threading.Barrier(4)
        errors: list[BaseException] = []

        def open_it() -> None:
            start.wait(30)
            try:
                open_store(url).close()
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
