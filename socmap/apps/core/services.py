"""Every write of the core app: in a transaction, with its audit entry."""

from __future__ import annotations

import hashlib
import hmac
import mimetypes
import secrets
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import (
    ApiToken,
    AuditAction,
    Compartment,
    Document,
    Handling,
    Organisation,
    OrganisationKind,
    PartnerType,
    Role,
    SharingAgreement,
    User,
    UserRole,
)
from socmap.apps.core.refusal import refuse
from socmap.apps.core.visibility import AUDIT_COMPARTMENT, grants_forget
from socmap.errors import Conflict, InvalidInput, NotAllowed, NotVisible

TOKEN_PREFIX = "smp"  # noqa: S105 - a public marker, not a secret  # nosec B105
ALLOWED_DOCUMENT_TYPES = {
    "application/pdf",
    "text/plain",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "image/png",
    "image/jpeg",
}


def require_role(actor: User, *roles: str, action: str) -> None:
    """Refuse, and log the refusal, unless the actor holds one of the roles."""
    if not actor.has_role(*roles):
        names = " or ".join(Role(r).label.lower() for r in roles)
        raise refuse(
            actor,
            f"You need the {names} role to {action}",
            hidden=False,
            object_type="action",
            object_id=action,
        )


def organisation_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    partner_type: str = "",
    code: str = "",
    region: str = "",
    slug: str = "",
) -> Organisation:
    """Create an organisation. ``actor`` is None only for the command line's first set-up."""
    problems: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        problems["name"] = ["Enter the organisation's name"]
    if kind not in OrganisationKind.values:
        problems["kind"] = [f"Kind must be one of {', '.join(OrganisationKind.values)}"]
    if kind == OrganisationKind.PARTNER and partner_type not in PartnerType.values:
        problems["partner_type"] = [f"A partner agency needs a partner type: {', '.join(PartnerType.values)}"]
    if kind != OrganisationKind.PARTNER and partner_type:
        problems["partner_type"] = ["Only partner agencies have a partner type"]
    slug = slugify(slug or name)[:80]
    if name and not slug:
        problems["name"] = ["The name needs at least one letter or digit"]
    if problems:
        raise InvalidInput("The organisation could not be created", fields=problems)
    if actor is not None:
        require_role(actor, Role.ADMINISTRATOR, action="create organisations")
    with transaction.atomic():
        if Organisation.objects.filter(slug=slug).exists() or Organisation.objects.filter(name=name).exists():
            raise Conflict(
                f"An organisation called {name!r} already exists", fields={"name": ["Already exists"]}
            )
        org = Organisation.objects.create(
            name=name, slug=slug, kind=kind, partner_type=partner_type, code=code.upper()[:8], region=region
        )
        audit_record(AuditAction.COLLECTION, actor=actor, obj=org, detail={"kind": kind})
    return org


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    organisation: Organisation,
    roles: Iterable[str],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    job_title: str = "",
    check_password: bool = True,
) -> User:
    roles = sorted(set(roles))
    problems: dict[str, list[str]] = {}
    username = username.strip()
    if not username:
        problems["username"] = ["Enter a username"]
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        problems["roles"] = [f"Unknown role {r!r}; roles are {', '.join(Role.values)}" for r in unknown]
    if organisation.is_partner and set(roles) - {Role.PARTNER}:
        problems["roles"] = ["Users of a partner agency hold the partner role only"]
    if check_password:
        try:
            validate_password(password, User(username=username, first_name=first_name, last_name=last_name))
        except ValidationError as exc:
            problems["password"] = list(exc.messages)
    if problems:
        raise InvalidInput("The user could not be created", fields=problems)
    if actor is not None:
        require_role(actor, Role.ADMINISTRATOR, action="create users")
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict(
                f"A user called {username!r} already exists", fields={"username": ["Already exists"]}
            )
        user = User.objects.create_user(
            username=username,
            password=password,
            organisation=organisation,
            first_name=first_name,
            last_name=last_name,
            email=email,
            job_title=job_title,
        )
        UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
        audit_record(AuditAction.COLLECTION, actor=actor, obj=user, detail={"roles": roles})
    return user


def compartment_create(*, actor: User | None, name: str, description: str = "") -> Compartment:
    if not name.strip():
        raise InvalidInput("The compartment needs a name", fields={"name": ["Enter a name"]})
    if actor is not None:
        require_role(actor, Role.ADMINISTRATOR, action="create compartments")
    with transaction.atomic():
        comp, created = Compartment.objects.get_or_create(
            slug=slugify(name)[:80], defaults={"name": name.strip(), "description": description}
        )
        if created:
            audit_record(AuditAction.COLLECTION, actor=actor, obj=comp)
    return comp


def audit_log_compartment() -> Compartment:
    """The "Audit log" compartment: an agreement naming it lets the recipient's auditors read the
    provider's audit log (and shares no intelligence). Made by the migrations; made again if missing."""
    comp, _ = Compartment.objects.get_or_create(
        slug=AUDIT_COMPARTMENT,
        defaults={
            "name": "Audit log",
            "description": "Name this compartment in a sharing agreement to let the recipient's auditors "
            "read the provider's audit log. It shares no intelligence.",
        },
    )
    return comp


