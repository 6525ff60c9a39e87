"""Reads of people's training. Personal data: a viewer reads the training of its own organisation's
people only, through the one visibility rule and never beyond its own organisation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from socmap.apps.core import clock
from socmap.apps.core.models import Organisation, User
from socmap.apps.core.refusal import refuse
from socmap.apps.core.visibility import visible_filter
from socmap.apps.workforce.models import Course, Member, Post, TrainingRecord
from socmap.errors import NotAllowed, NotVisible


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
        if record.person_id is not None:
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
        if record.person_id is not None:
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


# ------------------------------------------------------------------------------------ the register


def can_see_names(viewer: User, organisation_id: int) -> bool:
    """Names in the register are read by the organisation's own managers only."""
    from socmap.apps.workforce.services import MANAGERS

    return viewer.organisation_id == organisation_id and viewer.has_role(*MANAGERS)


def _names_refused(viewer: User, organisation_id: int) -> NotAllowed | NotVisible:
    return refuse(
        viewer,
        "Only the organisation's own managers see the names in its workforce register; "
        "everyone else sees its counts",
        hidden=False,
        object_type="workforce.register",
        object_id=str(organisation_id),
        reason="names in another organisation's register",
    )


def member_list(*, viewer: User, organisation_id: int, include_left: bool = False) -> list[Member]:
    """The people of an organisation's register, by name: its own managers only (refused otherwise)."""
    if not can_see_names(viewer, organisation_id):
        raise _names_refused(viewer, organisation_id)
    qs = Member.objects.filter(owner_id=organisation_id).select_related("post", "manager", "user")
    if not include_left:
        qs = qs.filter(left_on__isnull=True)
    return list(qs.order_by("role", "last_name", "first_name", "id"))


def member_get(*, viewer: User, member_id: int) -> Member:
    """One person of the register, for their own organisation's managers; anyone else is told there
    is no such person (and the refusal is logged)."""
    member = Member.objects.select_related("post", "manager", "user", "owner").filter(pk=member_id).first()
    if member is None or not can_see_names(viewer, member.owner_id):
        raise refuse(
            viewer,
            "No such person in your register",
            obj=member,
            object_type="workforce.member",
            object_id=str(member_id),
        )
    return member


def member_training(*, member: Member) -> list[TrainingRecord]:
    """A member's training records (the member already read through ``member_get``), latest first:
    those naming the member and, for a member who is a user, those naming the user."""
    from django.db.models import Q

    match = Q(member=member) | (Q(person_id=member.user_id) if member.user_id else Q(pk__in=[]))
    return list(TrainingRecord.objects.filter(match).order_by("course", "-passed_on", "-id")[:200])


def post_list(*, viewer: User, organisation_id: int) -> list[Post]:
    """The organisation's posts (titles are not personal data, but the register is its own)."""
    if not can_see_names(viewer, organisation_id):
        raise _names_refused(viewer, organisation_id)
    return list(Post.objects.filter(owner_id=organisation_id, closed_on__isnull=True))


def organisation_find(*, slug: str) -> Organisation:
    """A force or ROCU by its slug (organisation names are reference data every user knows)."""
    from socmap.apps.core.models import Organisation as Org

    org = Org.objects.filter(slug=slug, kind__in=("force", "rocu")).first()
    if org is None:
        raise NotVisible("No such force or regional unit")
    return org


def capability_capacity(*, on: date | None = None) -> dict[tuple[str, str], dict[str, float]]:
    """For tasking: per (owning organisation code, capability key), the hours a week the register's
    people in post give it and the number of teams they form. Counts, never names."""
    on = on or clock.today()
    out: dict[tuple[str, str], dict[str, float]] = {}
    teams: dict[tuple[str, str], set[str]] = {}
    rows = (
        Member.objects.exclude(capability="")
        .filter(started_on__lte=on)
        .values_list("owner__code", "capability", "team", "tasking_hours", "left_on", "qualified_on")
    )
    for code, capability, team, hours, left_on, qualified_on in rows:
        if (left_on is not None and left_on <= on) or qualified_on is None or qualified_on > on:
            continue
        key = (code, capability)
        slot = out.setdefault(key, {"hours": 0.0, "teams": 0.0, "people": 0.0})
        slot["hours"] += float(hours)
        slot["people"] += 1
        if team:
            teams.setdefault(key, set()).add(team)
    for key, names in teams.items():
        out[key]["teams"] = float(len(names))
    return out
