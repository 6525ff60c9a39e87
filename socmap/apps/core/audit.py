"""Writing the audit log: one function, called inside the same transaction as the act it records."""

from __future__ import annotations

import contextvars
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from socmap.apps.core.chain import AUDIT_CHAIN, chain_seal
from socmap.apps.core.models import AuditAction, AuditEvent, Organisation, User


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip_address: str | None
    request: Any = None  # the HttpRequest, so an edge that has none to hand can still name its user


_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "socmap_request", default=None
)


def set_request_context(ctx: RequestContext | None) -> contextvars.Token[RequestContext | None]:
    return _context.set(ctx)


def reset_request_context(token: contextvars.Token[RequestContext | None]) -> None:
    _context.reset(token)


def current_request() -> Any:
    ctx = _context.get()
    return ctx.request if ctx else None


def object_owner_of(obj: models.Model | None) -> int | None:
    """The organisation that owns ``obj``, for the audit log's scope.

    A governed object names its owner; a user belongs to an organisation; an organisation owns
    itself; an agreement belongs to its provider. Anything else (a batch, an assessment, an action)
    is owned through the first governed object it points to.
    """
    if obj is None:
        return None
    if isinstance(obj, Organisation):
        return int(obj.pk)
    fields = {f.name: f for f in obj._meta.concrete_fields}
    for name in ("owner", "organisation", "provider"):
        field = fields.get(name)
        if field is not None and getattr(field, "related_model", None) is Organisation:
            value = getattr(obj, field.attname, None)
            if isinstance(value, int):
                return value
    for field in fields.values():
        target = getattr(field, "related_model", None)
        if not field.many_to_one or target is None or target is Organisation:
            continue
        owner_field = next((f for f in target._meta.concrete_fields if f.name == "owner"), None)
        if owner_field is None or getattr(owner_field, "related_model", None) is not Organisation:
            continue
        try:
            parent = getattr(obj, field.name, None)
        except ObjectDoesNotExist:
            continue
        owner = getattr(parent, "owner_id", None)
        if isinstance(owner, int):
            return owner
    return None


def audit_record(
    action: AuditAction | str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    object_owner: int | None = None,
    justification: str = "",
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one event. ``obj`` fills the object fields; explicit values win where given.

    The event belongs to the actor's organisation and, when it concerns an object another
    organisation owns, to that owner as well: the auditors of both see it, nobody else does.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
        object_owner = object_owner or object_owner_of(obj)
    ctx = _context.get()
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    org = getattr(user, "organisation", None) if user else None
    if str(action) == AuditAction.LOGIN_FAILED and username:
        # A failed sign-in names an account: its organisation's auditors should see the attempt.
        named = User.objects.filter(username=username).only("organisation_id").first()
        object_owner = object_owner or (named.organisation_id if named else None)
    event = AuditEvent(
        at=timezone.now(),
        action=str(action),
        actor=user,
        actor_username=(user.get_username() if user else username)[:150],
        organisation=org,
        organisation_name=org.name if org else "",
        object_owner_id=object_owner,
        object_type=object_type,
        object_id=object_id[:80],
        object_repr=object_repr[:300],
        justification=justification,
        request_id=ctx.request_id if ctx else "",
        ip_address=ctx.ip_address if ctx else None,
        # Stored as it will be read back, so the chain hashes what the database holds.
        detail=json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder)),
    )
    with transaction.atomic():
        chain_seal(AUDIT_CHAIN, [event])
        event.save(force_insert=True)
    return event


# What an event is about, in words. Kinds that are not tables have their own names; a table's kind
# is named by its model (``verbose_name``) unless a better word is known here.
KIND_WORDS = {
    "search": "Search",
    "export": "Export",
    "action": "Action",
    "network": "Network view",
    "core.user": "User",
    "core.document": "Document",
    "intel.record": "Intelligence record",
    "intel.recordentity": "Entity in a record",
    "intel.batch": "Ingest batch",
    "network.ocg": "Organised crime group",
    "resolution.membership": "Canonical entities",
}


def kind_words(object_type: str) -> str:
    if not object_type:
        return ""
    if object_type in KIND_WORDS:
        return KIND_WORDS[object_type]
    from django.apps import apps

    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type.replace("_", " ").replace(".", " ").capitalize()
    return str(model._meta.verbose_name).capitalize()


def _value_words(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{str(k).replace('_', ' ')} {_value_words(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_value_words(v) for v in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def detail_words(detail: dict[str, Any] | None) -> str:
    """An event's detail as a sentence of "key: value" parts, not a dictionary."""
    return "; ".join(f"{str(k).replace('_', ' ')}: {_value_words(v)}" for k, v in (detail or {}).items())


def object_words(event: AuditEvent) -> str:
    """What the event is about, in words: "Intelligence record 42: Smith, John (owned by Avon)"."""
    if not event.object_type and not event.object_id:
        return ""
    kind = kind_words(event.object_type)
    if event.object_type == "action":
        return f"Action: {event.object_id}"
    if event.object_type in ("search", "export"):
        text = f"{kind}: {event.object_repr or event.object_id}"
    else:
        text = f"{kind} {event.object_id}".strip()
        if event.object_repr and event.object_repr != event.object_id:
            text += f": {event.object_repr}"
    owner_id = event.object_owner_id
    if owner_id and owner_id != event.organisation_id:
        owner = event.object_owner.name if event.object_owner else f"organisation {owner_id}"
        text += f" (owned by {owner})"
    return text
