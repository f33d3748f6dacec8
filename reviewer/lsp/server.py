"""`pmreview lsp`: a language server on stdio (pygls) for editors that speak LSP.

- Diagnostics as the author types. An edit after a pause is reviewed at once; edits that come
  in a burst (typing) are coalesced: the review waits until the author has paused for
  `debounce` seconds, and while one review runs, later edits wait for it and are reviewed
  together after it. Reviews share one Reviewer, whose analyzer caches each paragraph by its
  content, so re-reviewing an edited document re-analyses only the paragraphs that changed.
- Code actions: the finding's rewrites (quick fixes that replace its span).
- Hover: the rule's documentation for the finding under the cursor.

Positions are converted in `reviewer.output.lsp`, in the encoding agreed at `initialize`.
The configuration is found from each file's folder upwards, as `pmreview check` finds it.
Reviews run on one worker thread, so the protocol keeps answering while spaCy works.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from reviewer import __version__
from reviewer.config import Config, find_config
from reviewer.errors import PmreviewError
from reviewer.output.common import is_http_url, rule_page
from reviewer.output.lsp import LspPositions, diagnostics
from reviewer.review import Review, Reviewer

log = logging.getLogger("pmreview.lsp")
DEBOUNCE_SECONDS = 0.15
CONVERTER = get_converter()


@dataclass
class DocumentState:
    """What the server knows about one open document."""

    last_change: float = 0.0
    timer: asyncio.Task | None = None
    running: bool = False
    again: bool = False
    reviewed_version: int | None = None
    review: Review | None = None
    positions: LspPositions | None = None
    published: list[dict[str, Any]] = field(default_factory=list)


class PmreviewServer(LanguageServer):
    def __init__(self, reviewer: Reviewer | None = None, *, debounce: float = DEBOUNCE_SECONDS) -> None:
        super().__init__("pmreview", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.reviewer = reviewer or Reviewer(Config())
        self.debounce = debounce
        self.documents: dict[str, DocumentState] = {}
        self.configs: dict[str, Config] = {}
        self.rules_url: str | None = os.environ.get("PMREVIEW_SERVER_URL") or None
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pmreview-review")

    # --- reviewing ----------------------------------------------------------------------------

    def config_for(self, path: str | None) -> Config:
        folder = str(Path(path).resolve().parent) if path else str(Path.cwd())
        if folder not in self.configs:
            try:
                self.configs[folder] = find_config(Path(folder))
            except PmreviewError as exc:  # a broken config file: say so, review with the defaults
                self.window_show_message(types.ShowMessageParams(types.MessageType.Warning, f"pmreview: {exc}"))
                self.configs[folder] = Config()
        return self.configs[folder]

    def changed(self, uri: str) -> None:
        """An edit: review now after a pause, else once the author pauses (see the module doc)."""
        state = self.documents.setdefault(uri, DocumentState())
        now = time.monotonic()
        in_burst = now - state.last_change < self.debounce
        state.last_change = now
        if state.timer is not None and not state.timer.done():
            state.timer.cancel()
        state.timer = asyncio.ensure_future(self._after(uri, self.debounce if in_burst else 0.0))

    async def _after(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        # From here on the review is not cancelled by a later edit (it would only waste the work).
        asyncio.ensure_future(self.review_now(uri))

    async def review_now(self, uri: str) -> None:
        state = self.documents.setdefault(uri, DocumentState())
        if state.running:
            state.again = True
            return
        state.running = True
        try:
            while True:
                state.again = False
                try:
                    document = self.workspace.get_text_document(uri)
                except Exception:  # closed meanwhile
                    return
                text, version, path = document.source, document.version, to_fs_path(uri)
                config = self.config_for(path)
                loop = asyncio.get_running_loop()
                try:
                    review = await loop.run_in_executor(self.executor, self._review, text, path, config)
                except PmreviewError as exc:
                    self.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"pmreview: {exc}"))
                    return
                current = self.workspace.get_text_document(uri)
                if current.version == version and uri in self.documents:
                    self._publish(uri, state, review, text, version)
                if not state.again:
                    return
        finally:
            state.running = False

    def _review(self, text: str, path: str | None, config: Config) -> Review:
        review = self.reviewer.review(text, path=path, config=config)
        if review.error:  # too large, or stopped past its time budget: said, not published as "no findings"
            raise PmreviewError(review.error)
        return review

    def _publish(self, uri: str, state: DocumentState, review: Review, text: str, version: int | None) -> None:
        encoding = str(self.workspace.position_encoding or "utf-16")
        state.positions = LspPositions(text, encoding)
        state.review, state.reviewed_version = review, version
        rule_url = (lambda code: rule_page(self.rules_url, code)) if self.rules_url else None
        state.published = diagnostics(review, state.positions, rule_url)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=version,
            diagnostics=[CONVERTER.structure(d, types.Diagnostic) for d in state.published]))

    def current(self, uri: str) -> DocumentState | None:
        """The document's last review, if it is of the text the client has now."""
        state = self.documents.get(uri)
        if state is None or state.review is None:
            return None
        try:
            version = self.workspace.get_text_document(uri).version
        except Exception:
            return None
        return state if version == state.reviewed_version else None


