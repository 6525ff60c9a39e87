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


class NationalFinding(models.Model):
    """A finding the inspectorate made to every force (a national recommendation), stored once.

    Its words are the inspectorate's published text, so every signed-in user may read it. Each force
    tracks its own status and timeline against it as a Finding of its own (``tracks``), owned and
    shared like any other finding. A timeline on a page that names no force is the inspectorate's
    own record for the recommendation as a whole, kept here (``events``).
    """

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="national_findings"
    )
    kind = models.CharField(max_length=40, choices=FindingKind.choices)
    reference = models.CharField(max_length=80, unique=True, help_text="The inspectorate's number")
    wording = models.CharField(
        max_length=64, unique=True, help_text="Hash of the kind and words: two forces' copies share it"
    )
    title = models.CharField(max_length=300)
    text = models.TextField()
    url = models.URLField(blank=True, max_length=500)
    status = models.CharField(max_length=60, blank=True, help_text="From the inspectorate's own timeline")
    fingerprint = models.CharField(max_length=64, blank=True)
    diagnostics = models.JSONField(default=list, blank=True)
    unplaced_text = models.TextField(blank=True)
    imported_from = models.CharField(max_length=300, blank=True)
    source_text = models.TextField(blank=True, help_text="The page exactly as last imported")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"National {self.get_kind_display().lower()} {self.reference}: {self.title}"


class Finding(Governed):
    """One finding about one force or unit. Owned by the inspected organisation.

    A cause of concern's bullet-point recommendations are findings of their own (``parent``), so each
    is tracked separately. A force's finding that answers a national recommendation is that force's
    track of it (``national``): the force's own status and timeline against the one national text.
    A finding imported by mistake is withdrawn with a reason, never deleted.
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
    national = models.ForeignKey(
        NationalFinding, on_delete=models.PROTECT, null=True, blank=True, related_name="tracks"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["subject__name", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "reference"], name="unique_finding_reference"),
            models.UniqueConstraint(
                fields=["subject", "national"],
                condition=models.Q(national__isnull=False),
                name="one_track_per_national_finding",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}: {self.title}"


class FindingEvent(models.Model):
    """One entry of a timeline: a status, a comment or a withdrawal, from a page or from a user.

    It belongs to a force's finding or, for the inspectorate's own timeline of a national
    recommendation, to the national finding. Undated commentary has no date (``on`` is empty) and
    sorts first, as it stood on the page before the dated entries.
    """

    class Kind(models.TextChoices):
        STATUS = "status", "Status"
        COMMENT = "comment", "Comment"
        WITHDRAWN = "withdrawn", "Withdrawn"

    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    national = models.ForeignKey(
        NationalFinding, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
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
        # Undated entries first on every database (SQLite and PostgreSQL sort NULL differently).
        ordering = [models.F("on").asc(nulls_first=True), "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["finding", "fingerprint"], name="unique_finding_event"),
            models.UniqueConstraint(fields=["national", "fingerprint"], name="unique_national_event"),
            models.CheckConstraint(
                condition=models.Q(finding__isnull=False, national__isnull=True)
                | models.Q(finding__isnull=True, national__isnull=False),
                name="event_of_one_finding",
            ),
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
