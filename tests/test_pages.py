"""The reviewers' web pages through FastAPI's TestClient: each page, highlights, escaping, errors.

One app per module: the session's spaCy pipeline, a throw-away SQLite store holding the
small incidents of tests/corpus_fixtures.py (our own words), and the hashing embedder (the
pages are tested here, not the embeddings). Expected spans, scores and similar incidents are
read from the JSON API for the same text, so the pages are checked against the service, not
against numbers written down here.
"""

from __future__ import annotations

import contextlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from api.app import create_app
from api.pages import service as page_service
from api.pages.highlight import cut
from api.settings import Settings
from reviewer.corpus.embeddings import HashingEmbedder
from reviewer.corpus.extract import record_from_markdown
from reviewer.corpus.service import Corpus
from tests.corpus_fixtures import INCIDENTS

# Our own draft: a placeholder, a blameful sentence, a vague time, markup that must stay text.
DRAFT = """---
title: Search proxy certificate expired
date: 2024-05-02
severity: SEV-2
owner: "@lena"
services: [search]
---
# Search returned errors after the proxy certificate expired <script>alert("x")</script>

## Summary

For 50 minutes on 2 May 2024, 30% of search queries failed because the TLS certificate on the search proxy expired.

## Timeline (UTC)

| Time | Event |
|---|---|
| 09:00 | The certificate on the search proxy expires; errors start. |
| 09:10 | The error-rate alert pages @lena. |
| 09:50 | A renewed certificate is installed and errors stop. |

## Root cause

Dave forgot to renew the certificate on the search proxy, which was careless. The renewal reminder went to a mailbox nobody reads.

## Resolution

The proxies were reloaded around 11 with the renewed certificate.

## Action items

- TBD
"""

LIMITS = dict(max_document_chars=20_000, max_k=10, seed_corpus=False)


def make_app(analyzer, database: Path, **settings):
    def corpus_factory() -> Corpus:
        corpus = Corpus.open(f"sqlite:///{database}", embedder=HashingEmbedder())
        if corpus.count() == 0:
            corpus.import_records([record_from_markdown(text, f"{name}.md") for name, text in INCIDENTS.items()])
        return corpus

    return create_app(Settings(**{**LIMITS, **settings}), analyzer=analyzer, corpus_factory=corpus_factory)


@contextlib.contextmanager
def running(app):
    with TestClient(app) as client:
        client.headers["Origin"] = "http://testserver"  # as a browser posts the service's own forms (CSRF check)
        assert app.state.service.wait_started(120), "start-up did not finish"
        assert app.state.service.ready, app.state.service.corpus_error or app.state.service.models_error
        yield client


@pytest.fixture(scope="module")
def client(analyzer, tmp_path_factory):
    app = make_app(analyzer, tmp_path_factory.mktemp("pages") / "corpus.sqlite3")
    with running(app) as started:
        yield started


@pytest.fixture()
def token(client):
    settings = client.app.state.service.settings
    settings.api_token = "page-token-123"
    yield "page-token-123"
    settings.api_token = None


@pytest.fixture(scope="module")
def api_review(client):
    """The JSON review of DRAFT under the draft key the page derives (same similar incidents)."""
    key = page_service.draft_key_for(DRAFT, None)
    response = client.post("/v1/reviews", json={"text": DRAFT, "filename": "search.md", "draft_key": key})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def review_page(client):
    response = client.post("/review", data={"text": DRAFT, "filename": "search.md"})
    assert response.status_code == 200, response.text
    return response.text


def esc(text: str) -> str:
    """As the templates escape it (Jinja2 autoescape)."""
    return str(escape(text))


