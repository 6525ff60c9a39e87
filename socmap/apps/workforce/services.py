"""Every write of the workforce app, in a transaction with its audit entry."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from socmap.apps.core import clock
from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Organisation, Role, User
from socmap.apps.core.refusal import refuse
from socmap.apps.core.services import require_role
from socmap.apps.workforce.models import Course, Member, PipLevel, Post, SocRole, TrainingRecord
from socmap.errors import InvalidInput

MANAGERS = (Role.SUPERVISOR, Role.ADMINISTRATOR, Role.IMPROVEMENT_LEAD)


def _own_manager(actor: User | None, organisation: Organisation, action: str) -> None:
    """Only a manager of the organisation itself changes its register (``actor`` None: set-up)."""
    if actor is None:
        return
    require_role(actor, *MANAGERS, action=action)
    if actor.organisation_id != organisation.pk:
        raise refuse(
            actor,
            "Only the organisation's own managers change its workforce register",
            hidden=False,
            obj=organisation,
            reason=f"{action} in another organisation's register",
        )


def training_record(
    *,
    actor: User | None,
    person: User | None = None,
    member: Member | None = None,
    course: str,
    passed_on: date | None,
    expires_on: date | None = None,
    note: str = "",
) -> TrainingRecord:
    """Record a course a person passed: a user, a member of the register, or both (a member who is a
    user). Either way it is one record, read by lifetime management and the register alike. A manager
    of the person's own organisation records it (``actor`` is None only for set-up)."""
    person, member = _who(person, member)
    organisation = member.owner if member is not None else person.organisation if person else None
    problems: dict[str, list[str]] = {}
    if course not in Course.values:
        problems["course"] = [f"Choose a course: {', '.join(Course.labels)}"]
    if passed_on is None:
        problems["passed_on"] = ["Enter the date the course was passed"]
    elif passed_on > clock.today():
        problems["passed_on"] = ["The date passed cannot be in the future"]
    if passed_on is not None and expires_on is not None and expires_on <= passed_on:
        problems["expires_on"] = ["The expiry must be after the date passed"]
    if organisation is None:
        problems["person"] = ["The person belongs to no organisation"]
    if problems:
        raise InvalidInput("The training record could not be saved", fields=problems)
    assert passed_on is not None and organisation is not None
    if actor is not None:
        require_role(actor, *MANAGERS, action="record training")
        if actor.organisation_id != organisation.pk:
            raise refuse(
                actor,
                "Only the person's own organisation records their training",
                hidden=False,
                obj=member or person,
                reason="training of another organisation's person",
            )
    with transaction.atomic():
        record = TrainingRecord.objects.create(
            owner=organisation,
            person=person,
            member=member,
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
            detail={
                "person": person.pk if person else None,
                "member": member.pk if member else None,
                "course": course,
                "expires_on": str(expires_on or ""),
            },
        )
    return record


def _who(person: User | None, member: Member | None) -> tuple[User | None, Member | None]:
    """The user and the register's member a training record names: a member who is a user names
    both, and so does a user who is in the register, so each person's training is one record."""
    if member is not None and member.user_id is not None:
        person = member.user
    elif person is not None and member is None:
        member = Member.objects.filter(user=person, left_on__isnull=True).first()
    if person is None and member is None:
        raise InvalidInput("The training record could not be saved", fields={"person": ["Choose a person"]})
    return person, member


def post_create(
    *, actor: User | None, organisation: Organisation, title: str, role: str, opened_on: date, unit: str = ""
) -> Post:
    """Add a post to an organisation's establishment (vacant until a member fills it)."""
    problems: dict[str, list[str]] = {}
    if not title.strip():
        problems["title"] = ["Enter the post's title"]
    if role not in SocRole.values:
        problems["role"] = [f"Choose a role: {', '.join(SocRole.labels)}"]
    if problems:
        raise InvalidInput("The post could not be saved", fields=problems)
    _own_manager(actor, organisation, "add a post")
    with transaction.atomic():
        post = Post.objects.create(
            owner=organisation, title=title.strip(), role=role, unit=unit.strip(), opened_on=opened_on
        )
        audit_record(AuditAction.COLLECTION, actor=actor, obj=post, username="" if actor else "system")
    return post


def _member_problems(data: dict[str, Any], organisation: Organisation) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for name, label in (("first_name", "first name"), ("last_name", "last name")):
        if not str(data.get(name) or "").strip():
            problems[name] = [f"Enter the {label}"]
    if data.get("role") not in SocRole.values:
        problems["role"] = [f"Choose a role: {', '.join(SocRole.labels)}"]
    pip = data.get("pip_level") or PipLevel.NONE
    if pip not in PipLevel.values:
        problems["pip_level"] = [f"{pip!r} is not a PIP level: choose one of {', '.join(PipLevel.labels)}"]
    started = data.get("started_on")
    if not isinstance(started, date):
        problems["started_on"] = ["Enter the date the person started in the role"]
    for name, label in (("qualified_on", "qualified"), ("left_on", "left")):
        value = data.get(name)
        if isinstance(value, date) and isinstance(started, date) and value < started:
            problems[name] = [f"The date {label} cannot be before the date started"]
    post = data.get("post")
    if post is not None and post.owner_id != organisation.pk:
        problems["post"] = ["Choose a post of the organisation's own establishment"]
    hours = data.get("tasking_hours") or 0
    if not isinstance(hours, int | float | Decimal) or not 0 <= hours <= 60:
        problems["tasking_hours"] = ["Enter the hours a week given to tasking, from 0 to 60"]
    return problems


MEMBER_FIELDS = (
    "first_name",
    "last_name",
    "role",
    "pip_level",
    "apprentice",
    "started_on",
    "qualified_on",
    "left_on",
    "post",
    "user",
    "manager",
    "capability",
    "team",
    "tasking_hours",
)


def member_create(*, actor: User | None, organisation: Organisation, **data: Any) -> Member:
    """Add a person to the organisation's register. Every problem is reported at once, by field."""
    unknown = sorted(set(data) - set(MEMBER_FIELDS))
    if unknown:
        raise InvalidInput(
            "Unknown fields", fields={name: ["Not a field of the register"] for name in unknown}
        )
    problems = _member_problems(data, organisation)
    if problems:
        raise InvalidInput("The person could not be added to the register", fields=problems)
    _own_manager(actor, organisation, "add a person to the register")
    values = {k: v for k, v in data.items() if v is not None}
    values["pip_level"] = values.get("pip_level") or PipLevel.NONE
    for text in ("first_name", "last_name", "capability", "team"):
        values[text] = str(values.get(text, "")).strip()
    with transaction.atomic():
        member = Member.objects.create(owner=organisation, created_at=clock.now(), **values)
        audit_record(
            AuditAction.COLLECTION,
            actor=actor,
            obj=member,
            object_repr=f"Register member {member.pk}",  # no name: the audit log is read more widely
            username="" if actor else "system",
            detail={"role": member.role, "pip_level": member.pip_level},
        )
    return member


def member_leave(*, actor: User | None, member: Member, left_on: date) -> Member:
    """Record that a person left their SOC role (the record stays, for the trend)."""
    if left_on < member.started_on:
        raise InvalidInput(
            "The date left cannot be before the date started",
            fields={"left_on": ["The date left cannot be before the date started"]},
        )
    _own_manager(actor, member.owner, "record a leaver")
    with transaction.atomic():
        member.left_on = left_on
        member.save(update_fields=["left_on"])
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=member,
            object_repr=f"Register member {member.pk}",
            detail={"left_on": str(left_on)},
        )
    return member
