"""Analysis runs, organised crime groups (proposed to archived), their members, and Priority Individuals.

An OCG is a governed object: its owner is the force that holds most of its members' records (the lead
force once adopted), so the visibility rule decides who sees it. Members are canonical entities named
by a record entity id; what a viewer sees of them still goes through the records it may see. A later
analysis run updates the groups it matches (``OCGChange`` says who joined and left) instead of
proposing them again.
"""

from __future__ import annotations

from django.db import models

from socmap.apps.core.models import Governed, Organisation, User
from socmap.model.ids import short_entity_id


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class AnalysisRun(models.Model):
    """One network analysis over every record link: engine version, configuration, what it found."""

    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    engine_version = models.CharField(max_length=20, blank=True)
    config_hash = models.CharField(max_length=64, blank=True)
    seed = models.IntegerField(default=1)
    links_read = models.PositiveIntegerField(default=0)
    nodes = models.PositiveIntegerField(default=0)
    edges = models.PositiveIntegerField(default=0)
    communities = models.PositiveIntegerField(default=0)
    groups_proposed = models.PositiveIntegerField(default=0)
    groups_new = models.PositiveIntegerField(default=0)
    groups_updated = models.PositiveIntegerField(default=0)
    individuals_proposed = models.PositiveIntegerField(default=0)
    unmapped = models.JSONField(default=dict, blank=True, help_text="Link schemata not used, with counts")
    explanation = models.TextField(blank=True)
    message = models.TextField(blank=True)
    seconds = models.FloatField(default=0)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Network analysis {self.pk}"


class OCGStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ASSESSED = "assessed", "Assessed"
    ADOPTED = "adopted", "Adopted"
    ARCHIVED = "archived", "Archived"


class Theme(models.TextChoices):
    COUNTY_LINES = "county_lines", "Drugs supply and county lines"
    FIREARMS = "firearms", "Firearms"
    IMMIGRATION = "immigration", "Organised immigration crime"
    MODERN_SLAVERY = "modern_slavery", "Modern slavery and human trafficking"
    CSE = "cse", "Organised child sexual exploitation"
    FRAUD = "fraud", "Fraud"
    MONEY_LAUNDERING = "money_laundering", "Money laundering"
    ACQUISITIVE = "acquisitive", "Organised acquisitive crime"
    CYBER = "cyber", "Cyber crime"
    OTHER = "other", "Other or not known"


class OCG(Governed):
    """An organised crime group, from machine proposal to archive."""

    name = models.CharField(max_length=200)
    reference = models.CharField(max_length=20, null=True, blank=True, unique=True)
    status = models.CharField(max_length=10, choices=OCGStatus.choices, default=OCGStatus.PROPOSED)
    theme = models.CharField(max_length=20, choices=Theme.choices, default=Theme.OTHER)
    explanation = models.TextField(blank=True, help_text="Why the analysis proposed it, in words")
    link_counts = models.JSONField(default=dict, blank=True)
    themes = models.JSONField(default=dict, blank=True)
    assessment = models.TextField(blank=True)
    lead_force = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="ocgs_led"
    )
    lro = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="ocgs")
    archive_reason = models.TextField(blank=True)
    proposed_by = models.ForeignKey(
        AnalysisRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_run = models.ForeignKey(
        AnalysisRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A sub-group (a crew or cell) names the group it is part of; the analysis finds sub-groups
    # within large groups by the same method applied inside the group.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="subgroups"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    adopted_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="adopted_ocg_has_lead_force_lro_and_reference",
                condition=~models.Q(status="adopted")
                | (
                    models.Q(lead_force__isnull=False)
                    & models.Q(lro__isnull=False)
                    & models.Q(reference__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="archived_ocg_has_reason",
                condition=~models.Q(status="archived") | ~models.Q(archive_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference or 'Proposed'} {self.name}"


class Role(models.TextChoices):
    PRINCIPAL = "principal", "Principal"
    LIEUTENANT = "lieutenant", "Lieutenant"
    ENABLER = "enabler", "Enabler"
    RUNNER = "runner", "Runner"
    MEMBER = "member", "Member"


class OCGMember(models.Model):
    """A person's membership of a group, with the role suggested by analysis and the one recorded."""

    ocg = models.ForeignKey(OCG, on_delete=models.CASCADE, related_name="members")
    entity_id = models.CharField(max_length=40, db_index=True, help_text="A record entity of the person")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    suggested_role = models.CharField(max_length=12, choices=Role.choices, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    joined_run = models.ForeignKey(
        AnalysisRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    left_run = models.ForeignKey(
        AnalysisRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["left_on", "role", "entity_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ocg", "entity_id"],
                condition=models.Q(left_on__isnull=True),
                name="one_live_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ocg_id}: {short_entity_id(self.entity_id)} ({self.role})"


class ChangeKind(models.TextChoices):
    NEW = "new", "Proposed"
    UPDATE = "update", "Matched and updated"
    GONE = "gone", "Not found by the run"


class OCGChange(models.Model):
    """What one run did to one group: proposed it, matched it (who joined, who left), or missed it."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="changes")
    ocg = models.ForeignKey(OCG, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    jaccard = models.FloatField(default=0)
    containment = models.FloatField(default=0)
    joined = models.JSONField(default=list, blank=True)
    left = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-run_id"]

    def __str__(self) -> str:
        return f"Run {self.run_id}: {self.kind} {self.ocg_id}"


class OCGEvent(models.Model):
    """The lifecycle timeline of a group: proposed, assessed, adopted, archived, matched by a run."""

    ocg = models.ForeignKey(OCG, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=OCGStatus.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.ocg_id} {self.status} {self.at:%Y-%m-%d}"


class IndividualStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ADOPTED = "adopted", "Adopted"
    DISMISSED = "dismissed", "Dismissed"


class PriorityIndividual(Governed):
    """A high-centrality offender outside every group, proposed as a Priority Individual."""

    entity_id = models.CharField(max_length=40, unique=True)
    status = models.CharField(
        max_length=10, choices=IndividualStatus.choices, default=IndividualStatus.PROPOSED
    )
    reasons = models.JSONField(default=list, blank=True)
    score = models.FloatField(default=0)
    proposed_by = models.ForeignKey(AnalysisRun, on_delete=models.PROTECT, related_name="+")
    last_run = models.ForeignKey(AnalysisRun, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "entity_id"]

    def __str__(self) -> str:
        return f"Priority individual {short_entity_id(self.entity_id)}"
