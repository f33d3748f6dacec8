"""Root-cause categories and retrieval on real incident text nobody here wrote.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/bench_retrieval.py [--eval ../shared/eval]

Three tables, every figure from models trained only on data/training (nothing is fit on the
evaluation texts, so the plain figure is also the leave-one-source-out one):

1. Category: the classifier's category of each of the 190 danluu summaries (through the same
   `Corpus` import the product uses) against `labels/root_causes.jsonl` `primary`: accuracy,
   macro-F1 (over the labels present), and how many it called "unknown".
2. Team taxonomy: the Azure reports of `cloud/` classified into the six categories of the
   paper that labelled them, declared as a team taxonomy (`TEAM_TAXONOMY` below: the paper's
   descriptions and examples written for this benchmark), exact match against
   `root_cause_category`; the reports labelled UNKNOWN are counted apart.
3. Retrieval, danluu leave-one-out: every incident queries all the others through
   `Corpus.similar`; relevant = same primary label. P@5, MRR, nDCG@10 for each signal alone,
   fused, and against a TF-IDF baseline. Labels are read only to score; they never reach the corpus.
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
from reviewer.corpus.taxonomy import TeamTaxonomy, taxonomy_from_tables  # noqa: E402
from reviewer.corpus.types import IncidentRecord  # noqa: E402

K = 10

# The paper's six categories as a team would declare them: its descriptions, examples written
# for this benchmark (not from the reports), and the built-in categories each one means.
TEAM_TAXONOMY = [
    {"name": "CONFIG", "description": "incorrect system, hardware, software or network configuration",
     "examples": ["A configuration change set a wrong value and the service stopped accepting connections.",
                  "A network setting was applied incorrectly to the routers in one region.",
                  "An invalid entry in a settings file made the front ends reject requests."],
     "built-in": ["config-change", "dns", "network"]},
    {"name": "OVERLOAD", "description": "traffic beyond planned capacity, load imbalance",
     "examples": ["A surge of requests exceeded the capacity of the cluster and requests were throttled.",
                  "Load was not spread evenly and a few nodes were overwhelmed.",
                  "Resources ran out under an unexpected increase in demand."],
     "built-in": ["capacity-overload", "resource-exhaustion"]},
    {"name": "DEPLOY", "description": "faulty deployment or update, hardware or software bugs",
     "examples": ["A recent update to the service contained a code defect that caused failures.",
                  "A software bug in the storage component caused requests to fail after the rollout.",
                  "A deployment introduced a regression that crashed the workers."],
     "built-in": ["deploy-bug", "latent-bug", "database", "time"]},
    {"name": "EXTERNAL", "description": "third-party outage, power failure, other external causes",
     "examples": ["A power disruption at the datacenter took down a set of servers.",
                  "An outage at an upstream internet provider made the service unreachable.",
                  "A fibre cut by a third party severed connectivity to the region."],
     "built-in": ["dependency", "hardware-power"]},
    {"name": "MAINTAIN", "description": "maintenance activity causing unexpected issues",
     "examples": ["During planned maintenance, a step removed more capacity than expected.",
                  "Routine maintenance on the storage cluster caused an unexpected failover.",
                  "A maintenance operation to replace hardware triggered errors for customers."],
     "built-in": []},
    {"name": "OTHERS", "description": "other causes, for example human operations",
     "examples": ["An operator ran a command by mistake that removed production resources.",
                  "A manual operation was performed incorrectly during troubleshooting.",
                  "Expired credentials stopped the integration from authenticating."],
     "built-in": ["operational-command", "process-other", "security", "data-loss", "expiry"]},
]


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


def macro_f1(truth: list[str], predicted: list[str]) -> float:
    """Macro-F1 over the classes present in the truth (a prediction of "unknown" is a miss)."""
    scores = []
    for c in sorted(set(truth)):
        tp = sum(1 for t, p in zip(truth, predicted) if t == c and p == c)
        fp = sum(1 for t, p in zip(truth, predicted) if t != c and p == c)
        fn = sum(1 for t, p in zip(truth, predicted) if t == c and p != c)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores))


def tfidf_baseline(records: list[dict]) -> dict[str, list[str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    ids = [r["id"] for r in records]
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform([r["text"] for r in records])
    similarity = (matrix @ matrix.T).toarray()
    np.fill_diagonal(similarity, -1)
    return {ids[q]: [ids[j] for j in np.argsort(-similarity[q], kind="stable")[:K]] for q in range(len(ids))}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def category_table(corpus: Corpus, records: list[dict], label: dict[str, str]) -> None:
    stored = {i.id: i for i in corpus.store.all_incidents()}
    truth = [label[r["id"]] for r in records]
    predicted = [stored[r["id"]].category or "unknown" for r in records]
    accuracy = sum(t == p for t, p in zip(truth, predicted)) / len(truth)
    unknown = predicted.count("unknown")
    print(f"\n1. root-cause category, danluu ({len(records)} summaries, nothing fit on them; "
          "targets accuracy >= 0.70, macro-F1 >= 0.65)")
    print(f"   accuracy {accuracy:.3f}   macro-F1 {macro_f1(truth, predicted):.3f}   unknown {unknown}")
    confusions = Counter((t, p) for t, p in zip(truth, predicted) if t != p).most_common(6)
    print("   most frequent confusions (label -> predicted): "
          + ", ".join(f"{t}->{p} {n}" for (t, p), n in confusions))


def team_taxonomy_table(eval_dir: Path) -> None:
    labels = {row["doc"]: row["root_cause_category"] for row in read_jsonl(eval_dir / "cloud" / "labels.jsonl")
              if row.get("vendor") == "azure"}
    docs = {name: (eval_dir / "cloud" / "docs" / name).read_text(encoding="utf-8") for name in sorted(labels)}
    taxonomy = taxonomy_from_tables(TEAM_TAXONOMY)
    unmapped = TeamTaxonomy([type(c)(name=c.name, description=c.description, examples=c.examples)
                             for c in taxonomy.categories])
    corpus = Corpus.open("sqlite://", taxonomy=taxonomy)  # empty: a report's category needs no corpus
    queries = {name: corpus._query_for_text(text) for name, text in docs.items()}
    variants: dict[str, dict[str, str]] = {"built-in category, mapped (built-in lists)": {}, "embedding only": {},
                                           "team taxonomy (product: embedding + mapping)": {}}
    for name, query in queries.items():
        vector, built_in = query.vectors["cause"][None, :], query.category_probabilities[None, :]
        team = taxonomy.names
        variants["built-in category, mapped (built-in lists)"][name] = team[int(taxonomy.mapped_probabilities(built_in).argmax())]
        variants["embedding only"][name] = team[int(unmapped.probabilities(vector, corpus.embedder, None).argmax())]
        variants["team taxonomy (product: embedding + mapping)"][name] = corpus.cause(docs[name]).team_category or "UNKNOWN"
    corpus.close()
    known = [n for n in docs if labels[n] not in (None, "UNKNOWN")]
    print(f"\n2. team taxonomy, Azure reports ({len(known)} labelled in the six categories, "
          f"{len(docs) - len(known)} UNKNOWN left out; target exact match >= 0.70; nothing fit on them)")
    for method, predicted in variants.items():
        hits = sum(predicted[n] == labels[n] for n in known)
        print(f"   {method:<46} exact match {hits / len(known):.3f} ({hits}/{len(known)}), "
              f"macro-F1 {macro_f1([labels[n] for n in known], [predicted[n] for n in known]):.3f}")
    product = variants["team taxonomy (product: embedding + mapping)"]
    confusions = Counter((labels[n], product[n]) for n in known if labels[n] != product[n]).most_common(6)
    print("   product's most frequent confusions (label -> predicted): "
          + ", ".join(f"{t}->{p} {c}" for (t, p), c in confusions))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", default=str(Path(__file__).resolve().parents[2] / "shared" / "eval"))
    args = parser.parse_args()
    eval_dir = Path(args.eval)
    if not (eval_dir / "danluu.jsonl").exists():
        print(f"no {eval_dir / 'danluu.jsonl'}; nothing to measure", file=sys.stderr)
        return 2
    records = read_jsonl(eval_dir / "danluu.jsonl")
    label = {row["id"]: row["primary"] for row in read_jsonl(eval_dir / "labels" / "root_causes.jsonl")}
    records = [r for r in records if r["id"] in label]

    corpus = Corpus.open("sqlite://")
    started = time.perf_counter()
    report = corpus.import_records([IncidentRecord(id=r["id"], text=r["text"]) for r in records])
    import_seconds = time.perf_counter() - started
    assert not report.skipped, report.skipped
    category_table(corpus, records, label)
    if (eval_dir / "cloud" / "labels.jsonl").exists():
        team_taxonomy_table(eval_dir)

    methods: dict[str, dict[str, list[str]]] = {"tfidf (baseline)": tfidf_baseline(records)}
    alone = {name: 0.0 for name in SearchWeights.__dataclass_fields__ if name != "fusion"}
    variants = {f"{name} alone": SearchWeights(**(alone | {name: 1.0}), fusion="rrf") for name in alone}
    variants["rrf: all but category"] = SearchWeights(category=0, fusion="rrf")
    variants["rrf: all (before)"] = SearchWeights(fusion="rrf")
    variants["P(same cause), abstaining (product)"] = SearchWeights()
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
    print(f"\n3. retrieval, danluu leave-one-out: {len(records)} incidents, "
          f"{len(Counter(label[r['id']] for r in records))} root-cause classes; import {import_seconds:.1f}s; "
          "target nDCG@10 >= 0.40 (1.5x tf-idf)")
    print(f"   {'method':<44} {'P@5':>6} {'MRR':>6} {'nDCG@10':>8} {'vs tfidf':>9} {'listed':>7}")
    for name, rankings in methods.items():
        p5, mrr, ndcg = evaluate(rankings, label)
        listed = np.mean([len(ranked) for ranked in rankings.values()])
        print(f"   {name:<44} {p5:6.3f} {mrr:6.3f} {ndcg:8.3f} {ndcg / baseline[2]:8.2f}x {listed:7.1f}")
    print("   (listed: mean matches returned of 10; the product leaves out those below its P(same cause) threshold)")
    corpus.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
