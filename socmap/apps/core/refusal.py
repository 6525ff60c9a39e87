"""Refusals: the one way socmap says no, and the one place a refusal is written to the audit log.

Every refusal is a ``NotVisible`` (shown as "not found", so existence does not leak) or a
``NotAllowed`` (shown as "you cannot do this"). Code that refuses writes ``raise refuse(...)``:
``refuse`` builds the error and logs it at once, with who was refused, what they asked for and why.

The edges of socmap (the page middleware, the API's exception handler, the form helper that shows a
service's error beside its field, and the command line) call ``refusal_settle`` on every
``NotVisible`` and ``NotAllowed`` that reaches them. It logs a refusal that was raised without
``refuse`` (a bare ``raise NotVisible(...)``), or whose log entry was rolled back with the
transaction that refused it. So every refusal is logged exactly once, whichever path raised it;
``tests/test_access_matrix.py`` proves it on every route.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any

from django.db import models

from socmap.apps.core.audit import audit_record, current_request, object_owner_of
from socmap.apps.core.models import AuditAction, AuditEvent
from socmap.errors import NotAllowed, NotVisible, SocmapError


@dataclass
class RefusalNote:
    """What ``refuse`` logged, carried on the error so the edge can tell whether it still stands."""

    event_id: Any
    actor: Any
    object_type: str
    object_id: str
    object_owner: int | None
    reason: str


# The user a command-line run acts as (``--as``), for refusals raised without ``refuse``.
_cli_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("socmap_cli_actor", default=None)


def set_command_line_actor(actor: Any) -> None:
    _cli_actor.set(actor)


def _signed_in(actor: Any) -> bool:
    return actor is not None and bool(getattr(actor, "is_authenticated", False))


def _record(
    actor: Any,
    exc: SocmapError,
    *,
    object_type: str,
    object_id: str,
    object_repr: str,
    object_owner: int | None,
    reason: str,
    where: dict[str, str] | None = None,
) -> AuditEvent:
    detail: dict[str, Any] = {
        "refused": "not found" if isinstance(exc, NotVisible) else "not allowed",
        "message": exc.message[:300],
    }
    if reason and reason != exc.message:
        detail["reason"] = reason[:300]
    if where:
        detail.update(where)
    return audit_record(
        AuditAction.PERMISSION_DENIED,
        actor=actor,
        object_type=object_type[:80],
        object_id=object_id[:80],
        object_repr=object_repr[:300],
        object_owner=object_owner,
        detail=detail,
    )


def refuse(
    actor: Any,
    message: str,
    *,
    hidden: bool = True,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    reason: str = "",
    code: str | None = None,
    fields: dict[str, list[str]] | None = None,
) -> NotVisible | NotAllowed:
    """Log a refusal and return the error to raise: ``raise refuse(user, "No such batch", obj=batch)``.

    ``hidden`` (the default) refuses as "not found": the object's existence is not admitted to the
    user, and nothing of it but its kind, id and owner reaches the log. Otherwise the user may know
    the object and is told they cannot do this (``NotAllowed``).
    """
    exc: NotVisible | NotAllowed = (NotVisible if hidden else NotAllowed)(message, code=code, fields=fields)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    owner = object_owner_of(obj)
    # What a refused user could not see is never written down by name: only kind, id and owner.
    shown = "" if hidden or obj is None else str(obj)
    event = None
    if _signed_in(actor):
        request = current_request()
        event = _record(
            actor,
            exc,
            object_type=object_type,
            object_id=object_id,
            object_repr=shown,
            object_owner=owner,
            reason=reason,
            where=request_where(request) if request is not None else None,
        )
    exc.refusal = RefusalNote(
        event_id=event.pk if event else None,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        object_owner=owner,
        reason=reason,
    )
    return exc


def refusal_settle(exc: BaseException, *, actor: Any = None, where: dict[str, str] | None = None) -> None:
    """At an edge: make sure this refusal is in the audit log (once), whoever raised it and however.

    ``actor`` is the signed-in user of the request (pages, API) or the command line's ``--as`` user;
    ``where`` says which route or command refused (method, path, the ids in the address).
    """
    if not isinstance(exc, NotVisible | NotAllowed):
        return
    request = current_request()
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if where is None and request is not None:
        where = request_where(request)
    note: RefusalNote | None = getattr(exc, "refusal", None)
    if (
        note is not None
        and note.event_id is not None
        and AuditEvent.objects.filter(pk=note.event_id).exists()
    ):
        return
    who = note.actor if note is not None and _signed_in(note.actor) else actor
    if not _signed_in(who):
        who = _cli_actor.get()
    if not _signed_in(who):
        return  # nobody signed in to refuse: the sign-in page or a 401 answers instead
    event = _record(
        who,
        exc,
        object_type=note.object_type if note else "",
        object_id=note.object_id if note else "",
        object_repr="",
        object_owner=note.object_owner if note else None,
        reason=note.reason if note else "",
        where=where,
    )
    exc.refusal = RefusalNote(
        event_id=event.pk,
        actor=who,
        object_type=event.object_type,
        object_id=event.object_id,
        object_owner=event.object_owner_id,
        reason=note.reason if note else "",
    )


def request_where(request: Any) -> dict[str, str]:
    """The route a request took, for the log: method, path and the ids in the address."""
    where = {"method": str(getattr(request, "method", "")), "path": str(getattr(request, "path", ""))[:200]}
    match = getattr(request, "resolver_match", None)
    if match is not None:
        if match.view_name:
            where["route"] = str(match.view_name)[:100]
        for key, value in (match.kwargs or {}).items():
            where[str(key)[:40]] = str(value)[:80]
    return where
