"""Workload: an officer's own groups and individuals, and every officer's figures across a force.

Figures are counts of the plans and actions the viewer may see, computed by the engine from the
same rows the pages list, and weighted by each subject's threat band. Training standing comes from
the workforce app's records (one record of a person's training), for the viewer's own people only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from socmap.apps.assessment import selectors as assessment
from socmap.apps.core import clock
from socmap.apps.core.models import Organisation, OrganisationKind, Role, User
from socmap.apps.lifetime.models import Notification, Plan
from socmap.apps.lifetime.selectors.plans import open_action_counts, plans_visible, review_state
from socmap.apps.lifetime.services import catalogue
from socmap.apps.network import selectors as network
from socmap.apps.workforce import selectors as workforce
from socmap.engines import lifetime


@dataclass(frozen=True)
class PlanRow:
    plan: Plan
    role: str  # "LRO" or "Deputy" (for the viewer's own list), "" otherwise
    band: assessment.SubjectBand | None
    open_actions: int
    overdue_actions: int
    review: str  # "overdue", "due soon" or ""
    alerts: int


@dataclass(frozen=True)
class MyWorkload:
    rows: list[PlanRow]
    figures: lifetime.WorkloadRow
    training: workforce.TrainingState | None
    notifications: list[Notification]


def _bands(viewer: User, plans: list[Plan]) -> dict[tuple[str, int], assessment.SubjectBand]:
    return assessment.subject_bands(
        viewer=viewer,
        ocg_ids=[p.ocg_id for p in plans if p.ocg_id],
        individual_ids=[p.individual_id for p in plans if p.individual_id],
    )


def _held(
    plans: list[Plan],
    bands: dict[tuple[str, int], assessment.SubjectBand],
    counts: dict[int, tuple[int, int]],
) -> list[lifetime.HeldSubject]:
    today = clock.today()
    out = []
    for p in plans:
        band = bands.get((p.kind, p.ocg_id or p.individual_id or 0))
        open_, overdue = counts.get(p.pk, (0, 0))
        out.append(
            lifetime.HeldSubject(
                plan_id=p.pk,
                kind=p.kind,
                band=band.band if band else "",
                lro_id=p.lro_id,
                deputy_id=p.deputy_id,
                open_actions=open_,
                overdue_actions=overdue,
                review_overdue=p.next_review_on is not None and p.next_review_on < today,
            )
        )
    return out


def workload_mine(*, viewer: User) -> MyWorkload:
    """The viewer's groups and individuals (as LRO or deputy) with their outstanding work."""
    plans = list(
        plans_visible(viewer).filter(Q(lro=viewer) | Q(deputy=viewer)).order_by("next_review_on", "title")
    )
    bands = _bands(viewer, plans)
    counts = open_action_counts(viewer=viewer, plan_ids=[p.pk for p in plans])
    figures = lifetime.workload(catalogue(), _held(plans, bands, counts), officers=[viewer.pk])
    mine = next(r for r in figures if r.officer_id == viewer.pk)
    unread = list(
        Notification.objects.filter(recipient=viewer, read_at__isnull=True).select_related("plan")[:50]
    )
    per_plan: dict[int, int] = {}
    for n in unread:
        if n.plan_id:
            per_plan[n.plan_id] = per_plan.get(n.plan_id, 0) + 1
    rows = [
        PlanRow(
            p,
            "LRO" if p.lro_id == viewer.pk else "Deputy",
            bands.get((p.kind, p.ocg_id or p.individual_id or 0)),
            *counts.get(p.pk, (0, 0)),
            review_state(p),
            per_plan.get(p.pk, 0),
        )
        for p in plans
    ]
    training = workforce.training_states(viewer=viewer, person_ids=[viewer.pk]).get(viewer.pk)
    return MyWorkload(rows, mine, training if viewer.has_role(Role.LRO) else None, unread)


@dataclass(frozen=True)
class OfficerRow:
    officer: User
    figures: lifetime.WorkloadRow
    training: workforce.TrainingState | None  # None: not the viewer's organisation's to read


@dataclass(frozen=True)
class Unplanned:
    kind: str
    subject_id: int
    title: str


@dataclass(frozen=True)
class ForceWorkload:
    organisation: Organisation
    officers: list[OfficerRow]
    plans: list[PlanRow]
    without_lro: list[Plan]
    without_deputy: list[Plan]
    unplanned: list[Unplanned]
    totals: lifetime.WorkloadRow


def forces() -> list[Organisation]:
    return list(
        Organisation.objects.filter(kind__in=[OrganisationKind.FORCE, OrganisationKind.ROCU]).order_by("name")
    )


def workload_force(*, viewer: User, organisation: Organisation) -> ForceWorkload:
    """Every officer's figures for the plans of one organisation the viewer may see."""
    plans = list(plans_visible(viewer).filter(owner=organisation).order_by("title", "id"))
    bands = _bands(viewer, plans)
    counts = open_action_counts(viewer=viewer, plan_ids=[p.pk for p in plans])
    held = _held(plans, bands, counts)
    lros = list(
        User.objects.filter(organisation=organisation, is_active=True, role_grants__role=Role.LRO)
        .order_by("last_name", "first_name", "username")
        .distinct()
    )
    figures = {r.officer_id: r for r in lifetime.workload(catalogue(), held, officers=[u.pk for u in lros])}
    extra = sorted(set(figures) - {u.pk for u in lros})
    people = {
        u.pk: u
        for u in User.objects.filter(pk__in=[*extra, *[u.pk for u in lros]]).select_related("organisation")
    }
    own = viewer.organisation_id == organisation.pk
    states = workforce.training_states(viewer=viewer, person_ids=list(people)) if own else {}
    officers = [
        OfficerRow(people[pk], figures[pk], states.get(pk) if people[pk].has_role(Role.LRO) else None)
        for pk in [*(u.pk for u in lros), *extra]
    ]
    planned_groups = set(Plan.objects.exclude(ocg__isnull=True).values_list("ocg_id", flat=True))
    planned_people = set(
        Plan.objects.exclude(individual__isnull=True).values_list("individual_id", flat=True)
    )
    unplanned = [
        Unplanned("group", g.pk, str(g))
        for g in network.adopted_ocgs(viewer=viewer).filter(owner=organisation)
        if g.pk not in planned_groups
    ] + [
        Unplanned("individual", i.pk, str(i))
        for i in network.adopted_individuals(viewer=viewer).filter(owner=organisation)
        if i.pk not in planned_people
    ]
    rows = [
        PlanRow(
            p,
            "",
            bands.get((p.kind, p.ocg_id or p.individual_id or 0)),
            *counts.get(p.pk, (0, 0)),
            review_state(p),
            0,
        )
        for p in plans
    ]
    totals = lifetime.WorkloadRow(
        officer_id=0,
        groups=sum(1 for h in held if h.kind == "group"),
        individuals=sum(1 for h in held if h.kind == "individual"),
        open_actions=sum(h.open_actions for h in held),
        overdue_actions=sum(h.overdue_actions for h in held),
        overdue_reviews=sum(1 for h in held if h.review_overdue),
        weighted_subjects=sum(catalogue().weight_for(h.band) for h in held),
    )
    return ForceWorkload(
        organisation=organisation,
        officers=officers,
        plans=rows,
        without_lro=[p for p in plans if p.lro_id is None],
        without_deputy=[p for p in plans if p.deputy_id is None],
        unplanned=unplanned,
        totals=totals,
    )
