"""Every write of place-based operations, in a transaction with its audit entry. Bad input is refused
naming the field: an area with no postcodes, a phase that ends before it starts or overlaps another
phase of the same operation, an activity outside the operation's dates or its phase's."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from socmap.apps.core import clock
from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Compartment, Organisation, Role, User
from socmap.apps.core.refusal import refuse
from socmap.apps.core.services import require_role
from socmap.apps.core.visibility import decide
from socmap.apps.places.models import (
    Activity,
    ActivityKind,
    AreaPart,
    Operation,
    PartnerMeasure,
    Phase,
    PhaseKind,
)
from socmap.errors import InvalidInput

__all__ = ["AreaIn", "InvalidInput", "PhaseIn"]

# "GL51" (a district) or "GL50 4" (a sector): the outward code, and the inward code's digit.
AREA_CODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?( [0-9])?$")
PLANNERS = (Role.SUPERVISOR, Role.LRO, Role.ADMINISTRATOR, Role.ANALYST, Role.INTELLIGENCE_OFFICER)


@dataclass(frozen=True)
class AreaIn:
    code: str
    label: str = ""
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class PhaseIn:
    kind: str
    starts_on: date | None
    ends_on: date | None


def area_codes(parts: Iterable[AreaIn]) -> list[AreaIn]:
    """The area's parts, codes tidied ("gl50  4" -> "GL50 4"); every bad code named at once."""
    out, bad = [], []
    for part in parts:
        code = " ".join(part.code.upper().split())
        if not code:
            continue
        if not AREA_CODE.match(code):
            bad.append(part.code)
        out.append(AreaIn(code, part.label.strip(), part.latitude, part.longitude))
    if bad:
        raise InvalidInput(
            "The area could not be saved",
            fields={
                "area": [f"{', '.join(map(repr, bad))}: not a postcode district (GL51) or sector (GL50 4)"]
            },
        )
    if not out:
        raise InvalidInput(
            "The area could not be saved",
            fields={"area": ["Enter at least one postcode district (GL51) or sector (GL50 4)"]},
        )
    return sorted({p.code: p for p in out}.values(), key=lambda p: p.code)


def phase_problems(phases: list[PhaseIn]) -> dict[str, list[str]]:
    """Each phase's dates in order, and no two phases of the operation overlapping."""
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()
    dated: list[tuple[date, date, str]] = []
    for phase in phases:
        field = f"phases.{phase.kind}"
        label = PhaseKind(phase.kind).label if phase.kind in PhaseKind.values else phase.kind
        if phase.kind not in PhaseKind.values:
            problems[field] = [f"{phase.kind!r} is not a phase: choose clear, hold or build"]
        elif phase.kind in seen:
            problems[field] = [f"The {label.lower()} phase is given twice"]
        elif phase.starts_on is None or phase.ends_on is None:
            problems[field] = [f"Enter the {label.lower()} phase's first and last days"]
        elif phase.ends_on < phase.starts_on:
            problems[field] = [f"The {label.lower()} phase ends before it starts"]
        else:
            dated.append((phase.starts_on, phase.ends_on, phase.kind))
        seen.add(phase.kind)
    dated.sort()
    latest: tuple[date, str] | None = None  # the latest end so far, and its phase
    for starts, ends, kind in dated:
        if latest is not None and starts <= latest[0]:
            problems.setdefault(f"phases.{kind}", []).append(
                f"The {PhaseKind(kind).label.lower()} phase overlaps the "
                f"{PhaseKind(latest[1]).label.lower()} phase (which ends on {latest[0]:%-d %B %Y})"
            )
        if latest is None or ends > latest[0]:
            latest = (ends, kind)
    if not phases:
        problems["phases"] = ["Enter at least one phase with its dates"]
    return problems


def operation_create(
    *,
    actor: User | None,
    owner: Organisation,
    name: str,
    area: Iterable[AreaIn],
    phases: list[PhaseIn],
    description: str = "",
    targets: Iterable[int] = (),
    compartment: Compartment | None = None,
) -> Operation:
    """Start an operation: its area, its phases and the groups it targets (every problem at once)."""
    problems: dict[str, list[str]] = {}
    if not name.strip():
        problems["name"] = ["Enter the operation's name"]
    try:
        parts = area_codes(area)
    except InvalidInput as exc:
        problems.update(exc.fields)
        parts = []
    problems.update(phase_problems(phases))
    if problems:
        raise InvalidInput("The operation could not be saved", fields=problems)
    if actor is not None:
        require_role(actor, *PLANNERS, action="start a place-based operation")
        if actor.organisation_id != owner.pk:
            raise refuse(actor, "An operation is started by its own organisation", hidden=False, obj=owner)
    with transaction.atomic():
        op = Operation.objects.create(
            owner=owner,
            compartment=compartment,
            name=name.strip(),
            description=description.strip(),
            created_by=actor,
            created_at=clock.now(),
        )
        op.targets.set(list(targets))
        AreaPart.objects.bulk_create(
            AreaPart(operation=op, code=p.code, label=p.label, latitude=p.latitude, longitude=p.longitude)
            for p in parts
        )
        Phase.objects.bulk_create(
            Phase(operation=op, kind=p.kind, starts_on=p.starts_on, ends_on=p.ends_on)
            for p in phases
            if p.starts_on is not None and p.ends_on is not None
        )
        audit_record(AuditAction.COLLECTION, actor=actor, obj=op, username="" if actor else "system")
    return op


