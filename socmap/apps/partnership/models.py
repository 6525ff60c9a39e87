"""Partnership: the lifecycle of sharing agreements, the senior SOC partnership board, and
safeguarding referrals through multi-agency arrangements.

A sharing agreement itself stays core's ``SharingAgreement``: the visibility rule reads only that. What
is here is how it came to be in force (who proposed it, on what legal basis, who approved it for each
side) and how it ended (who revoked it and why). Core's ``approved_at`` is set only when both sides
have approved, so the rule needs to know nothing of the lifecycle.
"""

from __future__ import annotations

from django.db import models

from socmap.apps.core.models import Governed, Organisation, SharingAgreement, User


class SharingLead(models.Model):
    """A person their organisation names to propose, approve and revoke its sharing agreements."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="sharing_lead_roles")
    named_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    named_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "person__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "person"],
                condition=models.Q(ended_at__isnull=True),
                name="one_live_sharing_lead",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – information-sharing lead of {self.organisation}"


class AgreementTerms(models.Model):
    """The lifecycle of one sharing agreement: proposal, an approval from each side, revocation."""

    agreement = models.OneToOneField(SharingAgreement, on_delete=models.PROTECT, related_name="terms")
    purpose = models.TextField()
    legal_basis = models.CharField(max_length=300)
    review_on = models.DateField(null=True, blank=True)
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    provider_approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider_approved_at = models.DateTimeField(null=True, blank=True)
    recipient_approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient_approved_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revoke_reason = models.TextField(blank=True)
    renews = models.ForeignKey(
        SharingAgreement, on_delete=models.PROTECT, null=True, blank=True, related_name="renewals"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at"]

    def __str__(self) -> str:
        return f"Terms of {self.agreement}"


class Board(models.Model):
    """A multi-agency SOC partnership board (police, ROCU, councils, NHS, education, housing, fire…)."""

    name = models.CharField(max_length=200, unique=True)
    chair_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BoardMember(models.Model):
    """An organisation on the board, with the person who represents it (if named)."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="members")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "organisation"],
                condition=models.Q(left_on__isnull=True),
                name="one_live_board_membership",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} on {self.board}"


class Seniority(models.TextChoices):
    CHIEF_OFFICER = "chief_officer", "Chief officer or director"
    SENIOR = "senior", "Senior leader"
    MANAGER = "manager", "Manager"
    PRACTITIONER = "practitioner", "Practitioner"


class Meeting(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    title = models.CharField(max_length=200)
    agenda = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.board}: {self.title} ({self.held_on})"


class Attendance(models.Model):
    """Who came to a meeting, for which member organisation, at what level of seniority."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    person = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    seniority = models.CharField(max_length=20, choices=Seniority.choices)

    class Meta:
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation}) at {self.meeting}"


class BoardDecision(models.Model):
    """A decision the board recorded, information-sharing decisions marked as such."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField()
    information_sharing = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:80]


class BoardAction(models.Model):
    """An action the board gave a member organisation (and, if named, a person), with a due date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    owner_person = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    completion_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description[:80]


class ArrangementKind(models.TextChoices):
    MASH_CHILDREN = "mash_children", "Multi-Agency Safeguarding Hub (children)"
    MASH_ADULTS = "mash_adults", "Multi-Agency Safeguarding Hub (adults)"
    NRM = "nrm", "National Referral Mechanism (modern slavery)"


class Arrangement(models.Model):
    """A multi-agency safeguarding arrangement, and the organisations that take its referrals."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=ArrangementKind.choices)
    members = models.ManyToManyField(Organisation, related_name="+")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Concern(models.TextChoices):
    CHILD_CRIMINAL_EXPLOITATION = "cce", "Child criminal exploitation (county lines)"
    CHILD_SEXUAL_EXPLOITATION = "cse", "Child sexual exploitation"
    CUCKOOING = "cuckooing", "Cuckooing of a vulnerable adult's home"
    MODERN_SLAVERY = "modern_slavery", "Modern slavery or labour exploitation"
    TRAFFICKING = "trafficking", "Human trafficking"
    ADULT_AT_RISK = "adult_at_risk", "Adult at risk of harm"


class Outcome(models.TextChoices):
    STRATEGY_MEETING = "strategy_meeting", "Strategy meeting held"
    SAFEGUARDING_PLAN = "safeguarding_plan", "Safeguarding plan in place"
    EARLY_HELP = "early_help", "Early help offered"
    REASONABLE_GROUNDS = "reasonable_grounds", "Positive reasonable grounds decision"
    CONCLUSIVE_GROUNDS = "conclusive_grounds", "Positive conclusive grounds decision"
    NEGATIVE_DECISION = "negative_decision", "Negative grounds decision"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


class Referral(Governed):
    """A safeguarding referral of a vulnerable person to a multi-agency arrangement.

    Owned by the referring organisation and governed like any item; the organisation it is made to
    receives it (the referral is the disclosure), records the outcome, and sees nothing else.
    """

    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="referrals")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    referred_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    referred_on = models.DateField()
    concern = models.CharField(max_length=30, choices=Concern.choices)
    subject = models.CharField(max_length=200, help_text="The vulnerable person as the referral names them")
    summary = models.TextField()
    entity_id = models.CharField(max_length=80, blank=True, help_text="The person in intelligence")
    threat_id = models.IntegerField(null=True, blank=True)
    ocg_id = models.IntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    outcome_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-referred_on", "-id"]
        indexes = [models.Index(fields=["to_organisation", "referred_on"], name="referral_to_org")]

    def __str__(self) -> str:
        return f"Referral of {self.subject} to {self.arrangement}"
