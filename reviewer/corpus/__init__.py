"""Past incidents: store, embeddings, lexical index, search, root-cause groups, trends.

The entry point is `reviewer.corpus.service.Corpus`; the CLI commands are in
`reviewer.corpus.commands`.
"""
