"""Output formats: cost against the review itself, and positions checked on real documents.

    .venv/bin/python benchmarks/bench_output.py [--eval ../shared/eval] [--repeat 3]

1. Real documents (../shared/eval/fulltext/*.md, read here only): one batched review, then
   each format rendered. Prints the time of each format as a ratio of the review's time, and
   checks every finding's position in JSON (line/column), SARIF (UTF-16 charOffset/length
   sliced back to the flagged text) and GitHub (line/col) against a direct computation.
   Target: every position right; every format under 5% of the review's time.
2. A large synthetic document written here (CRLF, emoji before spans, one very long line),
   with many findings: the time of each format per finding, and LineIndex against computing
   each position by rescanning the text (the naive way). Target: LineIndex ≥ 10× faster.

Ratios within one run, no absolute time targets: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reviewer.config import Config  # noqa: E402
from reviewer.findings import Dimension, Finding, Severity  # noqa: E402
from reviewer.output import FORMATS, render  # noqa: E402
from reviewer.output.positions import LineIndex  # noqa: E402
from reviewer.review import Document, Review, Reviewer  # noqa: E402
from reviewer.scoring import score  # noqa: E402

BREAK = re.compile(r"\r\n|\r|\n")
COMMAND = re.compile(r"^::\w+ (?P<props>[^:]*)::")


def best_of(repeat: int, work) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def naive_line_col(text: str, offset: int) -> tuple[int, int]:
    before = BREAK.split(text[:offset])
    return len(before), len(before[-1]) + 1


def check_positions(reviews: list[Review]) -> tuple[int, int]:
    """(positions checked, positions wrong) over JSON, SARIF and GitHub."""
    checked = wrong = 0
    report = json.loads(render("json", reviews))
    for file, review in zip(report["files"], reviews, strict=True):
        for entry, finding in zip(file["findings"], review.findings, strict=True):
            checked += 1
            wrong += (entry["line"], entry["column"]) != naive_line_col(review.text, finding.start)
    results = iter(json.loads(render("sarif", reviews))["runs"][0]["results"])
    for review in reviews:
        units = review.text.encode("utf-16-le", "surrogatepass")
        for finding in review.findings:
            region = next(results)["locations"][0]["physicalLocation"]["region"]
            flagged = units[2 * region["charOffset"]:2 * (region["charOffset"] + region["charLength"])]
            checked += 1
            wrong += flagged.decode("utf-16-le", "surrogatepass") != review.text[finding.start:finding.end]
    commands = [m for m in map(COMMAND.match, render("github", reviews).split("\n")) if m]
    findings = [(r, f) for r in reviews for f in r.findings]
    for match, (review, finding) in zip(commands, findings, strict=True):
        props = dict(p.split("=", 1) for p in match["props"].split(","))
        checked += 1
        if finding.start == finding.end == 0:
            wrong += props["line"] != "1"
        else:
            wrong += (int(props["line"]), int(props["col"])) != naive_line_col(review.text, finding.start)
    return checked, wrong


def real_documents(eval_dir: Path, repeat: int) -> None:
    paths = sorted((eval_dir / "fulltext").glob("*.md"))
    if not paths:
        print(f"(no documents in {eval_dir / 'fulltext'}: part 1 skipped)")
        return
    documents = [Document(p.read_text(encoding="utf-8"), f"fulltext/{p.name}") for p in paths]
    reviewer = Reviewer(Config())
    reviewer.review_many(documents[:1])  # load spaCy outside the timing
    review_time, reviews = best_of(1, lambda: reviewer.review_many(documents))
    findings = sum(len(r.findings) for r in reviews)
    astral = sum(1 for d in documents for ch in d.text if ord(ch) > 0xFFFF)
    print(f"\n1. Real documents: {len(documents)} files, {sum(len(d.text) for d in documents):,} characters, "
          f"{astral} astral characters, {findings} findings; review {review_time:.2f} s")
    print(f"{'format':<8} {'render s':>9} {'÷ review':>9} {'target':>8}")
    for fmt in FORMATS:
        seconds, _ = best_of(repeat, lambda fmt=fmt: render(fmt, reviews))
        ratio = seconds / review_time
        print(f"{fmt:<8} {seconds:>9.4f} {ratio:>8.2%} {'ok' if ratio < 0.05 else 'MISS':>8}")
    checked, wrong = check_positions(reviews)
    print(f"positions checked: {checked}, wrong: {wrong} {'ok' if wrong == 0 else 'MISS'}")


def synthetic(repeat: int) -> None:
    paragraph = ("- 10:02 UTC \U0001f680 deploy started; caf\u00e9 \U0001f469\u200d\U0001f4bb the on-call paged "
                 "the owner, who rolled back at 10:31 UTC.\r\n")
    text = "# Synthetic\r\n\r\n## Timeline\r\n" + paragraph * 4000 + "word " * 20000 + "\r\n"
    starts = [m.start() for m in re.finditer("paged|rolled|word", text)][::4]
    findings = [Finding(code="PM201", name="synthetic", dimension=Dimension.BLAME, severity=Severity.WARNING,
                        message=f"finding {i}, with %, : and \u00e9", start=s, end=s + 5, fingerprint=f"{i:016x}",
                        replacements=["x"] if i % 3 == 0 else [])
                for i, s in enumerate(starts)]
    review = Review(path="synthetic.md", text=text, findings=findings, scores=score(findings))
    print(f"\n2. Synthetic document: {len(text):,} characters, {len(findings)} findings")
    print(f"{'format':<8} {'render s':>9} {'µs/finding':>11}")
    for fmt in FORMATS:
        seconds, _ = best_of(repeat, lambda fmt=fmt: render(fmt, [review]))
        print(f"{fmt:<8} {seconds:>9.4f} {seconds / len(findings) * 1e6:>11.1f}")
    sample = starts[:: max(1, len(starts) // 300)]

    def with_index() -> list[tuple[int, int]]:
        index = LineIndex(text)  # built inside the timing: it is built once per file in every format
        return [index.line_col(o) for o in sample]

    indexed, fast = best_of(repeat, with_index)
    naive, slow = best_of(repeat, lambda: [naive_line_col(text, o) for o in sample])
    assert fast == slow, "LineIndex disagrees with the direct computation"
    speedup = naive / indexed
    print(f"line/column of {len(sample)} offsets: LineIndex (with building it) {indexed * 1e3:.1f} ms, "
          f"rescanning {naive * 1e3:.1f} ms: {speedup:.0f}x {'ok' if speedup >= 10 else 'MISS'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", default=str(ROOT.parent / "shared" / "eval"))
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs per format")
    args = parser.parse_args()
    real_documents(Path(args.eval), args.repeat)
    synthetic(args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
