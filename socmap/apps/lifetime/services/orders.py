"""Orders and partner powers under a plan. Every rule of an order's kind is checked whenever it is
recorded or changes (engines.lifetime.check_order); an order outside its rule is refused, naming the
rule and the Act, on the field at fault."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from socmap.apps.core import clock
from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Compartment, Document, Handling, Organisation, User
from socmap.apps.lifetime.models import (
    CustodyPeriod,
    OrderEvent,
    OrderRecord,
    OrderStatus,
    Plan,
    PowerStatus,
    PowerUse,
)
from socmap.apps.lifetime.services.common import (
    catalogue,
    event,
    managed_person,
    may_manage,
    refuse,
    require_input,
    require_manager,
    see_or_hide,
    shared_with,
    text,
)
from socmap.apps.resolution import selectors as resolution
from socmap.engines import lifetime
from socmap.engines.lifetime import long_date

# Which steps may follow which: an order is considered, applied for, then granted or refused; a
# granted order may be varied, breached (and stay in force) or expire. An order made by the court
# on conviction is granted without an application of its own.
NEXT = {
    OrderStatus.CONSIDERED: {OrderStatus.APPLIED, OrderStatus.GRANTED},
    OrderStatus.APPLIED: {OrderStatus.GRANTED, OrderStatus.REFUSED},
    OrderStatus.GRANTED: {OrderStatus.VARIED, OrderStatus.BREACHED, OrderStatus.EXPIRED},
    OrderStatus.VARIED: {OrderStatus.VARIED, OrderStatus.BREACHED, OrderStatus.EXPIRED},
    OrderStatus.BREACHED: {OrderStatus.VARIED, OrderStatus.BREACHED, OrderStatus.EXPIRED},
    OrderStatus.REFUSED: set(),
    OrderStatus.EXPIRED: set(),
}


@dataclass(frozen=True)
class OrderInput:
    kind: str
    entity_id: str
    status: str
    applicant: str = ""
    court: str = ""
    applied_on: date | None = None
    decided_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    amount: Decimal | None = None
    under_18: bool = False
    conditions_text: str = ""
    note: str = ""
    documents: tuple[Document, ...] = field(default_factory=tuple)
    handling: str = ""
    compartment: Compartment | None = None


def release_of(entity_ids: list[str]) -> date | None:
    """The person's latest release from custody (actual, else expected) known to socmap, for the
    orders that run from release (a system read: the date is used for a rule, never shown)."""
    canon = resolution.canonical_map(viewer=None, entity_ids=entity_ids)
    keys = {canon.get(e, e) for e in entity_ids}
    found: date | None = None
    for entity_id, released, expected in CustodyPeriod.objects.filter(entity_id__in=entity_ids).values_list(
        "entity_id", "released_on", "expected_release_on"
    ):
        if canon.get(entity_id, entity_id) in keys:
            day = released or expected
            if day is not None and (found is None or day > found):
                found = day
    return found


def _facts(data: OrderInput, release_on: date | None) -> lifetime.OrderFacts:
    return lifetime.OrderFacts(
        kind=data.kind,
        status=data.status,
        applicant=data.applicant.strip(),
        court=data.court.strip(),
        applied_on=data.applied_on,
        decided_on=data.decided_on,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        amount=data.amount,
        under_18=data.under_18,
        release_on=release_on,
    )


def _check(data: OrderInput, release_on: date | None, problems: dict[str, list[str]]) -> None:
    cat = catalogue()
    violations = lifetime.check_order(cat, _facts(data, release_on))
    for v in violations:
        problems.setdefault(v.field, []).append(v.message)
    if data.amount is not None and data.amount < 0:
        problems.setdefault("amount", []).append("An amount cannot be negative")


def order_record(*, actor: User, plan: Plan, data: OrderInput) -> OrderRecord:
    """Record an order against a person managed under the plan, checked against its rules."""
    require_manager(actor, plan, "record an order")
    problems: dict[str, list[str]] = {}
    caption = managed_person(actor, plan, data.entity_id, problems)
    conditions = text(
        data.conditions_text, "conditions_text", "the order's conditions", problems, required=False
    )
    note = text(data.note, "note", "a note", problems, required=False)
    handling = data.handling or plan.handling
    if handling not in Handling.values:
        problems["handling"] = ["Choose handling code P or C"]
    release_on = release_of([data.entity_id]) if data.entity_id else None
    _check(data, release_on, problems)
    require_input(problems, "The order could not be recorded")
    cat = catalogue()
    with transaction.atomic():
        now = clock.now()
        order = OrderRecord.objects.create(
            plan=plan,
            owner_id=plan.owner_id,
            handling=handling,
            conditions=plan.conditions,
            compartment=data.compartment or plan.compartment,
            kind=data.kind,
            entity_id=data.entity_id,
            person_label=caption[:300],
            status=data.status,
            applicant=data.applicant.strip(),
            court=data.court.strip(),
            applied_on=data.applied_on,
            decided_on=data.decided_on,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            amount=data.amount,
            under_18=data.under_18,
            conditions_text=conditions,
            note=note,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        order.documents.set(data.documents)
        on = data.decided_on or data.applied_on or clock.today()
        OrderEvent.objects.create(order=order, status=data.status, on=on, note=note, actor=actor, at=now)
        rule = cat.orders[data.kind]
        event(
            plan,
            actor,
            "order",
            f"{rule.title} against {caption}: {order.get_status_display().lower()} ({long_date(on)})",
        )
        audit_record(
            AuditAction.COLLECTION, actor=actor, obj=order, detail={"plan": plan.pk, "status": data.status}
        )
    return order


@dataclass(frozen=True)
class OrderStep:
    status: str
    on: date | None
    note: str = ""
    applicant: str | None = None
    court: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    amount: Decimal | None = None
    conditions_text: str | None = None


def order_step(*, actor: User, order: OrderRecord, step: OrderStep) -> OrderRecord:
    """Move an order on (applied, granted, refused, varied, breached, expired), re-checking its rules
    with what changed; every step keeps its date and note on the order's history."""
    see_or_hide(actor, order, "order")
    if not may_manage(actor, order.plan):
        raise refuse(actor, "change this order: the plan's LRO, deputy or a supervisor may", order)
    problems: dict[str, list[str]] = {}
    current = OrderStatus(order.status)
    if step.status not in OrderStatus.values:
        problems["status"] = ["Choose what happened"]
    elif step.status not in NEXT[current]:
        allowed = ", ".join(OrderStatus(s).label.lower() for s in sorted(NEXT[current])) or "nothing further"
        problems["status"] = [f"An order that is {current.label.lower()} can next be: {allowed}"]
    if step.on is None:
        problems["on"] = ["Enter the date it happened"]
    elif step.on > clock.today():
        problems["on"] = ["The date cannot be in the future"]
    note = text(step.note, "note", "what happened", problems, required=step.status in ("breached", "varied"))
    require_input(problems, "The order could not be changed")
    assert step.on is not None
    data = OrderInput(
        kind=order.kind,
        entity_id=order.entity_id,
        status=step.status,
        applicant=step.applicant if step.applicant is not None else order.applicant,
        court=step.court if step.court is not None else order.court,
        applied_on=step.on if step.status == OrderStatus.APPLIED else order.applied_on,
        decided_on=step.on if step.status in (OrderStatus.GRANTED, OrderStatus.REFUSED) else order.decided_on,
        starts_on=step.starts_on
        or order.starts_on
        or (step.on if step.status == OrderStatus.GRANTED else None),
        ends_on=step.ends_on if step.ends_on is not None else order.ends_on,
        amount=step.amount if step.amount is not None else order.amount,
        under_18=order.under_18,
    )
    _check(data, release_of([order.entity_id]), problems)
    require_input(problems, "The order could not be changed")
    with transaction.atomic():
        changes = []
        for name in ("applicant", "court", "applied_on", "decided_on", "starts_on", "ends_on", "amount"):
            before, after = getattr(order, name), getattr(data, name)
            if before != after:
                changes.append({"field": name, "before": str(before or ""), "after": str(after or "")})
                setattr(order, name, after)
        if step.conditions_text is not None and step.conditions_text.strip() != order.conditions_text:
            changes.append(
                {"field": "conditions_text", "before": order.conditions_text, "after": step.conditions_text}
            )
            order.conditions_text = step.conditions_text.strip()
        order.status = step.status
        order.updated_at = clock.now()
        order.save()
        OrderEvent.objects.create(
            order=order,
            status=step.status,
            on=step.on,
            note=note,
            changes=changes,
            actor=actor,
            at=clock.now(),
        )
        rule = catalogue().orders[order.kind]
        event(
            order.plan,
            actor,
            "order",
            f"{rule.title} against {order.person_label}: "
            f"{order.get_status_display().lower()} on {long_date(step.on)}" + (f". {note}" if note else ""),
        )
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=order,
            justification=note,
            detail={"status": step.status, "changes": changes},
        )
    return order


