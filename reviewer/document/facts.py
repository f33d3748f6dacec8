"""Facts read straight from the parsed document (no NLP)."""

from __future__ import annotations

from reviewer.facts import fact


@fact("document")
def document_facts(doc, analysis, config) -> dict:
    meta = doc.metadata
    return {
        "title": doc.title,
        "id": meta.id,
        "severity": meta.severity,
        "severity_level": meta.severity_level,
        "owner": meta.owner,
        "status": meta.status,
        "services": meta.services,
        "date": meta.date.isoformat() if meta.date else None,
        "started": meta.started.isoformat() if meta.started else None,
        "detected": meta.detected.isoformat() if meta.detected else None,
        "mitigated": meta.mitigated.isoformat() if meta.mitigated else None,
        "resolved": meta.resolved.isoformat() if meta.resolved else None,
        "drafted": meta.drafted.isoformat() if meta.drafted else None,
        "sections": [{"title": doc.heading_text(s), "kind": s.kind.value, "level": s.level, "start": s.span.start,
                      "end": s.span.end} for s in doc.sections[1:]],
        "timeline_rows": len(doc.timeline),
        "action_items": len(doc.action_items),
        "action_items_with_owner": sum(1 for a in doc.action_items if a.owner),
        "links": len(doc.links),
        "images": len(doc.images),
    }
