"""Lifetime management: 4P plans of adopted groups and Priority Individuals, their officers, actions,
orders and partner powers, custody and release, disruptions and the alerts sent about them.

A ``Plan`` is the lifetime record of one group or one individual. It is a governed object carrying its
subject's owner (the lead force), handling code and compartment, so the one visibility rule decides who
sees it; actions, orders, disruptions and custody periods are governed the same way, each with the
plan's place unless recorded more narrowly. The LRO and deputy of a plan are the assignment in force
(``Assignment`` keeps every change, with its reason); a group's LRO in the network app is kept in step.
Statuses and kinds are stored as keys and shown as words; the orders and powers themselves are data
(``socmap/engines/lifetime/catalogue.yaml``), so a plan stores their keys.
"""

from __future__ import annotations

from django.db import models

from socmap.apps.core.models import Document, Governed, Organisation, User
from socmap.apps.network.models import OCG, PriorityIndividual
from socmap.engines.lifetime import IMPACTS, PS


class P(models.TextChoices):
    PURSUE = PS[0]
    PREVENT = PS[1]
    PROTECT = PS[2]
    PREPARE = PS[3]


class Impact(models.TextChoices):
    MAJOR = IMPACTS[0]
    MODERATE = IMPACTS[1]
    MINOR = IMPACTS[2]
    NONE = IMPACTS[3]
    NEGATIVE = IMPACTS[4]


class Plan(Governed):
    """The 4P plan of one adopted group or Priority Individual, with its LRO and deputy."""

    ocg = models.OneToOneField(OCG, on_delete=models.PROTECT, null=True, blank=True, related_name="plan")
    individual = models.OneToOneField(
        PriorityIndividual, on_delete=models.PROTECT, null=True, blank=True, related_name="plan"
    )
    title = models.CharField(max_length=300, help_text="The subject as named when the plan opened")
    lro = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="plans_led")
    deputy = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="plans_deputised"
    )
    next_review_on = models.DateField(null=True, blank=True, db_index=True)
    first_review_on = models.DateField(null=True, blank=True, help_text="Due date of the first review")
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    opened_at = models.DateTimeField()

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                name="plan_has_one_subject",
                condition=(models.Q(ocg__isnull=False) & models.Q(individual__isnull=True))
                | (models.Q(ocg__isnull=True) & models.Q(individual__isnull=False)),
            ),
            models.CheckConstraint(
                name="plan_deputy_is_not_the_lro",
                condition=models.Q(deputy__isnull=True) | ~models.Q(deputy=models.F("lro")),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind(self) -> str:
        return "group" if self.ocg_id else "individual"


class AssignmentRole(models.TextChoices):
    LRO = "lro", "Lead responsible officer"
    DEPUTY = "deputy", "Deputy"


class Assignment(models.Model):
    """One change of a plan's LRO or deputy: who, replacing whom, why, by whom and when."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(max_length=10, choices=AssignmentRole.choices)
    officer = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    previous = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField()
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["officer", "at"], name="assignment_officer_idx")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.role} → {self.officer_id}"


class PlanEvent(models.Model):
    """The plan's timeline: opened, reassigned, actions, orders, considerations, reviews, disruptions."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=30)
    text = models.TextField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.kind} {self.at:%Y-%m-%d}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class PlanAction(Governed):
    """An action of a 4P plan, owned by a person or by a partner organisation."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    p = models.CharField(max_length=10, choices=P.choices)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner_person = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    outcome = models.TextField(blank=True)
    evidence = models.TextField(blank=True)
    documents = models.ManyToManyField(Document, blank=True, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="action_has_one_owner",
                condition=(models.Q(owner_person__isnull=False) & models.Q(owner_organisation__isnull=True))
                | (models.Q(owner_person__isnull=True) & models.Q(owner_organisation__isnull=False)),
            )
        ]

    def __str__(self) -> str:
        return self.title


class Consideration(models.Model):
    """An order or partner power considered for a plan and not used, with the reason why."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="considerations")
    item = models.CharField(max_length=40, help_text="The catalogue key of the order or power")
    reason = models.TextField()
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["item"]
        constraints = [models.UniqueConstraint(fields=["plan", "item"], name="one_consideration_per_item")]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.item} not used"


class PlanReview(models.Model):
    """A completed review of a plan: what was found, and when the next one is due."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField()
    band = models.CharField(max_length=40, blank=True, help_text="The threat band that set the cycle")
    next_review_on = models.DateField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="review_next_after_this", condition=models.Q(next_review_on__gt=models.F("reviewed_on"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} reviewed {self.reviewed_on}"


class OrderStatus(models.TextChoices):
    CONSIDERED = "considered", "Considered"
    APPLIED = "applied", "Applied for"
    GRANTED = "granted", "Granted"
    REFUSED = "refused", "Refused"
    VARIED = "varied", "Varied"
    BREACHED = "breached", "Breached"
    EXPIRED = "expired", "Expired"


class OrderRecord(Governed):
    """An ancillary or preventative order against one person managed under a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="orders")
    kind = models.CharField(max_length=40, help_text="The catalogue key of the order")
    entity_id = models.CharField(max_length=40, db_index=True, help_text="A record entity of the person")
    person_label = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=OrderStatus.choices)
    applicant = models.CharField(max_length=120, blank=True)
    court = models.CharField(max_length=120, blank=True)
    applied_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True, db_index=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    under_18 = models.BooleanField(default=False)
    conditions_text = models.TextField(blank=True, help_text="The prohibitions and requirements of the order")
    note = models.TextField(blank=True)
    documents = models.ManyToManyField(Document, blank=True, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="order_ends_after_it_starts",
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} against {self.person_label or self.entity_id}"


