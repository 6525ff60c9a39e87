"""Administering an organisation: its users, roles, deactivation, two-factor resets, compartments, and
the API tokens of its people. Every change is audited with its reason.

An administrator administers people and reference data, never intelligence: nothing here reads a
governed item, and the visibility rule gives an administrator nothing its organisation lacks.
Administrators administer their own organisation and the partner agencies (whose users hold the
partner role only, so a partner agency has no administrator of its own in socmap).
Users are deactivated, never deleted: their audit trail stays theirs.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django_otp.plugins.otp_totp.models import TOTPDevice

from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import (
    ApiToken,
    AuditAction,
    Compartment,
    Organisation,
    OrganisationKind,
    PartnerType,
    Role,
    User,
    UserRole,
)
from socmap.apps.core.refusal import refuse
from socmap.apps.core.services import require_role
from socmap.errors import Conflict, InvalidInput, NotAllowed, NotVisible


def _reason(reason: str) -> str:
    if not reason.strip():
        raise InvalidInput("Say why you are making this change", fields={"reason": ["Enter a reason"]})
    return reason.strip()


def administered_organisations(*, viewer: User) -> QuerySet[Organisation]:
    """The organisations whose people the viewer administers: its own and the partner agencies."""
    if not viewer.is_authenticated or not viewer.has_role(Role.ADMINISTRATOR):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Q(pk=viewer.organisation_id) | Q(kind=OrganisationKind.PARTNER)
    ).order_by("name")


def _require_admin(actor: User, action: str) -> None:
    require_role(actor, Role.ADMINISTRATOR, action=action)


def administered_users(*, viewer: User, query: str = "", active: str = "") -> QuerySet[User]:
    """The people the viewer administers (refused, and logged, for anyone but an administrator)."""
    _require_admin(viewer, "administer users")
    qs = (
        User.objects.filter(organisation__in=administered_organisations(viewer=viewer))
        .select_related("organisation")
        .prefetch_related("role_grants")
        .order_by("organisation__name", "username")
    )
    if query.strip():
        q = query.strip()
        qs = qs.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q))
    if active in ("yes", "no"):
        qs = qs.filter(is_active=active == "yes")
    return qs


def administered_user(*, viewer: User, user_id: int) -> User:
    found = administered_users(viewer=viewer).filter(pk=user_id).first()
    if found is None:
        raise refuse(viewer, "No such user", object_type="core.user", object_id=str(user_id))
    return found


def _target(actor: User, user: User, action: str) -> None:
    _require_admin(actor, action)
    if not administered_users(viewer=actor).filter(pk=user.pk).exists():
        raise refuse(
            actor, "No such user", obj=user, reason=f"{action} outside the administered organisations"
        )


def user_roles_set(*, actor: User, user: User, roles: Iterable[str], reason: str) -> User:
    """Give the user exactly these roles."""
    wanted = sorted(set(roles))
    problems: dict[str, list[str]] = {}
    unknown = [r for r in wanted if r not in Role.values]
    if unknown:
        problems["roles"] = [f"Unknown role {r!r}" for r in unknown]
    elif not wanted:
        problems["roles"] = ["Choose at least one role"]
    elif user.organisation is not None and user.organisation.is_partner and set(wanted) - {Role.PARTNER}:
        problems["roles"] = ["Users of a partner agency hold the partner role only"]
    if problems:
        raise InvalidInput("The roles could not be changed", fields=problems)
    why = _reason(reason)
    _target(actor, user, "change roles")
    if user.pk == actor.pk and Role.ADMINISTRATOR not in wanted:
        raise NotAllowed(
            "You cannot remove your own administrator role", fields={"roles": ["Ask another administrator"]}
        )
    with transaction.atomic():
        before = sorted(user.role_grants.values_list("role", flat=True))
        UserRole.objects.filter(user=user).exclude(role__in=wanted).delete()
        UserRole.objects.bulk_create(
            [UserRole(user=user, role=r) for r in wanted if r not in before], ignore_conflicts=True
        )
        user.__dict__.pop("_role_cache", None)
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=user,
            justification=why,
            detail={"step": "roles changed", "before": before, "after": wanted},
        )
    return user


def user_set_active(*, actor: User, user: User, active: bool, reason: str) -> User:
    """Deactivate (or reactivate) a user: a deactivated user cannot sign in or use a token."""
    why = _reason(reason)
    _target(actor, user, "deactivate users")
    if user.pk == actor.pk and not active:
        raise NotAllowed("You cannot deactivate yourself", fields={"reason": ["Ask another administrator"]})
    if user.is_active == active:
        state = "active" if active else "deactivated"
        raise Conflict(f"{user.username} is already {state}", fields={"reason": [f"Already {state}"]})
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=user,
            justification=why,
            detail={"step": "reactivated" if active else "deactivated"},
        )
    return user


def user_totp_reset(*, actor: User, user: User, reason: str) -> int:
    """Remove the user's two-factor devices: at the next sign-in they enrol a new one."""
    why = _reason(reason)
    _target(actor, user, "reset two-factor devices")
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=user,
            justification=why,
            detail={"step": "two-factor device reset", "devices_removed": removed},
        )
    return int(removed)


