"""Writing the audit log: one function, called inside the same transaction as the act it records."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from socmap.apps.core.models import AuditAction, AuditEvent


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip_address: str | None


_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "socmap_request", default=None
)


def set_request_context(ctx: RequestContext | None) -> contextvars.Token[RequestContext | None]:
    return _context.set(ctx)


def reset_request_context(token: contextvars.Token[RequestContext | None]) -> None:
    _context.reset(token)


def current_request_id() -> str:
    ctx = _context.get()
    return ctx.request_id if ctx else ""


def audit_record(
    action: AuditAction | str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    justification: str = "",
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one event. ``obj`` fills the object fields; explicit values win where given."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    ctx = _context.get()
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    org = getattr(user, "organisation", None) if user else None
    return AuditEvent.objects.create(
        at=timezone.now(),
        action=str(action),
        actor=user,
        actor_username=(user.get_username() if user else username)[:150],
        organisation=org,
        organisation_name=org.name if org else "",
        object_type=object_type,
        object_id=object_id[:80],
        object_repr=object_repr[:300],
        justification=justification,
        request_id=ctx.request_id if ctx else "",
        ip_address=ctx.ip_address if ctx else None,
        detail=detail or {},
    )
