"""The OpenAPI document says what this service, as configured, does: the maxima it enforces, the
operations that need the token, every method of a path (OPTIONS and 405 too); a short
schemathesis run holds the service to it."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.test_pages import make_app

# Not the defaults (20 and 100), so that a schema that ignored the settings would show.
LIMITS = dict(max_k=7, max_page_size=30, max_document_chars=20_000, max_body_bytes=64_000)


def make(analyzer, database, **extra):
    """The pages' test service (the fixture incidents, no seed corpus) with these limits."""
    return make_app(analyzer, database, **{**LIMITS, **extra})


@pytest.fixture(scope="module")
def app(analyzer, tmp_path_factory):
    app = make(analyzer, tmp_path_factory.mktemp("openapi") / "corpus.sqlite3")
    with TestClient(app):
        assert app.state.service.wait_started(120) and app.state.service.ready
        yield app


@pytest.fixture()
def client(app):
    return TestClient(app)


def maximum(schema: dict) -> int:
    if "maximum" in schema:
        return schema["maximum"]
    return next(part["maximum"] for part in schema["anyOf"] if "maximum" in part)


def query_parameter(document: dict, path: str, name: str) -> dict:
    return next(p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name)["schema"]


def test_the_document_states_the_configured_maxima(client):
    document = client.get("/openapi.json").json()
    assert maximum(query_parameter(document, "/v1/incidents", "limit")) == LIMITS["max_page_size"]
    assert maximum(query_parameter(document, "/v1/incidents/{incident_id}/similar", "k")) == LIMITS["max_k"]
    for model in ("SimilarRequest", "ReviewRequest"):
        assert maximum(document["components"]["schemas"][model]["properties"]["k"]) == LIMITS["max_k"]


def test_other_settings_give_other_maxima(analyzer, tmp_path):
    document = make(analyzer, tmp_path / "c.sqlite3", max_k=4, default_k=4, max_page_size=12).openapi()
    assert maximum(query_parameter(document, "/v1/incidents", "limit")) == 12
    assert maximum(document["components"]["schemas"]["SimilarRequest"]["properties"]["k"]) == 4


def test_the_stated_maxima_are_accepted_and_one_more_is_refused(client):
    document = client.get("/openapi.json").json()
    limit = maximum(query_parameter(document, "/v1/incidents", "limit"))
    k = maximum(query_parameter(document, "/v1/incidents/{incident_id}/similar", "k"))
    body_k = maximum(document["components"]["schemas"]["SimilarRequest"]["properties"]["k"])
    review_k = maximum(document["components"]["schemas"]["ReviewRequest"]["properties"]["k"])
    text = "The certificate on the edge proxies expired."
    accepted = [client.get("/v1/incidents", params={"limit": limit}),
                client.get("/v1/incidents/inc-a1/similar", params={"k": k}),
                client.post("/v1/similar", json={"text": text, "k": body_k}),
                client.post("/v1/reviews", json={"text": "# T\n\n" + text, "k": review_k})]
    for response in accepted:
        assert response.status_code == 200, response.text[:300]
    refused = {"query.limit": client.get("/v1/incidents", params={"limit": limit + 1}),
               "query.k": client.get("/v1/incidents/inc-a1/similar", params={"k": k + 1}),
               "body.k": client.post("/v1/similar", json={"text": text, "k": body_k + 1})}
    for field, response in refused.items():
        assert response.status_code == 422, response.text[:300]
        assert response.json()["errors"][0]["field"] == field
        assert str(limit if field == "query.limit" else k) in response.json()["errors"][0]["reason"]
    assert client.post("/v1/reviews", json={"text": "# T\n\n" + text, "k": review_k + 1}).status_code == 422


def security_of(document: dict, path: str, method: str) -> list:
    return document["paths"][path][method].get("security", [])


@pytest.mark.parametrize("token,protect_reads", [(None, False), ("t0k", False), ("t0k", True)])
def test_security_is_declared_as_configured(analyzer, tmp_path, token, protect_reads):
    document = make(analyzer, tmp_path / "c.sqlite3", api_token=token, protect_reads=protect_reads).openapi()
    writes = [("/v1/incidents", "post"), ("/v1/incidents/{incident_id}", "delete"),
              ("/v1/incidents/{incident_id}/feedback", "post")]
    reads = [("/v1/incidents", "get"), ("/v1/reviews", "post"), ("/v2/check", "post"), ("/v1/rules", "get"),
             ("/v1/similar", "post"), ("/v1/trends", "get")]
    required, optional = [{"HTTPBearer": []}], [{}, {"HTTPBearer": []}]
    for path, method in writes:
        assert security_of(document, path, method) == (required if token else [])
    for path, method in reads:
        expected = (required if protect_reads else optional) if token else []
        assert security_of(document, path, method) == expected, (path, method)
    assert security_of(document, "/healthz", "get") == []
    assert ("HTTPBearer" in document["components"].get("securitySchemes", {})) == bool(token)


def test_reads_without_a_token_are_answered_as_declared(analyzer, tmp_path):
    app = make(analyzer, tmp_path / "c.sqlite3", api_token="t0k")
    with TestClient(app) as client:
        assert app.state.service.wait_started(120)
        assert client.get("/v1/rules").status_code == 200  # optional: declared [{}, bearer]
        assert client.delete("/v1/incidents/inc-a1").status_code == 401  # required


@pytest.mark.parametrize("path,methods", [
    ("/v1/incidents/inc-a1", {"GET", "DELETE"}),
    ("/v1/incidents", {"GET", "POST"}),
    ("/v1/similar", {"POST"}),
    ("/v2/check", {"GET", "POST"}),
])
def test_options_and_405_list_every_method_of_the_path(client, path, methods):
    options = client.options(path)
    assert options.status_code == 204
    allowed = {m.strip() for m in options.headers["allow"].split(",")}
    assert allowed == methods | {"OPTIONS"}
    refused = client.put(path, json={})
    assert refused.status_code == 405
    assert {m.strip() for m in refused.headers["allow"].split(",")} == allowed


def test_a_short_schemathesis_run_finds_no_server_error_and_no_schema_violation(app):
    """A few generated requests per operation (positive and negative), derandomized: seconds, not minutes."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        # Invalid requests only for operations with a body: generating invalid path parameters costs
        # seconds per operation and tests/test_api_schema.py covers them.
        modes = [(GenerationMode.POSITIVE, 2)] + ([(GenerationMode.NEGATIVE, 1)] if operation.body else [])
        for mode, examples in modes:
            @hypothesis_settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                                 suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def call(case):
                response = case.call()
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
                if mode is GenerationMode.POSITIVE and response.status_code == 422:
                    # A request the document allows is not refused for a maximum the document did not state.
                    fields = {e.get("field") for e in response.json().get("errors", [])}
                    assert not fields & {"query.k", "query.limit", "body.k"}, (case.path, response.text[:300])

            try:
                call()
            except Exception as exc:  # noqa: BLE001 - collect every operation's failure
                if type(exc).__name__ == "Unsatisfiable":
                    continue  # no invalid request to make for an operation without parameters
                failures.append(f"{operation.label} ({mode.value}): {type(exc).__name__}: {str(exc)[:800]}")
    assert not failures, "\n\n".join(failures)
