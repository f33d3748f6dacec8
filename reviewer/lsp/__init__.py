"""The pmreview language server (`pmreview lsp`); see reviewer.lsp.server."""
