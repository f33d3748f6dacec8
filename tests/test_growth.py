"""A review's cost grows with its text, never faster (issue 15).

Each adversarial family of benchmarks/bench_growth.py, at 10,000 characters, must finish
within a generous wall-clock bound: the bound catches quadratic and exponential blow-ups (which
took minutes here), not speed. The rewritten patterns keep reading what they read before.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_growth", ROOT / "benchmarks" / "bench_growth.py")
bench_growth = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_growth)
FAMILIES = bench_growth.FAMILIES

# Seconds for one 10,000-character review on a busy shared machine; the blow-ups took > 300 s.
BOUND_10K = 45.0


@pytest.fixture(scope="module")
def reviewer(analyzer):
    from reviewer.config import Config
    from reviewer.review import Reviewer

    return Reviewer(Config(), analyzer=analyzer)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_each_family_at_10k_chars_finishes(reviewer, family):
    text = FAMILIES[family](10_000)
    assert 9_000 <= len(text) <= 10_000
    began = time.perf_counter()
    review = reviewer.review(text, path="growth.md")
    seconds = time.perf_counter() - began
    assert review.error is None
    assert seconds < BOUND_10K, f"{family}: {seconds:.1f} s for 10,000 characters"


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_parsing_each_family_at_100k_chars_is_fast(family):
    """The parser alone (no spaCy): every pattern it runs is linear."""
    from reviewer.document import parse

    text = FAMILIES[family](100_000)
    began = time.perf_counter()
    parse(text)
    assert time.perf_counter() - began < 20.0, family


_UNITS = ["5 minutes and ", "1h 30m, ", "1", "(", "[", "`", "``a", "#", "#a x", "[a](b ", "[a]", "OPS-", "a.b-",
          " ", "\n", "a\n", "the proxy retried ", "| a ", "|---", "> ", "- ", "  - ", "10:00 ", "<!-- ", "<img ",
          "http://", "Dave forgot to renew the cert at some point 17. ", "**", "_", "\\", "~~", "<", ">"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(_UNITS), st.integers(1, 300)), min_size=1, max_size=8))
def test_composed_families_finish(reviewer, parts):
    """Families glued together in any order and amount (up to some 15,000 characters)."""
    text = bench_growth.HEAD + "".join(unit * count for unit, count in parts)
    began = time.perf_counter()
    review = reviewer.review(text[:15_000])
    assert review.error is None
    assert time.perf_counter() - began < BOUND_10K


# --- the linear patterns read what the old ones read -----------------------------------------

def test_links_are_still_found():
    from reviewer.document import parse

    doc = parse("# T\n\nSee [the runbook](https://wiki.example.com/rb \"Runbook\") and ![graph](img/p99.png), "
                "<https://status.example.com/x> and https://grafana.example.com/d/abc.\n\n"
                "```\n[not a link](x)\n```\n\nand [see [1](https://a.example/1)\n")
    assert [(ln.text, ln.url) for ln in doc.links] == [
        ("the runbook", "https://wiki.example.com/rb"),
        ("https://status.example.com/x", "https://status.example.com/x"),
        ("https://grafana.example.com/d/abc", "https://grafana.example.com/d/abc"), ("1", "https://a.example/1")]
    assert [ln.url for ln in doc.images] == ["img/p99.png"]


def test_inline_code_and_comments_are_still_found():
    from reviewer.document import parse

    text = "# T\n\nRun `kubectl drain` then ``a b`` <!-- pmreview-disable-line PM201 --> done.\n"
    doc = parse(text)
    spans = [text[s.start:s.end] for s in doc.code_spans]
    assert "`kubectl drain`" in spans and "``a b``" in spans
    assert [c.text for c in doc.comments] == ["pmreview-disable-line PM201"]


def test_prose_masks_code_links_and_comments():
    from reviewer.document.prose import to_prose

    raw = "We ran `df -h` and read [the graph](https://g.example/x) <!-- note --> at https://a.example/y."
    prose, offsets = to_prose(raw, list(range(len(raw))))
    assert prose == "We ran code and read the graph  at ."
    assert len(offsets) == len(prose)


@pytest.mark.parametrize("text, key", [
    ("tracked in OPS-1234.", "OPS-1234"), ("see #512", "#512"), ("fixed by infra#5124", "infra#5124"),
    ("in acme/api#12 today", "acme/api#12"), ("repo my.service-x#7", "my.service-x#7"), ("nothing here", None),
    ("a.b.c.d.e.f", None)])
def test_ticket_keys_are_still_found(text, key):
    from reviewer.document.rows import TICKET_KEY

    m = TICKET_KEY.search(text)
    assert (m.group(0) if m else None) == key


@pytest.mark.parametrize("text, minutes", [
    ("5 minutes", 5), ("1h 28m", 88), ("2 hours and 2 minutes", 122), ("2 days, 3 hours, 4 minutes and 5 seconds",
                                                                     2 * 1440 + 180 + 4 + 5 / 60),
    ("forty-five minutes", 45), ("1.5 hours", 90)])
def test_durations_are_still_read(text, minutes):
    import re

    from reviewer.nlp.metrics import DURATION, parse_duration

    m = re.search(DURATION, "the outage lasted " + text, re.I)
    assert m is not None and m.group(0) == text
    assert parse_duration(m.group(0)) == pytest.approx(minutes, abs=0.1)


def test_leading_time_still_read_after_spaces():
    from reviewer.document.timeexpr import leading_time

    assert leading_time("   - **10:42 UTC** — alert fired")[0] == "10:42 UTC"
    assert leading_time(" " * 5000 + "x") is None
