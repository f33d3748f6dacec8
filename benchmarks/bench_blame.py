"""Blame findings on example sentences and on labelled real postmortems, and their cost.

    .venv/bin/python benchmarks/bench_blame.py [--show] [--eval ../shared/eval]

Sentences: every sentence of ../shared/eval/labels/blame_examples.jsonl is reviewed as its own
document through the real review pipeline (`Reviewer.review`, what `pmreview check` runs, blame
rules selected). A blameful sentence is caught when any PM201–PM205 finding overlaps it
("right rule": the finding's rule is the one for its label); a blameless one is flagged when
any blame finding does. Figures per label and per source.

"plain" is the product as shipped: the sentence model and its thresholds come from our own
training data (data/training/), nothing is fit on these sentences. "LOSO" is what tuning the one
threshold that matters most on these sentences would give, scored honestly: for each source,
the model's report-alone threshold is chosen on the other sources (most caught with at most 3%
of their blameless sentences flagged) and applied to the held-out source.

Accuracy: PM201–PM204 findings against the `blame` labels of ../shared/eval/fulltext
(`borderline` excluded: a finding on a borderline sentence counts neither way). A finding
matches a labelled sentence when its span overlaps it. Precision counts findings; recall
counts labelled sentences; false flags are findings that overlap no labelled sentence, per
1,000 non-quoted sentences. Quoted material (blockquotes, chat logs) is never flagged by
design, so recall is printed both over every label and over the labels in the author's own
prose. PM205 (minimisers, a suggestion) and PM206 (action items) have no labels in the set:
their flags per 1,000 sentences are printed on their own.

Speed: the time of the blame rules (detection + classifier + hits, fresh analysis each run)
over the time of spaCy's `nlp.pipe` on the same prose blocks, in the same run; and a whole
review (every rule, parse included, fresh analyzer) over that bare parse (target <= 1.3x).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from reviewer.config import Config  # noqa: E402
from reviewer.document import parse  # noqa: E402
from reviewer.nlp.analysis import Analyzer  # noqa: E402
from reviewer.nlp.blame import load_model  # noqa: E402
from reviewer.nlp.pipeline import load_pipeline  # noqa: E402
from reviewer.review import Document, Reviewer  # noqa: E402
from reviewer.rules.base import CheckContext, all_rules  # noqa: E402

LABELLED_RULES = {"PM201": "person-fault", "PM202": "human-error-cause", "PM203": "counterfactual",
                  "PM204": "judgmental"}
UNLABELLED_RULES = ("PM205", "PM206")
LABELS = ("person-fault", "human-error-cause", "counterfactual", "judgmental")


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def blame_hits(doc, analysis, config, codes):
    rules = all_rules()
    out = []
    for code in codes:
        rule = rules[code]
        ctx = CheckContext(doc=doc, config=config, options=config.rule_options(code, rule.options), analysis=analysis)
        out.extend((code, hit) for hit in rule.check(ctx))
    return out


RULE_OF_LABEL = {label: code for code, label in LABELLED_RULES.items()}
CATCHING_RULES = ("PM201", "PM202", "PM203", "PM204", "PM205")


def example_sentences(eval_dir: Path, analyzer: Analyzer, show: bool) -> dict | None:
    """Each example sentence reviewed as its own document; caught / flagged per label and source."""
    path = eval_dir / "labels" / "blame_examples.jsonl"
    if not path.is_file():
        print(f"(no example sentences at {path}: skipped)\n")
        return None
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    model = load_model()
    shipped = dict(model.settings.thresholds) if model is not None else {}
    if model is not None:
        model.settings.thresholds["alone"] = 0.0  # every model-only finding, with its score, for the sweep
    try:
        reviewer = Reviewer(Config(select=["PM2"]), analyzer=analyzer)
        reviews = reviewer.review_many([Document(row["text"] + "\n") for row in rows])
    finally:
        if model is not None:
            model.settings.thresholds.update(shipped)
    alone = shipped.get("alone", 1.0)

    def decided(review, threshold):
        """The blame codes of a review had the model reported alone from `threshold` up."""
        return sorted({f.code for f in review.findings if f.code.startswith("PM2") and (
            f.data.get("found_by") != "model" or f.data.get("classifier", 0.0) >= threshold)})

    def flags(review, threshold, blameful):
        codes = decided(review, threshold)
        return any(c in CATCHING_RULES for c in codes) if blameful else bool(codes)

    grid = [round(0.5 + 0.01 * i, 2) for i in range(50)] + [1.01]
    sources = sorted({row["source"] for row in rows})
    loso_threshold: dict[str, float] = {}
    for held in sources:
        best = None
        for t in grid:
            rest = [(row, review) for row, review in zip(rows, reviews) if row["source"] != held]
            pos = [flags(rv, t, True) for row, rv in rest if row["label"] != "blameless"]
            neg = [flags(rv, t, False) for row, rv in rest if row["label"] == "blameless"]
            caught, flagged = sum(pos) / max(1, len(pos)), sum(neg) / max(1, len(neg))
            score = (flagged <= 0.03, caught, -flagged, -t)
            if best is None or score > best[0]:
                best = (score, t)
        loso_threshold[held] = best[1]
    loso_hit = {}
    per_label: dict[str, Counter] = defaultdict(Counter)
    per_source: dict[str, Counter] = defaultdict(Counter)
    shown = []
    for index, (row, review) in enumerate(zip(rows, reviews)):
        codes = decided(review, alone)
        label, blameful = row["label"], row["label"] != "blameless"
        hit = flags(review, alone, blameful)
        loso_hit[index] = flags(review, loso_threshold[row["source"]], blameful)
        per_label[label].update(loso=int(loso_hit[index]))
        right = RULE_OF_LABEL.get(label) in codes
        per_label[label].update(n=1, hit=int(hit), right=int(right))
        per_source[row["source"]].update(**{"pos" if blameful else "neg": 1,
                                            ("caught" if blameful else "flagged"): int(hit)})
        if show and hit != blameful:
            shown.append(f"  {'MISSED' if blameful else 'FLAGGED'} {label} {','.join(codes) or '-'}: "
                         f"{row['text'][:110]!r}")
    blameful = [lab for lab in per_label if lab != "blameless"]
    pos = sum(per_label[lab]["n"] for lab in blameful)
    caught = sum(per_label[lab]["hit"] for lab in blameful)
    neg = per_label["blameless"]["n"]
    flagged = per_label["blameless"]["hit"]
    print(f"Example sentences: {len(rows)} from {len(per_source)} sources, each reviewed as its own document\n")
    print(f"report-alone threshold as shipped: {alone:.2f}; chosen per held-out source (LOSO): "
          f"{min(loso_threshold.values()):.2f}–{max(loso_threshold.values()):.2f}\n")
    print(f"{'label':<20} {'sentences':>9} {'caught/flagged':>15} {'plain':>6} {'LOSO':>6} {'right rule':>11}")
    for lab in [*sorted(blameful), "blameless"]:
        c = per_label[lab]
        rate = c["hit"] / c["n"] if c["n"] else 0.0
        loso_rate = c["loso"] / c["n"] if c["n"] else 0.0
        right = f"{c['right']}/{c['n']}" if lab != "blameless" else "-"
        print(f"{lab:<20} {c['n']:>9} {c['hit']:>15} {rate:>6.2f} {loso_rate:>6.2f} {right:>11}")
    caught_rate, flagged_rate = caught / pos if pos else 0.0, flagged / neg if neg else 0.0
    loso_caught = sum(per_label[lab]["loso"] for lab in blameful) / pos if pos else 0.0
    loso_flagged = per_label["blameless"]["loso"] / neg if neg else 0.0
    print(f"\nblameful caught   plain {caught}/{pos} = {caught_rate:.1%}   leave-one-source-out {loso_caught:.1%}"
          "   target >= 90%")
    print(f"blameless flagged plain {flagged}/{neg} = {flagged_rate:.1%}   leave-one-source-out {loso_flagged:.1%}"
          "   target <= 3%")
    print(f"\n{'per source':<64} {'caught':>8} {'flagged':>8}")
    for source, c in sorted(per_source.items(), key=lambda kv: kv[0]):
        name = source if len(source) <= 62 else source[:30] + "…" + source[-31:]
        print(f"{name:<64} {c['caught']:>3}/{c['pos']:<4} {c['flagged']:>3}/{c['neg']:<4}")
    sources_all = [s for s, c in per_source.items() if c["pos"]]
    full = sum(1 for s in sources_all if per_source[s]["caught"] == per_source[s]["pos"])
    print(f"sources with every blameful sentence caught: {full}/{len(sources_all)}")
    if shown:
        print("\n".join(["\nmissed / flagged sentences:", *shown]))
    print()
    return {"caught": caught_rate, "flagged": flagged_rate, "loso_caught": loso_caught, "loso_flagged": loso_flagged}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval"), help="the eval directory")
    parser.add_argument("--show", action="store_true", help="print every finding and every missed label")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs (the fastest is kept)")
    args = parser.parse_args(argv)

    eval_dir = Path(args.eval)
    label_file = eval_dir / "labels" / "fulltext_labels.jsonl"
    if not label_file.is_file():
        print(f"no labels at {label_file}", file=sys.stderr)
        return 2
    labels = [json.loads(line) for line in label_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for label in labels:
        if label["layer"] == "blame":
            by_doc[label["doc"]].append(label)

    nlp = load_pipeline()
    analyzer = Analyzer(nlp)
    config = Config(select=["PM2"])
    if load_model() is None:
        print("warning: the blame classifier is missing; figures are for the parse alone", file=sys.stderr)
    example_sentences(eval_dir, analyzer, args.show)
    codes = sorted(c for c in all_rules() if c.startswith("PM2"))

    paths = sorted((eval_dir / "fulltext").glob("*.md"))
    documents = [(p.name, p.read_text(encoding="utf-8")) for p in paths]
    parsed = [(name, text, parse(text)) for name, text in documents]

    sentences = 0
    tp = fp = ignored = 0
    per_rule = Counter()  # findings that count (true or false), per rule
    per_rule_tp = Counter()
    unlabelled = Counter()
    found_labels: set[tuple[str, int]] = set()
    prose_labels: set[tuple[str, int]] = set()
    shown: list[str] = []
    for name, text, doc in parsed:
        analysis = analyzer.analyze(doc)
        doc_sentences = list(analysis.sentences())
        sentences += len(doc_sentences)
        doc_labels = by_doc.get(name, [])
        for index, label in enumerate(doc_labels):
            if any(overlaps(s.span.start, s.span.end, label["start"], label["end"]) for s in doc_sentences):
                prose_labels.add((name, index))
        for code, hit in blame_hits(doc, analysis, config, codes):
            flagged = text[hit.start:hit.end].replace("\n", " ")
            if code in UNLABELLED_RULES:
                unlabelled[code] += 1
                shown.append(f"  {code} (unlabelled kind) {name}: {flagged[:110]!r}")
                continue
            matched = [(i, lab) for i, lab in enumerate(doc_labels)
                       if overlaps(hit.start, hit.end, lab["start"], lab["end"])]
            positive = [(i, lab) for i, lab in matched if lab["label"] != "borderline"]
            if positive or not matched:
                per_rule[code] += 1
            if positive:
                tp += 1
                per_rule_tp[code] += 1
                found_labels.update((name, i) for i, _ in positive)
                verdict = f"TP ({positive[0][1]['label']})"
            elif matched:
                ignored += 1
                verdict = "borderline"
            else:
                fp += 1
                verdict = "FALSE FLAG"
            shown.append(f"  {code} {verdict} conf={hit.confidence:.2f} {name}: {flagged[:110]!r}")

    positives = {(name, i): lab for name, labs in by_doc.items() for i, lab in enumerate(labs)
                 if lab["label"] != "borderline"}
    in_prose = {k: v for k, v in positives.items() if k in prose_labels}

    def recall(keys) -> float:
        return sum(1 for k in keys if k in found_labels) / len(keys) if keys else 0.0

    scored = tp + fp
    precision = tp / scored if scored else 0.0
    print(f"Blame findings on {len(parsed)} real postmortems, {sentences} non-quoted sentences "
          f"({len(positives)} labelled blame sentences, {len(in_prose)} of them in the author's own prose)\n")
    print(f"{'label':<20} {'labelled':>8} {'found':>6} {'recall':>7} {'findings':>9} {'precision':>9}"
          "   (findings: true + false, borderline left out)")
    for label, code in zip(LABELS, LABELLED_RULES):
        keys = [k for k, v in positives.items() if v["label"] == label]
        prose_keys = [k for k in keys if k in in_prose]
        found = sum(1 for k in keys if k in found_labels)
        rule_findings = per_rule[code]
        rule_precision = per_rule_tp[code] / rule_findings if rule_findings else float("nan")
        print(f"{label:<20} {len(keys):>8} {found:>6} {recall(keys):>7.2f} {rule_findings:>9} {rule_precision:>9.2f}"
              f"   (in prose: {sum(1 for k in prose_keys if k in found_labels)}/{len(prose_keys)})")
    print()
    print(f"overall precision            {precision:.2f}  ({tp} true, {fp} false; {ignored} on borderline sentences, not counted)")
    print(f"overall recall, all labels   {recall(positives):.2f}  ({sum(1 for k in positives if k in found_labels)}/{len(positives)})")
    print(f"overall recall, own prose    {recall(in_prose):.2f}  ({sum(1 for k in in_prose if k in found_labels)}/{len(in_prose)})")
    print(f"false flags per 1,000 sentences  {1000 * fp / sentences if sentences else 0:.2f}")
    for code in UNLABELLED_RULES:
        print(f"{code} flags per 1,000 sentences   {1000 * unlabelled[code] / sentences if sentences else 0:.2f}"
              f"  ({unlabelled[code]}; no labels for this kind)")
    print("targets: precision >= 0.90, recall >= 0.80, false flags <= 2 per 1,000 sentences")

    if args.show:
        print("\nfindings:")
        print("\n".join(shown) or "  (none)")
        print("missed labels:")
        for key, lab in positives.items():
            if key not in found_labels:
                where = "own prose" if key in in_prose else "quoted"
                print(f"  {lab['label']} ({where}) {key[0]}: {lab['text'][:110]!r}")

    # Speed: the same prose blocks through nlp.pipe, and the blame rules on fresh analyses.
    texts = [b.text for _, _, doc in parsed for b in doc.blocks if b.text.strip()]
    parse_times, blame_times = [], []
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        list(nlp.pipe(texts, batch_size=64))
        parse_times.append(time.perf_counter() - start)
        # A new analyzer: the blocks are parsed again (not timed), and no block's blame results
        # are cached yet (Analysis.per_block), so the rules do their whole work.
        fresh = Analyzer(nlp)
        analyses = [(doc, fresh.analyze(doc)) for _, _, doc in parsed]
        start = time.perf_counter()
        for doc, analysis in analyses:
            blame_hits(doc, analysis, config, codes)
        blame_times.append(time.perf_counter() - start)
    review_times, paired_parse = [], []
    for _ in range(max(1, args.repeat)):
        # A whole review as a user runs it (every rule, the parse included, nothing cached), right
        # after a bare parse of the same blocks: on a shared machine only neighbours compare.
        start = time.perf_counter()
        list(nlp.pipe(texts, batch_size=64))
        paired_parse.append(time.perf_counter() - start)
        reviewer = Reviewer(Config(), analyzer=Analyzer(nlp))
        start = time.perf_counter()
        reviewer.review_many([Document(text, name) for name, text in documents])
        review_times.append(time.perf_counter() - start)
    t_parse, t_blame, t_review = min(parse_times), min(blame_times), min(review_times)
    print(f"\nspeed: spaCy parse {t_parse * 1000:.0f} ms, blame rules {t_blame * 1000:.0f} ms "
          f"-> blame adds {100 * t_blame / t_parse:.1f}% to the parse")
    ratios = sorted(r / p for r, p in zip(review_times, paired_parse))
    print(f"speed: whole review (every rule, parse included) {t_review * 1000:.0f} ms "
          f"-> {ratios[len(ratios) // 2]:.2f}x the bare spaCy parse run just before it (median of {len(ratios)} pairs; "
          "target <= 1.3x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
