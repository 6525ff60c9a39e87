"""What the lifetime pages share: choices built for the viewer, and names shown as words."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from socmap.apps.core import selectors as core
from socmap.apps.core.models import Organisation, OrganisationKind, Role, User
from socmap.apps.lifetime import selectors
from socmap.apps.lifetime.models import Plan
from socmap.errors import InvalidInput


def name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def people_choices(viewer: User, plan: Plan) -> list[tuple[str, str]]:
    """The people the plan manages that the viewer may see, with their role."""
    return [(e, f"{label} ({role})") for e, label, role in selectors.people_of(viewer, plan)]


def person_choices(viewer: User, plan: Plan) -> list[tuple[str, str]]:
    """Officers who may own an action: the plan owner's people, and the viewer's own."""
    ids = sorted({plan.owner_id, *([viewer.organisation_id] if viewer.organisation_id else [])})
    return [
        (str(u.pk), f"{name(u)}, {u.organisation.name if u.organisation else ''}")
        for u in core.user_choices(viewer=viewer, organisation_ids=ids)[:500]
    ]


def partner_choices(viewer: User, *, include: Plan | None = None) -> list[tuple[str, str]]:
    orgs = core.organisation_list(viewer=viewer).order_by("kind", "name")
    return [
        (str(o.pk), f"{o.name} ({o.get_partner_type_display() if o.partner_type else o.get_kind_display()})")
        for o in orgs
        if include is None or o.pk != include.owner_id
    ]


def officer_choices(viewer: User, plan: Plan, roles: tuple[str, ...]) -> list[tuple[str, str]]:
    """Officers of the plan's owner and of organisations given access to it (the service checks)."""
    ids = list(core.organisation_list(viewer=viewer).values_list("pk", flat=True))
    return [
        (str(u.pk), f"{name(u)}, {u.organisation.name if u.organisation else ''}")
        for u in core.user_choices(viewer=viewer, organisation_ids=ids, roles=roles)[:500]
        if u.organisation_id == plan.owner_id or u.organisation_id != viewer.organisation_id
    ]


def pick_user(viewer: User, value: str, field: str) -> User | None:
    if not value:
        return None
    ids = list(core.organisation_list(viewer=viewer).values_list("pk", flat=True))
    found = core.user_choices(viewer=viewer, organisation_ids=ids).filter(pk=int(value)).first()
    if found is None:
        raise InvalidInput("Choose someone from the list", fields={field: ["Choose someone from the list"]})
    return found


def pick_organisation(viewer: User, value: str, field: str) -> Organisation | None:
    if not value:
        return None
    found = core.organisation_list(viewer=viewer).filter(pk=int(value)).first()
    if found is None:
        raise InvalidInput("Choose an organisation from the list", fields={field: ["Choose from the list"]})
    return found


def force_choices() -> list[tuple[str, str]]:
    return [(o.slug, o.name) for o in selectors.forces()]


def default_force(request: HttpRequest, viewer: User) -> str:
    """The force of the page: asked for, else the viewer's own when it is a force or the unit."""
    asked = request.GET.get("force", "")
    if asked:
        return asked
    org = viewer.organisation
    if org is not None and org.kind in (OrganisationKind.FORCE, OrganisationKind.ROCU):
        return org.slug
    return ""


LRO_ROLES = (Role.LRO,)
DEPUTY_ROLES = (Role.LRO, Role.SUPERVISOR, Role.PARTNER)


def document_choices(viewer: User) -> list[tuple[str, str]]:
    """The latest documents the viewer may see, to hold as evidence."""
    page = core.document_list(viewer=viewer, per_page=100)
    return [(str(d.pk), f"{d.title} ({d.created_at:%-d %b %Y})") for d in page.items]


def pick_documents(viewer: User, values: list[str]) -> tuple[Any, ...]:
    return tuple(core.document_choose(viewer=viewer, document_id=int(v)) for v in values if v.isdigit())
