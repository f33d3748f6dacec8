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
from tests.test_security_store import OVERLONG, OVERLONG_IDS

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


# -- store errors tell a client nothing (issue 17) ---------------------------------------------

def _with_password(url: str) -> str:
    """The same database with a password in the URL (the test server trusts every local login)."""
    return url.replace("postgresql+psycopg://postgres@", "postgresql+psycopg://postgres:hunter2-pw@", 1)


@pytest.mark.parametrize("line,field,limit,value", OVERLONG, ids=OVERLONG_IDS)
def test_overlong_fields_give_the_same_refusal_as_on_sqlite(database, line, field, limit, value):
    from tests.test_security_store import _front, skipped_reason

    on_postgres, on_sqlite = open_corpus(database), open_corpus("sqlite://")
    try:
        refusals = [skipped_reason(corpus, _front(line)) for corpus in (on_postgres, on_sqlite)]
        assert refusals[0] == refusals[1] and refusals[0][0] == field and value not in refusals[0][1]
        assert on_postgres.count() == 0
    finally:
        on_postgres.close()
        on_sqlite.close()


def _app(database: str, analyzer):
    from api.app import create_app
    from api.settings import Settings

    return create_app(Settings(seed_corpus=False), analyzer=analyzer,
                      corpus_factory=lambda: open_corpus(database))


def _started(client) -> None:
    state = client.app.state.service
    assert state.wait_started(120) and state.corpus_ready.wait(120)


def test_api_answers_a_refused_write_without_password_url_or_sql(database, analyzer, monkeypatch):
    """Over-long fields are 422 naming the field; and should a value still reach PostgreSQL and be
    refused there (here: the check before the write switched off), the answer holds no URL,
    password, SQL or parameter, only fixed words and the request id."""
    from fastapi.testclient import TestClient

    from reviewer.corpus.types import FIELD_LIMITS
    from tests.test_security_store import LONG_SERVICE, LONG_SEVERITY, _front, assert_safe

    with TestClient(_app(_with_password(database), analyzer)) as client:
        _started(client)
        for line, field in ((f"services: [{LONG_SERVICE}]", "services"), (f"severity: {LONG_SEVERITY}", "severity")):
            response = client.post("/v1/incidents", content=_front(line).encode(),
                                   headers={"Content-Type": "text/markdown"})
            assert response.status_code == 422 and response.json()["errors"][0]["loc"] == ["body", field]
            assert_safe(response, "hunter2", "127.0.0.1", LONG_SERVICE, LONG_SEVERITY)
        monkeypatch.setitem(FIELD_LIMITS, "service", 100_000)  # let the value reach the database
        response = client.post("/v1/incidents", content=_front(f"services: [{LONG_SERVICE}]").encode(),
                               headers={"Content-Type": "text/markdown"})
        assert response.status_code == 422, response.text
        assert response.json()["request_id"] == response.headers["X-Request-Id"]
        assert_safe(response, "hunter2", "127.0.0.1", LONG_SERVICE, "incident_services", "psycopg")


def test_a_stopped_database_answers_503_with_retry_after(analyzer):
    """PostgreSQL stops under a running service: reads and writes answer 503 + Retry-After, saying nothing of it."""
    import contextlib

    from fastapi.testclient import TestClient

    from tests.test_security_store import _front, assert_safe

    server = temporary_postgres()
    url = _with_password(new_database(server.__enter__(), "pm_stopped"))
    with contextlib.ExitStack() as stack:
        try:
            client = stack.enter_context(TestClient(_app(url, analyzer)))
            _started(client)
            assert client.post("/v1/incidents", json={"text": _front("severity: SEV-3", "inc-up-1")}).status_code == 201
        finally:
            server.__exit__(None, None, None)  # stops the server
        listed = client.get("/v1/incidents")
        written = client.post("/v1/incidents", json={"text": _front("severity: SEV-3", "inc-up-2")})
        similar = client.post("/v1/similar", json={"text": "the cache nodes ran out of memory"})
        for response in (listed, written, similar):
            assert response.status_code == 503, response.text
            assert int(response.headers["Retry-After"]) > 0
            assert_safe(response, "hunter2", "127.0.0.1", "psycopg", "connection")
