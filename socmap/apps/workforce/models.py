"""The workforce register: posts and people in SOC roles, and one record of each course a person
passed, shared by every app that needs it.

Lifetime management reads an LRO's training from here; the register reads the same rows. A member of
the register may be a user of socmap (an LRO) or not (most investigators): a training record names the
user, the member, or both, so a person's training is recorded once. Everything here about a person is
personal data: owned by their organisation, with names read only by its own managers (``selectors``);
everyone else reads counts. A correction is a new record; the latest pass of a course is the one in force.
"""

from __future__ import annotations

from django.db import models

from socmap.apps.core.models import Governed, User


class Course(models.TextChoices):
    LRO = "lro", "Lead Responsible Officer training"
    PIP2 = "pip2", "Professionalising Investigation Programme level 2"
    FINANCIAL_INVESTIGATOR = "financial_investigator", "Financial investigator accreditation"
    ANALYST = "analyst", "Intelligence analyst training"


class SocRole(models.TextChoices):
    INVESTIGATOR = "investigator", "Investigator"
    FINANCIAL_INVESTIGATOR = "financial_investigator", "Financial investigator"
    ANALYST = "analyst", "Intelligence analyst"
    LRO = "lro", "Lead Responsible Officer"
    COVERT = "covert", "Covert role"
    SPECIALIST = "specialist", "Specialist role"


class PipLevel(models.TextChoices):
    NONE = "none", "Not accredited"
    PIP1 = "1", "PIP level 1 (priority and volume investigation)"
    PIP2 = "2", "PIP level 2 (serious and complex investigation)"
    PIP3 = "3", "PIP level 3 (major crime senior investigating officer)"
    PIP4 = "4", "PIP level 4 (strategic lead)"


class Post(Governed):
    """A post of the organisation's establishment in a SOC role: filled by a member, or vacant."""

    title = models.CharField(max_length=200)
    role = models.CharField(max_length=30, choices=SocRole.choices)
    unit = models.CharField(max_length=120, blank=True)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["owner_id", "role", "title", "id"]

    def __str__(self) -> str:
        return self.title


class Member(Governed):
    """A person in a SOC role: from starting (in training until ``qualified_on``) to leaving.

    ``capability`` and ``team`` say which regional capability of tasking the person works in, and
    ``tasking_hours`` how many hours a week they give it: the register is where tasking's capacity
    comes from (``selectors.capability_capacity``)."""

    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    role = models.CharField(max_length=30, choices=SocRole.choices)
    pip_level = models.CharField(max_length=4, choices=PipLevel.choices, default=PipLevel.NONE)
    apprentice = models.BooleanField(
        default=False, help_text="Recruited through the analytical apprenticeship"
    )
    started_on = models.DateField()
    qualified_on = models.DateField(null=True, blank=True, help_text="Blank while still in training")
    left_on = models.DateField(null=True, blank=True)
    manager = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    capability = models.CharField(max_length=60, blank=True, help_text="A tasking capability key")
    team = models.CharField(max_length=60, blank=True)
    tasking_hours = models.DecimalField(max_digits=5, decimal_places=1, default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["owner_id", "last_name", "first_name", "id"]
        indexes = [models.Index(fields=["owner", "role"], name="member_owner_role")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class TrainingRecord(Governed):
    """A course a person passed, on a date, valid until its expiry (if it expires)."""

    person = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="training_records"
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="training_records"
    )
    course = models.CharField(max_length=40, choices=Course.choices)
    passed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True, help_text="Blank when the course does not expire")
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["person_id", "course", "-passed_on", "-id"]
        indexes = [models.Index(fields=["course", "person"], name="training_course_person")]
        constraints = [
            models.CheckConstraint(
                name="training_expires_after_pass",
                condition=models.Q(expires_on__isnull=True) | models.Q(expires_on__gt=models.F("passed_on")),
            ),
            models.CheckConstraint(
                name="training_names_a_person",
                condition=models.Q(person__isnull=False) | models.Q(member__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member or self.person} – {self.get_course_display()} ({self.passed_on})"


class Alert(models.Model):
    """An expiring or lapsed accreditation or training told to one manager, once: ``key`` names the
    training record and the kind of alert, and a unique constraint makes "once" a database fact."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="workforce_alerts")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)
    title = models.CharField(max_length=400)
    due_on = models.DateField()
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="workforce_told_once")]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.title}"
