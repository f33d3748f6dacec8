"""Retrieval quality on real incident summaries: TF-IDF baseline vs dense vs fused.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_retrieval.py [--eval ../shared/eval]

Leave-one-out over ../shared/eval/danluu.jsonl: every incident queries all the others (through
the same `Corpus.similar` the product uses); relevant = same primary root cause in
../shared/eval/labels/root_causes.jsonl. Prints precision@5, MRR and nDCG@10 per method,
the relative gain of each over the TF-IDF baseline, and the root-cause classifier's accuracy
on these (never trained on) texts. Labels are read only to score; they never reach the corpus.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from reviewer.corpus.service import Corpus, SearchWeights  # noqa: E402
from reviewer.corpus.types import IncidentRecord  # noqa: E402

K = 10


def metrics(ranked: list[str], relevant: set[str]) -> tuple[float, float, float]:
    p5 = sum(1 for i in ranked[:5] if i in relevant) / 5
    mrr = next((1 / (r + 1) for r, i in enumerate(ranked) if i in relevant), 0.0)
    dcg = sum(1 / math.log2(r + 2) for r, i in enumerate(ranked[:K]) if i in relevant)
    ideal = sum(1 / math.log2(r + 2) for r in range(min(len(relevant), K)))
    return p5, mrr, (dcg / ideal if ideal else 0.0)


def evaluate(rankings: dict[str, list[str]], label: dict[str, str]) -> tuple[float, float, float]:
    rows = []
    for query, ranked in rankings.items():
        relevant = {i for i, c in label.items() if c == label[query] and i != query}
        if relevant:
            rows.append(metrics(ranked, relevant))
    return tuple(float(np.mean(column)) for column in zip(*rows))  # type: ignore[return-value]


def tfidf_baseline(records: list[dict]) -> dict[str, list[str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = [r["id"] for r in records]
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform([r["text"] for r in records])
    similarity = (matrix @ matrix.T).toarray()
    np.fill_diagonal(similarity, -1)
    return {ids[q]: [ids[j] for j in np.argsort(-similarity[q], kind="stable")[:K]] for q in range(len(ids))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", default=str(Path(__file__).resolve().parents[2] / "shared" / "eval"))
    args = parser.parse_args()
    eval_dir = Path(args.eval)
    if not (eval_dir / "danluu.jsonl").exists():
        print(f"no {eval_dir / 'danluu.jsonl'}; nothing to measure", file=sys.stderr)
        return 2
    records = [json.loads(line) for line in (eval_dir / "danluu.jsonl").read_text().splitlines() if line.strip()]
    label = {}
    for line in (eval_dir / "labels" / "root_causes.jsonl").read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            label[row["id"]] = row["primary"]
    records = [r for r in records if r["id"] in label]

    corpus = Corpus.open("sqlite://")
    started = time.perf_counter()
    report = corpus.import_records([IncidentRecord(id=r["id"], text=r["text"]) for r in records])
    import_seconds = time.perf_counter() - started
    assert not report.skipped, report.skipped

    methods: dict[str, dict[str, list[str]]] = {"tfidf (baseline)": tfidf_baseline(records)}
    variants = {
        "dense (whole text)": SearchWeights(root_cause=0, summary=0, text=1, lexical=0, category=0),
        "bm25": SearchWeights(root_cause=0, summary=0, text=0, lexical=1, category=0),
        "fused: dense + bm25": SearchWeights(category=0),
        "fused: dense + bm25 + category (product)": SearchWeights(),
    }
    for name, weights in variants.items():
        corpus.weights = weights
        methods[name] = {r["id"]: [m.incident.id for m in corpus.similar(incident_id=r["id"], k=K)] for r in records}

    # The path a draft takes: the query as text (embedded and classified afresh, soft category).
    corpus.weights = SearchWeights()
    by_text = {}
    for r in records:
        matches = corpus.similar(r["text"], k=K + 1)
        by_text[r["id"]] = [m.incident.id for m in matches if m.incident.id != r["id"]][:K]
    methods["product, query given as text (a draft)"] = by_text

    baseline = evaluate(methods["tfidf (baseline)"], label)
    print(f"danluu leave-one-out: {len(records)} incidents, {len(Counter(label[r['id']] for r in records))} "
          f"root-cause classes; import {import_seconds:.1f}s")
    print(f"{'method':<44} {'P@5':>6} {'MRR':>6} {'nDCG@10':>8} {'vs tfidf nDCG':>14}")
    for name, rankings in methods.items():
        p5, mrr, ndcg = evaluate(rankings, label)
        gain = (ndcg / baseline[2] - 1) * 100
        print(f"{name:<44} {p5:6.3f} {mrr:6.3f} {ndcg:8.3f} {gain:+13.1f}%")

    stored = {i.id: i for i in corpus.store.all_incidents()}
    correct = sum(1 for r in records if stored[r["id"]].category == label[r["id"]])
    print(f"root-cause classifier accuracy on these texts (primary label): {correct / len(records):.3f} "
          f"({correct}/{len(records)})")
    corpus.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
