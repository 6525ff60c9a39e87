"""Plans: opening them for adopted subjects, their LRO and deputy, 4P actions, orders and powers
considered and not used, and reviews. Every write in a transaction with its audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from socmap.apps.assessment import selectors as assessment
from socmap.apps.core import clock
from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Compartment, Handling, Organisation, Role, User
from socmap.apps.core.visibility import organisation_sees
from socmap.apps.lifetime.models import (
    OPEN_STATUSES,
    ActionStatus,
    Assignment,
    AssignmentRole,
    Consideration,
    OrderRecord,
    OrderStatus,
    P,
    Plan,
    PlanAction,
    PlanReview,
    PowerUse,
)
from socmap.apps.lifetime.services.common import (
    catalogue,
    event,
    is_supervisor_of,
    may_manage,
    refuse,
    require_input,
    require_manager,
    see_or_hide,
    shared_with,
    text,
)
from socmap.apps.network import selectors as network
from socmap.apps.network import services as network_services
from socmap.apps.network.models import OCG, PriorityIndividual
from socmap.engines.lifetime import add_months, long_date
from socmap.errors import Conflict, InvalidInput
from socmap.model.ids import short_entity_id

PLAN_OPENERS = (Role.SUPERVISOR, Role.ANALYST)
DEPUTY_ROLES = (Role.LRO, Role.SUPERVISOR, Role.PARTNER)


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else "nobody"


def _first_review(actor: User | None, plan: Plan, on: date) -> date:
    band = ""
    if actor is not None:
        bands = assessment.subject_bands(
            viewer=actor,
            ocg_ids=[plan.ocg_id] if plan.ocg_id else [],
            individual_ids=[plan.individual_id] if plan.individual_id else [],
        )
        found = bands.get((plan.kind, plan.ocg_id or plan.individual_id or 0))
        band = found.band if found else ""
    return add_months(on, catalogue().review_months_for(band))


def plan_open(
    *, actor: User | None, ocg: OCG | None = None, individual: PriorityIndividual | None = None
) -> Plan:
    """Open the 4P plan of an adopted group or Priority Individual (once: an open plan is returned).

    The plan takes its subject's owner, handling code, conditions and compartment, so it is seen no
    more widely than the subject; a group's plan starts with the group's LRO. ``actor`` is None for
    the daily job that opens the plans of newly adopted subjects.
    """
    subject = ocg or individual
    if subject is None or (ocg is not None and individual is not None):
        raise InvalidInput("Open a plan for one group or one individual", fields={"subject": ["Choose one"]})
    existing = (
        Plan.objects.filter(ocg=ocg).first() if ocg else Plan.objects.filter(individual=individual).first()
    )
    if existing is not None:
        return existing
    if actor is not None:
        see_or_hide(actor, subject, "group" if ocg else "Priority Individual")
        lro_of_group = ocg is not None and ocg.lro_id == actor.pk
        if not lro_of_group and not (
            actor.has_role(*PLAN_OPENERS) and actor.organisation_id == subject.owner_id
        ):
            raise refuse(
                actor, "open this plan: its LRO, or a supervisor or analyst of its owner, opens it", subject
            )
    if subject.status != "adopted":
        raise Conflict(
            "Only an adopted group or individual has a plan; this one is "
            f"{subject.get_status_display().lower()}"
        )
    # A Priority Individual's plan is titled by reference only: the name is shown, at read time, only to
    # viewers who may see a record of the person.
    reference = short_entity_id(individual.entity_id) if individual is not None else ""
    title = str(ocg) if ocg is not None else f"Priority Individual {reference}"
    with transaction.atomic():
        now = clock.now()
        plan = Plan(
            owner_id=subject.owner_id,
            handling=subject.handling,
            conditions=subject.conditions,
            compartment_id=subject.compartment_id,
            ocg=ocg,
            individual=individual,
            title=title[:300],
            lro_id=ocg.lro_id if ocg is not None else None,
            opened_by=actor,
            opened_at=now,
        )
        plan.next_review_on = _first_review(actor, plan, clock.today())
        plan.first_review_on = plan.next_review_on
        plan.save()
        if plan.lro_id:
            Assignment.objects.create(
                plan=plan,
                role=AssignmentRole.LRO,
                officer_id=plan.lro_id,
                reason="LRO named when the group was adopted",
                actor=actor,
                at=now,
            )
        event(plan, actor, "opened", f"Plan opened; first review due {long_date(plan.next_review_on)}")
        audit_record(
            AuditAction.COLLECTION,
            actor=actor,
            obj=plan,
            username="" if actor else "system",
            detail={"subject": plan.kind, "lro": plan.lro_id},
        )
    return plan


def plans_open_missing(*, actor: User | None = None) -> list[Plan]:
    """Open the plans of every adopted group and individual that has none yet (the daily job)."""
    groups, people = network.adopted_subjects()
    have_groups = set(Plan.objects.exclude(ocg__isnull=True).values_list("ocg_id", flat=True))
    have_people = set(Plan.objects.exclude(individual__isnull=True).values_list("individual_id", flat=True))
    opened = [plan_open(actor=actor, ocg=g) for g in groups if g.pk not in have_groups]
    opened += [plan_open(actor=actor, individual=p) for p in people if p.pk not in have_people]
    return opened


def _officer_problem(user: User, plan: Plan, roles: tuple[str, ...], what: str) -> str:
    if not user.is_active:
        return f"{_name(user)} can no longer sign in"
    if not user.has_role(*roles):
        names = " or ".join(Role(r).label.lower() for r in roles)
        return f"{_name(user)} is not a {names}, so cannot be the {what}"
    if user.organisation_id is None or not organisation_sees(user.organisation_id, plan).visible:
        org = user.organisation.name if user.organisation else "no organisation"
        return (
            f"{_name(user)} belongs to {org}, which has no sharing agreement in force with "
            f"{plan.owner.name} covering this plan"
        )
    return ""


def plan_assign(*, actor: User, plan: Plan, lro: User | None, deputy: User | None, reason: str) -> Plan:
    """A supervisor of the owning organisation names the LRO and deputy, with a reason. The change is
    audited and goes on the plan's timeline and, for a group, on the group's own timeline too."""
    see_or_hide(actor, plan, "plan")
    if not is_supervisor_of(actor, plan.owner_id):
        raise refuse(
            actor, f"reassign the plan for {plan.title}: a supervisor of {plan.owner.name} does", plan
        )
    problems: dict[str, list[str]] = {}
    why = text(reason, "reason", "the reason for the change", problems)
    if lro is None:
        problems["lro"] = ["Choose the lead responsible officer"]
    elif problem := _officer_problem(lro, plan, (Role.LRO,), "LRO"):
        problems["lro"] = [problem]
    if deputy is not None:
        if lro is not None and deputy.pk == lro.pk:
            problems["deputy"] = ["The deputy must be someone other than the LRO"]
        elif problem := _officer_problem(deputy, plan, DEPUTY_ROLES, "deputy"):
            problems["deputy"] = [problem]
    require_input(problems, "The plan could not be reassigned")
    assert lro is not None
    if lro.pk == plan.lro_id and (deputy.pk if deputy else None) == plan.deputy_id:
        raise InvalidInput("Nothing changed", fields={"lro": ["Choose a different LRO or deputy"]})
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        now = clock.now()
        changes = []
        for role, new, old in (
            (AssignmentRole.LRO, lro, locked.lro),
            (AssignmentRole.DEPUTY, deputy, locked.deputy),
        ):
            if (new.pk if new else None) != (old.pk if old else None):
                Assignment.objects.create(
                    plan=locked, role=role, officer=new, previous=old, reason=why, actor=actor, at=now
                )
                changes.append(f"{AssignmentRole(role).label} {_name(old)} → {_name(new)}")
        locked.lro, locked.deputy = lro, deputy
        locked.save(update_fields=["lro", "deputy"])
        if locked.ocg is not None and locked.lro_id != locked.ocg.lro_id and locked.ocg.status == "adopted":
            network_services.ocg_lro_change(actor=actor, ocg=locked.ocg, lro=lro, reason=why)
        event(locked, actor, "reassigned", f"{'; '.join(changes)}: {why}")
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=locked,
            justification=why,
            detail={"lro": lro.pk, "deputy": deputy.pk if deputy else None, "changes": changes},
        )
    return locked


# ------------------------------------------------------------------------------------------- actions


@dataclass(frozen=True)
class ActionInput:
    p: str
    title: str
    due_on: date | None
    owner_person: User | None = None
    owner_organisation: Organisation | None = None
    description: str = ""
    handling: str = ""
    compartment: Compartment | None = None


def action_create(*, actor: User, plan: Plan, data: ActionInput) -> PlanAction:
    """Add a 4P action owned by a person or by a partner organisation that may see it."""
    require_manager(actor, plan, "add an action")
    problems: dict[str, list[str]] = {}
    if data.p not in P.values:
        problems["p"] = ["Choose Pursue, Prevent, Protect or Prepare"]
    title = text(data.title, "title", "what will be done", problems)
    description = text(data.description, "description", "a description", problems, required=False)
    if data.due_on is None:
        problems["due_on"] = ["Enter the date it is due"]
    handling = data.handling or plan.handling
    if handling not in Handling.values:
        problems["handling"] = ["Choose handling code P or C"]
    action = PlanAction(
        plan=plan,
        owner_id=plan.owner_id,
        handling=handling,
        compartment=data.compartment or plan.compartment,
        conditions=plan.conditions,
        p=data.p,
        title=title[:300],
        description=description,
        due_on=data.due_on or clock.today(),  # checked above: refused when missing
        owner_person=data.owner_person,
        owner_organisation=data.owner_organisation,
        created_by=actor,
    )
    if (data.owner_person is None) == (data.owner_organisation is None):
        problems["owner_person"] = ["Choose one owner: a person, or a partner organisation"]
    elif data.owner_organisation is not None and data.owner_organisation.pk != plan.owner_id:
        if problem := shared_with(data.owner_organisation, action, plan.owner):
            problems["owner_organisation"] = [problem]
    elif data.owner_person is not None:
        person = data.owner_person
        if not person.is_active or person.organisation is None:
            problems["owner_person"] = [f"{_name(person)} can no longer sign in"]
        elif problem := shared_with(person.organisation, action, plan.owner):
            problems["owner_person"] = [problem]
    require_input(problems, "The action could not be added")
    with transaction.atomic():
        action.created_at = action.updated_at = clock.now()
        action.save()
        owner = action.owner_organisation.name if action.owner_organisation else _name(action.owner_person)
        event(
            plan,
            actor,
            "action",
            f"{action.get_p_display()} action added: {title} (owner {owner}, due {long_date(action.due_on)})",
        )
        audit_record(AuditAction.COLLECTION, actor=actor, obj=action, detail={"plan": plan.pk, "p": action.p})
    return action


def _may_update_action(actor: User, action: PlanAction) -> bool:
    if may_manage(actor, action.plan):
        return True
    if action.owner_person_id == actor.pk:
        return True
    return action.owner_organisation_id is not None and action.owner_organisation_id == actor.organisation_id


def action_update(
    *, actor: User, action: PlanAction, status: str, outcome: str = "", evidence: str = ""
) -> PlanAction:
    """Progress an action: its status, outcome and evidence (the owner, the LRO or a supervisor)."""
    see_or_hide(actor, action, "action")
    if not _may_update_action(actor, action):
        raise refuse(
            actor, "update this action: its owner, the plan's LRO or deputy, or a supervisor may", action
        )
    problems: dict[str, list[str]] = {}
    if status not in ActionStatus.values:
        problems["status"] = [f"Choose a status: {', '.join(ActionStatus.labels)}"]
    outcome = text(outcome, "outcome", "the outcome", problems, required=status == ActionStatus.DONE)
    evidence = text(evidence, "evidence", "the evidence", problems, required=False)
    require_input(problems, "The action could not be updated")
    with transaction.atomic():
        before = action.get_status_display()
        action.status, action.outcome, action.evidence = status, outcome, evidence
        action.completed_on = clock.today() if status == ActionStatus.DONE else None
        action.updated_at = clock.now()
        action.save(update_fields=["status", "outcome", "evidence", "completed_on", "updated_at"])
        event(
            action.plan,
            actor,
            "action",
            f"Action '{action.title}': {before} → {action.get_status_display()}"
            + (f". Outcome: {outcome}" if outcome else ""),
        )
        audit_record(AuditAction.ALTERATION, actor=actor, obj=action, detail={"status": status})
    return action


# --------------------------------------------------------------------------- considerations, reviews


def used_items(plan: Plan) -> set[str]:
    """Catalogue keys used under the plan: orders beyond mere consideration, and powers asked for."""
    orders = set(
        OrderRecord.objects.filter(plan=plan)
        .exclude(status=OrderStatus.CONSIDERED)
        .values_list("kind", flat=True)
    )
    return orders | set(PowerUse.objects.filter(plan=plan).values_list("power", flat=True))


def outstanding_items(plan: Plan) -> list[str]:
    """Catalogue keys neither used nor recorded as considered and not used, in catalogue order."""
    done = used_items(plan) | set(Consideration.objects.filter(plan=plan).values_list("item", flat=True))
    return [k for k in catalogue().keys if k not in done]


def consideration_record(*, actor: User, plan: Plan, item: str, reason: str) -> Consideration:
    """Record that an order or power was considered for the plan and not used, and why."""
    require_manager(actor, plan, "record a consideration")
    problems: dict[str, list[str]] = {}
    cat = catalogue()
    if item not in cat.keys:
        problems["item"] = ["Choose an order or power from the catalogue"]
    why = text(reason, "reason", "why it is not used", problems)
    require_input(problems, "The consideration could not be recorded")
    if item in used_items(plan):
        raise Conflict(
            f"{cat.label(item)} is already used under this plan", fields={"item": ["Already used"]}
        )
    with transaction.atomic():
        found, _ = Consideration.objects.update_or_create(
            plan=plan, item=item, defaults={"reason": why, "decided_by": actor, "decided_at": clock.now()}
        )
        event(plan, actor, "considered", f"{cat.label(item)} considered, not used, because {why}")
        audit_record(
            AuditAction.ALTERATION, actor=actor, obj=plan, justification=why, detail={"considered": item}
        )
    return found


def plan_review(*, actor: User, plan: Plan, summary: str, reviewed_on: date | None = None) -> PlanReview:
    """Record a review as complete: only when every order and power in the catalogue has been
    considered for the plan. The next review falls due on the cycle the threat band sets."""
    require_manager(actor, plan, "review the plan")
    problems: dict[str, list[str]] = {}
    what = text(summary, "summary", "what the review found", problems)
    on = reviewed_on or clock.today()
    if on > clock.today():
        problems["reviewed_on"] = ["The review date cannot be in the future"]
    missing = outstanding_items(plan)
    if missing:
        cat = catalogue()
        problems["considerations"] = [
            "A plan cannot be reviewed as complete until every order and partner power has been considered "
            f"(used, or considered and not used, with the reason). Still to consider: "
            f"{', '.join(cat.label(k) for k in missing)}"
        ]
    require_input(problems, "The review could not be recorded")
    bands = assessment.subject_bands(
        viewer=actor,
        ocg_ids=[plan.ocg_id] if plan.ocg_id else [],
        individual_ids=[plan.individual_id] if plan.individual_id else [],
    )
    band = bands.get((plan.kind, plan.ocg_id or plan.individual_id or 0))
    months = catalogue().review_months_for(band.band if band else "")
    with transaction.atomic():
        review = PlanReview.objects.create(
            plan=plan,
            reviewed_on=on,
            reviewer=actor,
            summary=what,
            band=band.band_label if band else "",
            next_review_on=add_months(on, months),
            at=clock.now(),
        )
        plan.next_review_on = review.next_review_on
        plan.save(update_fields=["next_review_on"])
        event(
            plan,
            actor,
            "reviewed",
            f"Reviewed: {what} Next review due {long_date(review.next_review_on)} "
            f"({months} month{'s' if months != 1 else ''}, band {review.band or 'not scored'})",
        )
        audit_record(
            AuditAction.ALTERATION, actor=actor, obj=plan, justification=what, detail={"review": review.pk}
        )
    return review


def open_actions(plan: Plan) -> int:
    return PlanAction.objects.filter(plan=plan, status__in=OPEN_STATUSES).count()