def agreement_create(
    *,
    actor: User | None,
    provider: Organisation,
    recipient: Organisation,
    title: str,
    valid_from: date,
    valid_to: date | None = None,
    compartments: Iterable[Compartment] = (),
    includes_general: bool = False,
    handling_codes: Iterable[str] = ("P", "C"),
    conditions: str = "",
    approved_by: User | None = None,
) -> SharingAgreement:
    """Record a sharing agreement; it is in force only once approved and within its dates."""
    codes = sorted(set(handling_codes))
    problems: dict[str, list[str]] = {}
    if provider.pk == recipient.pk:
        problems["recipient"] = ["An organisation does not need an agreement with itself"]
    if valid_to is not None and valid_to < valid_from:
        problems["valid_to"] = ["The end date must be on or after the start date"]
    if not codes or set(codes) - set(Handling.values):
        problems["handling_codes"] = [f"Handling codes must be some of {', '.join(Handling.values)}"]
    comps = list(compartments)
    if not comps and not includes_general:
        problems["compartments"] = ["Name at least one compartment, or include general items"]
    if "C" in codes and not conditions.strip():
        problems["conditions"] = ["Items with handling code C travel with conditions: state them"]
    if problems:
        raise InvalidInput("The sharing agreement could not be recorded", fields=problems)
    if actor is not None:
        require_role(actor, Role.ADMINISTRATOR, action="record sharing agreements")
    with transaction.atomic():
        agreement = SharingAgreement.objects.create(
            provider=provider,
            recipient=recipient,
            title=title.strip() or f"{provider} to {recipient}",
            valid_from=valid_from,
            valid_to=valid_to,
            includes_general=includes_general,
            handling_codes=codes,
            conditions=conditions.strip(),
            approved_by=approved_by,
            approved_at=timezone.now() if approved_by else None,
        )
        agreement.compartments.set(comps)
        grants_forget()
        audit_record(
            AuditAction.DISCLOSURE,
            actor=actor,
            obj=agreement,
            justification="sharing agreement recorded",
            detail={"compartments": [c.slug for c in comps], "general": includes_general, "handling": codes},
        )
    return agreement


# Who, besides a supervisor or administrator of either side, may decide an agreement: apps register a
# check in their AppConfig.ready (partnership registers the organisations' information-sharing leads).
_AGREEMENT_AUTHORITIES: list[Callable[[User, SharingAgreement], bool]] = []


def agreement_authority_register(check: Callable[[User, SharingAgreement], bool]) -> None:
    if check not in _AGREEMENT_AUTHORITIES:
        _AGREEMENT_AUTHORITIES.append(check)


def _may_decide(actor: User, agreement: SharingAgreement, action: str) -> None:
    if actor.organisation_id not in (agreement.provider_id, agreement.recipient_id):
        raise refuse(
            actor,
            f"Only the two organisations of a sharing agreement {action} it",
            hidden=False,
            obj=agreement,
            reason=f"{action} an agreement of other organisations",
        )
    if actor.has_role(Role.ADMINISTRATOR, Role.SUPERVISOR):
        return
    if any(check(actor, agreement) for check in _AGREEMENT_AUTHORITIES):
        return
    raise refuse(
        actor,
        f"Only an information-sharing lead, a supervisor or an administrator may {action} sharing agreements",
        hidden=False,
        obj=agreement,
        reason=f"{action} without authority",
    )


def agreement_approve(
    *, actor: User, agreement: SharingAgreement, justification: str = "approved"
) -> SharingAgreement:
    """Put an agreement in force: its last approval. The lifecycle before it (an approval from each
    side) is partnership's; from this moment the visibility rule lets the recipient see."""
    _may_decide(actor, agreement, "approve")
    with transaction.atomic():
        agreement.approved_by = actor
        agreement.approved_at = timezone.now()
        agreement.save(update_fields=["approved_by", "approved_at"])
        grants_forget()
        audit_record(AuditAction.ALTERATION, actor=actor, obj=agreement, justification=justification)
    return agreement


def agreement_revoke(*, actor: User, agreement: SharingAgreement, justification: str) -> SharingAgreement:
    """End an agreement at once: every page, API route, search, export and report reads the rule,
    which no longer counts it from this moment."""
    if not justification.strip():
        raise InvalidInput("Say why the agreement is revoked", fields={"justification": ["Enter a reason"]})
    _may_decide(actor, agreement, "revoke")
    if agreement.revoked_at is not None:
        raise Conflict("The agreement is already revoked", fields={"justification": ["Already revoked"]})
    with transaction.atomic():
        agreement.revoked_at = timezone.now()
        agreement.save(update_fields=["revoked_at"])
        grants_forget()
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=agreement,
            justification=justification.strip(),
            detail={"step": "revoked"},
        )
    return agreement


