"""The review service's speed: latency per document size, re-review after an edit, throughput under load.

    .venv/bin/python benchmarks/bench_api.py [--sizes 500,2000,8000] [--repeats 3]
                                             [--clients 8,32] [--requests 48] [--workers 2] [--skip-load]

1. Latency of `POST /v1/reviews` (in-process, through the whole HTTP stack) for synthetic
   postmortems of 500, 2,000 and 8,000 words, next to the bare spaCy parse of the same text
   (`nlp(text)`, same run; each figure the best of --repeats). Every measured document is new (its numbers and names are drawn
   afresh), so the paragraph cache never helps. Reported with the similar-incident search off
   (the review itself; target ≤ 1.3× the parse) and on (what an editor gets by default).
2. Re-review after a one-paragraph edit (four new sentences in the root cause), as a fraction of
   the full review of the same document (target ≤ 0.1×), next to that paragraph's share of the
   words and the cost of parsing it alone with spaCy: the floor that no cache goes below.
3. Throughput against a real server (`python -m api`, uvicorn, `--workers` processes) on
   127.0.0.1 with 8 and 32 concurrent clients, each request a different 1,000-word document:
   errors, p50/p99 latency, requests per second and the use of each CPU core (/proc/stat).
   Bounded: `--requests` per client count and a 120 s limit per run; the server is stopped at the end.

The documents are generated here (never taken from ../shared/eval). Figures are ratios within
one run on this machine; absolute times depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

LOAD_TIME_LIMIT = 120.0  # seconds per load run, whatever --requests says
SERVER_START_LIMIT = 180.0

SERVICES = ["checkout", "payment-proxy", "search-api", "session-store", "ledger", "notifier", "edge-cache",
            "auth-gateway", "billing-worker", "media-encoder", "geo-router", "inventory-db"]
PEOPLE = ["@mira", "@ken", "@ola", "@sam", "@priya", "@tomas", "@ines", "@wei"]
CAUSES = ["a connection pool sized for last year's traffic", "an expired intermediate certificate",
          "a retry loop without backoff", "a schema migration that took a table lock",
          "a feature flag rolled out to every region at once", "a DNS record deleted by a cleanup script",
          "disk space exhausted by debug logs", "a cache stampede after a deploy", "a clock skew on two hosts",
          "a queue consumer that stopped acknowledging messages"]
EFFECTS = ["error rates rose to {n}%", "p99 latency reached {n} ms", "{n} requests failed",
           "{n} customers saw timeouts", "throughput fell by {n}%", "{n} jobs were delayed"]
DETAILS = ["The dashboards showed {effect} on {service} within {m} minutes.",
           "Because of {cause}, {service} could not keep up and {effect}.",
           "{person} compared the graphs of {service} and {other} and found that {effect} after {hh}:{mm} UTC.",
           "The runbook for {service} did not cover {cause}, so the responders checked {other} first.",
           "Load on {other} grew by {n}% while {service} retried, which is why {effect}.",
           "We confirmed the trigger by replaying {n} requests against a staging copy of {service}.",
           "Monitoring for {service} alerted on {effect}, but the page went to a rotation that had {m} open incidents.",
           "A config review would have caught {cause}; the change to {service} had no second reviewer.",
           "Capacity tests of {service} stop at {n} requests per second, below the peak of that day.",
           "The fallback in {other} served stale data for {m} minutes, which hid part of the impact."]


def words(text: str) -> int:
    return len(text.split())


def paragraph(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        service, other = rng.sample(SERVICES, 2)
        effect = rng.choice(EFFECTS).format(n=rng.randint(2, 9800))
        out.append(rng.choice(DETAILS).format(
            effect=effect, service=service, other=other, cause=rng.choice(CAUSES), person=rng.choice(PEOPLE),
            n=rng.randint(2, 9800), m=rng.randint(2, 95), hh=f"{rng.randint(0, 23):02d}", mm=f"{rng.randint(0, 59):02d}"))
    return " ".join(out)


def make_postmortem(target_words: int, seed: int) -> str:
    """A complete postmortem of about `target_words` words; every paragraph differs between seeds."""
    rng = random.Random(seed)
    service = rng.choice(SERVICES)
    day = rng.randint(1, 28)
    start_h, start_m = rng.randint(0, 20), rng.randint(0, 59)
    head = [
        "---", f"id: bench-{seed}", f"title: {service} degraded by {rng.choice(CAUSES)}", f"date: 2024-05-{day:02d}",
        f"severity: SEV-{rng.randint(1, 3)}", f"owner: \"{rng.choice(PEOPLE)}\"", f"services: [{service}]",
        f"started: 2024-05-{day:02d}T{start_h:02d}:{start_m:02d}:00Z",
        f"resolved: 2024-05-{day:02d}T{start_h + 2:02d}:{start_m:02d}:00Z", "---",
        f"# {service} degraded ({seed})", "",
        "## Summary", "", paragraph(rng, 3), "",
        "## Impact", "", f"- {rng.randint(100, 90000):,} users affected for {rng.randint(10, 119)} minutes.",
        f"- {rng.randint(100, 90000):,} failed requests.", "",
        "## Timeline (all times UTC)", "", "| Time | Event |", "|---|---|",
    ]
    minute = start_h * 60 + start_m
    for _ in range(8):
        minute += rng.randint(2, 14)
        head.append(f"| {minute // 60 % 24:02d}:{minute % 60:02d} | {paragraph(rng, 1)} |")
    head += ["", "## Root cause", ""]
    tail = ["", "## Resolution", "", paragraph(rng, 2), "", "## Action items", ""]
    for number in range(4):
        tail.append(f"- {paragraph(rng, 1)} ({rng.choice(PEOPLE)}, OPS-{rng.randint(1000, 9999)}, due 2024-06-{number + 10})")
    tail += ["", "## Lessons learned", "", paragraph(rng, 2), ""]
    body: list[str] = []
    while words("\n".join(head + body + tail)) < target_words:
        body += [paragraph(rng, rng.randint(3, 6)), ""]
    return "\n".join(head + body + tail)


def one_paragraph_edit(text: str, seed: int) -> tuple[str, str]:
    """The same document with one root-cause paragraph rewritten, and the new paragraph."""
    lines = text.split("\n")
    start = lines.index("## Root cause") + 2
    lines[start] = paragraph(random.Random(seed + 7_000_000), 4)
    return "\n".join(lines), lines[start]


def timed(function, *args, **kwargs) -> float:
    began = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - began


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))) for row in rows]
    return "\n".join(out)


# -- 1 and 2: latency in-process ------------------------------------------------------------------

def latency(sizes: list[int], repeats: int) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    database = Path(tempfile.mkdtemp(prefix="pmreview-bench-")) / "corpus.sqlite3"
    # The service's own corpus (all-MiniLM-L6-v2 behind its embedding cache), on a new SQLite file.
    app = create_app(Settings(max_document_chars=2_000_000, max_body_bytes=8_000_000,
                              database_url=f"sqlite:///{database}"))
    with TestClient(app) as client:
        state = app.state.service
        state.wait_started(SERVER_START_LIMIT)
        state.seeded.wait(SERVER_START_LIMIT)
        if not state.ready:
            sys.exit(f"the service did not become ready: {state.models_error or state.corpus_error}")
        nlp = state.reviewer.analyzer.nlp
        print(f"corpus: {state.corpus.count()} incidents (shipped examples, all-MiniLM-L6-v2)\n")

        def post(text: str, similar: bool) -> None:
            response = client.post("/v1/reviews", json={"text": text, "similar": similar})
            if response.status_code != 200:
                sys.exit(f"review failed: {response.status_code} {response.text[:300]}")

        # Warm everything once (first calls of spaCy, the rules, the embedder, the indexes).
        post(make_postmortem(500, 1), True)
        rows, edit_rows = [], []
        seed = 1000
        for size in sizes:
            shares: list[float] = []
            parse_times, review_times, similar_times, full_times, edit_times, floor_times = [], [], [], [], [], []
            edit_similar_times: list[float] = []
            for _ in range(repeats):
                seed += 1
                text = make_postmortem(size, seed)
                parse_times.append(timed(nlp, text))
                review_times.append(timed(post, make_postmortem(size, seed + 500_000), False))
                similar_times.append(timed(post, make_postmortem(size, seed + 600_000), True))
                # The same text as the parse, reviewed fresh (its blocks are not cached: nlp(text) is not the
                # analyzer), then re-reviewed after one paragraph changed.
                full_times.append(timed(post, text, False))
                edited, new_paragraph = one_paragraph_edit(text, seed)
                edit_times.append(timed(post, edited, False))
                # The same with the similar-incident search on (an editor's default): the edited
                # paragraph changes the embedded text, which is encoded again.
                edit_similar_times.append(timed(post, one_paragraph_edit(text, seed + 2_000_000)[0], True))
                # What no cache can save: spaCy on the new paragraph (a different paragraph of the same
                # kind). Every edit draws its paragraph from its own seed, so no cache has seen it.
                floor_times.append(timed(nlp, one_paragraph_edit(text, seed + 1_000_000)[1]))
                shares.append(words(new_paragraph) / words(edited))
            # The best of the repeats: the run least disturbed by other work on a shared machine.
            parse, review, with_similar = (min(t) for t in (parse_times, review_times, similar_times))
            full, edited, floor = min(full_times), min(edit_times), min(floor_times)
            edited_similar = min(edit_similar_times)
            rows.append([f"{size:,}", f"{parse * 1000:.0f}", f"{review * 1000:.0f}", f"{review / parse:.2f}×",
                         f"{full * 1000:.0f}", f"{full / parse:.2f}×", f"{with_similar * 1000:.0f}",
                         f"{with_similar / parse:.2f}×"])
            edit_rows.append([f"{size:,}", f"{full * 1000:.0f}", f"{edited * 1000:.1f}", f"{edited / full:.3f}×",
                              f"{sum(shares) / len(shares):.0%}", f"{floor / full:.3f}×",
                              f"{edited_similar * 1000:.0f}", f"{edited_similar / with_similar:.3f}×"])
        print(f"POST /v1/reviews latency (best of {repeats} new documents per size; ms)")
        print(table(["words", "spaCy parse", "review", "ratio", "review same text", "ratio",
                     "review+similar", "ratio"], rows))
        print("target: review ≤ 1.3× the bare spaCy parse (nlp(text)) of the same text\n")
        print("Re-review after a one-paragraph edit (ms)")
        print(table(["words", "full review", "after edit", "ratio", "new words", "spaCy on them alone",
                     "after edit+similar", "ratio to review+similar"], edit_rows))
        print("target: ≤ 0.1× the full review. \"new words\": the rewritten paragraph's share of the document;\n"
              "\"spaCy on them alone\": parsing that paragraph, as a fraction of the full review (no cache can go below it)\n")


# -- 3: throughput against a running server ----------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_times() -> dict[str, tuple[int, int]]:
    """(busy, total) jiffies per core, from /proc/stat."""
    out = {}
    with open("/proc/stat", encoding="ascii") as stat:
        for line in stat:
            if line.startswith("cpu") and line[3].isdigit():
                name, *values = line.split()
                numbers = [int(v) for v in values]
                idle = numbers[3] + (numbers[4] if len(numbers) > 4 else 0)
                out[name] = (sum(numbers) - idle, sum(numbers))
    return out


def process_tree_cpu_seconds(root: int) -> float:
    """User + system CPU seconds of `root` and its descendants (the uvicorn workers)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return sum(times.get(pid, 0.0) for pid in tree)


