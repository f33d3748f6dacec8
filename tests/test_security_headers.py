"""Security headers on every answer, a strict CSP on pages, and page forms that refuse cross-site posts."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.pages import csrf
from tests.test_pages import make_app

COMMON = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin", "x-frame-options": "DENY"}


@pytest.fixture(scope="module")
def app(analyzer, tmp_path_factory):
    app = make_app(analyzer, tmp_path_factory.mktemp("headers") / "corpus.sqlite3")
    with TestClient(app):
        assert app.state.service.wait_started(120) and app.state.service.ready
        yield app


@pytest.fixture()
def fresh_client(analyzer, tmp_path):
    """A client of a service of its own: a test that marks incidents "not similar" changes no other
    test's similar lists (the ranking abstains, so the small fixture corpus has few neighbours)."""
    app = make_app(analyzer, tmp_path / "corpus.sqlite3")
    with TestClient(app):
        assert app.state.service.wait_started(120) and app.state.service.ready
        yield TestClient(app)


@pytest.fixture()
def client(app):
    """A fresh client per test (no cookies carried over), no Origin header unless a test sends one."""
    return TestClient(app)


def csp(response) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


ANSWERS = [
    ("GET", "/healthz", {}), ("GET", "/v1/incidents", {}), ("GET", "/v1/incidents/no-such", {}),
    ("GET", "/v1/rules", {}), ("POST", "/v1/reviews", {"json": {"text": ""}}),
    ("POST", "/v1/reviews", {"content": b"[" * 100, "headers": {"Content-Type": "application/json"}}),
    ("POST", "/v1/reviews", {"content": b"x" * 100, "headers": {"Content-Length": "99999999"}}),
    ("GET", "/metrics", {}), ("GET", "/openapi.json", {}), ("GET", "/static/pages.css", {}),
    ("GET", "/static/pages.js", {}), ("GET", "/", {}), ("GET", "/incidents", {}), ("GET", "/trends", {}),
    ("GET", "/incidents/no-such", {}), ("GET", "/docs", {}), ("GET", "/no/such/path", {}),
    ("DELETE", "/v1/rules", {}),
]


@pytest.mark.parametrize("method,path,extra", ANSWERS, ids=[f"{m} {p}" for m, p, _ in ANSWERS])
def test_every_answer_carries_the_security_headers(client, method, path, extra):
    response = client.request(method, path, **extra)
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    assert csp(response)["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("path", ["/", "/incidents", "/incidents/inc-a1", "/causes", "/trends", "/rules",
                                  "/rules/PM201", "/incidents/no-such"])
def test_pages_allow_only_their_own_scripts_and_styles(client, path):
    response = client.get(path)
    assert response.headers["content-type"].startswith("text/html")
    policy = csp(response)
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
    html = response.text
    # Nothing inline the policy would block: no <script> without src, no <style>, no style="" or on…="".
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_the_review_page_has_no_inline_style_either(client):
    page = client.post("/review", data={"text": "# Outage\n\n## Summary\n\nThe deploy failed at some point.\n"},
                       headers={"Origin": "http://testserver"})
    assert page.status_code == 200
    assert 'class="meter"' in page.text and not re.search(r"\sstyle=", page.text)
    assert csp(page)["script-src"] == "'self'"


# -- cross-site form posts -------------------------------------------------------------------

def similar_ids(client, incident_id: str) -> list[str]:
    return [m["incident"]["id"] for m in client.get(f"/v1/incidents/{incident_id}/similar").json()["items"]]


CROSS_SITE = [
    {"Origin": "https://attacker.example"},
    {"Origin": "null"},
    {"Origin": "http://testserver.attacker.example"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "https://attacker.example"},
    {"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:3000"},
    {"Sec-Fetch-Site": "cross-site"},  # even with the right Origin spoofed, the browser's own header wins
    {},  # neither header and no token
]


@pytest.mark.parametrize("headers", CROSS_SITE, ids=[str(h) for h in CROSS_SITE])
@pytest.mark.parametrize("with_token", [False, True])
def test_a_cross_site_not_similar_post_is_refused_and_changes_nothing(app, client, headers, with_token):
    settings = app.state.service.settings
    settings.api_token = "tok-17" if with_token else None
    try:
        incident_id = "inc-a1"
        other = similar_ids(client, incident_id)[-1]
        form = {"other_id": other, **({"token": "tok-17"} if with_token else {})}
        refused = client.post(f"/incidents/{incident_id}/not-similar", data=form, headers=headers,
                              follow_redirects=False)
        assert refused.status_code == 403, refused.text[:300]
        assert "another site" in refused.text or "token" in refused.text
        assert other in similar_ids(client, incident_id)  # nothing was written
        review = client.post("/review", data={"text": "# T\n\nThe deploy failed.\n"}, headers=headers)
        assert review.status_code == 403
    finally:
        settings.api_token = None


@pytest.mark.parametrize("headers", [{"Origin": "http://testserver"}, {"Sec-Fetch-Site": "same-origin"},
                                     {"Origin": "https://pmreview.example", "X-Forwarded-Host": "pmreview.example"},
                                     {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}])
def test_a_same_origin_post_is_obeyed(fresh_client, headers):
    client, incident_id = fresh_client, "inc-b1"
    other = similar_ids(client, incident_id)[0]
    done = client.post(f"/incidents/{incident_id}/not-similar", data={"other_id": other}, headers=headers,
                       follow_redirects=False)
    assert done.status_code == 303
    assert other not in similar_ids(client, incident_id)


def test_without_origin_headers_the_form_token_of_the_page_is_needed(fresh_client):
    """An old browser sends neither header: the hidden token of the page it came from (tied to the
    SameSite cookie the page set) lets it through; a token for another form, or another cookie's, does not."""
    client, incident_id = fresh_client, "inc-a2"
    page = client.get(f"/incidents/{incident_id}")
    cookie = page.cookies.get(csrf.COOKIE) or client.cookies.get(csrf.COOKIE)
    assert cookie and "samesite=strict" in page.headers["set-cookie"].lower()
    assert "httponly" in page.headers["set-cookie"].lower()
    token = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text).group(1)
    other = similar_ids(client, incident_id)[-1]
    action = f"/incidents/{incident_id}/not-similar"

    wrong_form = client.post(action, data={"other_id": other, "csrf": csrf.form_token(cookie, "/review")})
    assert wrong_form.status_code == 403
    stranger = TestClient(client.app)  # another browser: no cookie, the token copied from the page
    assert stranger.post(action, data={"other_id": other, "csrf": token}).status_code == 403
    assert other in similar_ids(client, incident_id)

    done = client.post(action, data={"other_id": other, "csrf": token}, follow_redirects=False)
    assert done.status_code == 303 and other not in similar_ids(client, incident_id)


def test_every_page_form_that_posts_carries_its_token(client):
    page = client.post("/review", data={"text": "# T\n\n## Summary\n\nThe cache failed at some point.\n"},
                       headers={"Origin": "http://testserver"})
    for html in (client.get("/").text, client.get("/incidents/inc-a1").text, page.text):
        forms = re.findall(r'<form[^>]*method="post"[^>]*>.*?</form>', html, re.DOTALL)
        assert forms
        for form in forms:
            assert 'name="csrf"' in form
