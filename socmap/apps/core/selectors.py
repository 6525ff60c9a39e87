"""Every read of the core app, always through the caller's visibility."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from socmap.apps.core.audit import audit_record, detail_words, object_words
from socmap.apps.core.exports import csv_lines
from socmap.apps.core.models import (
    ApiToken,
    AuditAction,
    AuditEvent,
    Compartment,
    Document,
    Organisation,
    OrganisationKind,
    Role,
    SharingAgreement,
    User,
)
from socmap.apps.core.pagination import Page, paginate
from socmap.apps.core.refusal import refuse
from socmap.apps.core.services import export_audited
from socmap.apps.core.visibility import audit_visible_filter, consult, decide, filter_visible
from socmap.errors import InvalidInput, NotAllowed, NotVisible


def _deny(viewer: User, action: str) -> NotAllowed | NotVisible:
    return refuse(
        viewer,
        f"You do not have permission to {action}",
        hidden=False,
        object_type="action",
        object_id=action,
    )


def organisation_list(*, viewer: User) -> QuerySet[Organisation]:
    """Organisations are known to every signed-in user: sharing is decided per object, not per name."""
    if not viewer.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.all()


#: Forces and regional units: the organisations that hold police intelligence, lead groups, are
#: assessed and are inspected.
POLICE_KINDS = (OrganisationKind.FORCE, OrganisationKind.ROCU)


def police_organisation_list(*, coded: bool = False) -> QuerySet[Organisation]:
    """Forces and ROCUs, by name. ``coded``: only those with a reference code (GL), which a group's
    reference needs. Organisation names are reference data every signed-in user knows."""
    qs = Organisation.objects.filter(kind__in=POLICE_KINDS).order_by("name")
    return qs.exclude(code="") if coded else qs


def organisation_names(*, ids: Iterable[int]) -> dict[int, str]:
    """Organisation id -> name, for the ids given."""
    return dict(Organisation.objects.filter(id__in=list(ids)).values_list("id", "name"))


def organisation_ids(*, kinds: Iterable[str]) -> set[int]:
    """Ids of every organisation of these kinds (partner agencies, say)."""
    return set(Organisation.objects.filter(kind__in=list(kinds)).values_list("id", flat=True))


def organisation_get(*, viewer: User, slug: str) -> Organisation:
    org = organisation_list(viewer=viewer).filter(slug=slug).first()
    if org is None:
        raise refuse(viewer, "No such organisation", object_type="core.organisation", object_id=slug)
    return org


def agreement_list(*, viewer: User) -> QuerySet[SharingAgreement]:
    """Agreements the viewer's organisation gives or receives: administrators included, since being
    one is no reason to know what other organisations share."""
    qs = SharingAgreement.objects.select_related("provider", "recipient", "approved_by").prefetch_related(
        "compartments"
    )
    return qs.filter(Q(provider_id=viewer.organisation_id) | Q(recipient_id=viewer.organisation_id))


def document_list(
    *, viewer: User, query: str = "", page: int = 1, per_page: int = 25, on: date | None = None
) -> Page[Document]:
    qs = filter_visible(Document.objects.select_related("owner", "compartment"), viewer, on)
    if query.strip():
        qs = qs.filter(Q(title__icontains=query.strip()) | Q(description__icontains=query.strip()))
    return paginate(qs.order_by("-created_at", "-id"), page=page, per_page=per_page)


@dataclass(frozen=True)
class DocumentView:
    document: Document
    conditions: tuple[str, ...]


def document_get(*, viewer: User, document_id: int, justification: str) -> DocumentView:
    """Read one document: a consultation, audited with the viewer's stated purpose."""
    doc = (
        Document.objects.select_related("owner", "compartment", "uploaded_by").filter(pk=document_id).first()
    )
    found, conditions = consult(viewer, doc, label="document", justification=justification)
    return DocumentView(found, conditions)


def document_open(*, viewer: User, document_id: int, justification: str) -> Document:
    """Download a document. Handing it outside its owner is a disclosure, so it is logged as one."""
    doc = Document.objects.filter(pk=document_id).first()
    if doc is None or not decide(viewer, doc).visible:
        raise refuse(
            viewer, "No such document", obj=doc, object_type="core.document", object_id=str(document_id)
        )
    action = AuditAction.CONSULTATION if doc.owner_id == viewer.organisation_id else AuditAction.DISCLOSURE
    audit_record(action, actor=viewer, obj=doc, justification=justification, detail={"download": True})
    return doc


