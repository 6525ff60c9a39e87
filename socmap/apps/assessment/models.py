"""Threats, their assessments (versioned, append-only once submitted) and the scoring models used.

A ``Threat`` is a governed object: its owner is the organisation that assesses it, and it carries the
handling code and compartment of its subject (an OCG in the CSE compartment makes a threat in the CSE
compartment), so the one visibility rule decides who sees it and its scores.

An ``Assessment`` is one version of one threat's assessment. Only a draft may change; once submitted
it never does: a returned version is revised, and an approved one re-assessed, as a new version. The
threat keeps a copy of its standing score (from its latest approved version, else its latest
submitted one) so the ranked lists sort and filter in the database; the services keep it in step.
"""

from __future__ import annotations

from django.db import models

from socmap.apps.core.models import Governed, User
from socmap.apps.network.models import OCG, PriorityIndividual, Theme


class ScoringModelVersion(models.Model):
    """A scoring model file as it was when first used: scores can always be re-read with it."""

    name = models.CharField(max_length=80)
    version = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    text = models.TextField(help_text="The YAML file as read")
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="one_file_per_model_version")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ThreatKind(models.TextChoices):
    OCG = "ocg", "Organised crime group"
    INDIVIDUAL = "individual", "Priority Individual"
    VULNERABILITY = "vulnerability", "Vulnerability"
    THEMATIC = "thematic", "Thematic threat"


class Level(models.TextChoices):
    FORCE = "force", "Force"
    REGIONAL = "regional", "Regional"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Approved"


class Threat(Governed):
    """Something assessed: a group, a Priority Individual, a vulnerability or a thematic threat."""

    kind = models.CharField(max_length=15, choices=ThreatKind.choices)
    ocg = models.OneToOneField(OCG, on_delete=models.PROTECT, null=True, blank=True, related_name="threat")
    individual = models.OneToOneField(
        PriorityIndividual, on_delete=models.PROTECT, null=True, blank=True, related_name="threat"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    theme = models.CharField(max_length=20, choices=Theme.choices)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.FORCE)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The standing score: a cache of one assessment, kept by the services (see the module docstring).
    scored = models.ForeignKey(
        "Assessment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    latest = models.ForeignKey(
        "Assessment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True, db_index=True)
    band = models.CharField(max_length=40, blank=True)
    band_label = models.CharField(max_length=80, blank=True)
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    approved_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True, help_text="Re-assessment due, from the approved band")

    class Meta:
        ordering = ["-score", "title", "id"]
        constraints = [
            models.CheckConstraint(
                name="threat_subject_matches_kind",
                condition=(
                    models.Q(kind="ocg") & models.Q(ocg__isnull=False) & models.Q(individual__isnull=True)
                )
                | (
                    models.Q(kind="individual")
                    & models.Q(individual__isnull=False)
                    & models.Q(ocg__isnull=True)
                )
                | (
                    models.Q(kind__in=["vulnerability", "thematic"])
                    & models.Q(ocg__isnull=True)
                    & models.Q(individual__isnull=True)
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Assessment(models.Model):
    """One version of a threat's assessment: the factor values, why, and the score they make."""

    threat = models.ForeignKey(Threat, on_delete=models.PROTECT, related_name="assessments")
    number = models.PositiveIntegerField(help_text="Version number within the threat, from 1")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    model = models.ForeignKey(ScoringModelVersion, on_delete=models.PROTECT, related_name="assessments")
    values = models.JSONField(default=dict, blank=True, help_text="Dimension -> scale point")
    rationales = models.JSONField(default=dict, blank=True, help_text="Dimension -> why that value")
    suggestions = models.JSONField(
        default=dict, blank=True, help_text="Dimension -> {value, reason, sources}: machine suggestions"
    )
    confidence = models.CharField(max_length=10, blank=True)
    summary = models.TextField(blank=True)
    sources = models.JSONField(default=list, blank=True, help_text="Cited records, entities and documents")
    score = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    band = models.CharField(max_length=40, blank=True)
    band_label = models.CharField(max_length=80, blank=True)
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    assessor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    supervisor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)
    due_on = models.DateField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["threat_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["threat", "number"], name="one_assessment_per_version"),
            models.UniqueConstraint(
                fields=["threat"],
                condition=models.Q(status__in=["draft", "submitted"]),
                name="one_open_assessment_per_threat",
            ),
            models.CheckConstraint(
                name="scored_once_submitted",
                condition=models.Q(status="draft") | models.Q(score__isnull=False),
            ),
            models.CheckConstraint(
                name="approved_has_supervisor_and_due_date",
                condition=~models.Q(status="approved")
                | (models.Q(supervisor__isnull=False) & models.Q(due_on__isnull=False)),
            ),
            models.CheckConstraint(
                name="supervisor_is_not_the_assessor",
                condition=models.Q(supervisor__isnull=True) | ~models.Q(supervisor=models.F("assessor")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.threat} v{self.number}"


class EventKind(models.TextChoices):
    CREATED = "created", "Threat recorded"
    STARTED = "started", "Assessment started"
    SAVED = "saved", "Draft saved"
    SUBMITTED = "submitted", "Submitted for approval"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Approved"


class AssessmentEvent(models.Model):
    """The threat's timeline: who did what to which version, with comments and what changed."""

    threat = models.ForeignKey(Threat, on_delete=models.CASCADE, related_name="events")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(max_length=10, choices=EventKind.choices)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    comment = models.TextField(blank=True)
    changes = models.JSONField(default=list, blank=True, help_text="[{field, before, after}]")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.threat_id} {self.kind} {self.at:%Y-%m-%d}"
