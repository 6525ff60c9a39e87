"""The one NinjaAPI of socmap, at /api/v1/. Each app adds its router here."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from socmap.apps.assessment.api import router as assessment_router
from socmap.apps.core.api import public as core_public
from socmap.apps.core.api import router as core_router
from socmap.apps.core.auth import api_auth
from socmap.apps.core.refusal import refusal_settle, request_where
from socmap.apps.inspections.api import router as inspections_router
from socmap.apps.intel.api import router as intel_router
from socmap.apps.intel.source_api import router as intel_source_router
from socmap.apps.lifetime.api import router as lifetime_router
from socmap.apps.network.api import router as network_router
from socmap.apps.partnership.api import router as partnership_router
from socmap.apps.places.api import router as places_router
from socmap.apps.profile.api import router as profile_router
from socmap.apps.resolution.api import router as resolution_router
from socmap.apps.tasking.api import router as tasking_router
from socmap.apps.workforce.api import router as workforce_router
from socmap.errors import Conflict, InvalidInput, NotAllowed, NotVisible, SocmapError

# Every operation can answer these, with the one error shape (ErrorOut): they are documented on
# every operation so a client (and schemathesis) knows every answer it may get.
ERROR_RESPONSES = {
    400: "The request cannot be accepted: the message and fields say why",
    401: "No valid, unrevoked, unexpired token and no session",
    403: "Not allowed: the viewer's roles or organisation do not permit this",
    404: "No such object, or not shared with the viewer's organisation",
    409: "Conflicts with the current state (a duplicate, a stale version, the wrong status)",
    422: "The request does not match this operation's parameters or body",
}


class SocmapAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI document lists every error an operation can answer."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        error = {"$ref": "#/components/schemas/ErrorOut"}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for code, text in ERROR_RESPONSES.items():
                    if code not in responses and str(code) not in responses:
                        responses[code] = {
                            "description": text,
                            "content": {"application/json": {"schema": error}},
                        }
        return schema


api = SocmapAPI(
    title="socmap API",
    version="1",
    description="Serious and organised crime intelligence, networks, assessment and management. "
    "Authenticate with a personal token (Authorization: Bearer smp_…) or the browser session.",
    auth=api_auth,
    urls_namespace="api",
)

STATUS = {InvalidInput: 400, NotAllowed: 403, NotVisible: 404, Conflict: 409}


@api.exception_handler(SocmapError)
def _socmap_error(request: HttpRequest, exc: SocmapError) -> HttpResponse:
    refusal_settle(exc, actor=getattr(request, "user", None), where=request_where(request))
    status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
    return api.create_response(request, exc.as_dict(), status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {
        "message": "Authentication required: send a valid, unrevoked token as 'Authorization: Bearer …' "
        "or sign in",
        "code": "unauthenticated",
        "fields": {},
    }
    return api.create_response(request, body, status=401)


@api.exception_handler(AuthorizationError)
def _forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    refusal_settle(NotAllowed(str(exc)), actor=getattr(request, "user", None), where=request_where(request))
    return api.create_response(
        request, {"message": str(exc), "code": "not_allowed", "fields": {}}, status=403
    )


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "payload"))
        fields.setdefault(loc or "request", []).append(str(error.get("msg", "invalid")))
    body = {"message": "The request is not valid: see fields", "code": "invalid", "fields": fields}
    return api.create_response(request, body, status=422)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(
        request, {"message": str(exc), "code": "http_error", "fields": {}}, status=exc.status_code
    )


api.add_router("/", core_public)
api.add_router("/", core_router)
api.add_router("/", inspections_router)
api.add_router("/", intel_router)
api.add_router("/", intel_source_router)
api.add_router("/", resolution_router)
api.add_router("/", network_router)
api.add_router("/", assessment_router)
api.add_router("/", tasking_router)
api.add_router("/", lifetime_router)
api.add_router("/", partnership_router)
api.add_router("/", workforce_router)
api.add_router("/", places_router)
api.add_router("/", profile_router)
