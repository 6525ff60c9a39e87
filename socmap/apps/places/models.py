"""Place-based operations: "Clear, Hold, Build". An operation has an area (postcode sectors or
districts), its phases with dates, the groups it targets, every partner's activities in each phase,
and the measures partners enter themselves. Its other measures (records in the area, disruptions of
the targeted groups, new groups) are computed from the data, never stored (``selectors``).

The operation is a governed object: who sees it (and its activities and measures) is the one
visibility rule's answer for it, so a partner sees an operation shared with it under an agreement.
"""

from __future__ import annotations

from django.db import models

from socmap.apps.core.models import Governed, Organisation, User
from socmap.apps.network.models import OCG


class PhaseKind(models.TextChoices):
    CLEAR = "clear", "Clear"
    HOLD = "hold", "Hold"
    BUILD = "build", "Build"


class ActivityKind(models.TextChoices):
    ENFORCEMENT = "enforcement", "Enforcement and disruption"
    PATROL = "patrol", "Hot-spot patrol"
    SCHOOL_TALK = "school_talk", "School talk"
    DRONE = "drone", "Drone deployment"
    LICENSING = "licensing", "Licensing action"
    HOUSING = "housing", "Housing action"
    YOUTH = "youth", "Youth work"
    ENVIRONMENT = "environment", "Environmental improvement"
    OTHER = "other", "Other"


class Operation(Governed):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    targets = models.ManyToManyField(OCG, blank=True, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class AreaPart(models.Model):
    """A postcode sector ("GL50 4") or district ("GL51") of an operation's area."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="area")
    code = models.CharField(max_length=8)
    label = models.CharField(max_length=120, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["operation", "code"], name="area_part_once")]

    def __str__(self) -> str:
        return self.code

    @property
    def is_sector(self) -> bool:
        return " " in self.code


class Phase(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(max_length=10, choices=PhaseKind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "kind"], name="phase_once"),
            models.CheckConstraint(
                name="phase_ends_after_start", condition=models.Q(ends_on__gte=models.F("starts_on"))
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Activity(models.Model):
    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="activities")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    on = models.DateField()
    place = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on}"


class PartnerMeasure(models.Model):
    """A figure a partner tracks itself (e.g. reports of anti-social behaviour), for one month."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="partner_measures")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    month = models.DateField(help_text="The first day of the month")
    value = models.DecimalField(max_digits=12, decimal_places=2)
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "organisation", "name", "month"], name="measure_month_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.month:%Y-%m}"
