"""/v2/check as LanguageTool clients use it: empty texts, errors, languages, rule links, fragments.

The client is the real `language_tool_python` package, pointed at this service running under
uvicorn on a free port (it speaks HTTP with `requests`, so an in-process TestClient would not do).
The documents are written for these tests.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.languagetool.service import DOCUMENT_RULES, is_fragment
from api.settings import Settings
from reviewer.corpus.embeddings import HashingEmbedder
from reviewer.corpus.service import Corpus

pytestmark = pytest.mark.slow

# A whole postmortem with its headings, a blameful sentence and a vague time; sections are missing.
WHOLE = """# Search latency after the index rebuild

## Summary
Search answered slowly for most of the afternoon after a full index rebuild.

## Timeline
- 14:05 UTC the rebuild started.
- Shortly after, p99 latency climbed to 4 seconds.

## Root cause
Priya skipped the capacity check before starting the rebuild.
"""
# The same text the way a plain-text converter sends it: the heading marks are gone.
PLAIN = "\n".join(line.lstrip("# ") for line in WHOLE.splitlines()) + "\n"


def make_app(analyzer, database: Path, **settings):
    def corpus_factory() -> Corpus:
        return Corpus.open(f"sqlite:///{database}", embedder=HashingEmbedder())

    return create_app(Settings(**settings), analyzer=analyzer, corpus_factory=corpus_factory)


@pytest.fixture(scope="module")
def app(analyzer, tmp_path_factory):
    return make_app(analyzer, tmp_path_factory.mktemp("lt") / "corpus.sqlite3", max_document_chars=20_000,
                    max_body_bytes=64_000)


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as started:
        assert app.state.service.wait_started(120), "start-up did not finish"
        yield started


def check(client, **form):
    return client.post("/v2/check", data={"language": "en-US", **form})


def codes(response) -> set[str]:
    assert response.status_code == 200, response.text
    return {m["rule"]["id"] for m in response.json()["matches"]}


# --- requests and errors ------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_an_empty_text_is_valid_and_has_no_matches(client, text):
    response = check(client, text=text)
    assert response.status_code == 200
    body = response.json()
    assert body["matches"] == [] and body["language"]["code"] == "en-US"


@pytest.mark.parametrize("form, status, words", [
    ({}, 400, "Missing 'text' or 'data' parameter"),
    ({"text": "x", "data": "{}"}, 400, "either text or data"),
    ({"data": "{not json"}, 400, "JSON"),
    ({"text": "x", "language": "xx-SECRETVALUE"}, 400, "not supported"),
    ({"text": "x", "enabledOnly": "true"}, 400, "enabledOnly"),
    ({"text": "x", "enabledOnly": "maybe"}, 400, "enabledOnly"),
])
def test_errors_are_plain_text_as_languagetool_sends_them(client, form, status, words):
    response = check(client, **form)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("Error: ") and words in response.text
    assert "SECRETVALUE" not in response.text and "Traceback" not in response.text


def test_a_too_long_text_and_a_missing_token_are_plain_text_too(client):
    long = check(client, text="word " * 5000)  # over the character limit: refused by the route
    assert long.status_code == 413 and long.text.startswith("Error: ")
    huge = check(client, text="word " * 14000)  # over the body limit: refused before the app reads it
    assert huge.status_code == 413 and huge.text.startswith("Error: ")
    assert huge.headers["content-type"].startswith("text/plain")
    settings = client.app.state.service.settings
    settings.api_token, settings.protect_reads = "t0ken", True
    try:
        refused = check(client, text="x")
        assert refused.status_code == 401 and refused.text.startswith("Error: ")
        assert refused.headers.get("www-authenticate", "").startswith("Bearer")
        assert check(client, text="x").status_code == 401
        allowed = client.post("/v2/check", data={"text": "x"}, headers={"Authorization": "Bearer t0ken"})
        assert allowed.status_code == 200
    finally:
        settings.api_token, settings.protect_reads = None, False


def test_languages_list_english_and_the_common_mother_tongues(client):
    entries = client.get("/v2/languages").json()
    long_codes = {e["longCode"] for e in entries}
    assert {"en-US", "en-GB", "de-DE", "fr", "es", "nl-NL"} <= long_codes
    assert all(set(e) == {"name", "code", "longCode"} for e in entries)
    # a motherTongue is accepted; another checking language is not
    assert check(client, text="We restarted the proxy around 11.", motherTongue="de-DE").status_code == 200
    assert check(client, text="x", language="de-DE").status_code == 400


def test_rule_urls_link_the_rule_page(client):
    matches = check(client, text=WHOLE).json()["matches"]
    assert matches
    for match in matches:
        urls = match["rule"]["urls"]
        assert urls == [{"value": f"http://testserver/rules/{match['rule']['id']}"}]
    page = client.get(matches[0]["rule"]["urls"][0]["value"].removeprefix("http://testserver"))
    assert page.status_code == 200 and matches[0]["rule"]["id"] in page.text


def test_openapi_says_text_or_data_is_required(client):
    operation = client.get("/openapi.json").json()["paths"]["/v2/check"]["post"]
    schema = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert schema["anyOf"] == [{"required": ["text"]}, {"required": ["data"]}]
    assert "text/plain" in operation["responses"]["400"]["content"]


# --- fragments ----------------------------------------------------------------------------------

FRAGMENTS = [
    "Priya skipped the capacity check before starting the rebuild.",
    "Root cause",  # a heading sent alone, as plain text
    "## Root cause",  # a heading sent alone, as Markdown
    "## Impact\nAbout 2,000 searches timed out.",  # a heading with its one paragraph
    "Search answered slowly for most of the afternoon.\n\nThe rebuild was paused at 15:10 UTC.",
    "- 14:05 UTC the rebuild started.\n- Shortly after, p99 latency climbed.",
    "**Impact**",
    "| time | event |\n|---|---|\n| 14:05 | rebuild started |",
    "We only noticed because a customer wrote to support.",
    PLAIN,
]
DOCUMENTS = [
    WHOLE,
    "# Outage\n\n## Summary\nThe API was down. TBD\n",
    "---\nseverity: SEV-3\n---\nThe API was down for an hour.\n",
    "Outage\n======\n\nSummary\n-------\nThe API was down.\n",
    "**Summary**: the queue stalled.\n\n**Impact**: 300 delayed jobs.\n",
]


@pytest.mark.parametrize("text", FRAGMENTS)
def test_fragments_are_recognised(text):
    assert is_fragment(text)


@pytest.mark.parametrize("text", DOCUMENTS)
def test_whole_documents_are_not_fragments(text):
    assert not is_fragment(text)


def test_checking_paragraph_by_paragraph_gets_no_whole_document_findings(client):
    whole = codes(check(client, text=WHOLE))
    assert whole & set(DOCUMENT_RULES), "the whole document misses sections: the test needs that"
    seen: set[str] = set()
    for paragraph in WHOLE.split("\n\n"):
        response = check(client, text=paragraph)
        found = codes(response)
        assert not found & set(DOCUMENT_RULES), (paragraph, found)
        assert not any(m["offset"] == 0 and m["rule"]["id"].startswith("PM1") for m in response.json()["matches"])
        seen |= found
    assert "PM201" in seen  # the blame in the root cause is still found
    assert "PM301" in seen  # and the vague time in the timeline


def test_plain_text_conversion_gets_no_whole_document_findings(client):
    found = codes(check(client, text=PLAIN))
    assert not found & set(DOCUMENT_RULES)
    assert {"PM201", "PM301"} <= found


# --- the real client ----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def served(app):
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    assert app.state.service.wait_started(120)
    try:
        yield f"http://127.0.0.1:{port}/"  # the client adds v2/
    finally:
        server.should_exit = True
        thread.join(30)


def test_language_tool_python_against_the_service(analyzer, tmp_path):
    language_tool_python = pytest.importorskip("language_tool_python")
    app = make_app(analyzer, tmp_path / "corpus.sqlite3", max_document_chars=20_000)
    with served(app) as url:
        tool = language_tool_python.LanguageTool("en-US", remote_server=url, mother_tongue="de-DE")
        text = "🔥 " + WHOLE
        matches = tool.check(text)
        assert matches
        # The client turns our UTF-16 offsets back into code points (the emoji counts two units).
        for match in matches:
            assert match.rule_id.startswith("PM")
            assert text[match.offset:match.offset + match.error_length].strip(), match
        vague = [m for m in matches if m.rule_id == "PM301"]
        assert "shortly after" in [text[m.offset:m.offset + m.error_length].lower() for m in vague], vague
        blamed = [m for m in matches if m.rule_id == "PM201"]
        assert blamed and text[blamed[0].offset:].startswith("Priya")
        assert tool.check("") == []
        assert not {m.rule_id for m in tool.check("Priya skipped the capacity check.")} & set(DOCUMENT_RULES)
        tool.language = "de-DE"  # listed (as a mother tongue), refused by /v2/check with LanguageTool's error
        with pytest.raises(language_tool_python.exceptions.LanguageToolError, match="not supported"):
            tool.check("Der Server ist ausgefallen.")
        tool.close()
