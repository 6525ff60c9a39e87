"""API authentication: personal bearer tokens for scripts, the session for the browser."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from socmap.apps.core.models import User
from socmap.apps.core.services import token_authenticate
from socmap.errors import NotAllowed


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """The browser's session, CSRF-checked for unsafe methods (ninja's own behaviour)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and not user.is_active:
            return None
        return user


api_auth = [TokenAuth(), ActiveSessionAuth()]


def viewer(request: HttpRequest) -> User:
    """The signed-in user of an authenticated request (views and API handlers only call this)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise NotAllowed("Sign in first")
    return user
