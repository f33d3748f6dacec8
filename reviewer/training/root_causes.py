"""Train the root-cause category classifier: `python -m reviewer.training.build root_causes`.

Data: data/training/root_causes*.jsonl, one `{"text", "category"}` per line — one-paragraph
incident summaries written for this project (never the evaluation texts in ../shared/eval).
Model: word (1–2 gram) and character (3–5 gram) TF-IDF → multinomial logistic regression,
saved with skops as models/root_causes.skops next to its card models/root_causes.md.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

from reviewer.corpus.types import ROOT_CAUSE_CATEGORIES
from reviewer.resources import data_dir, models_dir

SEED = 13


def training_files() -> list[Path]:
    return sorted((data_dir() / "training").glob("root_causes*.jsonl"))


def load_examples() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for path in training_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row["category"] not in ROOT_CAUSE_CATEGORIES:
                raise ValueError(f"{path}:{number}: unknown category {row['category']!r}")
            texts.append(row["text"])
            labels.append(row["category"])
    return texts, labels


def make_pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion([
        ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1, stop_words="english",
                                  lowercase=True)),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2,
                                  lowercase=True)),
    ])
    return Pipeline([("features", features),
                     ("classifier", LogisticRegression(C=10.0, max_iter=2000, random_state=SEED))])


def cross_validate(texts: list[str], labels: list[str], folds: int = 5) -> dict:
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    predicted = cross_val_predict(make_pipeline(), texts, labels, cv=splitter)
    return {"cv_accuracy": round(float(accuracy_score(labels, predicted)), 3),
            "cv_macro_f1": round(float(f1_score(labels, predicted, average="macro")), 3),
            "per_class_f1": {c: round(float(v), 3) for c, v in zip(
                sorted(set(labels)), f1_score(labels, predicted, average=None, labels=sorted(set(labels))))}}


def make_embedding_head():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=4.0, max_iter=3000, random_state=SEED)


def cross_validate_heads(texts: list[str], labels: list[str], vectors, folds: int = 5) -> dict:
    """Cross-validated accuracy of the embedding head alone and of the average of both heads."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    text_probabilities = cross_val_predict(make_pipeline(), texts, labels, cv=splitter, method="predict_proba")
    vector_probabilities = cross_val_predict(make_embedding_head(), vectors, labels, cv=splitter,
                                             method="predict_proba")
    classes = sorted(set(labels))
    truth = [classes.index(label) for label in labels]

    def accuracy(probabilities) -> float:
        return round(float((probabilities.argmax(axis=1) == truth).mean()), 3)

    return {"cv_accuracy_embedding_head": accuracy(vector_probabilities),
            "cv_accuracy_both_heads": accuracy(text_probabilities + vector_probabilities)}


def build() -> dict:
    import json as json_module

    import skops.io as sio

    from reviewer.corpus.categories import EMBEDDING_INFO_FILE, EMBEDDING_MODEL_FILE
    from reviewer.corpus.embeddings import SentenceTransformerEmbedder

    texts, labels = load_examples()
    figures = cross_validate(texts, labels)
    pipeline = make_pipeline().fit(texts, labels)
    embedder = SentenceTransformerEmbedder()
    vectors = embedder.encode(texts)
    figures |= cross_validate_heads(texts, labels, vectors)
    head = make_embedding_head().fit(vectors, labels)
    out = models_dir()
    out.mkdir(parents=True, exist_ok=True)
    sio.dump(pipeline, out / "root_causes.skops")
    sio.dump(head, out / EMBEDDING_MODEL_FILE)
    (out / EMBEDDING_INFO_FILE).write_text(json_module.dumps(
        {"embedder": embedder.name, "dimension": int(vectors.shape[1])}, indent=2) + "\n", encoding="utf-8")
    (out / "root_causes.md").write_text(model_card(len(texts), Counter(labels), figures, embedder.name),
                                        encoding="utf-8")
    return {k: v for k, v in figures.items() if k != "per_class_f1"} | {"examples": len(texts)}


def model_card(examples: int, counts: Counter, figures: dict, embedder: str) -> str:
    rows = "\n".join(f"| {c} | {counts[c]} | {figures['per_class_f1'].get(c, 0):.2f} |" for c in ROOT_CAUSE_CATEGORIES)
    return f"""# Root-cause category classifier (`root_causes.skops`)

What it does: reads the root-cause text of an incident (the root cause / contributing factors,
trigger and 5-whys sections; the summary or the whole text when there is none) and gives a
probability for each of the 16 root-cause categories. The corpus stores the most likely one
per incident (unless the incident's front matter gives `root_cause_category`), groups
incidents by it (`pmreview causes`) and fuses a category-match ranking into `pmreview similar`.

## Data

`data/training/root_causes*.jsonl`: {examples} one-paragraph incident summaries written for this
project, in our own words, 30–40 per category (`root_causes_more.jsonl` adds terser, news-like
ones). None come from `../shared/eval`.

| category | examples | cross-validated F1 (text head) |
|---|---|---|
{rows}

## Model

Two heads whose probabilities are averaged:

- text head (`root_causes.skops`): word 1–2-gram TF-IDF (English stop words removed, sublinear tf)
  and character 3–5-gram TF-IDF, concatenated, into a multinomial logistic regression (C=10);
- embedding head (`root_causes_embedding.skops`): a logistic regression (C=4) over the
  {embedder} sentence embedding of the same text (`root_causes_embedding.json` names the
  embedder). The corpus already embeds every root cause, so this head costs no extra encoding;
  it is used only when the corpus runs with that same embedder, else the text head decides alone.

Saved with skops; loaded with only scikit-learn, NumPy and SciPy types trusted.

## Figures

- 5-fold stratified cross-validation on the training data: text head accuracy
  {figures['cv_accuracy']:.3f} (macro F1 {figures['cv_macro_f1']:.3f}), embedding head
  {figures['cv_accuracy_embedding_head']:.3f}, both heads {figures['cv_accuracy_both_heads']:.3f}. These
  summaries were written to be typical, so these are optimistic figures.
- On real, third-party incident summaries (the danluu collection in the evaluation data, never trained on):
  run `python benchmarks/bench_retrieval.py`, which prints the classifier's accuracy against
  the labelled primary root cause, next to the retrieval figures.

## Rebuild

    python -m reviewer.training.build root_causes

Built {date.today().isoformat()}; deterministic for the same data (seed {SEED}).
"""


if __name__ == "__main__":
    print(build())
