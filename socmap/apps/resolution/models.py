"""Who is who: judgements (the truth, append-only) and the caches derived from them.

A judgement says of two person records that they are the same person, are not, or that the judge is
unsure; it is made by a user (with a reason) or by the model (with its version and probability).
Judgements are never changed or deleted: an undo is a new judgement that names the one it reverses.

``Pair`` and ``Membership`` are caches rebuilt from judgements and model runs
(``socmap resolve rebuild``): the current decision on each scored pair, and the canonical entity each
record entity belongs to. Record entities are referred to by id strings in judgements, so that an
erased record takes its statements with it but the history of decisions about it stays whole.
"""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone

from socmap.apps.core.chain import JUDGEMENT_CHAIN, chain_seal
from socmap.apps.core.fields import JSONTextField
from socmap.apps.core.models import User
from socmap.apps.intel.models import RecordEntity


class Decision(models.TextChoices):
    MATCH = "match", "Same person"
    NO_MATCH = "no_match", "Not the same person"
    UNSURE = "unsure", "Unsure"
    UNDO = "undo", "Undo"


class RunKind(models.TextChoices):
    FULL = "full", "Full run"
    INCREMENTAL = "incremental", "New records only"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ResolutionRun(models.Model):
    """One run of the resolver over the person records: which model, which thresholds, what it found."""

    kind = models.CharField(max_length=12, choices=RunKind.choices)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    model_path = models.CharField(max_length=500, blank=True)
    model_version = models.CharField(max_length=80, blank=True)
    upper_threshold = models.FloatField()
    lower_threshold = models.FloatField()
    records = models.PositiveIntegerField(default=0)
    new_records = models.PositiveIntegerField(default=0)
    record_watermark = models.PositiveBigIntegerField(
        default=0, help_text="Highest intelligence record id this run read: later ones are new to it"
    )
    candidate_pairs = models.PositiveBigIntegerField(default=0)
    auto_matched = models.PositiveIntegerField(default=0)
    queued = models.PositiveIntegerField(default=0)
    objects_merged = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Resolution run {self.pk} ({self.get_kind_display()})"


class JudgementQuerySet(models.QuerySet["Judgement"]):
    def update(self, **kwargs: object) -> int:
        raise TypeError("Judgements are append-only: record a new judgement instead")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Judgements are append-only: record an undo instead")


class Judgement(models.Model):
    """A decision about two person records. ``left_id < right_id`` always."""

    left_id = models.CharField(max_length=40)  # indexed first in "judgement_pair"
    right_id = models.CharField(max_length=40)  # indexed in "judgement_right"
    decision = models.CharField(max_length=10, choices=Decision.choices)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    model_version = models.CharField(max_length=80, blank=True)
    probability = models.FloatField(null=True, blank=True)
    reason = models.TextField(blank=True)
    undoes = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    run = models.ForeignKey(ResolutionRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Set when the judgement is made (not when saved), so its hash-chain link covers it.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Its link in the judgements' hash chain (socmap.apps.core.chain): tampering is evident.
    chain_seq = models.BigIntegerField(null=True, blank=True, unique=True)
    chain_prev = models.CharField(max_length=64, blank=True)
    chain_hash = models.CharField(max_length=64, blank=True)

    objects = JudgementQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        # Plain indexes, not the field's own: for a character column Django adds a second,
        # pattern-matching index beside each, which no query uses and every run rebuilt (ADR 33).
        indexes = [
            models.Index(fields=["left_id", "right_id", "id"], name="judgement_pair"),
            models.Index(fields=["right_id"], name="judgement_right"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_id__lt=models.F("right_id")), name="judgement_ordered"
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="undo") | models.Q(undoes__isnull=False),
                name="undo_names_its_judgement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.left_id[:8]}–{self.right_id[:8]}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise TypeError("Judgements are append-only: record a new judgement instead")
        with transaction.atomic():
            chain_seal(JUDGEMENT_CHAIN, [self])
            super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise TypeError("Judgements are append-only: record an undo instead")

    @property
    def by_model(self) -> bool:
        return self.user_id is None


class PairState(models.TextChoices):
    PENDING = "pending", "Awaiting review"
    MATCH = "match", "Same person"
    NO_MATCH = "no_match", "Not the same person"
    UNSURE = "unsure", "Unsure"


class Pair(models.Model):
    """Cache: a scored or judged pair, with its explanation and current state (from its judgements)."""

    # "unique_pair" (left, right) serves lookups by left; no second index to keep up.
    left = models.ForeignKey(RecordEntity, on_delete=models.CASCADE, related_name="+", db_index=False)
    right = models.ForeignKey(RecordEntity, on_delete=models.CASCADE, related_name="+", db_index=False)
    probability = models.FloatField(null=True, blank=True)
    match_weight = models.FloatField(null=True, blank=True)
    uncertainty = models.FloatField(default=0, help_text="Distance from a coin toss: 0 is most uncertain")
    # Levels and weights as text (``JSONTextField``): written in bulk by runs, read whole.
    explanation = JSONTextField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=PairState.choices, default=PairState.PENDING)
    decided_by_user = models.BooleanField(default=False)
    version = models.PositiveIntegerField(
        default=0, help_text="Bumped by every judgement: stale forms are refused"
    )
    judgement = models.ForeignKey(
        Judgement, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    run = models.ForeignKey(ResolutionRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["left", "right"], name="unique_pair")]
        indexes = [
            models.Index(fields=["state", "uncertainty"], name="pair_queue"),
            models.Index(fields=["right"], name="pair_right"),  # a plain index, as "judgement_right"
        ]

    def __str__(self) -> str:
        return f"Pair {self.left_id[:8]}–{self.right_id[:8]} ({self.state})"


class Membership(models.Model):
    """Cache: the canonical entity of a record entity that shares it with others.

    Record entities that stand alone have no row: their canonical id is their own id. The canonical id
    of a cluster is its smallest member id, so the same judgements always give the same ids.
    """

    entity = models.OneToOneField(RecordEntity, on_delete=models.CASCADE, primary_key=True, related_name="+")
    canonical_id = models.CharField(max_length=40)
    schema = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["canonical_id"], name="membership_canonical")]  # as "pair_right"

    def __str__(self) -> str:
        return f"{self.entity_id[:8]} → {self.canonical_id[:8]}"


class Assignment(models.Model):
    """Who reviews the decisions about a record's person (issue 23): one row per record of a review
    item when it is assigned; the latest row of a record stands (append-only, like judgements), and
    a row with no assignee hands the item back to the team. Records, not items, are named: items
    are regrouped as people decide, record ids stay."""

    record_id = models.CharField(max_length=40, db_index=True)
    assignee = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    assigned_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Assignment of {self.record_id[:8]}"
