"""JSON nesting is bounded on every path that parses JSON: past the limit a 422 naming the field,
never a 500 or a RecursionError; JSON under the limit goes on to the endpoint's own checks."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.problems import MAX_JSON_DEPTH, json_depth
from api.settings import Settings
from reviewer.corpus.embeddings import HashingEmbedder
from reviewer.corpus.service import Corpus


@pytest.fixture(scope="module")
def client(analyzer, tmp_path_factory):
    database = tmp_path_factory.mktemp("json") / "corpus.sqlite3"
    app = create_app(Settings(seed_corpus=False), analyzer=analyzer,
                     corpus_factory=lambda: Corpus.open(f"sqlite:///{database}", embedder=HashingEmbedder()))
    with TestClient(app) as started:
        state = app.state.service
        assert state.wait_started(120) and state.corpus_ready.wait(120)
        yield started


def json_operations(app) -> list[tuple[str, str]]:
    """(method, path) of every operation whose body is JSON, from the app's own OpenAPI document."""
    found = []
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            content = (operation.get("requestBody") or {}).get("content", {})
            if any(media.endswith("json") for media in content):
                found.append((method.upper(), path.replace("{incident_id}", "inc-json-1")))
    return found


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


def test_every_json_operation_is_found(client):
    paths = {path for _, path in json_operations(client.app)}
    assert {"/v1/incidents", "/v1/reviews", "/v1/similar"} <= paths


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1_000, 100_000])
@pytest.mark.parametrize("content_type", ["application/json", None])
def test_deep_json_is_422_on_every_json_operation(client, depth, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    for method, path in json_operations(client.app):
        for body in (nested(depth), '{"text": ' + nested(depth) + "}"):
            response = client.request(method, path, content=body.encode(), headers=headers)
            assert response.status_code == 422, (method, path, response.status_code, response.text[:300])
            error = response.json()["errors"][0]
            assert error["type"] == "json_too_deep" and str(MAX_JSON_DEPTH) in error["reason"]


def test_json_under_the_limit_reaches_the_endpoints_own_checks(client):
    """Nesting at the limit is not refused for its depth: the endpoint answers about its fields."""
    for method, path in json_operations(client.app):
        body = '{"text": "x", "nested": ' + nested(MAX_JSON_DEPTH - 1) + "}"
        response = client.request(method, path, content=body.encode(), headers={"Content-Type": "application/json"})
        assert response.status_code < 500, (path, response.text[:300])
        assert "json_too_deep" not in response.text


def test_brackets_inside_strings_do_not_count(client):
    text = "# Outage\n\nThe parser choked on " + "[" * 5_000 + " in a log line from the gateway."
    response = client.post("/v1/reviews", json={"text": text})
    assert response.status_code == 200, response.text[:300]
    assert json_depth('{"a": "[[[[\\"[[", "b": [[1]]}') == 3


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5_000])
def test_languagetool_data_that_nests_too_deep_is_422(client, depth):
    data = '{"annotation": [{"text": "x"}], "deep": ' + nested(depth) + "}"
    response = client.post("/v2/check", data={"data": data, "language": "en-US"})
    # /v2/check answers as LanguageTool's server does: a 400 with the reason as plain text.
    assert response.status_code in (400, 422), response.text[:300]
    assert f"nested deeper than {MAX_JSON_DEPTH} levels" in response.text


def test_languagetool_data_under_the_limit_is_checked(client):
    data = '{"annotation": [{"text": "The deploy failed at some point yesterday."}]}'
    response = client.post("/v2/check", data={"data": data, "language": "en-US"})
    assert response.status_code == 200, response.text[:300]
