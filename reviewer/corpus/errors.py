"""Errors of the corpus that reach a user."""

from reviewer.errors import PmreviewError


class CorpusError(PmreviewError):
    """The store cannot be opened or used (bad URL, unreadable file, schema from a newer version)."""


class BadRecord(CorpusError):
    """One record to import is unusable; the import skips it and says why."""
