"""Organisations, users, roles, compartments, sharing agreements, governed objects, audit, API tokens."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models

from socmap.errors import NotAllowed
from socmap.model.loader import load_model


class OrganisationKind(models.TextChoices):
    FORCE = "force", "Police force"
    ROCU = "rocu", "Regional organised crime unit"
    NATIONAL = "national", "National agency"
    PARTNER = "partner", "Partner agency"


class PartnerType(models.TextChoices):
    COUNCIL = "council", "Council"
    NHS = "nhs", "NHS"
    EDUCATION = "education", "Education"
    HOUSING = "housing", "Housing"
    FIRE = "fire", "Fire and rescue"
    HMRC = "hmrc", "HMRC"
    DWP = "dwp", "DWP"
    IMMIGRATION = "immigration", "Immigration"
    OTHER = "other", "Other"


class Organisation(models.Model):
    """A force, the ROCU, a national agency or a partner agency. Every governed object has one owner."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    partner_type = models.CharField(max_length=20, choices=PartnerType.choices, blank=True)
    code = models.CharField(
        max_length=8, blank=True, help_text="Short prefix used in references, e.g. GL for Gloucestershire"
    )
    region = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="partner_type_only_for_partners",
                condition=(models.Q(kind="partner") & ~models.Q(partner_type=""))
                | (~models.Q(kind="partner") & models.Q(partner_type="")),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_partner(self) -> bool:
        return self.kind == OrganisationKind.PARTNER


class Role(models.TextChoices):
    ANALYST = "analyst", "Analyst"
    INTELLIGENCE_OFFICER = "intelligence_officer", "Intelligence officer"
    LRO = "lro", "Lead responsible officer"
    SUPERVISOR = "supervisor", "Supervisor"
    TASKING = "tasking", "Tasking"
    PARTNER = "partner", "Partner"
    IMPROVEMENT_LEAD = "improvement_lead", "Improvement lead"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    """A person who signs in. Belongs to exactly one organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    job_title = models.CharField(max_length=120, blank=True)

    def role_set(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True)) if self.pk else frozenset()
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set() & set(roles))


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class Compartment(models.Model):
    """A named need-to-know area (e.g. "CSE safeguarding", "Operation Endeavour").

    An object outside any compartment is in the implicit "general" compartment, which an agreement
    shares only when it says so (``includes_general``).
    """

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SharingAgreement(models.Model):
    """Permission for ``recipient`` to see what ``provider`` owns, within named compartments."""

    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agreements_given")
    recipient = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="agreements_received")
    title = models.CharField(max_length=200)
    includes_general = models.BooleanField(
        default=False, help_text="Also share objects that are in no compartment"
    )
    compartments = models.ManyToManyField(Compartment, blank=True, related_name="agreements")
    handling_codes = models.JSONField(
        default=list, help_text="Handling codes this agreement covers, e.g. ['P', 'C']"
    )
    conditions = models.TextField(blank=True, help_text="Conditions that travel with everything shared")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="agreements_approved"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["provider__name", "recipient__name", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                name="agreement_between_two_organisations",
                condition=~models.Q(provider=models.F("recipient")),
            ),
            models.CheckConstraint(
                name="agreement_dates_in_order",
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} → {self.recipient}: {self.title}"


def _handling_choices() -> list[tuple[str, tuple[str, str]]]:
    """The handling codes as ``gradings.yaml`` declares them: ("P", "P – lawful sharing permitted")."""
    codes = load_model().gradings.handling
    return [(code, (code, f"{code} – {label[:1].lower()}{label[1:]}")) for code, label in codes.items()]


#: 3x5x2 handling codes, declared once in ``socmap/model/gradings.yaml`` (codes and their words);
#: the rules name the codes they apply to (``Handling.C`` needs its conditions).
Handling = models.TextChoices("Handling", _handling_choices())  # type: ignore[call-overload]


class Governed(models.Model):
    """Base for every object the visibility rule guards: an owner, a handling code, a compartment."""

    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    handling = models.CharField(max_length=1, choices=Handling.choices, default=Handling.P)
    conditions = models.TextField(blank=True, help_text="Handling conditions that travel with the item")
    compartment = models.ForeignKey(
        Compartment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


class Document(Governed):
    """A file held in socmap: a briefing, a partner return, evidence for an improvement action."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    file = models.FileField(upload_to="documents/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class AuditAction(models.TextChoices):
    COLLECTION = "collection", "Collection"
    ALTERATION = "alteration", "Alteration"
    CONSULTATION = "consultation", "Consultation"
    DISCLOSURE = "disclosure", "Disclosure"
    COMBINATION = "combination", "Combination"
    ERASURE = "erasure", "Erasure"
    LOGIN = "login", "Sign-in"
    LOGOUT = "logout", "Sign-out"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    PERMISSION_DENIED = "permission_denied", "Permission denied"


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    """The audit log is append-only: bulk changes are refused here, and on PostgreSQL by a trigger."""

    def update(self, **kwargs: Any) -> int:
        raise NotAllowed("The audit log is append-only: events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise NotAllowed("The audit log is append-only: events cannot be deleted")


class AuditEvent(models.Model):
    """One logged act of processing (DPA 2018 Part 3 logging) or of access control."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=30, choices=AuditAction.choices, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    # Snapshots, so the log still reads correctly after a user or organisation is renamed.
    actor_username = models.CharField(max_length=150, blank=True, db_index=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation_name = models.CharField(max_length=200, blank=True)
    # The organisation that owns the object the event is about (a record, a group, a user's
    # organisation): its auditors see the event too, whoever acted.
    object_owner = models.ForeignKey(
        Organisation,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    object_type = models.CharField(max_length=80, blank=True, db_index=True)
    object_id = models.CharField(max_length=80, blank=True, db_index=True)
    object_repr = models.CharField(max_length=300, blank=True)
    justification = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    # Its link in the audit log's hash chain (socmap.apps.core.chain): tampering is evident.
    chain_seq = models.BigIntegerField(null=True, blank=True, unique=True)
    chain_prev = models.CharField(max_length=64, blank=True)
    chain_hash = models.CharField(max_length=64, blank=True)

    objects: ClassVar[AuditQuerySet] = AuditQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"], name="audit_object_idx")]

    def __str__(self) -> str:
        who = self.actor_username or "(system)"
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A guard, not logic: an existing event is never written again.
        if not self._state.adding:
            raise NotAllowed("The audit log is append-only: events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise NotAllowed("The audit log is append-only: events cannot be deleted")


class ChainHead(models.Model):
    """The last link of one hash chain (the audit log, the judgements): what appends lock and extend."""

    name = models.CharField(max_length=40, unique=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.name}: link {self.seq}"


class ApiToken(models.Model):
    """A personal API token for scripts. Only its hash is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    hashed = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
