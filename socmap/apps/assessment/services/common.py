"""What the assessment app's services share: who may assess, the limits of its inputs, the
threat's event log."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from socmap.apps.assessment.models import (
    Assessment,
    AssessmentEvent,
    Threat,
)
from socmap.apps.core.models import Role, User

ASSESSORS = (Role.ANALYST, Role.SUPERVISOR, Role.TASKING)
CONFIDENCE = {"high": "High", "medium": "Medium", "low": "Low"}
SOURCE_KINDS = ("record", "entity", "ocg", "individual", "document", "threat")
MAX_TEXT = 5000


def event_record(
    threat: Threat, kind: str, actor: User, *, assessment: Assessment | None = None, **kw: Any
) -> None:
    AssessmentEvent.objects.create(
        threat=threat, assessment=assessment, kind=kind, actor=actor, at=timezone.now(), **kw
    )
