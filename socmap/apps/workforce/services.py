"""Every write of the workforce app, in a transaction with its audit entry."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from socmap.apps.core import clock
from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Role, User
from socmap.apps.core.refusal import refuse
from socmap.apps.core.services import require_role
from socmap.apps.workforce.models import Course, TrainingRecord
from socmap.errors import InvalidInput

MANAGERS = (Role.SUPERVISOR, Role.ADMINISTRATOR, Role.IMPROVEMENT_LEAD)


def training_record(
    *,
    actor: User | None,
    person: User,
    course: str,
    passed_on: date | None,
    expires_on: date | None = None,
    note: str = "",
) -> TrainingRecord:
    """Record a course a person passed. A manager of the person's own organisation records it
    (``actor`` is None only for the command line's and the demo's set-up)."""
    problems: dict[str, list[str]] = {}
    if course not in Course.values:
        problems["course"] = [f"Choose a course: {', '.join(Course.labels)}"]
    if passed_on is None:
        problems["passed_on"] = ["Enter the date the course was passed"]
    elif passed_on > clock.today():
        problems["passed_on"] = ["The date passed cannot be in the future"]
    if passed_on is not None and expires_on is not None and expires_on <= passed_on:
        problems["expires_on"] = ["The expiry must be after the date passed"]
    if person.organisation_id is None:
        problems["person"] = ["The person belongs to no organisation"]
    if problems:
        raise InvalidInput("The training record could not be saved", fields=problems)
    assert passed_on is not None and person.organisation is not None
    if actor is not None:
        require_role(actor, *MANAGERS, action="record training")
        if actor.organisation_id != person.organisation_id:
            raise refuse(
                actor,
                "Only the person's own organisation records their training",
                hidden=False,
                obj=person,
                reason="training of another organisation's person",
            )
    with transaction.atomic():
        record = TrainingRecord.objects.create(
            owner=person.organisation,
            person=person,
            course=course,
            passed_on=passed_on,
            expires_on=expires_on,
            note=note.strip(),
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        audit_record(
            AuditAction.COLLECTION,
            actor=actor,
            obj=record,
            username="" if actor else "system",
            detail={"person": person.pk, "course": course, "expires_on": str(expires_on or "")},
        )
    return record
