"""The parser on real postmortems it has never seen (../shared/eval; skipped without it)."""

import json

import pytest

from reviewer.document import SectionKind, parse

pytestmark = pytest.mark.eval


def _doc_labels(eval_dir):
    out = {}
    for line in (eval_dir / "labels" / "fulltext_labels.jsonl").read_text().splitlines():
        record = json.loads(line)
        out.setdefault(record["doc"], []).append(record)
    return out


def _documents(eval_dir):
    return sorted((eval_dir / "fulltext").glob("*.md")) + sorted((eval_dir / "fulltext" / "templates").glob("*.md"))


def test_every_real_document_parses_with_positions_in_range(eval_dir):
    for path in _documents(eval_dir):
        text = path.read_text(encoding="utf-8")
        doc = parse(text)
        assert doc.sections, path.name
        for section in doc.sections[1:]:
            assert isinstance(section.kind, SectionKind)
            assert text[section.heading.start : section.heading.end].strip(), path.name
        for block in doc.blocks:
            assert all(0 <= o < len(text) for o in block.offsets)


def test_documents_with_a_timeline_have_timeline_rows(eval_dir):
    for name, records in _doc_labels(eval_dir).items():
        facts = next(r for r in records if r["layer"] == "doc")
        doc = parse((eval_dir / "fulltext" / name).read_text(encoding="utf-8"))
        assert bool(doc.timeline) == bool(facts["has_timeline"]), name


def test_labelled_clock_times_in_timelines_are_read_as_rows(eval_dir):
    """Each precise time labelled inside a timeline section is the time of a timeline row."""
    found = total = 0
    for name, records in _doc_labels(eval_dir).items():
        doc = parse((eval_dir / "fulltext" / name).read_text(encoding="utf-8"))
        for r in records:
            if r["layer"] != "time" or r["label"] != "precise":
                continue
            section = doc.section_at(r["start"])
            if section is None or section.kind != SectionKind.TIMELINE:
                continue
            total += 1
            found += any(e.time_span and e.time_span.start < r["end"] and r["start"] < e.time_span.end for e in doc.timeline)
    assert total > 100
    assert found / total >= 0.95, f"{found}/{total}"


def test_action_items_are_counted_like_the_labels(eval_dir):
    right = total = 0
    for name, records in _doc_labels(eval_dir).items():
        facts = next(r for r in records if r["layer"] == "doc")
        if facts.get("action_items_total") is None:
            continue
        total += 1
        right += len(parse((eval_dir / "fulltext" / name).read_text(encoding="utf-8")).action_items) == facts["action_items_total"]
    assert total >= 15 and right / total >= 0.8, f"{right}/{total}"


def test_template_headings_map_to_kinds(eval_dir):
    for path in sorted((eval_dir / "fulltext" / "templates").glob("*.md")):
        doc = parse(path.read_text(encoding="utf-8"))
        kinds = {s.kind for s in doc.sections}
        assert {SectionKind.ROOT_CAUSE, SectionKind.ACTION_ITEMS} & kinds, path.name
        known = [s for s in doc.sections[1:] if s.kind != SectionKind.UNKNOWN]
        assert len(known) >= 4, (path.name, [s.title for s in doc.sections])
