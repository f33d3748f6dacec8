"""`pmreview lsp` driven over stdio by a real LSP client (pytest-lsp, built on pygls' client).

The server runs as a subprocess (`python -m reviewer.cli lsp`), exactly as an editor starts it.
The documents are written for these tests; an emoji before the flagged words checks that the
positions are UTF-16 code units, the protocol's default.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp")
from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

from reviewer.output.lsp import LspPositions  # noqa: E402

pytestmark = pytest.mark.slow
over_stdio = pytest.mark.asyncio(loop_scope="module")

URI = "file:///tmp/pmreview-lsp-test/postmortem.md"
TEXT = """# Queue backlog 🔥

## Summary
Jobs waited for 40 minutes after the worker pool shrank.

## Root cause
🔥 Dave forgot to renew the payment gateway certificate.
"""
BLAMED = "Dave forgot to renew the payment gateway certificate."


def utf16_position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    line = before.count("\n")
    column = before[before.rfind("\n") + 1:]
    return line, len(column.encode("utf-16-le")) // 2


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(server_command=[sys.executable, "-m", "reviewer.cli", "lsp"],
                              server_env={**os.environ, "HF_HUB_OFFLINE": "1"}),
)
async def client(lsp_client: LanguageClient):
    result = await lsp_client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities()))
    lsp_client.server_result = result
    yield
    await lsp_client.shutdown_session()


async def diagnostics_until(client: LanguageClient, uri: str, predicate, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = client.diagnostics.get(uri)
        if found is not None and predicate(found):
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"no matching diagnostics for {uri}: {client.diagnostics.get(uri)}")


def codes(diagnostics) -> set[str]:
    return {d.code for d in diagnostics}


async def open_document(client: LanguageClient, uri: str, text: str) -> None:
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


@over_stdio
async def test_capabilities(client: LanguageClient):
    capabilities = client.server_result.capabilities
    assert capabilities.hover_provider and capabilities.code_action_provider
    assert client.server_result.server_info.name == "pmreview"


@over_stdio
async def test_diagnostics_on_open_point_at_the_words_in_utf16(client: LanguageClient):
    await open_document(client, URI, TEXT)
    found = await diagnostics_until(client, URI, lambda d: "PM201" in codes(d))
    blamed = next(d for d in found if d.code == "PM201")
    start = TEXT.index("Dave")
    assert (blamed.range.start.line, blamed.range.start.character) == utf16_position(TEXT, start)
    assert blamed.severity == types.DiagnosticSeverity.Warning and blamed.source == "pmreview"
    assert blamed.range.start.character == 3  # "🔥 " is three UTF-16 code units


@over_stdio
async def test_an_edit_updates_the_diagnostics(client: LanguageClient):
    fixed = TEXT.replace(BLAMED, "The payment gateway certificate expired; nothing warned before it did.")
    change(client, URI, 2, fixed)
    found = await diagnostics_until(client, URI, lambda d: "PM201" not in codes(d))
    assert "PM201" not in codes(found)
    change(client, URI, 3, TEXT)  # and back
    await diagnostics_until(client, URI, lambda d: "PM201" in codes(d))


@over_stdio
async def test_a_burst_of_edits_ends_with_the_diagnostics_of_the_last_text(client: LanguageClient):
    texts = [TEXT.replace("40 minutes", f"{40 + i} minutes") for i in range(6)]
    for version, text in enumerate(texts, start=10):
        change(client, URI, version, text)
        await asyncio.sleep(0.01)  # faster than anyone types
    final = texts[-1] + "\nSomeone should have checked the token sooner, obviously.\n"
    change(client, URI, 20, final)
    found = await diagnostics_until(client, URI, lambda d: "PM205" in codes(d) or "PM203" in codes(d))
    blamed = next(d for d in found if d.code == "PM201")
    assert (blamed.range.start.line, blamed.range.start.character) == utf16_position(final, final.index("Dave"))


@over_stdio
async def test_code_action_applies_the_rewrite_and_hover_shows_the_rule_doc(client: LanguageClient):
    await open_document(client, URI.replace("postmortem", "second"), TEXT)
    uri = URI.replace("postmortem", "second")
    found = await diagnostics_until(client, uri, lambda d: "PM201" in codes(d))
    blamed = next(d for d in found if d.code == "PM201")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=blamed.range,
        context=types.CodeActionContext(diagnostics=[blamed])))
    fixes = [a for a in actions if a.kind == types.CodeActionKind.QuickFix and a.title.startswith("PM201")]
    assert fixes and fixes[0].is_preferred
    edit = fixes[0].edit.changes[uri][0]
    positions = LspPositions(TEXT, "utf-16")
    start = positions.offset(edit.range.start.line, edit.range.start.character)
    end = positions.offset(edit.range.end.line, edit.range.end.character)
    assert TEXT[start:end].startswith("Dave")
    rewritten = TEXT[:start] + edit.new_text + TEXT[end:]
    assert "Dave forgot" not in rewritten
    change(client, uri, 2, rewritten)
    after = await diagnostics_until(client, uri, lambda d: "PM201" not in codes(d))
    assert "PM201" not in codes(after)

    change(client, uri, 3, TEXT)
    found = await diagnostics_until(client, uri, lambda d: "PM201" in codes(d))
    blamed = next(d for d in found if d.code == "PM201")
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=blamed.range.start))
    assert hover is not None and hover.contents.kind == types.MarkupKind.Markdown
    assert "PM201" in hover.contents.value and "## What it does" in hover.contents.value
    nothing = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=3, character=0)))
    assert nothing is None or "PM201" not in nothing.contents.value


@over_stdio
async def test_closing_clears_the_diagnostics(client: LanguageClient):
    uri = URI.replace("postmortem", "third")
    await open_document(client, uri, TEXT)
    await diagnostics_until(client, uri, lambda d: len(d) > 0)
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri)))
    await diagnostics_until(client, uri, lambda d: len(d) == 0)


# --- positions, without a server -----------------------------------------------------------------

@pytest.mark.parametrize("encoding, expected", [("utf-16", 3), ("utf-8", 5), ("utf-32", 2)])
def test_positions_in_each_encoding(encoding, expected):
    text = "x\n🔥 Dave\r\nnext"
    positions = LspPositions(text, encoding)
    offset = text.index("Dave")
    assert positions.position(offset) == {"line": 1, "character": expected}
    assert positions.offset(1, expected) == offset
    assert positions.offset(2, 0) == text.index("next")
    assert positions.offset(1, 999) == text.index("\r")  # past the line's end: its end
    assert positions.offset(99, 0) == len(text)
