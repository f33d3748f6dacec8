"""The per-block result cache (Analysis.per_block): a re-review after an edit must equal a
fresh review of the edited text, finding for finding and fact for fact.

Each case reviews a document, edits it the way an author does (rewrites, inserts, deletes or
moves a paragraph, quotes it, changes a word, drops a heading) and reviews the edited text
twice: with the analyzer that saw the original (blocks and their results cached) and with a
new one (nothing cached). The documents are the example corpus and the fixtures in tests/.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from reviewer.config import Config
from reviewer.document import BlockKind, parse
from reviewer.nlp.analysis import Analyzer
from reviewer.review import Reviewer

ROOT = Path(__file__).resolve().parents[1]


def outcome(review) -> tuple:
    """Everything a user sees of a review."""
    findings = [(f.code, f.start, f.end, f.severity.value, f.message, tuple(f.replacements), f.confidence,
                 json.dumps(f.data, sort_keys=True, default=str), f.fingerprint) for f in review.findings]
    return findings, json.dumps(review.facts, sort_keys=True, default=str), review.scores.overall


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the prose paragraphs and list items (not headings, not table cells) of a text."""
    doc = parse(text)
    return [(b.span.start, b.span.end) for b in doc.blocks
            if b.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM) and len(b.text) > 30 and not b.quoted]


def edits(text: str, other: str, rng: random.Random) -> list[tuple[str, str]]:
    """(what, edited text) pairs: the edits an author makes between two reviews."""
    own, theirs = paragraphs(text), paragraphs(other)
    if len(own) < 2 or not theirs:
        return []
    a, b = rng.sample(own, 2)
    first, second = sorted((a, b))
    donor = other[slice(*rng.choice(theirs))]
    words = list(re.finditer(r"[A-Za-z]{4,}", text[a[0]:a[1]]))
    word = rng.choice(words) if words else None
    heading = [m for m in re.finditer(r"^#{2,3} .*\n", text, re.M)]
    out = [
        ("rewrite a paragraph", text[: a[0]] + donor + text[a[1]:]),
        ("insert a paragraph before it", text[: first[0]] + donor + "\n\n" + text[first[0]:]),
        ("delete a paragraph", text[: a[0]] + text[a[1]:]),
        ("move a paragraph to another place", text[: first[0]] + text[second[0]:second[1]] + "\n\n"
         + text[first[0]:second[0]] + text[second[1]:]),
        ("quote a paragraph", text[: a[0]] + "> " + text[a[0]:a[1]].replace("\n", "\n> ") + text[a[1]:]),
    ]
    code = re.search(r"`([^`\n]+)`", text[a[0]:a[1]])
    if code is not None:
        at = a[0] + code.start(1)
        out.append(("change inline code", text[:at] + "x" * len(code.group(1)) + text[at + len(code.group(1)):]))
    if word is not None:
        at = a[0] + word.start()
        out.append(("change one word", text[:at] + "quickly " + text[at:]))
    if heading:
        drop = rng.choice(heading)
        out.append(("drop a heading", text[: drop.start()] + text[drop.end():]))
    return out


# Every fifth example postmortem and every fixture with at least two paragraphs to edit.
CANDIDATES = sorted((ROOT / "data" / "incidents").glob("inc-*.md"))[::5] + sorted((ROOT / "tests" / "fixtures").glob("*.md"))
DOCUMENTS = [p for p in CANDIDATES if len(paragraphs(p.read_text(encoding="utf-8"))) >= 2]


