"""The daily alerts: order expiries, breaches, releases, reviews due and lapsed LRO training, each
told once to the plan's LRO and deputy, never to someone who may not see what it is about.

The engine says which alerts are due on the one clock's date and for whom; this records each as a
notification per officer (a unique key makes "once" a database fact) after checking, officer by
officer, that the visibility rule lets them see the plan and the order or custody record behind it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction

from socmap.apps.core import clock
from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, User
from socmap.apps.core.visibility import decide
from socmap.apps.lifetime.models import (
    CustodyPeriod,
    Notification,
    OrderEvent,
    OrderRecord,
    OrderStatus,
    Plan,
)
from socmap.apps.lifetime.services.common import catalogue, person_entities
from socmap.apps.resolution import selectors as resolution
from socmap.apps.workforce import selectors as workforce
from socmap.engines import lifetime

ALERT_JOB = "lifetime alerts"
IN_FORCE = (OrderStatus.GRANTED, OrderStatus.VARIED, OrderStatus.BREACHED)


@dataclass
class AlertRun:
    today: date
    due: int = 0
    told: int = 0
    already: int = 0
    withheld: int = 0  # an officer who may not see what the alert is about
    by_recipient: dict[int, list[Notification]] = field(default_factory=lambda: defaultdict(list))


def _releases(plans: list[Plan], today: date) -> tuple[list[lifetime.ReleaseDate], dict[int, CustodyPeriod]]:
    """Custody periods ending near today of people managed under a plan, matched by person (the
    records of one resolved person share a canonical id)."""
    days = catalogue().alert_days
    low, high = today - timedelta(days=days["stale_after"]), today + timedelta(days=days["release"])
    periods = list(
        CustodyPeriod.objects.filter(released_on__isnull=True, expected_release_on__range=(low, high))
    ) + list(CustodyPeriod.objects.filter(released_on__range=(low, high)))
    if not periods:
        return [], {}
    members = {plan.pk: person_entities(plan) for plan in plans}
    canon = resolution.canonical_map(
        viewer=None, entity_ids={e for ms in members.values() for e in ms} | {p.entity_id for p in periods}
    )
    managed: dict[str, set[int]] = defaultdict(set)
    for plan_id, ids in members.items():
        for entity_id in ids:
            managed[canon.get(entity_id, entity_id)].add(plan_id)
    out, by_id = [], {}
    told: set[tuple[str, date]] = set()
    for period in sorted(periods, key=lambda p: p.pk):
        person = canon.get(period.entity_id, period.entity_id)
        plan_ids = managed.get(person)
        day = period.released_on or period.expected_release_on
        # Every prison report restates its prisoner's custody: one alert per person and release.
        if plan_ids and day is not None and (person, day) not in told:
            told.add((person, day))
            label = period.person_label or "A person managed under the plan"
            out.append(lifetime.ReleaseDate(period.pk, tuple(sorted(plan_ids)), label, day))
            by_id[period.pk] = period
    return out, by_id


def _facts(today: date) -> tuple[list[lifetime.Alert], dict[str, Any]]:
    plans = list(Plan.objects.select_related("individual", "owner"))
    subjects = [lifetime.SubjectFacts(p.pk, p.title, p.lro_id, p.deputy_id, p.next_review_on) for p in plans]
    cat = catalogue()
    orders = {o.pk: o for o in OrderRecord.objects.filter(status__in=IN_FORCE)}
    breaches: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for event_id, order_id, on in OrderEvent.objects.filter(
        status=OrderStatus.BREACHED, order_id__in=list(orders)
    ).values_list("pk", "order_id", "on"):
        breaches[order_id].append((event_id, on))
    order_dates = [
        lifetime.OrderDates(
            o.pk,
            o.plan_id,
            f"{cat.orders[o.kind].short if o.kind in cat.orders else o.kind} against "
            f"{o.person_label or 'a managed person'}",
            o.ends_on,
            tuple(breaches.get(o.pk, ())),
        )
        for o in orders.values()
    ]
    releases, periods = _releases(plans, today)
    officers = {p.lro_id for p in plans if p.lro_id}
    states = workforce.training_states_system(person_ids=officers, on=today)
    names = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=officers)}
    training = [
        lifetime.TrainingDate(pid, names.get(pid, ""), s.expires_on)
        for pid, s in states.items()
        if s.expires_on is not None and s.state in ("lapsed", "expiring")
    ]
    due = lifetime.alerts_due(
        cat, today=today, subjects=subjects, orders=order_dates, releases=releases, training=training
    )
    return due, {"plans": {p.pk: p for p in plans}, "orders": orders, "periods": periods}


def _about(alert: lifetime.Alert, known: dict[str, Any]) -> list[Any]:
    """The governed objects an alert tells of: its plan, and its order or custody record."""
    objects: list[Any] = []
    if alert.plan_id is not None:
        objects.append(known["plans"][alert.plan_id])
    kind, _, rest = alert.key.partition(":")
    if kind in ("order_expiry", "breach"):
        objects.append(known["orders"][int(rest.split(":")[0])])
    if kind == "release":
        objects.append(known["periods"][int(rest.split(":")[0])])
    return objects


def alerts_run(*, today: date | None = None) -> AlertRun:
    """Tell every alert due on ``today`` (the one clock's date) to each officer once."""
    today = today or clock.today()
    due, known = _facts(today)
    run = AlertRun(today=today, due=len(due))
    recipients = {
        u.pk: u for u in User.objects.filter(pk__in={r for a in due for r in a.recipients}, is_active=True)
    }
    now = clock.now()
    for alert in due:
        about = _about(alert, known)
        for officer_id in alert.recipients:
            user = recipients.get(officer_id)
            if user is None or not all(decide(user, obj).visible for obj in about):
                run.withheld += 1
                continue
            try:
                with transaction.atomic():
                    note = Notification.objects.create(
                        recipient=user,
                        key=alert.key,
                        kind=alert.kind,
                        plan_id=alert.plan_id,
                        title=alert.title[:400],
                        due_on=alert.due_on,
                        created_at=now,
                    )
            except IntegrityError:  # told before: once is once
                run.already += 1
                continue
            run.told += 1
            run.by_recipient[officer_id].append(note)
    audit_record(
        AuditAction.DISCLOSURE,
        object_type="job",
        object_id=ALERT_JOB,
        object_repr=f"Alerts for {today.isoformat()}: {run.told} told",
        username="system",
        detail={
            "today": today.isoformat(),
            "due": run.due,
            "told": run.told,
            "already": run.already,
            "withheld": run.withheld,
        },
    )
    return run


def notification_read(*, actor: User, notification_id: int) -> Notification:
    """Mark one of the actor's own notifications read."""
    from socmap.errors import NotVisible

    note = Notification.objects.filter(pk=notification_id, recipient=actor).first()
    if note is None:
        raise NotVisible("No such notification")
    if note.read_at is None:
        note.read_at = clock.now()
        note.save(update_fields=["read_at"])
    return note
