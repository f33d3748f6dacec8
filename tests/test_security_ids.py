"""Incident ids with empty, "." or ".." segments are refused (one validator, reviewer.corpus.types.id_problem)
on import through the corpus, the CLI and the API alike: browsers, curl and proxies rewrite such
segments, so the incident could never be reached at its own URL."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.settings import Settings
from reviewer.corpus.embeddings import HashingEmbedder
from reviewer.corpus.service import Corpus
from reviewer.corpus.types import IncidentRecord, id_problem

BAD_IDS = ["team/../secret", "a/./b", "x/..", "..", ".", "a//b", "a/", "x/.", "./a", "a/../../etc"]
GOOD_IDS = ["team/2024/db-1", "a.b", "a..b", "v1.2/x", "inc-7:ab", "a/.hidden", "a/b.", "x/...", "a" * 128]
TEXT = "# Cache outage\n\n## Summary\n\nThe cache nodes ran out of memory during the nightly batch job.\n"


@pytest.mark.parametrize("value", BAD_IDS)
def test_the_validator_refuses_dot_and_empty_segments(value):
    problem = id_problem(value)
    assert problem is not None and "segment" in problem and value not in problem.replace("'.' or '..'", "")


@pytest.mark.parametrize("value", GOOD_IDS)
def test_the_validator_keeps_ordinary_ids(value):
    assert id_problem(value) is None


def test_the_validator_refuses_other_bad_ids_naming_the_rule():
    for value, rule in (("", "required"), ("a" * 129, "at most 128"), ("/a", "segment"), ("-a", "start"), ("a b", "only"),
                        (None, "required"), ("<b>", "start")):
        assert rule in id_problem(value)


def test_the_corpus_skips_them():
    corpus = Corpus.open("sqlite://", embedder=HashingEmbedder())
    try:
        report = corpus.import_records([IncidentRecord(id=value, text=TEXT) for value in BAD_IDS])
        assert len(report.skipped) == len(BAD_IDS) and corpus.count() == 0
        assert all("segment" in skipped.reason for skipped in report.skipped)
        assert corpus.import_record(IncidentRecord(id="team/2024/db-1", text=TEXT)).imported == ["team/2024/db-1"]
    finally:
        corpus.close()


@pytest.fixture(scope="module")
def client(analyzer, tmp_path_factory):
    database = tmp_path_factory.mktemp("ids") / "corpus.sqlite3"
    app = create_app(Settings(seed_corpus=False), analyzer=analyzer,
                     corpus_factory=lambda: Corpus.open(f"sqlite:///{database}", embedder=HashingEmbedder()))
    with TestClient(app) as started:
        assert app.state.service.wait_started(120) and app.state.service.corpus_ready.wait(120)
        yield started


@pytest.mark.parametrize("value", BAD_IDS)
def test_the_api_refuses_them_as_json_as_markdown_and_as_a_query_id(client, value):
    answers = [
        client.post("/v1/incidents", json={"id": value, "text": TEXT}),
        client.post("/v1/incidents", content=f"---\nid: {value}\n---\n{TEXT}".encode(),
                    headers={"Content-Type": "text/markdown"}),
        client.post("/v1/incidents", params={"id": value}, content=TEXT.encode(),
                    headers={"Content-Type": "text/markdown"}),
    ]
    for response in answers:
        assert response.status_code == 422, response.text[:300]
        assert "segment" in response.json()["errors"][0]["reason"]
    assert client.get("/v1/incidents").json()["total"] == 0


def test_the_api_stores_an_id_with_slashes_and_reaches_it_at_its_url(client):
    created = client.post("/v1/incidents", json={"id": "team/2024/db-1", "text": TEXT})
    assert created.status_code == 201
    assert client.get("/v1/incidents/team/2024/db-1").json()["id"] == "team/2024/db-1"
    assert client.delete("/v1/incidents/team/2024/db-1").status_code == 204


def test_the_cli_refuses_them_from_markdown_and_jsonl(tmp_path, monkeypatch):
    from reviewer.cli import app

    monkeypatch.setenv("PMREVIEW_EMBEDDING_MODEL", "hashing-256")
    monkeypatch.setenv("PMREVIEW_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    (tmp_path / "one.md").write_text(f"---\nid: team/../secret\n---\n{TEXT}", encoding="utf-8")
    (tmp_path / "many.jsonl").write_text("\n".join(json.dumps({"id": value, "text": TEXT}) for value in BAD_IDS),
                                         encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(tmp_path / "one.md"), str(tmp_path / "many.jsonl"),
                                      "--format", "json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["imported"] == [] and len(report["skipped"]) == len(BAD_IDS) + 1
    assert all("segment" in skipped["reason"] for skipped in report["skipped"])


BAD_DRAFT_KEYS = ["draft:a/../b", "draft:a/./b", "draft:a//b", "draft:a/", "draft:a/..", "draft:x/.", "draft:"]
GOOD_DRAFT_KEYS = ["draft:3f2a9c", "draft:team/2024/db", "draft:a/.hidden", "draft:a/...", "draft:..x/y",
                   "draft:" + "a" * 120]


@pytest.mark.parametrize("value", BAD_DRAFT_KEYS + ["draft:" + "a" * 121])
def test_a_draft_key_with_dot_or_empty_segments_is_refused_by_the_review_and_similar_endpoints(client, value):
    # A draft key is the {id} of /v1/incidents/{id}/feedback: the same segments would be rewritten away.
    from api.incidents.schemas import is_draft_key

    assert not is_draft_key(value)
    for path in ("/v1/reviews", "/v1/similar"):
        response = client.post(path, json={"text": TEXT, "draft_key": value})
        assert response.status_code == 422, (path, response.text[:300])
        assert value not in response.text


@pytest.mark.parametrize("value", GOOD_DRAFT_KEYS)
def test_ordinary_draft_keys_are_kept(value):
    from api.incidents.schemas import is_draft_key

    assert is_draft_key(value)