def token_list(*, viewer: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=viewer)


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""
    organisation: str = ""
    object_type: str = ""
    object_id: str = ""
    request_id: str = ""
    text: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _audit_queryset(viewer: User, filters: AuditFilter) -> QuerySet[AuditEvent]:
    if not viewer.has_role(Role.AUDITOR):
        raise _deny(viewer, "read the audit log")
    # An auditor reads their own organisation's events (and those shared with it), like anything else.
    qs = AuditEvent.objects.filter(audit_visible_filter(viewer)).select_related("object_owner")
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.actor:
        qs = qs.filter(actor_username__icontains=filters.actor.strip())
    if filters.organisation:
        qs = qs.filter(organisation_name__icontains=filters.organisation.strip())
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type.strip())
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id.strip())
    if filters.request_id:
        qs = qs.filter(request_id=filters.request_id.strip())
    if filters.text:
        t = filters.text.strip()
        qs = qs.filter(Q(object_repr__icontains=t) | Q(justification__icontains=t))
    tz = timezone.get_current_timezone()
    if filters.date_from:
        qs = qs.filter(at__gte=datetime.combine(filters.date_from, time.min, tzinfo=tz))
    if filters.date_to:
        qs = qs.filter(at__lte=datetime.combine(filters.date_to, time.max, tzinfo=tz))
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise InvalidInput(
            "The dates are the wrong way round", fields={"date_to": ["Must be after the start"]}
        )
    return qs.order_by("-at")


def audit_list(*, viewer: User, filters: AuditFilter, page: int = 1, per_page: int = 50) -> Page[AuditEvent]:
    return paginate(_audit_queryset(viewer, filters), page=page, per_page=per_page)


AUDIT_EXPORT_LIMIT = 100_000
AUDIT_COLUMNS = [
    "at",
    "action",
    "actor_username",
    "organisation_name",
    "object",
    "object_type",
    "object_id",
    "justification",
    "detail",
    "request_id",
    "ip_address",
]


def _audit_row(event: AuditEvent) -> list[object]:
    words = {
        "action": event.get_action_display(),
        "object": object_words(event),
        "detail": detail_words(event.detail),
    }
    return [words[c] if c in words else getattr(event, c) for c in AUDIT_COLUMNS]


def audit_export(*, viewer: User, filters: AuditFilter, justification: str) -> Iterator[str]:
    """The filtered log as CSV lines. Exporting the log is itself audited, before any line leaves."""
    qs = _audit_queryset(viewer, filters)
    count = qs.count()
    if count > AUDIT_EXPORT_LIMIT:
        raise InvalidInput(
            f"{count} events match; narrow the filters to {AUDIT_EXPORT_LIMIT} or fewer to export",
            fields={"date_from": ["Narrow the date range"]},
        )
    with transaction.atomic():
        export_audited(
            actor=viewer,
            what="audit-events",
            justification=justification,
            count=count,
            detail={"filters": {k: str(v) for k, v in filters.__dict__.items() if v}},
        )

    rows = (_audit_row(e) for e in qs.iterator(chunk_size=2000))
    return csv_lines(AUDIT_COLUMNS, rows)


def measure_documents(organisation_id: int, as_of: datetime) -> int:
    """Documents owned by the organisation and held on the date (a live measure)."""
    return Document.objects.filter(owner_id=organisation_id, created_at__lte=as_of).count()


def measure_consultations(organisation_id: int, as_of: datetime) -> int:
    """Audited consultations by the organisation in the 90 days to the date (a live measure)."""
    return AuditEvent.objects.filter(
        organisation_id=organisation_id,
        action=AuditAction.CONSULTATION,
        at__lte=as_of,
        at__gt=as_of - timedelta(days=90),
    ).count()


def document_choose(*, viewer: User, document_id: int) -> Document:
    """A document picked from a list (e.g. as evidence): it must be visible; not a consultation."""
    doc = Document.objects.filter(pk=document_id).first()
    if doc is None or not decide(viewer, doc).visible:
        raise refuse(
            viewer, "No such document", obj=doc, object_type="core.document", object_id=str(document_id)
        )
    return doc


def active_user(*, username: str) -> User:
    """The signed-in identity of a command-line run (``--as``): an active user, or a clear refusal."""
    user = User.objects.select_related("organisation").filter(username=username, is_active=True).first()
    if user is None:
        raise InvalidInput(f"No active user called {username!r}", fields={"as": ["Unknown user"]})
    return user


def organisation_find(*, name_or_slug: str) -> Organisation:
    org = Organisation.objects.filter(Q(slug=name_or_slug) | Q(name=name_or_slug)).first()
    if org is None:
        raise InvalidInput(f"No organisation called {name_or_slug!r}", fields={"organisation": ["Unknown"]})
    return org


def user_choices(*, viewer: User, organisation_ids: list[int], roles: tuple[str, ...] = ()) -> QuerySet[User]:
    """Active users of the organisations (with one of the roles), for choosing an owner or officer:
    who works where is known to every signed-in user, as organisations are."""
    if not viewer.is_authenticated:
        return User.objects.none()
    qs = User.objects.filter(organisation_id__in=organisation_ids, is_active=True)
    qs = qs.select_related("organisation")
    if roles:
        qs = qs.filter(role_grants__role__in=roles).distinct()
    return qs.order_by("organisation__name", "last_name", "first_name", "username")


def compartment_list() -> list[Compartment]:
    """Every compartment, by name (names only: choosing one on a form; who is in it is not shown)."""
    return list(Compartment.objects.order_by("name"))


def compartment_find(*, slug: str) -> Compartment | None:
    """The compartment of this slug, or None when there is none (the form then says so)."""
    return Compartment.objects.filter(slug=slug).first() if slug else None
