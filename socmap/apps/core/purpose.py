"""The purpose of access: why this user is consulting records now.

Consultations are logged with a justification (DPA 2018 Part 3). Rather than ask on every page, a user
states a purpose once per session (e.g. "Operation Endeavour tasking"); it is attached to every
consultation until changed. Pages that consult records ask for it first when none is set.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "socmap_purpose"
MAX_LENGTH = 300


def current_purpose(request: HttpRequest) -> str:
    return str(request.session.get(SESSION_KEY, "")) if hasattr(request, "session") else ""


def set_purpose(request: HttpRequest, purpose: str) -> None:
    request.session[SESSION_KEY] = purpose.strip()[:MAX_LENGTH]


def purpose_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not current_purpose(request):
            return redirect(f"{reverse('core:purpose')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper
