"""Store errors tell a client nothing about the database, and records a store cannot hold are
refused before the write, naming the field and its limit (never the value), the same on every
store. SQLite here; tests/test_corpus_postgres.py runs the same cases on PostgreSQL.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.settings import Settings
from reviewer.corpus.categories import KeywordCategoryClassifier
from reviewer.corpus.embeddings import HashingEmbedder
from reviewer.corpus.errors import StoreRefused, StoreUnavailable
from reviewer.corpus.service import Corpus
from reviewer.corpus.types import FIELD_LIMITS, IncidentRecord
from tests.corpus_fixtures import postmortem

# Values no answer may repeat: each is long and recognisable.
LONG_SERVICE = "svc" + "q" * 300
LONG_SEVERITY = "SEV-" + "z" * 100
LONG_OWNER = "@" + "o" * 300
LONG_TAG = "tag" + "t" * 150


def _front(extra: str, id: str = "inc-long-1") -> str:
    return (f"---\nid: {id}\ntitle: A field longer than the store holds\ndate: 2024-01-02\n{extra}\n---\n"
            "# A field longer than the store holds\n\n## Summary\n\nThe cache nodes ran out of memory during "
            "the nightly batch and evicted sessions.\n\n## Root cause\n\nThe batch job doubled its working set.\n")


# (front matter line, the field the answer must name, the limit it must state, the value it must not echo)
OVERLONG = [
    (f"services: [api, {LONG_SERVICE}]", "services", FIELD_LIMITS["service"], LONG_SERVICE),
    (f"severity: {LONG_SEVERITY}", "severity", FIELD_LIMITS["severity"], LONG_SEVERITY),
    (f'owner: "{LONG_OWNER}"', "owner", FIELD_LIMITS["owner"], LONG_OWNER),
    (f"tags: [ok, {LONG_TAG}]", "tags", FIELD_LIMITS["tag"], LONG_TAG),
    ("services: [" + ", ".join(f"s{i}" for i in range(FIELD_LIMITS["services"] + 1)) + "]", "services",
     FIELD_LIMITS["services"], "s100"),
]
OVERLONG_IDS = [case[1] + ("-items" if case[3] == "s100" else "") for case in OVERLONG]


def open_corpus(url: str) -> Corpus:
    return Corpus.open(url, embedder=HashingEmbedder(), classifier=KeywordCategoryClassifier())


def skipped_reason(corpus: Corpus, text: str) -> tuple[str | None, str]:
    """Import one Markdown postmortem; (field, reason) of its refusal."""
    from reviewer.corpus.extract import record_from_markdown

    report = corpus.import_record(record_from_markdown(text, "test"))
    assert report.imported == [] and len(report.skipped) == 1, report
    return report.skipped[0].field, report.skipped[0].reason


def assert_names_field_not_value(field: str | None, reason: str, expected_field: str, limit: int,
                                 value: str) -> None:
    assert field == expected_field
    assert expected_field in reason and f"{limit:,}".replace(",", "") in reason.replace(",", "")
    assert value not in reason


@pytest.mark.parametrize("line,field,limit,value", OVERLONG, ids=OVERLONG_IDS)
def test_an_overlong_front_matter_field_is_refused_before_the_write_on_sqlite(line, field, limit, value):
    corpus = open_corpus("sqlite://")
    try:
        got_field, reason = skipped_reason(corpus, _front(line))
        assert_names_field_not_value(got_field, reason, field, limit, value)
        assert corpus.count() == 0
    finally:
        corpus.close()


def test_a_field_at_its_limit_is_stored():
    corpus = open_corpus("sqlite://")
    try:
        at_limit = "s" * FIELD_LIMITS["service"]
        from reviewer.corpus.extract import record_from_markdown

        report = corpus.import_record(record_from_markdown(_front(f"services: [{at_limit}]"), "test"))
        assert report.imported == ["inc-long-1"]
        assert corpus.get("inc-long-1").services == [at_limit]
    finally:
        corpus.close()


def test_nul_and_lone_surrogates_are_refused_on_every_store():
    """PostgreSQL cannot hold a NUL character in text; SQLite can: refused on both, before the write."""
    corpus = open_corpus("sqlite://")
    try:
        for text, field in (("# T\n\nThe cache\x00 failed on the primary node.", "text"),
                            ("# T\n\nThe cache failed on the primary node.", "owner")):
            record = IncidentRecord(id="inc-nul", text=text, owner="ab\ud800" if field == "owner" else None)
            report = corpus.import_record(record)
            assert report.skipped and report.skipped[0].field == field, report
        assert corpus.count() == 0
    finally:
        corpus.close()


def test_a_store_error_names_no_url_password_or_sql():
    """The database's own error (which quotes SQL and parameters) becomes fixed words; the cause is chained."""
    from sqlalchemy.exc import DataError, OperationalError

    from reviewer.corpus.store import _guarded

    secret = "postgresql+psycopg://pm:hunter2-secret@db.internal:5432/pm"

    @_guarded
    def fails(kind):
        raise kind("INSERT INTO incident_services (service) VALUES (%(s)s)", {"s": "x" * 300},
                   Exception(f"value too long; {secret}"))

    with pytest.raises(StoreRefused) as refused:
        fails(DataError)
    with pytest.raises(StoreUnavailable) as down:
        fails(OperationalError)
    for error in (refused.value, down.value):
        text = str(error)
        assert "hunter2" not in text and "postgresql" not in text and "INSERT" not in text and "xxxx" not in text
        assert error.__cause__ is not None  # the detail is kept for the log


