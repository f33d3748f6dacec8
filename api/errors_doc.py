"""The error bodies, for the OpenAPI document (every error is `{"detail": "..."}`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class FieldError(BaseModel):
    field: str = Field(description="where: body.text, query.k, …")
    loc: list[str]
    reason: str
    type: str


class ErrorBody(BaseModel):
    detail: str = Field(description="what is wrong, in words")


class ValidationErrorBody(BaseModel):
    detail: str
    errors: list[FieldError] = Field(default_factory=list)


class ServerErrorBody(BaseModel):
    detail: str
    request_id: str | None = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "an API token is needed (see api/README.md)"},
    413: {"model": ErrorBody, "description": "the request body or the document is too large"},
    422: {"model": ValidationErrorBody, "description": "a field is missing or invalid"},
    503: {"model": ErrorBody, "description": "the service is starting (models loading) or the store is unreachable"},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "no such incident"}}

