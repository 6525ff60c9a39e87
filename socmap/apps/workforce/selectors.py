"""Reads of people's training. Personal data: a viewer reads the training of its own organisation's
people only, through the one visibility rule and never beyond its own organisation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from socmap.apps.core import clock
from socmap.apps.core.models import User
from socmap.apps.core.visibility import visible_filter
from socmap.apps.workforce.models import Course, TrainingRecord


@dataclass(frozen=True)
class TrainingState:
    """A person's standing on one course on a date: the latest pass, and whether it is in force."""

    person_id: int
    course: str
    passed_on: date | None
    expires_on: date | None
    state: str  # "current", "expiring" (within the warning), "lapsed" or "none"

    @property
    def label(self) -> str:
        return {
            "current": "In date",
            "expiring": "Expiring soon",
            "lapsed": "Lapsed",
            "none": "No record",
        }[self.state]


def _own(viewer: User) -> QuerySet[TrainingRecord]:
    if viewer.organisation_id is None:
        return TrainingRecord.objects.none()
    return TrainingRecord.objects.filter(visible_filter(viewer)).filter(owner_id=viewer.organisation_id)


def training_list(*, viewer: User, person_id: int) -> list[TrainingRecord]:
    """Every training record of one person of the viewer's organisation, latest first."""
    return list(_own(viewer).filter(person_id=person_id).order_by("course", "-passed_on", "-id")[:200])


def _state(
    record: TrainingRecord | None, person_id: int, course: str, on: date, warn_days: int
) -> TrainingState:
    if record is None:
        return TrainingState(person_id, course, None, None, "none")
    if record.expires_on is not None and record.expires_on < on:
        state = "lapsed"
    elif record.expires_on is not None and (record.expires_on - on).days <= warn_days:
        state = "expiring"
    else:
        state = "current"
    return TrainingState(person_id, course, record.passed_on, record.expires_on, state)


def training_states(
    *,
    viewer: User,
    person_ids: Iterable[int],
    course: str = Course.LRO,
    on: date | None = None,
    warn_days: int = 30,
) -> dict[int, TrainingState]:
    """Each person's standing on a course on a date, from their latest pass (own organisation only)."""
    on = on or clock.today()
    ids = sorted(set(person_ids))
    latest: dict[int, TrainingRecord] = {}
    for record in (
        _own(viewer).filter(person_id__in=ids, course=course).order_by("person_id", "-passed_on", "-id")
    ):
        latest.setdefault(record.person_id, record)
    return {pid: _state(latest.get(pid), pid, course, on, warn_days) for pid in ids}


def training_states_system(
    *, person_ids: Iterable[int], course: str = Course.LRO, on: date | None = None, warn_days: int = 30
) -> dict[int, TrainingState]:
    """The same standing for a named system job (the daily alerts), which tells each person of their
    own training only: no viewer, and nothing here is shown to anyone but the person it is about."""
    on = on or clock.today()
    ids = sorted(set(person_ids))
    latest: dict[int, TrainingRecord] = {}
    for record in TrainingRecord.objects.filter(person_id__in=ids, course=course).order_by(
        "person_id", "-passed_on", "-id"
    ):
        latest.setdefault(record.person_id, record)
    return {pid: _state(latest.get(pid), pid, course, on, warn_days) for pid in ids}


def training_lapsed_count(organisation_id: int, on: date, course: str = Course.LRO) -> tuple[int, int]:
    """(people with a lapsed or missing record, people counted) among the organisation's active users
    who hold the course's role, for live measures: counts, never names."""
    from socmap.apps.core.models import Role

    role = {Course.LRO: Role.LRO}.get(Course(course))
    people = User.objects.filter(organisation_id=organisation_id, is_active=True)
    if role is not None:
        people = people.filter(role_grants__role=role)
    ids = list(people.values_list("pk", flat=True))
    states = training_states_system(person_ids=ids, course=course, on=on)
    return sum(1 for s in states.values() if s.state in ("lapsed", "none")), len(ids)
