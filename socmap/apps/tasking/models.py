"""Tasking periods, bids for scarce capabilities, allocation runs with their decisions, the TCG's
overrides, and tasking meetings (force TCG, regional TTCG) with decisions and actions.

A bid is a governed object: its owner is the bidding force, and it carries the handling code and
compartment of the threat it is against, so the one visibility rule decides whether the ROCU sees it;
tasking adds its own restriction on top (a force sees only its own bids, never another force's).
Allocation runs, decisions and overrides are append-only: a new run or a withdrawn override is a new
row, so the history of every decision stays readable.
"""

from __future__ import annotations

from django.db import models

from socmap.apps.assessment.models import Threat
from socmap.apps.core.models import Governed, Organisation, User


class FairnessMode(models.TextChoices):
    NONE = "none", "No fairness rule"
    MIN_SHARE = "min_share", "A minimum share of capacity for each force"
    MAX_MIN = "max_min", "Max-min fairness on unmet high-band demand"


class TaskingPeriod(models.Model):
    """A planning period of whole weeks (from a Monday), with the fairness rule the regional TCG set."""

    name = models.CharField(max_length=40, unique=True)
    starts_on = models.DateField(help_text="A Monday")
    weeks = models.PositiveSmallIntegerField()
    fairness = models.CharField(max_length=10, choices=FairnessMode.choices, default=FairnessMode.MIN_SHARE)
    min_shares = models.JSONField(default=dict, blank=True, help_text="Force code -> minimum share (0-1)")
    tolerance = models.DecimalField(max_digits=4, decimal_places=3, default=0.05)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(name="period_has_weeks", condition=models.Q(weeks__gte=1, weeks__lte=104))
        ]

    def __str__(self) -> str:
        return self.name


class Impact(models.TextChoices):
    MAJOR = "major", "Major disruption"
    MODERATE = "moderate", "Moderate disruption"
    MINOR = "minor", "Minor disruption"


class FourP(models.TextChoices):
    PURSUE = "pursue", "Pursue"
    PREVENT = "prevent", "Prevent"
    PROTECT = "protect", "Protect"
    PREPARE = "prepare", "Prepare"


class BidStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Bid(Governed):
    """A force's request for a capability against a threat, for some weeks inside a window."""

    reference = models.CharField(max_length=20, unique=True)
    period = models.ForeignKey(TaskingPeriod, on_delete=models.PROTECT, related_name="bids")
    threat = models.ForeignKey(Threat, on_delete=models.PROTECT, related_name="+")
    capability = models.CharField(max_length=60, help_text="A capability key of the register")
    first_week = models.DateField(help_text="Monday of the first week it may start")
    last_week = models.DateField(help_text="Monday of the last week it may run in")
    weeks = models.PositiveSmallIntegerField()
    effort = models.DecimalField(max_digits=8, decimal_places=1, help_text="Capability units a week")
    outcome = models.TextField(help_text="The outcome expected")
    impact = models.CharField(max_length=10, choices=Impact.choices)
    four_p = models.CharField(max_length=10, choices=FourP.choices, default=FourP.PURSUE)
    aim = models.TextField(blank=True, help_text="The disruption it aims at")
    score = models.DecimalField(
        max_digits=12, decimal_places=4, help_text="The threat's standing score when the bid was made"
    )
    band = models.CharField(max_length=40, blank=True)
    warnings = models.JSONField(default=list, blank=True, help_text="Duplication found when it was made")
    status = models.CharField(max_length=10, choices=BidStatus.choices, default=BidStatus.SUBMITTED)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["period", "reference"]
        constraints = [
            models.CheckConstraint(
                name="bid_window_in_order", condition=models.Q(last_week__gte=models.F("first_week"))
            ),
            models.CheckConstraint(name="bid_effort_positive", condition=models.Q(effort__gt=0)),
        ]

    def __str__(self) -> str:
        return self.reference


