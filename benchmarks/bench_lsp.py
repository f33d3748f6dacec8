"""The language server's latency after an edit, next to `/v2/check` for the same edit.

    .venv/bin/python benchmarks/bench_lsp.py [--sizes 500,2000] [--edits 7]

For each size, one generated postmortem (benchmarks/bench_api.py's generator, never text from
../shared/eval) and a sequence of edits, each rewriting the root-cause paragraph (so every
edit is new text and the other paragraphs come from the per-paragraph cache, as when an
author types). The same sequence is sent

- to a real service (`python -m api`, one worker, on 127.0.0.1) as `POST /v2/check` with the
  whole text, as a LanguageTool plugin does: the time is request → response;
- to `pmreview lsp` (a subprocess, on stdio, driven by pygls' LSP client) as
  `textDocument/didChange`: the time is the notification → `publishDiagnostics` for that
  version.

Edits are spaced by a pause longer than the server's debounce (an author who stops typing),
so the figure is what one edit costs, not how bursts are coalesced. Each side is warmed with the
original text first. Reported: the median and the worst of --edits edits, and the ratio of
medians (target: LSP ≤ 1.2 × /v2/check). Figures depend on what else runs on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench_api import free_port, make_postmortem, one_paragraph_edit, table  # noqa: E402

PAUSE = 0.4  # seconds between edits: longer than reviewer.lsp.server.DEBOUNCE_SECONDS
START_LIMIT = 240.0
TARGET = 1.2


def edit_sequence(size: int, edits: int) -> tuple[str, list[str]]:
    text = make_postmortem(size, seed=size)
    return text, [one_paragraph_edit(text, seed=size * 100 + i)[0] for i in range(edits)]


def v2_check_latencies(sequences: dict[int, tuple[str, list[str]]]) -> dict[int, list[float]]:
    import httpx

    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="pmreview-bench-lsp-"))
    env = {**os.environ, "PMREVIEW_DATABASE_URL": f"sqlite:///{folder / 'corpus.sqlite3'}",
           "PMREVIEW_WORKERS": "1", "PMREVIEW_LOG_LEVEL": "WARNING", "PMREVIEW_MAX_DOCUMENT_CHARS": "2000000"}
    with open(folder / "server.log", "wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "api", "--host", "127.0.0.1", "--port", str(port)],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        began = time.perf_counter()
        while time.perf_counter() - began < START_LIMIT:
            try:
                if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        else:
            raise SystemExit(f"the service did not get ready; see {folder / 'server.log'}")
        results = {}
        with httpx.Client(base_url=url, timeout=120) as client:
            for size, (original, edits) in sequences.items():
                client.post("/v2/check", data={"text": original, "language": "en-US"}).raise_for_status()
                times = []
                for text in edits:
                    time.sleep(PAUSE)
                    started = time.perf_counter()
                    client.post("/v2/check", data={"text": text, "language": "en-US"}).raise_for_status()
                    times.append(time.perf_counter() - started)
                results[size] = times
        return results
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()


async def lsp_latencies(sequences: dict[int, tuple[str, list[str]]]) -> dict[int, list[float]]:
    from lsprotocol import types
    from pygls.lsp.client import LanguageClient

    client = LanguageClient("bench-lsp", "1")
    published: dict[tuple[str, int | None], float] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        published[(params.uri, params.version)] = time.perf_counter()

    await client.start_io(sys.executable, "-m", "reviewer.cli", "lsp", cwd=str(ROOT))
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())

    async def published_for(uri: str, version: int) -> float:
        deadline = time.perf_counter() + START_LIMIT
        while (uri, version) not in published:
            if time.perf_counter() > deadline:
                raise SystemExit(f"no diagnostics for version {version} of {uri}")
            await asyncio.sleep(0.001)
        return published[(uri, version)]

    results = {}
    try:
        for size, (original, edits) in sequences.items():
            uri = f"file:///tmp/pmreview-bench/{size}.md"
            client.text_document_did_open(types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=original)))
            await published_for(uri, 1)
            times = []
            for version, text in enumerate(edits, start=2):
                await asyncio.sleep(PAUSE)
                started = time.perf_counter()
                client.text_document_did_change(types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
                times.append(await published_for(uri, version) - started)
            results[size] = times
    finally:
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500,2000", help="words per document, comma-separated")
    parser.add_argument("--edits", type=int, default=7, help="edits per document")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    sequences = {size: edit_sequence(size, args.edits) for size in sizes}
    http = v2_check_latencies(sequences)
    lsp = asyncio.run(lsp_latencies(sequences))
    rows = []
    for size in sizes:
        h, l = statistics.median(http[size]), statistics.median(lsp[size])
        rows.append([f"{size:,} words", f"{h * 1000:.0f} ms", f"{max(http[size]) * 1000:.0f} ms",
                     f"{l * 1000:.0f} ms", f"{max(lsp[size]) * 1000:.0f} ms", f"{l / h:.2f}×",
                     "yes" if l / h <= TARGET else "NO"])
    print(f"Diagnostics after a one-paragraph edit ({args.edits} edits each, {PAUSE:.1f} s apart)\n")
    print(table(["document", "/v2/check median", "worst", "LSP median", "worst", "LSP / v2",
                 f"≤ {TARGET}×"], rows))


if __name__ == "__main__":
    main()
