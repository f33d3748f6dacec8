"""How a review's cost grows with its text, for inputs built to make it grow faster.

    .venv/bin/python benchmarks/bench_growth.py [--sizes 1000,10000,100000] [--timeout 60]
                                                [--families durations,backticks,...] [--budget]
                                                [--repeats 2]   # the best of 2 per case

Each family is a short, valid postmortem opening (a title and a summary) followed by one
pattern repeated up to the size: repeated duration phrases ("5 minutes and "), digits, "1h ",
brackets and parentheses, backticks, hashes, half-written links, ticket keys, spaces, short
lines, one long line, wide and long tables, deep lists and quotes, sentences that each draw
findings ("… forgot to renew …"), and plain prose for comparison. Every text is generated
here; nothing comes from ../shared/eval.

The review is timed in-process (`Reviewer.review`, the object the CLI and the service use),
in a worker process that loads the models once and reviews one case at a time. The per-block
spaCy cache is emptied before each case, so every size pays for its own parse. A case that
runs past `--timeout` seconds has its worker killed (and a new one started): the benchmark
itself cannot hang. Larger sizes of a family that already timed out are skipped. By default
the review's own time budget is switched off (the point is to see the growth);
`--budget` keeps the configured budget and reports the cases it stopped.

Printed: seconds per size, the number of findings, and the growth per 10× (t(10k)/t(1k),
t(100k)/t(10k)); target ≤ 12× per 10× for every family. Times under 50 ms are dominated by
the fixed cost of a review, so the 1k → 10k ratio is a loose one.

    .venv/bin/python benchmarks/bench_growth.py --small-latency [--big 4] [--big-chars 60000]

The small-review lane (issue 17.8), against a real server (`python -m api`, one worker process,
on 127.0.0.1): the latency of a one-paragraph `POST /v1/reviews` alone, then while `--big`
reviews of `--big-chars` characters (many paragraphs, each text new) run; target ≤ 5 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

HEAD = "# Checkout outage\n\n## Summary\n\nCard payments failed after the proxy certificate expired.\n\n## Details\n\n"
TARGET_GROWTH = 12.0


def _repeat(unit: str, size: int, tail: str = "") -> str:
    """HEAD + `unit` repeated until the whole text is `size` characters (+ `tail`)."""
    room = max(0, size - len(HEAD) - len(tail))
    body = (unit * (room // len(unit) + 1))[:room]
    return HEAD + body + tail


def _lines(make_line, size: int, head: str = HEAD) -> str:
    out, total, i = [head], len(head), 0
    while total < size:
        line = make_line(i)
        out.append(line)
        total += len(line)
        i += 1
    return "".join(out)[:size]


def _wide_table(size: int) -> str:
    columns = max(2, (size - len(HEAD)) // 12)  # header, rule and one row, 4 characters per cell each
    header = "|" + "|".join(f" c{i} " for i in range(columns)) + "|\n"
    rule = "|" + "|".join("---" for _ in range(columns)) + "|\n"
    row = "|" + "|".join(f" {i % 10} " for i in range(columns)) + "|\n"
    return (HEAD + header + rule + row)[:size]


def _long_table(size: int) -> str:
    head = HEAD.replace("## Details", "## Timeline") + "| Time | Event |\n|---|---|\n"
    return _lines(lambda i: f"| {i // 60 % 24:02d}:{i % 60:02d} | step {i} of the rollback ran |\n", size, head)


def _deep_list(size: int) -> str:
    return _lines(lambda i: "  " * (i % 200) + "- a step\n", size)


def _deep_quote(size: int) -> str:
    return _repeat(">", size, " quoted\n")


# name → text of `size` characters
FAMILIES = {
    "durations": lambda n: _repeat("5 minutes and ", n),
    "durations-mixed": lambda n: _repeat("1h 5m and 30 seconds, ", n),
    "digits": lambda n: _repeat("1", n),
    "hours": lambda n: _repeat("1h ", n),
    "parens": lambda n: _repeat("(", n),
    "brackets": lambda n: _repeat("[", n),
    "backticks": lambda n: _repeat("`", n),
    "backtick-words": lambda n: _repeat("`a ", n),
    "hashes": lambda n: _repeat("#", n),
    "hash-words": lambda n: _repeat("#a x", n),
    "links": lambda n: _repeat("[a](b ", n),
    "link-labels": lambda n: _repeat("[a]", n),
    "ticket-keys": lambda n: _repeat("OPS-", n),
    "dotted-words": lambda n: _repeat("a.b-", n),
    "spaces": lambda n: _repeat(" ", n, "x\n"),
    "short-lines": lambda n: _repeat("a\n", n),
    "one-long-line": lambda n: _repeat("the proxy retried ", n),
    "wide-table": _wide_table,
    "long-table": _long_table,
    "deep-list": _deep_list,
    "deep-quote": _deep_quote,
    "time-rows": lambda n: _repeat("10:00 10:01 ", n),
    "flagged-sentences": lambda n: _repeat("Dave forgot to renew the cert at some point 17. ", n),
    "plain-prose": lambda n: _lines(
        lambda i: f"The proxy on host {i} restarted and the queue of {i * 7} jobs drained within a few minutes. ", n),
}


# --- the worker: models loaded once, one case per line on stdin ------------------------------

def worker(keep_budget: bool) -> None:
    from reviewer.config import Config
    from reviewer.review import Reviewer

    overrides = {} if keep_budget else _budget_off()
    config = Config().merged(overrides) if overrides else Config()
    reviewer = Reviewer(config)
    reviewer.review(HEAD + "The proxy restarted at 10:02 UTC.\n")  # load spaCy and every rule
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        case = json.loads(line)
        text = FAMILIES[case["family"]](case["size"])
        seconds = float("inf")
        for _ in range(case.get("repeats", 1)):  # the best of them: a shared machine adds noise, never speed
            cache = getattr(reviewer.analyzer, "_cache", None)
            if cache is not None:
                cache.clear()
            began = time.perf_counter()
            review = reviewer.review(text, path="growth.md")
            seconds = min(seconds, time.perf_counter() - began)
        print(json.dumps({"seconds": seconds, "chars": len(text), "findings": len(review.findings),
                          "error": review.error}), flush=True)


def _budget_off() -> dict:
    """Config overrides that switch the review budget off, when this version has one."""
    from reviewer.config import Config

    return {"review_budget_seconds": 0} if "review_budget_seconds" in Config.model_fields else {}


class Worker:
    def __init__(self, keep_budget: bool) -> None:
        args = [sys.executable, __file__, "--worker"] + (["--budget"] if keep_budget else [])
        self.process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        if self._read(300) is None:
            self.kill()
            raise SystemExit("the benchmark worker did not start (models not installed?)")

    def _read(self, timeout: float) -> dict | None:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            return None
        line = self.process.stdout.readline()
        return json.loads(line) if line else None

    def run(self, family: str, size: int, timeout: float, repeats: int = 1) -> dict | None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"family": family, "size": size, "repeats": repeats}) + "\n")
        self.process.stdin.flush()
        return self._read(timeout)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per case before its worker is killed")
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--budget", action="store_true", help="keep the review's configured time budget")
    parser.add_argument("--repeats", type=int, default=1, help="time each case this many times, keep the best")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--small-latency", action="store_true", help="the small-review lane benchmark")
    parser.add_argument("--big", type=int, default=4)
    parser.add_argument("--big-chars", type=int, default=60_000)
    args = parser.parse_args()
    if args.worker:
        worker(args.budget)
        return
    if args.small_latency:
        small_latency(args.big, args.big_chars)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    families = [f.strip() for f in args.families.split(",") if f.strip()]
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        raise SystemExit(f"unknown families: {', '.join(unknown)}; known: {', '.join(FAMILIES)}")

    current = Worker(args.budget)
    results: dict[str, list[dict | None]] = {}
    try:
        for family in families:
            row: list[dict | None] = []
            timed_out = False
            for size in sizes:
                if timed_out:
                    row.append({"skipped": True})
                    continue
                result = current.run(family, size, args.timeout * args.repeats, args.repeats)
                if result is None:
                    current.kill()
                    current = Worker(args.budget)
                    result = {"timeout": True}
                    timed_out = True
                row.append(result)
                print(f"  {family:18} {size:>7,}: {_cell(result)}", file=sys.stderr, flush=True)
            results[family] = row
    finally:
        current.kill()
    _print_table(sizes, results, args.timeout)


def _cell(result: dict | None) -> str:
    if result is None or result.get("skipped"):
        return "skipped"
    if result.get("timeout"):
        return "timeout"
    text = f"{result['seconds']:.3f} s"
    if result.get("error"):
        text += " (stopped)"
    return text


def _print_table(sizes: list[int], results: dict[str, list[dict | None]], timeout: float) -> None:
    heads = [f"{s // 1000}k s" if s >= 1000 else f"{s} s" for s in sizes]
    growth_heads = [f"×{sizes[i] // 1000}k→{sizes[i + 1] // 1000}k" for i in range(len(sizes) - 1)]
    print("| family | " + " | ".join(heads) + " | findings (largest) | " + " | ".join(growth_heads) + " | ≤ 12× |")
    print("|---" * (len(heads) + len(growth_heads) + 3) + "|")
    failing = []
    for family, row in results.items():
        cells = []
        for r in row:
            if r is None or r.get("skipped"):
                cells.append("—")
            elif r.get("timeout"):
                cells.append(f"> {timeout:.0f}")
            else:
                cells.append(f"{r['seconds']:.3f}" + (" stopped" if r.get("error") else ""))
        measured = [r for r in row if r and "seconds" in r]
        findings = str(measured[-1]["findings"]) if measured else "—"
        growths, ok = [], True
        for i in range(len(row) - 1):
            a, b = row[i], row[i + 1]
            if a and b and "seconds" in a and "seconds" in b:
                ratio = b["seconds"] / max(a["seconds"], 1e-3)
                growths.append(f"{ratio:.1f}")
                ok &= ratio <= TARGET_GROWTH
            elif a and "seconds" in a and b and (b.get("timeout") or b.get("skipped")):
                growths.append(f"> {timeout / max(a['seconds'], 1e-3):.0f}" if b.get("timeout") else "—")
                ok = False
            else:
                growths.append("—")
                ok = False
        if not ok:
            failing.append(family)
        print(f"| {family} | " + " | ".join(cells) + f" | {findings} | " + " | ".join(growths)
              + f" | {'yes' if ok else 'NO'} |")
    print()
    print(f"families over {TARGET_GROWTH:.0f}× per 10× (or timed out): {', '.join(failing) if failing else 'none'}")


# --- the small-review lane --------------------------------------------------------------------

SMALL_TEXT = ("# Queue backlog\n\n## Summary\n\nThe billing worker stopped acknowledging messages at 09:12 UTC "
              "and the queue grew to {n} messages before the on-call restarted it at 09:40 UTC.\n")


def _big_text(seed: int, chars: int) -> str:
    """A long postmortem of many paragraphs, new numbers in every sentence (no cache helps)."""
    import random

    rng = random.Random(seed)
    services = ["checkout", "ledger", "search-api", "notifier", "edge-cache", "auth-gateway"]
    out, total, section = [HEAD.replace("## Details\n\n", "")], 0, 0
    while total < chars:
        if rng.random() < 0.1:
            section += 1
            out.append(f"## Part {section}\n\n")
        sentences = []
        for _ in range(rng.randint(3, 6)):
            a, b = rng.sample(services, 2)
            sentences.append(f"The {a} pods on node {rng.randint(1, 999)} retried {rng.randint(2, 9000)} requests "
                             f"against {b} while its p99 latency reached {rng.randint(50, 9000)} ms.")
        paragraph = " ".join(sentences) + "\n\n"
        out.append(paragraph)
        total += len(paragraph)
    return "".join(out)[:chars]


def small_latency(big: int, big_chars: int) -> None:
    import socket
    import statistics
    import tempfile
    import threading

    import httpx

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder = Path(tempfile.mkdtemp(prefix="pmreview-bench-lane-"))
    env = {**os.environ, "PMREVIEW_DATABASE_URL": f"sqlite:///{folder / 'corpus.sqlite3'}", "PMREVIEW_WORKERS": "1",
           "PMREVIEW_LOG_LEVEL": "WARNING", "PMREVIEW_SEED_CORPUS": "false", "PMREVIEW_MAX_DOCUMENT_CHARS": "300000",
           "PMREVIEW_MAX_BODY_BYTES": "2000000"}
    log_path = folder / "server.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "api", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT,
                                  env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        began = time.perf_counter()
        while time.perf_counter() - began < 240:
            try:
                if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None:
                raise SystemExit(f"the server stopped; see {log_path}")
            time.sleep(1)
        else:
            raise SystemExit(f"the server did not become ready; see {log_path}")

        def review(text: str) -> tuple[float, int]:
            t0 = time.perf_counter()
            response = httpx.post(f"{base}/v1/reviews", json={"text": text, "similar": False}, timeout=600)
            return time.perf_counter() - t0, response.status_code

        alone = [review(SMALL_TEXT.format(n=1000 + i))[0] for i in range(3)]
        big_results: list[tuple[float, int]] = []
        threads = [threading.Thread(target=lambda i=i: big_results.append(review(_big_text(i, big_chars))))
                   for i in range(big)]
        for thread in threads:
            thread.start()
        time.sleep(2.0)  # the large reviews are under way
        during, statuses, n = [], [], 2000
        while any(t.is_alive() for t in threads):
            seconds, status = review(SMALL_TEXT.format(n=n))
            n += 1
            during.append(seconds)
            statuses.append(status)
            time.sleep(0.5)
        for thread in threads:
            thread.join()
    finally:
        os.killpg(server.pid, 15)
        server.wait(30)
    print(f"server: one uvicorn worker, {os.cpu_count()} cores; small text {len(SMALL_TEXT)} chars; "
          f"{big} reviews of {big_chars:,} chars running (their statuses: {sorted(s for _, s in big_results)}, "
          f"longest {max((s for s, _ in big_results), default=0):.1f} s)")
    print("| small review | n | median s | max s | target |")
    print("|---|---|---|---|---|")
    print(f"| alone | {len(alone)} | {statistics.median(alone):.2f} | {max(alone):.2f} | |")
    if during:
        ok = max(during) <= 5.0
        print(f"| while {big} large run | {len(during)} | {statistics.median(during):.2f} | {max(during):.2f} | "
              f"≤ 5 s: {'yes' if ok else 'NO'} |")
        print(f"statuses of the small reviews: {sorted(set(statuses))}")


if __name__ == "__main__":
    main()
