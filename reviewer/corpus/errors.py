"""Errors of the corpus that reach a user.

Store failures are told in fixed words: the database's own message can hold its URL (with the
password), the SQL statement and the values of the record, none of which a client may see. The
original error stays chained (`__cause__`) for the log.
"""

from reviewer.errors import PmreviewError


class CorpusError(PmreviewError):
    """The store cannot be opened or used (bad URL, unreadable file, schema from a newer version)."""


class BadRecord(CorpusError):
    """One record to import is unusable; the import skips it and says why."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class StoreError(CorpusError):
    """The database failed; the message is fixed and safe to show, the cause is for the log."""

    retry_after: int | None = None


class StoreUnavailable(StoreError):
    """The database is down, unreachable or overloaded: try again later (HTTP 503 + Retry-After)."""

    retry_after = 30

    def __init__(self, message: str = "the incident store is not reachable; try again later") -> None:
        super().__init__(message)


class StoreRefused(StoreError):
    """The database refused a record it should have accepted (the checks before the write passed)."""

    def __init__(self, message: str = "the incident store refused this record") -> None:
        super().__init__(message)
