"""What the API shows of stored incidents is what their authors wrote (issue 18).

Over the shipped example corpus (data/incidents): every action item, title, summary, root
cause and resolution that GET /v1/incidents/{id} returns is found in its document's text once
the Markdown markup is removed (markdown-it's own reading of the whole document), and none
carries the analyser's placeholder for inline code. A store written by an earlier version (action
items in the analyser's prose) is corrected when it is opened, with nothing else lost.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markdown_it import MarkdownIt
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from api.app import create_app
from api.settings import Settings
from reviewer.corpus.embeddings import HashingEmbedder
from reviewer.corpus.extract import record_from_markdown
from reviewer.corpus.service import Corpus
from reviewer.corpus.store import IncidentRow, MetaRow
from reviewer.corpus.types import IncidentRecord
from reviewer.document import parse
from reviewer.document.prose import CODE_WORD
from reviewer.resources import example_corpus_dir

_md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n")


def without_markup(text: str) -> str:
    """The document's words as a reader sees them (a reference independent of the product's
    helpers): every inline run of the whole document, code keeping its content, in order."""
    doc = parse(text)
    body = text[doc.front_matter_span.end :] if doc.front_matter_span else text
    parts: list[str] = []
    for token in _md.parse(body):
        if token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
            parts.append(" ")
    return " ".join("".join(parts).split())


def code_contents(markdown: str) -> list[str]:
    return [c.content for t in _md.parseInline(markdown) for c in t.children or [] if c.type == "code_inline"]


@pytest.fixture(scope="module")
def corpus_client(analyzer, tmp_path_factory):
    folder = example_corpus_dir()
    database = tmp_path_factory.mktemp("shown") / "corpus.sqlite3"

    def corpus_factory() -> Corpus:
        corpus = Corpus.open(f"sqlite:///{database}", embedder=HashingEmbedder())
        if corpus.count() == 0:
            corpus.import_paths([folder])
        return corpus

    app = create_app(Settings(seed_corpus=False), analyzer=analyzer, corpus_factory=corpus_factory)
    with TestClient(app) as client:
        assert app.state.service.wait_started(180), "start-up did not finish"
        assert app.state.service.ready, app.state.service.corpus_error or app.state.service.models_error
        yield client


def test_every_shown_field_of_the_example_corpus_is_the_authors_text(corpus_client):
    listed = corpus_client.get("/v1/incidents", params={"limit": 100}).json()
    assert listed["total"] >= 50
    missing: list[str] = []
    items_with_code = 0
    for summary in listed["items"]:
        incident = corpus_client.get(f"/v1/incidents/{summary['id']}").json()
        source = incident["text"]
        seen = without_markup(source)
        written = parse(source)
        fields = [("title", incident["title"]), ("summary", incident["summary"]),
                  ("root_cause", incident["root_cause"]), ("resolution", incident["resolution"])]
        fields += [("action item", a["text"]) for a in incident["action_items"]]
        for name, value in fields:
            if name == "title" and value == written.metadata.title:
                continue  # given in the front matter, not Markdown
            for piece in _SENTENCE_END.split(value):
                piece = " ".join(piece.split())
                if piece and piece not in seen:
                    missing.append(f"{incident['id']} {name}: {piece[:100]!r}")
        for item in incident["action_items"]:
            assert item["markdown"], item
            codes = code_contents(item["markdown"])
            items_with_code += bool(codes)
            for code in codes:
                assert " ".join(code.split()) in item["text"], (incident["id"], item)
            if codes and CODE_WORD not in " ".join(codes) + " " + seen:
                assert not re.search(rf"\b{CODE_WORD}\b", item["text"]), (incident["id"], item)
    assert not missing, "\n".join(missing)
    assert items_with_code >= 20  # the corpus has such items: the check above is not vacuous


def test_open_action_items_of_recurring_causes_are_the_authors_text(corpus_client):
    groups = corpus_client.get("/v1/root-causes", params={"min_count": 2}).json()["items"]
    items = [a for g in groups for a in g["open_action_items"]]
    assert items
    with_code = [a for a in items if "`" in a["markdown"]]
    assert with_code
    for item in with_code:
        for code in code_contents(item["markdown"]):
            assert " ".join(code.split()) in item["text"]


OLD_STYLE = """---
id: inc-old-1
severity: SEV-2
date: 2024-03-01
---
# The `apply` job ran a stale plan

## Summary
A retried `apply` job ran a plan made for an older commit and removed two queues.

## Root cause
Retries of `apply` did not check that the plan belonged to the current HEAD.