@pytest.fixture(scope="module")
def fresh_reviewer(nlp):
    """A reviewer whose analyzer is new for every review: nothing cached."""
    config = Config(select=["PM"])

    def review(text: str):
        return Reviewer(config, analyzer=Analyzer(nlp)).review(text)

    return review


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.stem)
def test_re_review_equals_fresh_review(path, nlp, fresh_reviewer):
    text = path.read_text(encoding="utf-8")
    rng = random.Random(path.name)
    other = rng.choice([p for p in DOCUMENTS if p != path]).read_text(encoding="utf-8")
    cases = edits(text, other, rng)
    for what, edited in cases:
        warm = Reviewer(Config(select=["PM"]), analyzer=Analyzer(nlp))
        warm.review(text)
        assert outcome(warm.review(edited)) == outcome(fresh_reviewer(edited)), f"{path.name}: {what}"


def test_unchanged_blocks_reuse_their_results(nlp):
    """The cache is used: after an edit, every block but the edited one reuses its results."""
    from reviewer.nlp.blame import blame_signals

    text = DOCUMENTS[0].read_text(encoding="utf-8")
    a = paragraphs(text)[0]
    edited = text[: a[0]] + "The deploy tool pushed the config to every region at once." + text[a[1]:]
    analyzer = Analyzer(nlp)
    config = Config()
    first = analyzer.analyze(parse(text))
    blame_signals(first, config)
    assert first.block_hits == 0
    second = analyzer.analyze(parse(edited))
    blame_signals(second, config)
    assert second.block_hits == len(second.blocks) - 1


# The same paragraph (the same masked prose) in two places where a rule judges it differently.
# A re-review after moving it must judge it where it is now.
SAME_TEXT_ELSEWHERE = {
    "section": ("PM2", "# Outage\n\n## Root cause\n\n{p}\n\n## Action items\n\n- Add a config linter (OPS-1).\n",
                "# Outage\n\n## Root cause\n\nThe linter was off.\n\n## Action items\n\n- {p}\n",
                "Dave should double-check the config before every deploy."),
    "quoted": ("PM2", "# Outage\n\n## Root cause\n\n{p}\n", "# Outage\n\n## Root cause\n\n> {p}\n",
               "The outage happened because Dave carelessly pushed the wrong config."),
    "timeline row": ("PM503", "# Outage\n\n## Timeline\n\n| Time | Event |\n|---|---|\n| 10:02 | {p} |\n",
                     "# Outage\n\n## Timeline\n\n| Time | Event |\n|---|---|\n| later | {p} |\n",
                     "The issue was fixed."),
    # The prose reads the same (link targets are masked); the message quotes the source.
    "link target": ("PM503", "# Outage\n\n## Resolution\n\n{p}\n", "# Outage\n\n## Resolution\n\n{p}\n",
                    "Then [the issue](https://example.com/a) was fixed."),
}


@pytest.mark.parametrize("case", SAME_TEXT_ELSEWHERE, ids=str)
def test_same_paragraph_elsewhere_is_judged_again(case, nlp):
    select, before, after, paragraph = SAME_TEXT_ELSEWHERE[case]
    before, after = before.format(p=paragraph), after.format(p=paragraph)
    if case == "link target":
        after = after.replace("/a)", "/b)")
    config = Config(select=[select])
    warm = Reviewer(config, analyzer=Analyzer(nlp))
    first = outcome(warm.review(before))
    again = outcome(warm.review(after))
    fresh = outcome(Reviewer(config, analyzer=Analyzer(nlp)).review(after))
    assert again == fresh
    assert first[0] != fresh[0], "the two places should be judged differently (else the case tests nothing)"


def test_the_block_cache_is_bounded_and_keeps_no_tok2vec_tensor(nlp):
    """A long-running service (or a CI run over many files) must not grow without bound."""
    analyzer = Analyzer(nlp, cache_size=5)
    text = DOCUMENTS[0].read_text(encoding="utf-8")
    doc = parse(text)
    assert len([b for b in doc.blocks if b.text.strip()]) > 5
    analysis = analyzer.analyze(doc)
    assert len(analyzer._cache) == 5
    assert all(cached.tensor.size == 0 for cached in analyzer._cache.values())
    assert len(analysis.blocks) > 5 and all(len(b.doc) for b in analysis.blocks)  # this review still has them all
