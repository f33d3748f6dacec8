"""Dependencies shared by the domain routers: the service state and the API token checks."""

from __future__ import annotations

import secrets

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.state import ServiceState

bearer = HTTPBearer(auto_error=False, description="PMREVIEW_API_TOKEN, when the service is configured with one")


def get_state(request: Request) -> ServiceState:
    return request.app.state.service


def _check_token(state: ServiceState, credentials: HTTPAuthorizationCredentials | None) -> None:
    expected = state.settings.api_token
    if expected is None:
        return
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "this operation needs an API token: "
                            "send 'Authorization: Bearer <token>'", headers={"WWW-Authenticate": "Bearer"})
    if not secrets.compare_digest(credentials.credentials.encode(), expected.encode()):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "the API token is not valid",
                            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


def require_writer(state: ServiceState = Depends(get_state),
                   credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
    """Writes (import, delete, feedback) need the token whenever one is configured."""
    _check_token(state, credentials)


def require_reader(state: ServiceState = Depends(get_state),
                   credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
    """Reads and reviews are open unless `protect_reads` is set (then they need the token too)."""
    if state.settings.protect_reads:
        _check_token(state, credentials)
