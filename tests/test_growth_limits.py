"""Bounded output and a time budget per review (issue 15), the small-review lane (issue 17.8)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from reviewer.budget import Deadline, ReviewTooComplex
from reviewer.config import Config, load_dict
from reviewer.errors import ConfigError
from reviewer.review import Reviewer

HEAD = "# Checkout outage\n\n## Summary\n\nCard payments failed after the proxy certificate expired.\n\n## Details\n\n"
FLAGGED = "Dave forgot to renew the cert at some point {n}. "
PROSE = "The proxy on host {n} restarted and the queue of {n} jobs drained within a few minutes. "


def _text(sentence: str, count: int, per_paragraph: int = 0) -> str:
    parts = [sentence.format(n=i) + ("\n\n" if per_paragraph and i % per_paragraph == per_paragraph - 1 else "")
             for i in range(count)]
    return HEAD + "".join(parts) + "\n"


def test_findings_per_rule_are_capped_with_one_summary(analyzer):
    text = _text(FLAGGED, 80)
    full = Reviewer(Config(max_findings_per_rule=0), analyzer=analyzer).review(text)
    capped = Reviewer(Config(max_findings_per_rule=10), analyzer=analyzer).review(text)
    per_rule_full: dict[str, int] = {}
    for f in full.findings:
        per_rule_full[f.code] = per_rule_full.get(f.code, 0) + 1
    assert max(per_rule_full.values()) > 11, per_rule_full  # the family does draw many findings
    for code, count in per_rule_full.items():
        mine = [f for f in capped.findings if f.code == code]
        summaries = [f for f in mine if f.data.get("more_findings")]
        if count > 10:
            assert len(mine) == 11 and len(summaries) == 1
            assert summaries[0].data["more_findings"] == count - 10
            assert f"{count - 10:,} more {code} findings" in summaries[0].message
        else:
            assert len(mine) == count and not summaries
    # The scores are those of every finding, and the shown points still add up to them.
    assert capped.scores.dimensions == full.scores.dimensions
    for dimension, value in capped.scores.dimensions.items():
        spent = sum(f.points for f in capped.findings if f.dimension == dimension)
        assert value == pytest.approx(max(0.0, 100 - spent), abs=0.2)


def test_the_cap_is_a_config_key():
    assert load_dict({"max_findings_per_rule": 5}, "test").max_findings_per_rule == 5
    with pytest.raises(ConfigError):
        load_dict({"max_findings_per_rule": -1}, "test")
    with pytest.raises(ConfigError):
        load_dict({"max_findings_per_rules": 5}, "test")  # unknown keys stay errors


def test_a_review_past_its_budget_is_stopped(analyzer):
    text = _text(PROSE, 200)  # some 17,000 characters: well over 0.05 s of work
    review = Reviewer(Config(review_budget_seconds=0.05), analyzer=analyzer).review(text)
    assert review.too_complex and review.error and review.error.startswith("document too complex")
    assert review.findings == []
    # The same reviewer (and analyzer) goes on: the next document is reviewed in full.
    ok = Reviewer(Config(), analyzer=analyzer).review(HEAD + "The proxy restarted at 10:02 UTC.\n")
    assert ok.error is None and ok.scores is not None


def test_deadline_counts_this_threads_cpu():
    deadline = Deadline(0.2)
    time.sleep(0.3)  # waiting is not work
    deadline.check()
    spin_until = time.thread_time() + 0.25
    while time.thread_time() < spin_until:
        pass
    with pytest.raises(ReviewTooComplex):
        deadline.check()
    Deadline(0).check()  # 0: no budget


def test_cli_exits_2_for_the_file_past_its_budget_and_checks_the_others(tmp_path: Path):
    from typer.testing import CliRunner

    from reviewer.cli import app

    (tmp_path / ".pmreview.toml").write_text("review-budget-seconds = 1.0\n")
    (tmp_path / "big.md").write_text(_text(PROSE, 1500))  # some 130,000 characters
    (tmp_path / "small.md").write_text(HEAD + "The proxy restarted at 10:02 UTC.\n")
    result = CliRunner().invoke(app, ["check", "--format", "json", str(tmp_path / "big.md"), str(tmp_path / "small.md")])
    assert result.exit_code == 2, result.output
    assert "document too complex" in result.output
    assert "small.md" in result.output and '"score' in result.output


def test_a_small_text_parses_before_a_large_one_waiting(analyzer):
    """The spaCy lane: while a large document is being parsed piece by piece, a small one gets
    the next turn instead of waiting for the whole document."""
    from reviewer.document import parse

    big = parse(_text(PROSE, 700, per_paragraph=5))  # some 60,000 characters in 140 paragraphs
    small = parse(HEAD + "The cache on host 4 restarted at 11:02 UTC and recovered.\n")
    from reviewer.nlp.analysis import Analyzer

    fresh = Analyzer(analyzer.nlp)  # its own cache: both texts are parsed
    finished: dict[str, float] = {}

    def run(name, doc):
        fresh.analyze(doc)
        finished[name] = time.perf_counter()

    large = threading.Thread(target=run, args=("big", big))
    large.start()
    while fresh.parsed_blocks == 0 and large.is_alive():
        time.sleep(0.01)  # the large parse is under way
    run("small", small)
    large.join()
    assert finished["small"] < finished["big"]


def test_service_answers_a_review_past_its_budget_and_the_next_one_at_once(analyzer, tmp_path):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings
    from reviewer.corpus.embeddings import HashingEmbedder
    from reviewer.corpus.service import Corpus

    settings = Settings(seed_corpus=False, review_config=Config(review_budget_seconds=0.5), max_document_chars=200_000,
                        max_body_bytes=400_000)
    app = create_app(settings, analyzer=analyzer,
                     corpus_factory=lambda: Corpus.open(f"sqlite:///{tmp_path / 'c.sqlite3'}", embedder=HashingEmbedder()))
    with TestClient(app) as client:
        assert app.state.service.wait_started(120)
        hard = client.post("/v1/reviews", json={"text": _text(PROSE, 1500, per_paragraph=5), "similar": False})
        assert hard.status_code == 422, hard.text
        assert hard.json()["detail"].startswith("document too complex")
        began = time.perf_counter()
        easy = client.post("/v1/reviews", json={"text": HEAD + "The proxy restarted at 10:02 UTC.\n", "similar": False})
        assert easy.status_code == 200, easy.text
        assert time.perf_counter() - began < 20  # generous: it was not queued behind the stopped review
        lt = client.post("/v2/check", data={"text": _text(PROSE, 1500, per_paragraph=5), "language": "en-US"})
        # LanguageTool clients get its own error form: 400 with the message as text.
        assert lt.status_code == 400 and "document too complex" in lt.text, lt.text


def test_a_long_paragraph_is_parsed_in_parts_joined_with_the_same_text(analyzer):
    """spaCy reads a long block in parts; the Doc the checks get is one, with the block's text
    and offsets, and a sentence per sentence of the text."""
    from reviewer.document import parse
    from reviewer.nlp.analysis import CHUNK_CHARS, Analyzer

    text = _text(FLAGGED, 600)  # one paragraph of some 30,000 characters
    doc = parse(text)
    block = max(doc.blocks, key=lambda b: len(b.text))
    assert len(block.text) > 4 * CHUNK_CHARS
    analysis = Analyzer(analyzer.nlp).analyze(doc)
    parsed = next(a.doc for a in analysis.blocks if a.block is block)
    assert parsed.text == block.text
    assert all(block.text[t.idx : t.idx + len(t.text)] == t.text for t in parsed)
    sentences = [s.text.strip() for s in parsed.sents]
    assert len(sentences) == 600 and sentences[0] == "Dave forgot to renew the cert at some point 0."


def test_block_surroundings_by_bisection_equal_a_full_scan(analyzer):
    from reviewer.document import parse
    from reviewer.nlp.analysis import _NEAR, _SURROUNDING

    rows = "".join(f"| 10:{i:02d} UTC | step {i} ran `kubectl get pods` |\n" for i in range(40))
    text = (HEAD + "Some `code` here.\n\n## Timeline\n\n| Time | Event |\n|---|---|\n" + rows
            + "\n## Action items\n\n- [ ] Alert on expiry (@kim, OPS-12)\n\n### Notes\n\nMore text.\n")
    doc = parse(text)
    analysis = analyzer.analyze(doc)
    for analyzed in analysis.blocks:
        block = analyzed.block
        base, end = block.span.start, block.span.end
        low, high = -_NEAR, end - base + _NEAR
        context = analysis._surroundings(block)
        for kind, got in zip(("code", "timeline", "action", "section"), context[-4:]):
            expected = tuple((max(s.start - base, low), min(s.end - base, high), tag) for s, tag in _SURROUNDING[kind](doc)
                             if s.start <= end + _NEAR and s.end >= base - _NEAR)
            assert got == expected, (kind, block.text)
