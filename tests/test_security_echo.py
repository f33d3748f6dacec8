"""A refused request is answered naming the field and the rule it broke, never repeating the value
sent (api/README.md): each probe sends a recognisable marker where a value goes and the answer,
whatever its status, must not contain it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.test_pages import make_app

MARK = "<zq17-echo>"  # markup, so that an echo would also be an injection
LONG = MARK + "m" * 400


def _md(front: str) -> str:
    return f"---\n{front}\n---\n# Title\n\n## Summary\n\nThe cache failed during the nightly batch.\n"


PROBES = [
    ("POST", "/v1/incidents", {"json": {"id": MARK, "text": "# T\n\nThe cache failed."}}),
    ("POST", "/v1/incidents", {"json": {"id": "a/../" + MARK, "text": "# T\n\nThe cache failed."}}),
    ("POST", "/v1/incidents", {"json": {"id": "inc-e1", "text": "# T\n\nx", "date": MARK}}),
    ("POST", "/v1/incidents", {"json": {"id": "inc-e1", "text": "# T\n\nx", "started": MARK}}),
    ("POST", "/v1/incidents", {"json": {"id": "inc-e1", "text": "# T\n\nx", "services": [LONG]}}),
    ("POST", "/v1/incidents", {"json": {"id": "inc-e1", "text": "# T\n\nx", "severity": LONG}}),
    ("POST", "/v1/incidents", {"json": {"id": "inc-e1", "text": "# T\n\nx", MARK: 1}}),
    ("POST", "/v1/incidents", {"content": _md(f"id: {MARK}").encode(), "headers": {"Content-Type": "text/markdown"}}),
    ("POST", "/v1/incidents", {"content": _md(f"id: ok-1\ndate: {MARK}").encode(),
                               "headers": {"Content-Type": "text/markdown"}}),
    ("POST", "/v1/incidents", {"content": _md(f"id: ok-1\nseverity: {LONG}").encode(),
                               "headers": {"Content-Type": "text/markdown"}}),
    ("POST", "/v1/incidents?id=" + MARK, {"content": _md("title: x").encode(),
                                         "headers": {"Content-Type": "text/markdown"}}),
    ("POST", "/v1/incidents", {"content": MARK.encode(), "headers": {"Content-Type": "application/" + MARK}}),
    ("POST", "/v1/incidents", {"content": b'{"id": "' + MARK.encode() + b'", ', "headers": {"Content-Type": "application/json"}}),
    ("POST", "/v1/reviews", {"json": {"text": "# T\n\nx", "config": {"select": [MARK]}}}),
    ("POST", "/v1/reviews", {"json": {"text": "# T\n\nx", "config": {"severity": {MARK: "error"}}}}),
    ("POST", "/v1/reviews", {"json": {"text": "# T\n\nx", "config": {"severity": {"PM301": MARK}}}}),
    ("POST", "/v1/reviews", {"json": {"text": "# T\n\nx", "config": {MARK: 1}}}),
    ("POST", "/v1/reviews", {"json": {"text": "# T\n\nx", "config": {"rules": {MARK: {MARK: MARK}}}}}),
    ("POST", "/v1/reviews", {"json": {"text": "# T\n\nx", "format": MARK}}),
    ("POST", "/v1/reviews", {"json": {"text": "# T\n\nx", "draft_key": MARK}}),
    ("POST", "/v1/reviews", {"json": {"text": "# T\n\nx", MARK: True}}),
    ("POST", "/v1/similar", {"json": {"text": "cache", "draft_key": MARK}}),
    ("POST", "/v1/similar", {"json": {"text": "cache", "k": MARK}}),
    ("POST", "/v1/similar", {"json": {"text": "cache", "since": MARK}}),
    ("POST", "/v1/similar", {"json": {"text": "cache", "service": LONG}}),
    ("POST", "/v1/incidents/inc-a1/feedback", {"json": {"other_id": "inc-a2", "verdict": MARK}}),
    ("GET", "/v1/incidents", {"params": {"since": MARK}}),
    ("GET", "/v1/incidents", {"params": {"limit": MARK}}),
    ("GET", "/v1/incidents", {"params": {"severity": LONG}}),
    ("GET", "/v1/incidents/inc-a1/similar", {"params": {"k": MARK}}),
    ("GET", "/v1/root-causes", {"params": {"min_count": MARK}}),
    ("GET", "/v1/trends", {"params": {"until": MARK}}),
    ("POST", "/v2/check", {"data": {"text": "x", "language": MARK}}),
    ("POST", "/v2/check", {"data": {"data": MARK}}),
    ("POST", "/v2/check", {"data": {"data": '{"annotation": "' + MARK + '"}'}}),
    ("POST", "/v2/check", {"data": {"text": "x", "enabledOnly": MARK}}),
    ("GET", "/incidents", {"params": {"since": MARK, "page": MARK, "category": MARK}}),
    ("GET", "/causes", {"params": {"min_count": MARK}}),
    ("GET", "/trends", {"params": {"until": MARK}}),
    ("POST", "/review", {"data": {"text": ""}, "files": {"upload": (MARK + ".md", b"\xff\xfebad", "text/markdown")}}),
]


@pytest.fixture(scope="module")
def client(analyzer, tmp_path_factory):
    app = make_app(analyzer, tmp_path_factory.mktemp("echo") / "corpus.sqlite3")
    with TestClient(app, headers={"Origin": "http://testserver"}) as client:
        assert app.state.service.wait_started(120) and app.state.service.ready
        yield client


@pytest.mark.parametrize("method,path,extra", PROBES, ids=[f"{i}:{m} {p[:30]}" for i, (m, p, _) in enumerate(PROBES)])
def test_a_refused_value_is_not_echoed(client, method, path, extra):
    response = client.request(method, path, **extra)
    assert response.status_code < 500, (response.status_code, response.text[:300])
    assert "zq17-echo" not in response.text.lower(), response.text[:600]
    if response.headers["content-type"].startswith("application/json") and response.status_code == 422:
        body = response.json()
        assert body.get("errors"), body  # the field and its rule
        for error in body["errors"]:
            assert error["field"] and error["reason"]