def build_server(reviewer: Reviewer | None = None, *, debounce: float = DEBOUNCE_SECONDS) -> PmreviewServer:
    server = PmreviewServer(reviewer, debounce=debounce)

    @server.feature(types.INITIALIZE)
    def initialize(ls: PmreviewServer, params: types.InitializeParams) -> None:
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        url = options.get("serverUrl")
        if is_http_url(url):
            ls.rules_url = url

    @server.feature(types.INITIALIZED)
    def initialized(ls: PmreviewServer, params: types.InitializedParams) -> None:
        # Load spaCy now, on the review thread, so the first document is not the one that waits.
        ls.executor.submit(ls._review, "# Warm-up\n\nThe proxy restarted at 10:02 UTC.\n", None, Config())

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: PmreviewServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.documents[params.text_document.uri] = DocumentState()
        await ls.review_now(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PmreviewServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.changed(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: PmreviewServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.configs.clear()  # a saved config file takes effect on the next review
        await ls.review_now(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PmreviewServer, params: types.DidCloseTextDocumentParams) -> None:
        state = ls.documents.pop(params.text_document.uri, None)
        if state is not None and state.timer is not None:
            state.timer.cancel()
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri,
                                                                             diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls: PmreviewServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        state = ls.current(params.text_document.uri)
        if state is None:
            return []
        positions = state.positions
        start = positions.offset(params.range.start.line, params.range.start.character)
        end = positions.offset(params.range.end.line, params.range.end.character)
        actions = []
        for finding, published in zip(state.review.findings, state.published, strict=True):
            if published["data"]["documentLevel"] or not finding.replacements:
                continue
            if finding.end < start or finding.start > end:
                continue
            diagnostic = CONVERTER.structure(published, types.Diagnostic)
            for rank, replacement in enumerate(published["data"]["replacements"]):
                edit = types.TextEdit(range=diagnostic.range, new_text=replacement)
                actions.append(types.CodeAction(
                    title=f"{finding.code}: replace with “{replacement}”",
                    kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic], is_preferred=rank == 0,
                    edit=types.WorkspaceEdit(changes={params.text_document.uri: [edit]})))
        return actions

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: PmreviewServer, params: types.HoverParams) -> types.Hover | None:
        from reviewer.rules.base import all_rules

        state = ls.current(params.text_document.uri)
        if state is None:
            return None
        offset = state.positions.offset(params.position.line, params.position.character)
        rules = all_rules()
        parts = []
        for finding in state.review.findings:
            start, end = state.positions.finding_span(finding)
            if not start <= offset <= end:
                continue
            rule = rules.get(finding.code)
            doc = rule.doc() if rule is not None else f"# {finding.code} {finding.name}"
            parts.append(f"**{finding.code} {finding.name}** ({finding.severity.value}): {finding.message}\n\n{doc}")
        if not parts:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                        value="\n\n---\n\n".join(parts)))

    return server


def main() -> None:
    """Serve on stdin/stdout until the client says exit."""
    logging.basicConfig(level=logging.WARNING, format="pmreview lsp: %(levelname)s %(message)s")
    build_server().start_io()
