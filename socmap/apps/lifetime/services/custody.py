"""Custody periods and expected releases: kept from the ingested prison records, or entered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from socmap.apps.core import clock
from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Role, User
from socmap.apps.intel import selectors as intel
from socmap.apps.lifetime.models import CustodyPeriod, CustodySource, Plan
from socmap.apps.lifetime.services.common import event as plan_event
from socmap.apps.lifetime.services.common import (
    managed_person,
    refuse,
    require_input,
    require_manager,
    see_or_hide,
    text,
)

SYNC_JOB = "lifetime custody sync"


@dataclass(frozen=True)
class SyncResult:
    read: int
    created: int
    updated: int


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def custody_sync() -> SyncResult:
    """Bring the custody periods in step with the prison records (a cache: run it after ingest and
    daily; the same records twice change nothing). Each keeps its record's owner, handling and
    compartment, so it is seen exactly as widely as the record it came from."""
    rows = intel.custody_rows(job=SYNC_JOB)
    existing = {c.record_id: c for c in CustodyPeriod.objects.filter(source=CustodySource.PRISON)}
    created = updated = 0
    now = clock.now()
    with transaction.atomic():
        fresh = []
        for row in rows:
            values: dict[str, Any] = {
                "entity_id": row.entity_id,
                "person_label": row.caption[:300],
                "establishment": row.establishment[:200],
                "prison_number": row.prison_number[:20],
                "received_on": _day(row.received_on),
                "expected_release_on": _day(row.expected_release_on),
                "owner_id": row.owner_id,
                "handling": row.handling,
                "compartment_id": row.compartment_id,
                "conditions": row.conditions,
            }
            received, release = _day(row.received_on), _day(row.expected_release_on)
            if received and release and release < received:
                values["received_on"] = None  # a typo in one date must not hide the release
            found = existing.get(row.record_id)
            if found is None:
                fresh.append(
                    CustodyPeriod(
                        source=CustodySource.PRISON, record_id=row.record_id, updated_at=now, **values
                    )
                )
                continue
            if any(getattr(found, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(found, k, v)
                found.updated_at = now
                found.save()
                updated += 1
        CustodyPeriod.objects.bulk_create(fresh, batch_size=500)
        created = len(fresh)
        audit_record(
            AuditAction.COMBINATION,
            object_type="job",
            object_id=SYNC_JOB,
            object_repr=f"Custody periods from {len(rows)} prison records",
            username="system",
            detail={"read": len(rows), "created": created, "updated": updated},
        )
    return SyncResult(len(rows), created, updated)


@dataclass(frozen=True)
class CustodyInput:
    entity_id: str
    expected_release_on: date | None
    received_on: date | None = None
    released_on: date | None = None
    establishment: str = ""
    prison_number: str = ""
    licence_conditions: str = ""


def custody_enter(*, actor: User, plan: Plan, data: CustodyInput) -> CustodyPeriod:
    """Enter a custody period of a person managed under the plan (the prison extract may be late)."""
    require_manager(actor, plan, "enter a custody period")
    problems: dict[str, list[str]] = {}
    caption = managed_person(actor, plan, data.entity_id, problems)
    if data.expected_release_on is None and data.released_on is None:
        problems["expected_release_on"] = ["Enter the expected release date"]
    if data.received_on and data.expected_release_on and data.expected_release_on < data.received_on:
        problems["expected_release_on"] = ["The release cannot be before the reception into custody"]
    if data.received_on and data.received_on > clock.today():
        problems["received_on"] = ["The reception into custody cannot be in the future"]
    if data.released_on and data.released_on > clock.today():
        problems["released_on"] = ["A release that has not happened yet is the expected release"]
    establishment = text(data.establishment, "establishment", "the establishment", problems, required=False)
    licence = text(
        data.licence_conditions, "licence_conditions", "the licence conditions", problems, required=False
    )
    require_input(problems, "The custody period could not be recorded")
    with transaction.atomic():
        period = CustodyPeriod.objects.create(
            owner_id=plan.owner_id,
            handling=plan.handling,
            conditions=plan.conditions,
            compartment=plan.compartment,
            entity_id=data.entity_id,
            person_label=caption[:300],
            source=CustodySource.ENTERED,
            establishment=establishment[:200],
            prison_number=data.prison_number.strip()[:20],
            received_on=data.received_on,
            expected_release_on=data.expected_release_on,
            released_on=data.released_on,
            licence_conditions=licence,
            entered_by=actor,
            updated_at=clock.now(),
        )
        when = data.released_on or data.expected_release_on
        plan_event(plan, actor, "custody", f"Custody of {caption} entered: release {when:%-d %B %Y}")
        audit_record(AuditAction.COLLECTION, actor=actor, obj=period, detail={"plan": plan.pk})
    return period


def custody_update(
    *, actor: User, period: CustodyPeriod, released_on: date | None, licence_conditions: str
) -> CustodyPeriod:
    """Record the actual release and the licence conditions (police officers of the owner)."""
    see_or_hide(actor, period, "custody period")
    if actor.organisation_id != period.owner_id or not actor.has_role(Role.LRO, Role.SUPERVISOR):
        raise refuse(actor, "update this custody period: an LRO or supervisor of its owner may", period)
    problems: dict[str, list[str]] = {}
    if released_on and released_on > clock.today():
        problems["released_on"] = ["A release that has not happened yet is the expected release"]
    if released_on and period.received_on and released_on < period.received_on:
        problems["released_on"] = ["The release cannot be before the reception into custody"]
    licence = text(
        licence_conditions, "licence_conditions", "the licence conditions", problems, required=False
    )
    require_input(problems, "The custody period could not be updated")
    with transaction.atomic():
        period.released_on, period.licence_conditions, period.updated_at = released_on, licence, clock.now()
        period.save(update_fields=["released_on", "licence_conditions", "updated_at"])
        audit_record(
            AuditAction.ALTERATION, actor=actor, obj=period, detail={"released_on": str(released_on or "")}
        )
    return period
