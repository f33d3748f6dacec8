"""Errors that reach a user: each says what is wrong in words, never as a traceback."""


class PmreviewError(Exception):
    """Base of every error pmreview reports to a user (exit code 2, HTTP 4xx)."""


class DocumentTooLarge(PmreviewError):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"document is {size:,} characters, above the limit of {limit:,} (max_chars)")
        self.size = size
        self.limit = limit


class ConfigError(PmreviewError):
    """The configuration file or an option is invalid."""


class ModelUnavailable(PmreviewError):
    """A model (spaCy pipeline, classifier, embeddings) is not installed."""
