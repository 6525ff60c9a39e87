"""SOC local profiles: the profile a force writes with its partners, the text written per section (kept
whole: every save a new row), comments and sign-offs, and the versions issued (frozen content).

A ``Profile`` is governed (owned by its force): the one visibility rule decides who sees its full
version. A partner named on the profile sees the sections assigned to it while they are drafted, and
the partner version issued to it; nothing else.
"""

from __future__ import annotations

from django.db import models

from socmap.apps.core.models import Governed, Organisation, User


class Profile(Governed):
    title = models.CharField(max_length=200)
    force = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    as_of = models.DateField(help_text="The date the figures are computed as of")
    template_name = models.CharField(max_length=80)
    template_version = models.PositiveIntegerField()
    template_text = models.TextField(help_text="The template file as read")
    partners = models.ManyToManyField(Organisation, blank=True, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-as_of", "-id"]

    def __str__(self) -> str:
        return self.title


class SectionAssignment(models.Model):
    """Which organisation writes a section of a profile (the force, or a named partner)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="assignments")
    section = models.CharField(max_length=60)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["profile", "section"], name="one_writer_per_section")]

    def __str__(self) -> str:
        return f"{self.section}: {self.organisation}"


class Audience(models.TextChoices):
    ALL = "all", "Every version"
    FULL = "full", "The restricted full version only"


class SectionText(models.Model):
    """One saved narrative of one section. Never changed: a new save is a new row, so who wrote what
    when is kept; the latest row of a section is its text."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="texts")
    section = models.CharField(max_length=60)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.ALL)
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["section", "-written_at", "-id"]

    def __str__(self) -> str:
        return f"{self.section} by {self.author} at {self.written_at:%Y-%m-%d %H:%M}"


class SignOff(models.Model):
    """A partner's (or the force's) sign-off of one saved text of its section."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="signoffs")
    section = models.CharField(max_length=60)
    text = models.ForeignKey(SectionText, on_delete=models.PROTECT, related_name="signoffs")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.section} signed off by {self.by}"


class SectionComment(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="comments")
    section = models.CharField(max_length=60)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"Comment on {self.section} by {self.author}"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    SUPERSEDED = "superseded", "Superseded"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ProfileVersion(models.Model):
    """The content of one version for one audience, frozen when built: the full version (no
    audience) or a partner's version. Issuing a new one supersedes the last one issued to the same
    audience; the diff against it is kept beside the content."""

    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    audience = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    as_of = models.DateField()
    content = models.JSONField()
    diff = models.JSONField(default=list, blank=True)
    previous = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    built_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    built_at = models.DateTimeField()
    issued_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-number", "audience_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "number", "audience"], name="one_version_per_audience"
            ),
        ]

    def __str__(self) -> str:
        who = self.audience.name if self.audience_id and self.audience else "full"
        return f"{self.profile} v{self.number} ({who})"

    @property
    def is_partner(self) -> bool:
        return self.audience_id is not None