def cpu_use(before: dict, after: dict) -> str:
    parts = []
    for core in sorted(after):
        busy = after[core][0] - before[core][0]
        total = after[core][1] - before[core][1]
        parts.append(f"{core} {100 * busy / total:.0f}%" if total else f"{core} ?")
    return ", ".join(parts)


async def load_run(base_url: str, clients: int, requests_per_client: int, words_per_doc: int,
                   seed: int, server_pid: int) -> dict:
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.perf_counter() + LOAD_TIME_LIMIT

    async def client_loop(number: int, http: httpx.AsyncClient) -> None:
        for request in range(requests_per_client):
            if time.perf_counter() > deadline:
                return
            text = make_postmortem(words_per_doc, seed + number * 10_000 + request)
            began = time.perf_counter()
            try:
                response = await http.post(f"{base_url}/v1/reviews", json={"text": text})
                if response.status_code != 200:
                    errors.append(f"HTTP {response.status_code}")
                    continue
            except httpx.HTTPError as exc:
                errors.append(type(exc).__name__)
                continue
            latencies.append(time.perf_counter() - began)

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=LOAD_TIME_LIMIT, limits=limits) as http:
        before, server_before = cpu_times(), process_tree_cpu_seconds(server_pid)
        began = time.perf_counter()
        await asyncio.gather(*(client_loop(n, http) for n in range(clients)))
        elapsed = time.perf_counter() - began
        after, server_after = cpu_times(), process_tree_cpu_seconds(server_pid)
    latencies.sort()
    return {"clients": clients, "done": len(latencies), "errors": errors, "elapsed": elapsed,
            "p50": latencies[len(latencies) // 2] if latencies else float("nan"),
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan"),
            "rps": len(latencies) / elapsed if elapsed else 0.0, "cpu": cpu_use(before, after),
            "server_cores": (server_after - server_before) / elapsed if elapsed else 0.0}


def reviews_counted(exposition: str) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    return sum(sample.value for family in text_string_to_metric_families(exposition) for sample in family.samples
               if sample.name == "pmreview_http_requests_total" and sample.labels.get("route") == "/v1/reviews"
               and sample.labels.get("status") == "200")


def throughput(client_counts: list[int], requests_per_client: int, workers: int, words_per_doc: int) -> None:
    import httpx

    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="pmreview-bench-server-"))
    env = {**os.environ, "PMREVIEW_DATABASE_URL": f"sqlite:///{folder / 'corpus.sqlite3'}",
           "PMREVIEW_WORKERS": str(workers), "PMREVIEW_LOG_LEVEL": "WARNING",
           "PMREVIEW_MAX_DOCUMENT_CHARS": "2000000", "PMREVIEW_REVIEW_WORKERS": "4"}
    log_path = folder / "server.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "api", "--host", "127.0.0.1", "--port", str(port)],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    try:
        began = time.perf_counter()
        ready = False
        while time.perf_counter() - began < SERVER_START_LIMIT and server.poll() is None:
            try:
                # With several workers each answers for itself: ask a few times in a row.
                if all(httpx.get(f"{base_url}/readyz", timeout=5).status_code == 200 for _ in range(workers * 3)):
                    ready = True
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        if not ready:
            sys.exit(f"the server did not become ready; see {log_path}")
        # Let the seeding of the example corpus finish before measuring.
        while time.perf_counter() - began < SERVER_START_LIMIT:
            if not httpx.get(f"{base_url}/readyz", timeout=5).json()["store"]["seeding"]:
                break
            time.sleep(1)
        print(f"server: uvicorn, {workers} worker process(es), ready in {time.perf_counter() - began:.1f} s; "
              f"{os.cpu_count()} cores; each request a new {words_per_doc:,}-word document, similar incidents on")
        rows = []
        seed = 50_000
        for clients in client_counts:
            seed += 1_000_000
            result = asyncio.run(load_run(base_url, clients, requests_per_client, words_per_doc, seed, server.pid))
            rows.append([str(clients), str(result["done"]), str(len(result["errors"])),
                         f"{result['p50'] * 1000:.0f}", f"{result['p99'] * 1000:.0f}", f"{result['rps']:.2f}",
                         f"{result['elapsed']:.1f}", f"{result['server_cores']:.2f}", result["cpu"]])
            if result["errors"]:
                print(f"  errors with {clients} clients: {sorted(set(result['errors']))}")
        print(table(["clients", "requests", "errors", "p50 ms", "p99 ms", "req/s", "seconds", "server cores",
                     "machine CPU per core"], rows))
        print("server cores: CPU seconds of the server's processes per second of the run (2.00 = both cores busy);\n"
              "machine CPU per core: every process on the machine (other work included)")
        # One scrape reaches one worker; it must still count every worker's requests.
        counted = reviews_counted(httpx.get(f"{base_url}/metrics", timeout=30).text)
        sent = sum(int(row[1]) for row in rows)
        print(f"/metrics (one scrape, {workers} workers): {counted:.0f} successful reviews counted, {sent} answered "
              f"({'all counted' if counted == sent else 'MISMATCH'})")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500,2000,8000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--clients", default="8,32")
    parser.add_argument("--requests", type=int, default=4, help="requests per client in each load run")
    parser.add_argument("--load-words", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="server processes for the load runs")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args()
    if not args.skip_latency:
        latency([int(s) for s in args.sizes.split(",")], args.repeats)
    if not args.skip_load:
        throughput([int(c) for c in args.clients.split(",")], args.requests, args.workers, args.load_words)


if __name__ == "__main__":
    main()