def _sha256(handle: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    return digest.hexdigest(), size


def document_upload(
    *,
    actor: User,
    handle: IO[bytes],
    filename: str,
    title: str,
    description: str = "",
    handling: str = Handling.P,
    conditions: str = "",
    compartment: Compartment | None = None,
) -> Document:
    """Store a document owned by the actor's organisation."""
    problems: dict[str, list[str]] = {}
    if actor.organisation is None:
        raise NotAllowed("You belong to no organisation, so you cannot hold documents")
    if not title.strip():
        problems["title"] = ["Enter a title"]
    if handling not in Handling.values:
        problems["handling"] = ["Choose handling code P or C"]
    if handling == Handling.C and not conditions.strip():
        problems["conditions"] = ["Handling code C needs its conditions"]
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if content_type not in ALLOWED_DOCUMENT_TYPES:
        problems["file"] = [f"{filename!r} is not a PDF, text, CSV, Word, spreadsheet or image file"]
    sha, size = _sha256(handle)
    if size == 0:
        problems["file"] = [f"{filename!r} is empty"]
    elif size > settings.SOCMAP_UPLOAD_MAX_BYTES:
        problems["file"] = [f"{filename!r} is larger than {settings.SOCMAP_UPLOAD_MAX_BYTES // (1 << 20)} MB"]
    if problems:
        raise InvalidInput("The document could not be uploaded", fields=problems)
    with transaction.atomic():
        doc = Document(
            owner=actor.organisation,
            handling=handling,
            conditions=conditions.strip(),
            compartment=compartment,
            title=title.strip(),
            description=description.strip(),
            original_name=filename[:255],
            content_type=content_type,
            size=size,
            sha256=sha,
            uploaded_by=actor,
        )
        doc.file.save(f"{sha[:16]}-{slugify(filename)[:80] or 'file'}", File(handle), save=False)
        doc.save()
        audit_record(AuditAction.COLLECTION, actor=actor, obj=doc, detail={"sha256": sha, "size": size})
    return doc


def _hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_lifetime() -> timedelta | None:
    """How long a token lasts (SOCMAP_TOKEN_DAYS; None when configured never to expire, local use only)."""
    days = int(settings.SOCMAP_TOKEN_DAYS)
    return timedelta(days=days) if days > 0 else None


def token_create(*, actor: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """Mint a personal API token, expiring after SOCMAP_TOKEN_DAYS unless an earlier time is given.

    The secret is returned once and never stored."""
    name = name.strip()
    if not name:
        raise InvalidInput("Name the token so you can recognise it later", fields={"name": ["Enter a name"]})
    if len(name) > 100:
        raise InvalidInput("The token's name is too long", fields={"name": ["Use 100 characters or fewer"]})
    lifetime = token_lifetime()
    if lifetime is not None:
        latest = timezone.now() + lifetime
        expires_at = min(expires_at, latest) if expires_at else latest
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        try:
            token = ApiToken.objects.create(
                user=actor, name=name, prefix=prefix, hashed=_hash_token(secret), expires_at=expires_at
            )
        except IntegrityError as exc:  # a prefix collision, vanishingly rare: ask again
            raise Conflict("Please try again") from exc
        audit_record(AuditAction.COLLECTION, actor=actor, obj=token, detail={"prefix": prefix})
    return token, secret


def token_revoke(*, actor: User, token_id: int) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
        if token is None:
            raise NotVisible("No such token")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(AuditAction.ALTERATION, actor=actor, obj=token, justification="token revoked")
    return token


def token_authenticate(raw: str) -> User | None:
    """The user a presented token belongs to, or None when it is unknown, revoked or expired."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("user", "user__organisation").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.hashed, _hash_token(raw.strip())):
        return None
    now = timezone.now()
    expires_at = token.expires_at
    lifetime = token_lifetime()
    if expires_at is None and lifetime is not None:
        expires_at = token.created_at + lifetime  # a token made before tokens expired
    if token.revoked_at is not None or (expires_at is not None and expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    # Record use at most once a minute, to keep API calls from writing on every request.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def export_audited(
    *, actor: User, what: str, justification: str, count: int, detail: dict[str, Any] | None = None
) -> None:
    """Every export is a disclosure, audited with the justification the user gave."""
    if not justification.strip():
        raise InvalidInput(
            "Say why you are exporting this",
            fields={"justification": ["Enter a justification for the export"]},
        )
    audit_record(
        AuditAction.DISCLOSURE,
        actor=actor,
        object_type="export",
        object_id=what,
        object_repr=f"Export of {count} {what}",
        justification=justification.strip(),
        detail={"count": count, **(detail or {})},
    )


def run_finished(
    run: Any, *, actor: User | None, started: float, justification: str, detail: dict[str, Any]
) -> None:
    """Close an analysis run (resolution, network…): timing, save, and the combination it made, audited.

    ``run`` has ``status``, ``seconds`` and ``finished_at``; ``started`` is a ``time.perf_counter()``.
    """
    run.seconds = round(time.perf_counter() - started, 2)
    run.finished_at = timezone.now()
    run.save()
    audit_record(
        AuditAction.COMBINATION,
        actor=actor,
        obj=run,
        username="" if actor else "system",
        justification=justification,
        detail={"status": run.status, **detail},
    )
