"""Request ids, the optional second factor, and security headers Django does not set itself."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse

from socmap.apps.core.audit import RequestContext, reset_request_context, set_request_context
from socmap.apps.core.visibility import grants_remembered

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
NUL_REFUSED = "The address holds a NUL character (%00): no page, record or id contains one."


class RequestIdMiddleware:
    """Give every request an id that audit events, logs and the error page all show."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        started = time.perf_counter()
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = set_request_context(RequestContext(request_id, request.META.get("REMOTE_ADDR"), request))
        try:
            with grants_remembered():  # one read of each organisation's sharing grants per request
                response = self.get_response(request)
        finally:
            reset_request_context(token)
        response["X-Request-ID"] = request_id
        # The server's own time, for browsers' developer tools and bench/load.py (no queueing in it).
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response


class TwoFactorRequiredMiddleware:
    """When SOCMAP_OTP_REQUIRED is on, a signed-in user must pass TOTP before anything else."""

    EXEMPT_PREFIXES = ("/static/", "/api/", "/accounts/two-factor/", "/accounts/sign-out/", "/health")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.SOCMAP_OTP_REQUIRED
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(self.EXEMPT_PREFIXES)
        ):
            return redirect(f"{reverse('core:two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers beyond Django's own: Permissions-Policy and no caching of pages that hold intelligence."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if not request.path.startswith(settings.STATIC_URL):
            response.setdefault("Cache-Control", "no-store")
        return response


class SocmapErrorMiddleware:
    """Pages render the error hierarchy the same way the API does: 404 hides existence, 403 refuses."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # No page, record or id holds a NUL character in its address, and PostgreSQL refuses one in
        # any text it is asked about: answered here, for every page and API operation, as the bad
        # input it is. (Searches and forms refuse control characters themselves, naming the field.)
        if "\x00" in request.path:
            return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from socmap.apps.core import views
        from socmap.apps.core.refusal import refusal_settle, request_where
        from socmap.errors import NotAllowed, NotVisible

        refusal_settle(exception, actor=getattr(request, "user", None), where=request_where(request))
        if isinstance(exception, NotVisible):
            return views.error_404(request, exception)
        if isinstance(exception, NotAllowed):
            return views.error_403(request, exception)
        return None