# -- reading the page back -------------------------------------------------------------------
class DocReader(HTMLParser):
    """Reads `<pre class="doc">` back: its text, where each `h-N` anchor sits, which ranges are highlighted."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.text: list[str] = []
        self.position = 0
        self.anchors: dict[int, int] = {}
        self.highlights: list[tuple[int, int, int, str]] = []  # (start, end, finding, title)
        self._open: tuple[int, int, str] | None = None
        self.pins: dict[int, int] = {}
        self._in_pin = False  # a pin's number is not part of the document's text

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "pre" and "doc" in (attrs.get("class") or "").split():
            self.inside = True
            return
        if not self.inside:
            return
        ident = attrs.get("id") or ""
        if ident.startswith("h-"):
            self.anchors[int(ident[2:])] = self.position
        classes = (attrs.get("class") or "").split()
        if tag == "a" and "hl" in classes:
            self._open = (self.position, int(attrs["data-finding"]), attrs.get("title") or "")
        if tag == "a" and "pin" in classes:
            self.pins[int(attrs["data-finding"])] = self.position
            self._in_pin = True

    def handle_endtag(self, tag):
        if tag == "pre" and self.inside:
            self.inside = False
        if tag == "a" and self._open is not None:
            start, finding, title = self._open
            self.highlights.append((start, self.position, finding, title))
            self._open = None
        if tag == "a" and self._in_pin:
            self._in_pin = False

    def handle_data(self, data):
        if self.inside and not self._in_pin:
            self.text.append(data)
            self.position += len(data)


def read_doc(page: str) -> DocReader:
    reader = DocReader()
    reader.feed(page)
    return reader


def finding_entry(page: str, number: int) -> str:
    match = re.search(rf'<li id="f-{number}"(.*?)</li>', page, re.S)
    assert match, f"no list entry for finding {number}"
    return match.group(1)


# -- the highlighter alone -------------------------------------------------------------------
class _Span:
    def __init__(self, start: int, end: int, severity: str = "warning") -> None:
        self.start, self.end, self.severity = start, end, severity


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60), st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70),
                                                 st.sampled_from(["error", "warning", "suggestion"])), max_size=8))
def test_cut_gives_back_the_text_and_exact_coverage(text, raw_spans):
    spans = [_Span(a, b, s) for a, b, s in raw_spans]
    pieces = cut(text, spans)
    assert "".join(p.text for p in pieces) == text
    length = len(text)
    clamped = [(max(0, min(s.start, length)), max(max(0, min(s.start, length)), min(s.end, length))) for s in spans]
    for piece in pieces:
        if piece.text:
            expected = {n for n, (a, b) in enumerate(clamped, 1) if a <= piece.start and piece.end <= b and a < b}
            assert set(piece.covering) == expected
            if piece.covering:  # links to the most specific (shortest) span
                widths = [clamped[n - 1][1] - clamped[n - 1][0] for n in piece.covering]
                assert widths[0] == min(widths)
    for number, (a, b) in enumerate(clamped, 1):
        if a == b:
            assert any(number in p.pins and p.start == a for p in pieces)
        else:
            assert [p.start for p in pieces if number in p.anchors] == [a]


def test_cut_overlapping_spans():
    text = "Dave forgot to renew the certificate."
    pieces = cut(text, [_Span(0, 36, "warning"), _Span(5, 11, "error"), _Span(0, 0, "error")])
    assert [(p.text, p.covering) for p in pieces if p.text] == [
        ("Dave ", [1]), ("forgot", [2, 1]), (" to renew the certificate", [1]), (".", [])]
    assert pieces[0].pins == [3]


# -- pages -----------------------------------------------------------------------------------
def test_home_page_has_the_form(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<form class="review-form" method="post" action="/review"' in page.text
    assert '<label for="text">' in page.text and 'id="text" name="text"' in page.text
    assert '<label for="filename">' in page.text and '<label for="upload">' in page.text


def test_review_page_shows_the_exact_text_with_highlights_on_the_flagged_spans(review_page, api_review):
    doc = read_doc(review_page)
    assert "".join(doc.text) == DRAFT  # every character, escaped and unescaped back, nothing added
    findings = api_review["findings"]
    assert findings, "the draft was written with problems; the review found none"
    covered = [False] * len(DRAFT)
    for start, end, _, _ in doc.highlights:
        for i in range(start, end):
            covered[i] = True
    for number, finding in enumerate(findings, 1):
        if finding["end"] > finding["start"]:
            assert doc.anchors[number] == finding["start"], finding
            assert all(covered[finding["start"]:finding["end"]]), f"{finding['code']} span not highlighted"
            # Every highlighted piece inside the span names the finding's code in its tooltip.
            inside = [h for h in doc.highlights if finding["start"] <= h[0] and h[1] <= finding["end"]]
            assert inside and all(finding["code"] in h[3] for h in inside)
        else:
            assert doc.pins[number] == finding["start"]


def test_placeholder_is_highlighted_exactly(review_page, api_review):
    doc = read_doc(review_page)
    placeholders = [f for f in api_review["findings"] if f["code"] == "PM103"]
    assert placeholders, "the TBD placeholder was not flagged"
    start, end = placeholders[0]["start"], placeholders[0]["end"]
    assert DRAFT[start:end] == "TBD"
    pieces = [h for h in doc.highlights if start <= h[0] and h[1] <= end]
    assert "".join(DRAFT[a:b] for a, b, _, _ in pieces) == "TBD"


def test_review_page_escapes_the_document(review_page):
    assert '<script>alert("x")</script>' not in review_page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in review_page or \
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in review_page


def test_filename_and_messages_are_escaped(client):
    page = client.post("/review", data={"text": "# <b>Draft</b>\n\nSome text TBD.\n", "filename": "<i>x</i>.md"})
    assert page.status_code == 200
    assert "<i>x</i>" not in page.text and "&lt;i&gt;x&lt;/i&gt;.md" in page.text
    assert "<b>Draft</b>" not in page.text


def test_findings_list_links_each_finding_to_its_rule_with_points(review_page, api_review):
    for number, finding in enumerate(api_review["findings"], 1):
        entry = finding_entry(review_page, number)
        assert f'href="/rules/{finding["code"]}"' in entry
        assert esc(finding["message"]) in entry
        assert finding["severity"] in entry
        if finding["points"]:
            assert f"−{finding['points']:g} {finding['dimension']}" in entry
        for rewrite in finding["replacements"][:3]:
            assert esc(rewrite) in entry


def test_scores_match_the_api(review_page, api_review):
    overall = re.search(r'<span class="score-value">([\d.]+)</span>', review_page).group(1)
    assert float(overall) == round(api_review["scores"]["overall"])
    for dimension, value in api_review["scores"]["dimensions"].items():
        row = re.search(rf"<th scope=\"row\">{dimension}</th>(.*?)</tr>", review_page, re.S).group(1)
        assert f"{value:.0f}" in row
        lost = sum(f["points"] for f in api_review["findings"] if f["dimension"] == dimension)
        assert (f"−{round(lost, 2):g}" in row) if lost else ("<td>0</td>" in row)


def test_facts_are_shown(review_page, api_review):
    facts = api_review["facts"]
    assert "Extracted facts" in review_page
    zone = (facts.get("time_zone") or {}).get("zone")
    if zone:
        assert f"<dd>{zone}</dd>" in review_page
    minutes = (facts.get("durations") or {}).get("time_to_detect")
    if minutes is not None:
        assert page_service.minutes(minutes) in review_page


def test_similar_incidents_with_reasons_and_not_similar_buttons(review_page, api_review):
    similar = api_review["similar"]
    assert similar, "the corpus holds certificate incidents; none was similar"
    section = review_page[review_page.index('id="similar"'):]
    for match in similar:
        incident = match["incident"]
        assert f'href="/incidents/{incident["id"]}"' in section
        assert f'name="other_id" value="{incident["id"]}"' in section
        for term in match["reason"]["shared_terms"]:
            assert f'<span class="chip term">{esc(term)}</span>' in section
    recurrence = api_review["recurrence"]
    if recurrence and recurrence["count"]:
        assert esc(recurrence["message"]) in review_page


def test_not_similar_on_a_draft_is_remembered(client, api_review):
    other = api_review["similar"][0]["incident"]["id"]
    key = page_service.draft_key_for(DRAFT, None)
    page = client.post("/review/not-similar", data={"text": DRAFT, "filename": "search.md", "draft_key": key,
                                                     "other_id": other})
    assert page.status_code == 200, page.text
    assert "will no longer be suggested" in page.text
    section = page.text[page.text.index('id="similar"'):]
    assert f'value="{other}"' not in section
    again = client.post("/v1/reviews", json={"text": DRAFT, "draft_key": key}).json()
    assert other not in [m["incident"]["id"] for m in again["similar"]]


def test_page_writes_need_the_token_when_one_is_set(client, token):
    incident_id = "inc-a1"
    similar = client.get(f"/v1/incidents/{incident_id}/similar").json()["items"]
    other = similar[-1]["incident"]["id"]
    page = client.get(f"/incidents/{incident_id}")
    assert 'name="token" type="password"' in page.text  # the form asks for it
    refused = client.post(f"/incidents/{incident_id}/not-similar", data={"other_id": other})
    assert refused.status_code == 403 and "API token" in refused.text
    wrong = client.post(f"/incidents/{incident_id}/not-similar", data={"other_id": other, "token": "nope"})
    assert wrong.status_code == 403 and esc("not the service's token") in wrong.text
    still = [m["incident"]["id"] for m in client.get(f"/v1/incidents/{incident_id}/similar").json()["items"]]
    assert other in still  # nothing was written
    done = client.post(f"/incidents/{incident_id}/not-similar", data={"other_id": other, "token": token},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith(f"/incidents/{incident_id}?marked=")
    assert token not in done.headers["location"]


def test_draft_feedback_without_the_token_keeps_the_review(client, token, api_review):
    other = api_review["similar"][-1]["incident"]["id"]
    form = {"text": DRAFT, "filename": "search.md", "other_id": other}
    refused = client.post("/review/not-similar", data=form)
    assert refused.status_code == 403 and "(403)" in refused.text and "API token" in refused.text
    assert "".join(read_doc(refused.text).text) == DRAFT  # the review is still there, with the reason
    assert 'name="token" type="password"' in refused.text


def test_feedback_on_an_unknown_incident_is_a_404_page(client):
    page = client.post("/review/not-similar", data={"text": DRAFT, "other_id": "no-such-incident"})
    assert is_html_error(page, 404) and "no-such-incident" in page.text


def test_incident_page_review_similar_and_feedback(client):
    # inc-a2 has two neighbours (the other certificate expiries); the token test marks inc-a1/inc-a3 only.
    incident_id = "inc-a2"
    page = client.get(f"/incidents/{incident_id}")
    assert page.status_code == 200
    stored = client.get(f"/v1/incidents/{incident_id}").json()
    assert stored["title"] and esc(stored["title"]) in page.text
    doc = read_doc(page.text)
    assert "".join(doc.text) == stored["text"]
    similar = client.get(f"/v1/incidents/{incident_id}/similar").json()["items"]
    assert similar
    other = similar[0]["incident"]["id"]
    assert f'name="other_id" value="{other}"' in page.text
    moved = client.post(f"/incidents/{incident_id}/not-similar", data={"other_id": other})
    assert moved.status_code == 200 and moved.url.path == f"/incidents/{incident_id}"  # after the 303
    assert "will no longer be suggested" in moved.text
    section = moved.text[moved.text.index('id="similar"'):]
    assert f'value="{other}"' not in section


def test_incident_list_filters_and_text_search(client):
    everything = client.get("/incidents")
    assert everything.status_code == 200
    for incident_id in INCIDENTS:
        assert f'href="/incidents/{incident_id}"' in everything.text
    by_service = client.get("/incidents", params={"service": "edge"}).text
    api = client.get("/v1/incidents", params={"service": "edge"}).json()
    shown = set(re.findall(r'href="/incidents/(inc-[a-z0-9]+)"', by_service))
    assert shown == {i["id"] for i in api["items"]} and shown
    by_dates = client.get("/incidents", params={"since": "2020-01-01", "until": "2020-12-31"}).text
    api = client.get("/v1/incidents", params={"since": "2020-01-01", "until": "2020-12-31"}).json()
    assert set(re.findall(r'href="/incidents/(inc-[a-z0-9]+)"', by_dates)) == {i["id"] for i in api["items"]}
    by_severity = client.get("/incidents", params={"severity": "SEV-1"}).text
    api = client.get("/v1/incidents", params={"severity": "SEV-1"}).json()
    assert set(re.findall(r'href="/incidents/(inc-[a-z0-9]+)"', by_severity)) == {i["id"] for i in api["items"]}
    by_category = client.get("/incidents", params={"category": "dns"}).text
    api = client.get("/v1/incidents", params={"category": "dns"}).json()
    assert set(re.findall(r'href="/incidents/(inc-[a-z0-9]+)"', by_category)) == {i["id"] for i in api["items"]}
    assert api["items"], "two incidents were given the dns category"
    assert "<option selected>dns</option>" in by_category
    search = client.get("/incidents", params={"text": "nameservers of our DNS zone stopped answering"}).text
    ids = re.findall(r'href="/incidents/(inc-[a-z0-9]+)"', search)
    expected = client.post("/v1/similar", json={"text": "nameservers of our DNS zone stopped answering", "k": 10}).json()
    assert ids == [m["incident"]["id"] for m in expected["items"]]
    assert "closest in meaning first" in search


def test_incident_list_bad_filters_are_explained_not_fatal(client):
    page = client.get("/incidents", params={"since": "yesterday", "page": "zero", "category": "gremlins"})
    assert page.status_code == 200
    assert "is not a date" in page.text and "page must be a whole number" in page.text
    assert "is not a root-cause category" in page.text


def test_incident_list_pages(client, monkeypatch):
    monkeypatch.setattr(page_service, "PAGE_SIZE", 4)
    first = client.get("/incidents").text
    second = client.get("/incidents", params={"page": 2}).text
    first_ids = re.findall(r'href="/incidents/(inc-[a-z0-9]+)"', first)
    second_ids = re.findall(r'href="/incidents/(inc-[a-z0-9]+)"', second)
    assert len(first_ids) == 4 and set(first_ids).isdisjoint(second_ids)
    assert set(first_ids) | set(second_ids) == set(INCIDENTS)
    assert 'href="/incidents?page=2" rel="next"' in first and 'rel="prev"' in second


def test_causes_page(client):
    page = client.get("/causes")
    assert page.status_code == 200
    groups = client.get("/v1/root-causes").json()["items"]
    assert groups, "three certificate expiries should make a group"
    for group in groups:
        assert esc(group["label"]) in page.text
        assert f"{group['count']} incidents" in page.text
        for incident_id in group["incident_ids"]:
            assert f'href="/incidents/{incident_id}"' in page.text
        for item in group["open_action_items"]:
            assert esc(item["text"]) in page.text
        if group["first_date"]:
            assert f"First {group['first_date']}" in page.text


def test_trends_page(client):
    page = client.get("/trends")
    assert page.status_code == 200
    points = client.get("/v1/trends").json()["items"]
    assert points
    for point in points:
        assert f'<th scope="row">{point["month"]}</th><td>{point["incidents"]}</td>' in page.text
    assert page.text.count("<svg") == 3
    # One bar part per (month, severity colour) in the first chart: as many as the months' incidents add up to.
    first_chart = page.text[page.text.index("<svg"):page.text.index("</svg>")]
    bar_titles = re.findall(r"<title>(\d{4}-\d{2}): ([\d.]+)", first_chart)
    assert sum(float(n) for _, n in bar_titles) == sum(p["incidents"] for p in points)


def test_trends_and_causes_filters(client):
    page = client.get("/trends", params={"severity": "SEV-1"}).text
    assert 'name="severity" type="text" value="SEV-1"' in page
    points = client.get("/v1/trends", params={"severity": "SEV-1"}).json()["items"]
    assert points and set(re.findall(r'<th scope="row">(\d{4}-\d{2})</th>', page)) == {p["month"] for p in points}
    causes = client.get("/causes", params={"since": "2020-01-01", "min_count": "2"}).text
    groups = client.get("/v1/root-causes", params={"since": "2020-01-01", "min_count": 2}).json()["items"]
    shown = set(re.findall(r'href="/incidents/(inc-[a-z0-9]+)">', causes))
    assert shown == {i for g in groups for i in g["incident_ids"]}
    assert "min_count must be a whole number" in client.get("/causes", params={"min_count": "lots"}).text


def test_rule_pages(client):
    index = client.get("/rules")
    assert index.status_code == 200 and 'href="/rules/PM103"' in index.text
    page = client.get("/rules/PM103")
    assert page.status_code == 200
    assert "<h2>What it does</h2>" in page.text and "<h2>Use instead</h2>" in page.text
    detail = client.get("/v1/rules/PM103").json()
    assert esc(detail["summary"]) in page.text


# -- errors ----------------------------------------------------------------------------------
def is_html_error(response, status: int) -> bool:
    return (response.status_code == status and response.headers["content-type"].startswith("text/html")
            and f"({status})" in response.text and "Traceback" not in response.text)


def test_unknown_incident_and_rule_are_404_pages(client):
    assert is_html_error(client.get("/incidents/no-such-incident"), 404)
    assert "no-such-incident" in client.get("/incidents/no-such-incident").text
    assert is_html_error(client.get("/rules/PM999"), 404)
    escaped = client.get("/incidents/<script>x</script>")
    assert is_html_error(escaped, 404) and "<script>x</script>" not in escaped.text


def test_review_url_without_a_form_leads_to_the_form(client):
    response = client.get("/review", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_empty_document_is_a_422_page(client):
    page = client.post("/review", data={"text": "   \n"})
    assert is_html_error(page, 422) and "empty" in page.text
    assert is_html_error(client.post("/review", data={}), 422)


def test_too_long_document_is_a_413_page(client):
    page = client.post("/review", data={"text": "# Long\n\n" + "word " * 5000})
    assert is_html_error(page, 413) and "20,000" in page.text


def test_uploaded_file_is_reviewed_and_bad_bytes_are_explained(client):
    page = client.post("/review", data={"text": ""}, files={"upload": ("pm.md", DRAFT.encode(), "text/markdown")})
    assert page.status_code == 200 and "pm.md" in page.text
    assert "".join(read_doc(page.text).text) == DRAFT
    bad = client.post("/review", data={"text": ""}, files={"upload": ("pm.md", b"\xff\xfe\x00bad", "text/markdown")})
    assert is_html_error(bad, 422) and "not UTF-8" in bad.text


def test_pages_while_models_load_are_503_pages(analyzer, tmp_path):
    app = make_app(analyzer, tmp_path / "never.sqlite3")
    client = TestClient(app, headers={"Origin": "http://testserver"})  # no lifespan: nothing is loaded
    review = client.post("/review", data={"text": DRAFT})
    assert is_html_error(review, 503) and "Retry-After" in review.headers and "loading" in review.text
    assert "Dave forgot to renew the certificate on the search proxy" in review.text  # the form keeps the text
    listing = client.get("/incidents")
    assert is_html_error(listing, 503) and 'http-equiv="refresh"' in listing.text
    home = client.get("/")
    assert home.status_code == 200 and "still loading" in home.text


def test_protect_reads_turns_the_pages_off(client):
    settings = client.app.state.service.settings
    settings.protect_reads = True
    try:
        page = client.get("/incidents")
        assert is_html_error(page, 403) and "protect_reads" in page.text
    finally:
        settings.protect_reads = False