class OrderEvent(models.Model):
    """A step in an order's life (applied, granted, varied, breached...) with its date and note."""

    order = models.ForeignKey(OrderRecord, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=OrderStatus.choices)
    on = models.DateField()
    note = models.TextField(blank=True)
    changes = models.JSONField(default=list, blank=True, help_text="[{field, before, after}]")
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.status} {self.on}"


class PowerStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    IN_PROGRESS = "in_progress", "In progress"
    USED = "used", "Used"
    DECLINED = "declined", "Declined by the partner"


class PowerUse(Governed):
    """A partner's enforcement power used (or asked for) under a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="powers")
    power = models.CharField(max_length=40, help_text="The catalogue key of the power")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    entity_id = models.CharField(max_length=40, blank=True)
    person_label = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=PowerStatus.choices, default=PowerStatus.REQUESTED)
    requested_on = models.DateField()
    outcome = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-requested_on", "-id"]

    def __str__(self) -> str:
        return f"{self.power} by {self.partner_id}"


class CustodySource(models.TextChoices):
    PRISON = "prison", "Prison records"
    ENTERED = "entered", "Entered by an officer"


class CustodyPeriod(Governed):
    """A time in custody with its expected release: from ingested prison records, or entered.

    Ingested periods are a cache of the prison statements (rebuilt by ``custody_sync``) and keep the
    record's owner, handling and compartment; entered ones belong to the officer's organisation.
    """

    entity_id = models.CharField(max_length=40, db_index=True, help_text="A record entity of the person")
    person_label = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=10, choices=CustodySource.choices)
    record_id = models.BigIntegerField(null=True, blank=True, unique=True, help_text="The prison record")
    establishment = models.CharField(max_length=200, blank=True)
    prison_number = models.CharField(max_length=20, blank=True)
    received_on = models.DateField(null=True, blank=True)
    expected_release_on = models.DateField(null=True, blank=True, db_index=True)
    released_on = models.DateField(null=True, blank=True)
    licence_conditions = models.TextField(blank=True)
    entered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["expected_release_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="custody_release_after_reception",
                condition=models.Q(expected_release_on__isnull=True)
                | models.Q(received_on__isnull=True)
                | models.Q(expected_release_on__gte=models.F("received_on")),
            ),
            models.CheckConstraint(
                name="ingested_custody_has_its_record",
                condition=~models.Q(source="prison") | models.Q(record_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_label or self.entity_id} until {self.expected_release_on}"


class Activity(models.TextChoices):
    ARREST = "arrest", "Arrest"
    CHARGE = "charge", "Charge"
    CONVICTION = "conviction", "Conviction"
    SEIZURE_DRUGS = "seizure_drugs", "Seizure of drugs"
    SEIZURE_CASH = "seizure_cash", "Seizure of cash"
    SEIZURE_FIREARMS = "seizure_firearms", "Seizure of firearms"
    ORDER = "order", "Order obtained"
    PARTNER_ACTION = "partner_action", "Partner action"
    SAFEGUARDING = "safeguarding", "Safeguarding"


class DisruptionStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting validation"
    VALIDATED = "validated", "Validated"
    RETURNED = "returned", "Returned to the recorder"


class Disruption(Governed):
    """An activity with a recorded impact on a group or individual, validated by another supervisor."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="disruptions")
    on = models.DateField(db_index=True)
    p = models.CharField(max_length=10, choices=P.choices)
    activity = models.CharField(max_length=20, choices=Activity.choices)
    drugs = models.CharField(max_length=120, blank=True, help_text="Kind of drugs seized")
    drugs_grams = models.DecimalField(max_digits=12, decimal_places=1, null=True, blank=True)
    cash_pounds = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    firearms = models.PositiveIntegerField(null=True, blank=True)
    ammunition = models.PositiveIntegerField(null=True, blank=True)
    description = models.TextField()
    impact = models.CharField(max_length=10, choices=Impact.choices)
    evidence = models.TextField()
    rationale = models.TextField()
    archived_reason = models.TextField(blank=True, help_text="Why it is recorded against an archived group")
    documents = models.ManyToManyField(Document, blank=True, related_name="+")
    status = models.CharField(
        max_length=10, choices=DisruptionStatus.choices, default=DisruptionStatus.AWAITING, db_index=True
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    validated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    validated_at = models.DateTimeField(null=True, blank=True)
    validation_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="disruption_validated_by_another",
                condition=models.Q(validated_by__isnull=True)
                | ~models.Q(validated_by=models.F("recorded_by")),
            ),
            models.CheckConstraint(
                name="validated_disruption_has_validator",
                condition=~models.Q(status="validated") | models.Q(validated_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_activity_display()} on {self.on} ({self.get_impact_display()})"


class Notification(models.Model):
    """An alert told to one officer, once: ``key`` names what and when (see engines.lifetime.alerts)."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="lifetime_notifications")
    key = models.CharField(max_length=120)
    kind = models.CharField(max_length=20)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    title = models.CharField(max_length=400)
    due_on = models.DateField()
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="told_once")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.title}"
