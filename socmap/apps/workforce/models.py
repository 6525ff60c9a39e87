"""People's training: one record of each course a person passed, shared by every app that needs it.

Lifetime management reads an LRO's training from here; the workforce register reads the same rows.
A training record is personal data: it is owned by the person's organisation and read only there
(see ``selectors``). A correction is a new record; the latest pass of a course is the one in force.
"""

from __future__ import annotations

from django.db import models

from socmap.apps.core.models import Governed, User


class Course(models.TextChoices):
    LRO = "lro", "Lead Responsible Officer training"
    PIP2 = "pip2", "Professionalising Investigation Programme level 2"
    FINANCIAL_INVESTIGATOR = "financial_investigator", "Financial investigator accreditation"
    ANALYST = "analyst", "Intelligence analyst training"


class TrainingRecord(Governed):
    """A course a person passed, on a date, valid until its expiry (if it expires)."""

    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="training_records")
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
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_course_display()} ({self.passed_on})"