# -- through the API -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def api(analyzer, tmp_path_factory):
    database = tmp_path_factory.mktemp("security") / "corpus.sqlite3"
    app = create_app(Settings(seed_corpus=False), analyzer=analyzer,
                     corpus_factory=lambda: open_corpus(f"sqlite:///{database}"))
    with TestClient(app) as client:
        state = app.state.service
        assert state.wait_started(120) and state.corpus_ready.wait(120)
        yield client


def assert_safe(response, *secrets: str) -> None:
    for secret in (*secrets, "Traceback", "INSERT ", "SELECT ", "[SQL", "parameters", "sqlite://",
                   "postgresql"):
        assert secret not in response.text, (secret, response.text[:500])


@pytest.mark.parametrize("line,field,limit,value", OVERLONG, ids=OVERLONG_IDS)
def test_api_import_of_an_overlong_field_is_422_naming_the_field(api, line, field, limit, value):
    response = api.post("/v1/incidents", content=_front(line).encode(), headers={"Content-Type": "text/markdown"})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["errors"][0]["loc"] == ["body", field]
    assert str(limit) in body["errors"][0]["reason"].replace(",", "")
    assert_safe(response, value)


def test_api_store_down_is_503_with_retry_after_and_a_request_id(api, monkeypatch, caplog):
    """A database that fails mid-request: fixed words, the request id, Retry-After; the detail goes to the log."""
    from sqlalchemy.exc import OperationalError

    corpus = api.app.state.service.corpus
    secret = "postgresql+psycopg://pm:hunter2-secret@db.internal/pm"

    def down(*_args, **_kwargs):
        raise OperationalError("SELECT incidents.id FROM incidents", {"id": "x"}, Exception(f"refused {secret}"))

    from reviewer.corpus.store import _guarded

    monkeypatch.setattr(corpus.store, "list", _guarded(down))
    monkeypatch.setattr(corpus.store, "write", _guarded(down))
    with caplog.at_level("ERROR", logger="pmreview.api"):
        listed = api.get("/v1/incidents")
        created = api.post("/v1/incidents", json={"id": "inc-down-1", "text": _front("severity: SEV-3", "inc-down-1")})
    for response in (listed, created):
        assert response.status_code == 503, response.text
        assert int(response.headers["Retry-After"]) > 0
        assert response.json()["request_id"] == response.headers["X-Request-Id"]
        assert_safe(response, "hunter2", "db.internal")
        # The detail is in the server log, under the same request id.
        logged = [r for r in caplog.records if getattr(r, "fields", {}).get("request_id") == response.json()["request_id"]]
        assert logged and logged[0].exc_info and "SELECT incidents.id" in str(logged[0].exc_info[1])


# -- through the CLI -------------------------------------------------------------------------

def test_cli_import_names_the_field_not_the_value(tmp_path, monkeypatch):
    from reviewer.cli import app

    monkeypatch.setenv("PMREVIEW_EMBEDDING_MODEL", "hashing-256")
    monkeypatch.setenv("PMREVIEW_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    (tmp_path / "long.md").write_text(_front(f"services: [{LONG_SERVICE}]"), encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(tmp_path / "long.md"), "--format", "json"])
    assert result.exit_code == 2
    skipped = json.loads(result.stdout)["skipped"]
    assert skipped[0]["field"] == "services" and LONG_SERVICE not in result.output


def test_cli_import_to_an_unreachable_database_names_no_password(tmp_path, monkeypatch):
    pytest.importorskip("psycopg")
    import socket

    from reviewer.cli import app

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("PMREVIEW_EMBEDDING_MODEL", "hashing-256")
    (tmp_path / "one.md").write_text(_front("severity: SEV-3"), encoding="utf-8")
    url = f"postgresql+psycopg://pm:hunter2-secret@127.0.0.1:{port}/pm?connect_timeout=3"
    result = CliRunner().invoke(app, ["import", str(tmp_path / "one.md"), "--db", url])
    assert result.exit_code == 2
    assert "not reachable" in result.output
    for secret in ("hunter2", "postgresql", str(port), "Traceback"):
        assert secret not in result.output


def test_a_database_down_at_start_up_is_503_and_readyz_names_no_password(analyzer):
    pytest.importorskip("psycopg")
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql+psycopg://pm:hunter2-secret@127.0.0.1:{port}/pm?connect_timeout=3"
    app = create_app(Settings(seed_corpus=False), analyzer=analyzer, corpus_factory=lambda: open_corpus(url))
    with TestClient(app) as client:
        assert app.state.service.wait_started(120)
        written = client.post("/v1/incidents", json={"id": "inc-1", "text": _front("severity: SEV-3")})
        listed = client.get("/v1/incidents")
        ready = client.get("/readyz")
        for response in (written, listed):
            assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
        assert ready.status_code == 503
        for response in (written, listed, ready):
            assert_safe(response, "hunter2", str(port))
