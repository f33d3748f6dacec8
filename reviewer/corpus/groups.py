"""Recurring root causes and trends over the stored incidents.

Groups: incidents are first split by root-cause category (given or classified), then the
root-cause embeddings inside a category are clustered (agglomerative, cosine, average
linkage, a distance threshold — no number of clusters to guess), so that "expiry" can hold
both "certificate expiry" and "domain registration lapsed" as separate groups. A group is
labelled by its category and the words its root causes share more than the rest of the
corpus does (class-based TF-IDF).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date

import numpy as np

from reviewer.corpus.index import normalise_token, terms
from reviewer.corpus.types import Incident, OpenActionItem, RootCauseGroup, TrendPoint

# Average cosine distance under which root causes of one category count as the same cause.
CLUSTER_DISTANCE = 0.75


def category_words(category: str | None) -> frozenset[str]:
    """The words of a category's name ("expiry", "capacity", "overload"): a label need not repeat them."""
    return frozenset(normalise_token(w) for w in (category or "").split("-") if w)


def cluster(vectors: np.ndarray, threshold: float = CLUSTER_DISTANCE) -> list[int]:
    """Cluster labels for unit vectors (one cluster when there are fewer than two)."""
    if len(vectors) < 2:
        return [0] * len(vectors)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                    distance_threshold=threshold)
    return [int(label) for label in model.fit_predict(vectors)]


def _phrases(text: str) -> set[str]:
    """Content words and pairs of adjacent content words ("certificate expiry") of a text."""
    words = terms(text)
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:]) if a != b}


def group_terms(group_texts: list[str], document_frequency: Counter, total_documents: int, top: int = 3,
                leave_out: frozenset[str] = frozenset()) -> list[str]:
    """The words a group's root causes share, weighted by how rare they are in the whole corpus.

    Pairs of words count when they recur (they read better as a label: "certificate expiry");
    a word already inside a chosen pair is not repeated.
    """
    counts: Counter = Counter()
    for text in group_texts:
        counts.update(_phrases(text))
    scored = []
    for term, count in counts.items():
        if count < 2 and len(group_texts) > 1:
            continue  # one incident's word does not describe a group
        if any(word in leave_out for word in term.split()):
            continue
        is_pair = " " in term
        frequency = min(document_frequency[w] for w in term.split()) if is_pair else document_frequency[term]
        idf = math.log(1 + total_documents / (1 + frequency))
        scored.append((count / len(group_texts) * idf * (1.5 if is_pair else 1.0), term))
    chosen: list[str] = []
    for _, term in sorted(scored, key=lambda x: (-x[0], x[1])):
        words = set(term.split())
        if any(words <= set(c.split()) or (" " in term and set(c.split()) <= words) for c in chosen):
            if " " in term:
                chosen = [c for c in chosen if not set(c.split()) <= words]  # the pair replaces its word
            else:
                continue
        chosen.append(term)
        if len(chosen) == top:
            break
    return chosen


def root_cause_groups(incidents: list[Incident], vector_of: Callable[[str], np.ndarray | None],
                      *, min_count: int = 2, threshold: float = CLUSTER_DISTANCE) -> list[RootCauseGroup]:
    """Group incidents by root cause; groups of at least `min_count`, largest (then most recent) first."""
    document_frequency: Counter = Counter()
    for incident in incidents:
        document_frequency.update(set(terms(incident.root_cause or incident.summary)))
    by_category: dict[str | None, list[Incident]] = defaultdict(list)
    for incident in incidents:
        by_category[incident.category].append(incident)
    groups: list[RootCauseGroup] = []
    for category, members in by_category.items():
        with_vectors = [m for m in members if vector_of(m.id) is not None]
        without = [m for m in members if vector_of(m.id) is None]
        labels = cluster(np.vstack([vector_of(m.id) for m in with_vectors])) if with_vectors else []
        clusters: dict[int, list[Incident]] = defaultdict(list)
        for member, label in zip(with_vectors, labels):
            clusters[label].append(member)
        if without:
            clusters[-1].extend(without)
        for cluster_members in clusters.values():
            if len(cluster_members) < min_count:
                continue
            cluster_members.sort(key=lambda m: (m.date or date.max, m.id))
            words = group_terms([m.root_cause or m.summary for m in cluster_members], document_frequency,
                                len(incidents), leave_out=category_words(category))
            label = (category or "uncategorised") + (": " + ", ".join(words) if words else "")
            dates = [m.date for m in cluster_members if m.date]
            groups.append(RootCauseGroup(
                label=label, category=category, terms=words, count=len(cluster_members),
                first_date=min(dates) if dates else None, last_date=max(dates) if dates else None,
                incident_ids=[m.id for m in cluster_members],
                open_action_items=[OpenActionItem(incident_id=m.id, text=a.text, owner=a.owner, ticket=a.ticket,
                                                  due=a.due, markdown=a.markdown)
                                   for m in cluster_members for a in m.open_action_items]))
    groups.sort(key=lambda g: (-g.count, -(g.last_date or date.min).toordinal(), g.label))
    return groups


def trends(incidents: list[Incident]) -> list[TrendPoint]:
    """Per calendar month (by incident date): count, severities, impact minutes, mean time to resolve."""
    by_month: dict[str, list[Incident]] = defaultdict(list)
    for incident in incidents:
        if incident.date is not None:
            by_month[incident.date.strftime("%Y-%m")].append(incident)
    points = []
    for month in sorted(by_month):
        members = by_month[month]
        severities = Counter((m.severity or "unknown") for m in members)
        impact = [m.metrics.get("impact_minutes") for m in members if m.metrics.get("impact_minutes") is not None]
        resolve = [m.metrics.get("time_to_resolve_minutes") for m in members
                   if m.metrics.get("time_to_resolve_minutes") is not None]
        points.append(TrendPoint(month=month, incidents=len(members), severity_counts=dict(sorted(severities.items())),
                                 impact_minutes=round(float(sum(impact)), 1),
                                 mean_time_to_resolve_minutes=round(sum(resolve) / len(resolve), 1) if resolve else None))
    return points