def _may_add(actor: User | None, op: Operation, action: str) -> None:
    """Any organisation that may see the operation (its owner, or a partner it is shared with)
    records its own activities and measures on it."""
    if actor is not None and not decide(actor, op).visible:
        raise refuse(actor, "No such operation", obj=op)


def activity_add(
    *,
    actor: User | None,
    op: Operation,
    kind: str,
    on: date | None,
    place: str,
    organisation: Organisation | None = None,
    phase: str = "",
    description: str = "",
) -> Activity:
    """Record a partner's activity in a phase: owned by the actor's organisation (or the one given by
    the operation's owner), on a date inside the operation and inside the phase, at a place."""
    _may_add(actor, op, "record an activity")
    phases = {p.kind: p for p in op.phases.all()}
    problems: dict[str, list[str]] = {}
    if kind not in ActivityKind.values:
        problems["kind"] = [f"Choose an activity: {', '.join(ActivityKind.labels)}"]
    if not place.strip():
        problems["place"] = ["Enter where it took place"]
    owner = organisation or (actor.organisation if actor else None)
    if owner is None:
        problems["organisation"] = ["Choose the organisation that owns the activity"]
    elif actor is not None and owner.pk != actor.organisation_id and actor.organisation_id != op.owner_id:
        problems["organisation"] = ["Record your own organisation's activities"]
    first = min((p.starts_on for p in phases.values()), default=None)
    last = max((p.ends_on for p in phases.values()), default=None)
    found = phases.get(phase) if phase else None
    if on is None:
        problems["on"] = ["Enter the date of the activity"]
    elif first is None or last is None or not first <= on <= last:
        problems["on"] = [f"The date is outside the operation ({first:%-d %B %Y} to {last:%-d %B %Y})"]
    elif phase and found is None:
        problems["phase"] = [f"The operation has no {phase!r} phase"]
    elif found is not None and not found.starts_on <= on <= found.ends_on:
        problems["on"] = [
            f"The date is outside the {found.get_kind_display().lower()} phase "
            f"({found.starts_on:%-d %B %Y} to {found.ends_on:%-d %B %Y})"
        ]
    elif found is None:
        found = next((p for p in phases.values() if p.starts_on <= on <= p.ends_on), None)
        if found is None:
            problems["on"] = ["The date falls between the operation's phases"]
    if problems:
        raise InvalidInput("The activity could not be saved", fields=problems)
    assert found is not None and owner is not None and on is not None
    with transaction.atomic():
        activity = Activity.objects.create(
            operation=op,
            phase=found,
            kind=kind,
            organisation=owner,
            on=on,
            place=place.strip(),
            description=description.strip(),
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        audit_record(
            AuditAction.COLLECTION,
            actor=actor,
            object_type="places.activity",
            object_id=str(activity.pk),
            object_owner=op.owner_id,
            object_repr=f"{activity.get_kind_display()} in {op.name}"[:300],
            username="" if actor else "system",
        )
    return activity


def measure_enter(
    *, actor: User | None, op: Operation, name: str, month: date | None, value: Decimal | float | None,
    organisation: Organisation | None = None,
) -> PartnerMeasure:  # fmt: skip
    """A partner's own figure for a month (entered again: the new value replaces the old)."""
    _may_add(actor, op, "enter a measure")
    owner = organisation or (actor.organisation if actor else None)
    problems: dict[str, list[str]] = {}
    if not name.strip():
        problems["name"] = ["Enter what the measure counts"]
    if month is None:
        problems["month"] = ["Enter the month"]
    if value is None:
        problems["value"] = ["Enter the figure"]
    if owner is None:
        problems["organisation"] = ["Choose the organisation the figure is from"]
    if problems:
        raise InvalidInput("The measure could not be saved", fields=problems)
    assert month is not None and owner is not None
    with transaction.atomic():
        measure, _ = PartnerMeasure.objects.update_or_create(
            operation=op,
            organisation=owner,
            name=name.strip(),
            month=month.replace(day=1),
            defaults={"value": Decimal(str(value)), "entered_by": actor, "entered_at": clock.now()},
        )
        audit_record(
            AuditAction.COLLECTION,
            actor=actor,
            object_type="places.measure",
            object_id=str(measure.pk),
            object_owner=op.owner_id,
            username="" if actor else "system",
        )
    return measure