# -------------------------------------------------------------------------------------------- powers


def power_record(
    *,
    actor: User,
    plan: Plan,
    power: str,
    partner: Organisation | None,
    requested_on: date | None,
    entity_id: str = "",
    outcome: str = "",
) -> PowerUse:
    """Ask a partner to use one of its powers under the plan. The partner must be of the type that
    holds the power, and must be able to see what it is asked to act on (an agreement in force)."""
    require_manager(actor, plan, "ask a partner to use a power")
    problems: dict[str, list[str]] = {}
    cat = catalogue()
    rule = cat.powers.get(power)
    if rule is None:
        problems["power"] = ["Choose a partner power from the catalogue"]
    if partner is None:
        problems["partner"] = ["Choose the partner organisation"]
    elif rule is not None and partner.partner_type != rule.owner_type:
        kind = (
            partner.get_partner_type_display().lower()
            if partner.partner_type
            else partner.get_kind_display().lower()
        )
        problems["partner"] = [f"{rule.name} is a power of {rule.owner_label}; {partner.name} is {kind}"]
    if requested_on is None:
        problems["requested_on"] = ["Enter the date it was asked for"]
    caption = managed_person(actor, plan, entity_id, problems) if entity_id else ""
    outcome = text(outcome, "outcome", "the outcome", problems, required=False)
    use = PowerUse(
        plan=plan,
        owner_id=plan.owner_id,
        handling=plan.handling,
        conditions=plan.conditions,
        compartment=plan.compartment,
        power=power,
        partner=partner,
        entity_id=entity_id,
        person_label=caption[:300],
        requested_on=requested_on or clock.today(),  # checked above: refused when missing
        outcome=outcome,
        created_by=actor,
    )
    if (
        partner is not None
        and not problems.get("partner")
        and (problem := shared_with(partner, use, plan.owner))
    ):
        problems["partner"] = [problem]
    require_input(problems, "The partner power could not be recorded")
    assert rule is not None and partner is not None
    with transaction.atomic():
        use.created_at = clock.now()
        use.save()
        event(
            plan,
            actor,
            "power",
            f"{rule.name} asked of {partner.name}" + (f" for {caption}" if caption else ""),
        )
        audit_record(AuditAction.COLLECTION, actor=actor, obj=use, detail={"plan": plan.pk, "power": power})
    return use


def power_update(*, actor: User, use: PowerUse, status: str, outcome: str) -> PowerUse:
    """The partner (or the plan's officers) records how the power was used."""
    see_or_hide(actor, use, "partner power")
    if not (may_manage(actor, use.plan) or actor.organisation_id == use.partner_id):
        raise refuse(actor, "update this partner power: the partner or the plan's officers may", use)
    problems: dict[str, list[str]] = {}
    if status not in PowerStatus.values:
        problems["status"] = [f"Choose a status: {', '.join(PowerStatus.labels)}"]
    outcome = text(
        outcome,
        "outcome",
        "the outcome",
        problems,
        required=status in (PowerStatus.USED, PowerStatus.DECLINED),
    )
    require_input(problems, "The partner power could not be updated")
    with transaction.atomic():
        use.status, use.outcome = status, outcome
        use.save(update_fields=["status", "outcome"])
        name = catalogue().label(use.power)
        event(
            use.plan,
            actor,
            "power",
            f"{name} ({use.partner.name}): {use.get_status_display().lower()}. {outcome}",
        )
        audit_record(AuditAction.ALTERATION, actor=actor, obj=use, detail={"status": status})
    return use