class RunStatus(models.TextChoices):
    DONE = "done", "Allocated"
    INFEASIBLE = "infeasible", "Constraints in conflict"


class AllocationRun(models.Model):
    """One allocation of a period: the optimiser's, beside the greedy baselines, with its explanation."""

    period = models.ForeignKey(TaskingPeriod, on_delete=models.PROTECT, related_name="runs")
    status = models.CharField(max_length=12, choices=RunStatus.choices)
    solver_status = models.CharField(max_length=20, blank=True)
    engine_version = models.CharField(max_length=20)
    config_hash = models.CharField(max_length=64)
    fairness = models.JSONField(default=dict, help_text="The fairness rule as used")
    objective = models.FloatField(default=0)
    bound = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    greedy_objective = models.FloatField(default=0)
    greedy_within = models.BooleanField(default=True)
    plain_objective = models.FloatField(default=0)
    seconds = models.FloatField(default=0)
    bids = models.PositiveIntegerField(default=0)
    funded = models.PositiveIntegerField(default=0)
    shares = models.JSONField(default=list, blank=True)
    greedy_shares = models.JSONField(default=list, blank=True)
    conflicts = models.JSONField(default=list, blank=True)
    usage = models.JSONField(default=dict, blank=True, help_text="capability -> week index -> used")
    explanation = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Allocation {self.pk} of {self.period}"


class Allocation(models.Model):
    """The decision of one run about one bid, in words."""

    run = models.ForeignKey(AllocationRun, on_delete=models.CASCADE, related_name="decisions")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="decisions")
    funded = models.BooleanField()
    first_week = models.DateField(null=True, blank=True)
    last_week = models.DateField(null=True, blank=True)
    value = models.FloatField()
    hours = models.FloatField()
    reason = models.TextField()
    binding = models.JSONField(default=list, blank=True, help_text="[{key, words}]")
    change = models.TextField(blank=True)
    overridden = models.BooleanField(default=False)
    greedy_funded = models.BooleanField(default=False)

    class Meta:
        ordering = ["run", "bid__reference"]
        constraints = [models.UniqueConstraint(fields=["run", "bid"], name="one_decision_per_bid_per_run")]

    def __str__(self) -> str:
        return f"{self.bid} in run {self.run_id}: {'funded' if self.funded else 'not funded'}"


class Override(models.Model):
    """A TCG decision the allocation must keep until withdrawn: fund (from a week) or do not fund."""

    period = models.ForeignKey(TaskingPeriod, on_delete=models.PROTECT, related_name="overrides")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="overrides")
    fund = models.BooleanField()
    start_week = models.DateField(null=True, blank=True)
    reason = models.TextField()
    meeting = models.ForeignKey("Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bid"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_live_override_per_bid",
            )
        ]

    def __str__(self) -> str:
        return f"{'Fund' if self.fund else 'Do not fund'} {self.bid}"


class MeetingLevel(models.TextChoices):
    FORCE = "force", "Force tasking and co-ordination group (TCG)"
    REGIONAL = "regional", "Regional tasking and co-ordination group (TTCG)"


class Meeting(models.Model):
    """A tasking meeting held by an organisation: a force's TCG or the region's TTCG."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=10, choices=MeetingLevel.choices)
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    period = models.ForeignKey(
        TaskingPeriod, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    chair = models.CharField(max_length=200, blank=True)
    attendees = models.TextField(blank=True)
    agenda = models.JSONField(default=dict, blank=True, help_text="The agenda as built for the meeting")
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class DecisionKind(models.TextChoices):
    FUND = "fund", "Fund the bid"
    NOT_FUND = "not_fund", "Do not fund the bid"
    NOTE = "note", "Decision recorded"


class MeetingDecision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=10, choices=DecisionKind.choices)
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    threat = models.ForeignKey(Threat, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField()
    owner = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class MeetingAction(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField()
    owner = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    threat = models.ForeignKey(Threat, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.text[:60]
