from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from socmap.apps.core.navigation import nav_for
from socmap.apps.core.purpose import current_purpose


def shell(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "service_name": settings.SOCMAP_SERVICE_NAME,
        "demo_mode": settings.SOCMAP_DEMO,
        "nav_items": nav_for(user, request.path) if signed_in else [],
        "purpose": current_purpose(request) if signed_in else "",
        "request_id": getattr(request, "request_id", ""),
    }