def organisation_update(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    kind: str,
    partner_type: str,
    code: str,
    reason: str,
) -> Organisation:
    """Rename an organisation or change its kind and partner type (the audit log keeps old names)."""
    problems: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        problems["name"] = ["Enter the organisation's name"]
    if kind not in OrganisationKind.values:
        problems["kind"] = ["Choose a kind of organisation"]
    if kind == OrganisationKind.PARTNER and partner_type not in PartnerType.values:
        problems["partner_type"] = ["A partner agency needs a partner type"]
    if kind != OrganisationKind.PARTNER and partner_type:
        problems["partner_type"] = ["Only partner agencies have a partner type"]
    if problems:
        raise InvalidInput("The organisation could not be changed", fields=problems)
    why = _reason(reason)
    _require_admin(actor, "change organisations")
    with transaction.atomic():
        if Organisation.objects.filter(name=name).exclude(pk=organisation.pk).exists():
            raise Conflict(
                f"An organisation called {name!r} already exists", fields={"name": ["Already exists"]}
            )
        before = {
            "name": organisation.name,
            "kind": organisation.kind,
            "partner_type": organisation.partner_type,
        }
        organisation.name, organisation.kind, organisation.partner_type = name, kind, partner_type
        organisation.code = code.strip().upper()[:8]
        organisation.save(update_fields=["name", "kind", "partner_type", "code"])
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=organisation,
            justification=why,
            detail={"step": "organisation changed", "before": before},
        )
    return organisation


def compartment_update(
    *, actor: User, compartment: Compartment, description: str, reason: str
) -> Compartment:
    why = _reason(reason)
    _require_admin(actor, "change compartments")
    with transaction.atomic():
        compartment.description = description.strip()
        compartment.save(update_fields=["description"])
        audit_record(AuditAction.ALTERATION, actor=actor, obj=compartment, justification=why)
    return compartment


def compartment_find(*, slug: str) -> Compartment:
    found = Compartment.objects.filter(slug=slugify(slug)).first()
    if found is None:
        raise NotVisible("No such compartment")
    return found


def administered_tokens(*, viewer: User) -> QuerySet[ApiToken]:
    """The API tokens of the people the viewer administers (never their secrets: only hashes exist)."""
    _require_admin(viewer, "administer API tokens")
    return (
        ApiToken.objects.filter(user__organisation__in=administered_organisations(viewer=viewer))
        .select_related("user", "user__organisation")
        .order_by("revoked_at", "-created_at")
    )


def token_revoke_for(*, actor: User, token_id: int, reason: str) -> ApiToken:
    """An administrator revokes someone's token (lost laptop, leaver), with the reason."""
    why = _reason(reason)
    token = administered_tokens(viewer=actor).filter(pk=token_id).first()
    if token is None:
        raise refuse(actor, "No such token", object_type="core.apitoken", object_id=str(token_id))
    if token.revoked_at is not None:
        raise Conflict("The token is already revoked", fields={"reason": ["Already revoked"]})
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=token,
            object_owner=token.user.organisation_id,
            justification=why,
            detail={"step": "token revoked by an administrator", "holder": token.user.username},
        )
    return token
