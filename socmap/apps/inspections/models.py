"""Inspections, findings with status timelines, grades, improvement plans, actions and their evidence."""

from __future__ import annotations

from django.db import models

from socmap.apps.core.models import Document, Governed, Organisation, User


class InspectionKind(models.TextChoices):
    PEEL = "peel", "PEEL"
    SOC = "soc", "Serious and organised crime"
    THEMATIC = "thematic", "Thematic"
    EFFECTIVENESS = "effectiveness", "Effectiveness"
    OTHER = "other", "Other"


class Inspection(models.Model):
    body = models.CharField(max_length=120, default="HMICFRS")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=InspectionKind.choices)
    fieldwork_start = models.DateField(null=True, blank=True)
    fieldwork_end = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    url = models.URLField(blank=True, max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [models.UniqueConstraint(fields=["body", "title"], name="unique_inspection_title")]

    def __str__(self) -> str:
        return self.title


class FindingKind(models.TextChoices):
    CAUSE_OF_CONCERN = "cause_of_concern", "Cause of concern"
    ACCELERATED_CAUSE_OF_CONCERN = "accelerated_cause_of_concern", "Accelerated cause of concern"
    RECOMMENDATION = "recommendation", "Recommendation"
    AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"
    INNOVATIVE_PRACTICE = "innovative_practice", "Innovative practice"


class Finding(Governed):
    """One finding about one force or unit. Owned by the inspected organisation.

    A cause of concern's bullet-point recommendations are findings of their own (``parent``), so each
    is tracked separately.
    """

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    subject = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField(max_length=40, choices=FindingKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    number = models.PositiveIntegerField(null=True, blank=True, help_text="Bullet number under its parent")
    reference = models.CharField(max_length=80, help_text="The inspectorate's id, e.g. 8786, or 8786-3")
    title = models.CharField(max_length=300)
    text = models.TextField()
    intro = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)
    status = models.CharField(max_length=60, blank=True, db_index=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    diagnostics = models.JSONField(default=list, blank=True)
    unplaced_text = models.TextField(blank=True)
    imported_from = models.CharField(max_length=300, blank=True)
    source_text = models.TextField(blank=True, help_text="The page exactly as last imported")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["subject__name", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "reference"], name="unique_finding_reference")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}: {self.title}"


class FindingEvent(models.Model):
    """One dated entry of a finding's timeline: a status or a comment, from a page or from a user."""

    class Kind(models.TextChoices):
        STATUS = "status", "Status"
        COMMENT = "comment", "Comment"

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    on = models.DateField(null=True, blank=True)
    date_text = models.CharField(max_length=80, blank=True, help_text="The date as written")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    status = models.CharField(max_length=60, blank=True)
    comment = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Page imported, or 'socmap'")
    raw = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Order within the source")
    fingerprint = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "fingerprint"], name="unique_finding_event")
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.kind} {self.status or self.comment[:40]}"


class Grade(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    ADEQUATE = "adequate", "Adequate"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class InspectionGrade(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="grades")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="grades")
    question = models.CharField(max_length=200, default="Overall")
    grade = models.CharField(max_length=30, choices=Grade.choices)

    class Meta:
        ordering = ["organisation__name", "question"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "organisation", "question"], name="unique_grade")
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_grade_display()}"


class ImprovementPlan(Governed):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    COMPLETE = "complete", "Complete"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class ImprovementAction(models.Model):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="actions")
    reference = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="improvement_actions")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    rag = models.CharField(max_length=10, choices=Rag.choices, default=Rag.AMBER)
    findings = models.ManyToManyField(Finding, blank=True, related_name="actions")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "reference"]
        constraints = [models.UniqueConstraint(fields=["plan", "reference"], name="unique_action_reference")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class ActionUpdate(models.Model):
    action = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    rag = models.CharField(max_length=10, choices=Rag.choices)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action.reference} update {self.at:%Y-%m-%d}"


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", "Document"
    LINK = "link", "Link"
    MEASURE = "measure", "Live measure"


class ActionEvidence(models.Model):
    action = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=10, choices=EvidenceKind.choices)
    document = models.ForeignKey(Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    url = models.URLField(blank=True, max_length=500)
    measure = models.CharField(max_length=80, blank=True)
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.action.reference}"
