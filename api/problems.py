"""Errors the routers raise for bad requests; api.errors turns each into its status and JSON body."""

from __future__ import annotations

from reviewer.errors import PmreviewError


class NotFound(PmreviewError):
    """No such incident (or rule): HTTP 404."""


class UnsupportedMediaType(PmreviewError):
    """A body in a format the endpoint does not read: HTTP 415."""


class InvalidField(PmreviewError):
    """One or more fields are wrong: HTTP 422 with each field and the reason.

    `errors` are in pydantic's shape: {"loc": ("body", "text"), "msg": "...", "type": "..."}.
    """

    def __init__(self, errors: list[dict]) -> None:
        self.errors = errors
        summary = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors[:5])
        super().__init__(f"invalid request: {summary}")

    @classmethod
    def one(cls, location: tuple[str, ...], reason: str, kind: str = "value_error") -> InvalidField:
        return cls([{"loc": location, "msg": reason, "type": kind}])