## Action items
- [ ] Block retries of `apply` jobs whose commit is not the current HEAD (@ana, OPS-7, due 2024-04-01)
- [x] Add `prevent_destroy` to the queue resources (@bo, OPS-8)
"""
OTHER = OLD_STYLE.replace("inc-old-1", "inc-old-2").replace("removed two queues", "dropped a topic")


@pytest.fixture(scope="module")
def postgres_server():
    from tests.postgres import temporary_postgres, unavailable_reason

    if unavailable_reason() is not None:
        pytest.skip(unavailable_reason())
    with temporary_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'corpus.sqlite3'}"
    import uuid

    from tests.postgres import new_database

    return new_database(request.getfixturevalue("postgres_server"), f"pm_shown_{uuid.uuid4().hex[:12]}")


def write_old_style(url: str) -> None:
    """inc-old-1, inc-old-2 and inc-given stored, then rewritten as an earlier version left them."""
    with Corpus.open(url, embedder=HashingEmbedder()) as corpus:
        corpus.import_records([record_from_markdown(OLD_STYLE, "old.md"), record_from_markdown(OTHER, "other.md"),
                               IncidentRecord(id="inc-given", text=OLD_STYLE.replace("inc-old-1", "inc-given"),
                                              title="A title `given` with the record")])
        with Session(corpus.store.engine) as session, session.begin():
            for incident_id in ("inc-old-1", "inc-given"):
                row = session.get(IncidentRow, incident_id)
                row.action_items = [{"text": a["text"].replace("apply", CODE_WORD), "owner": a["owner"],
                                     "ticket": a["ticket"], "due": a["due"], "done": a["done"]}
                                    for a in row.action_items]
            session.execute(delete(MetaRow).where(MetaRow.key == "derived_version"))


def test_replicas_opening_a_store_written_before_correct_it_once(store_url):
    import threading

    from reviewer.corpus.store import ChangeRow

    write_old_style(store_url)
    from sqlalchemy import create_engine, func

    engine = create_engine(store_url)
    with Session(engine) as session:
        changes_before = session.scalar(select(func.count()).select_from(ChangeRow))
    start, errors, opened = threading.Barrier(3), [], []

    def open_it() -> None:
        start.wait(30)
        try:
            opened.append(Corpus.open(store_url, embedder=HashingEmbedder()))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == [] and len(opened) == 3
    for corpus in opened:
        assert corpus.get("inc-old-1").action_items[0].text.startswith("Block retries of apply jobs")
        corpus.close()
    with Session(engine) as session:  # one replica re-derived: two changed incidents, logged once
        assert session.scalar(select(func.count()).select_from(ChangeRow)) == changes_before + 2
    engine.dispose()


def test_a_store_written_before_is_corrected_when_opened_with_nothing_else_lost(store_url):
    url = store_url
    with Corpus.open(url, embedder=HashingEmbedder()) as corpus:
        corpus.import_records([record_from_markdown(OLD_STYLE, "old.md"), record_from_markdown(OTHER, "other.md"),
                               IncidentRecord(id="inc-given", text=OLD_STYLE.replace("inc-old-1", "inc-given"),
                                              title="A title `given` with the record")])
        corpus.feedback("inc-old-1", "inc-old-2")
        ids, vectors_before = corpus.store.vectors("root_cause", corpus.embedder.name)
        hashes_before = corpus.store.hashes(["inc-old-1", "inc-old-2", "inc-given"])
        good = corpus.get("inc-old-1")
        assert good.title == "The apply job ran a stale plan"
        assert [a.text for a in good.action_items][0].startswith("Block retries of apply jobs")
        # What an earlier version wrote: the analyser's prose, no Markdown, no version mark.
        engine = corpus.store.engine
        with Session(engine) as session, session.begin():
            for incident_id in ("inc-old-1", "inc-given"):
                row = session.get(IncidentRow, incident_id)
                row.action_items = [{"text": a["text"].replace("apply", CODE_WORD).replace("prevent_destroy", CODE_WORD),
                                     "owner": a["owner"], "ticket": a["ticket"], "due": a["due"], "done": a["done"]}
                                    for a in row.action_items]
            session.execute(update(IncidentRow).where(IncidentRow.id == "inc-old-1")
                            .values(title=f"The {CODE_WORD} job ran a stale plan"))
            session.execute(delete(MetaRow).where(MetaRow.key == "derived_version"))
        stale = corpus.get("inc-old-1")
        assert stale.action_items[0].text.startswith(f"Block retries of {CODE_WORD} jobs")

    with Corpus.open(url, embedder=HashingEmbedder()) as reopened:  # the next start
        fixed = reopened.get("inc-old-1")
        assert fixed.title == "The apply job ran a stale plan"
        assert [a.text for a in fixed.action_items] == [
            "Block retries of apply jobs whose commit is not the current HEAD (@ana, OPS-7, due 2024-04-01)",
            "Add prevent_destroy to the queue resources (@bo, OPS-8)"]
        assert fixed.action_items[1].markdown == "Add `prevent_destroy` to the queue resources (@bo, OPS-8)"
        assert [(a.owner, a.ticket, a.done) for a in fixed.action_items] == [("@ana", "OPS-7", False),
                                                                             ("@bo", "OPS-8", True)]
        given = reopened.get("inc-given")
        assert given.title == "A title `given` with the record"  # a given title is never re-derived
        assert given.action_items[0].text.startswith("Block retries of apply jobs")
        # Nothing else stored is lost: "not similar" marks, vectors, hashes (a re-import stays "unchanged").
        assert reopened.store.not_similar_to("inc-old-1") == {"inc-old-2"}
        ids_after, vectors_after = reopened.store.vectors("root_cause", reopened.embedder.name)
        assert ids_after == ids and (vectors_after == vectors_before).all()
        assert reopened.store.hashes(["inc-old-1", "inc-old-2", "inc-given"]) == hashes_before
        report = reopened.import_records([record_from_markdown(OLD_STYLE, "old.md")])
        assert report.unchanged == ["inc-old-1"]
        # Once per version: a second start changes nothing.
        assert reopened.rederive_stored() == []
        with Session(reopened.store.engine) as session:
            assert session.scalar(select(MetaRow.value).where(MetaRow.key == "derived_version"))
