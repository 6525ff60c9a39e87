"""Workload figures equal the underlying records; the force view lists every LRO, training standing
from the one training record, and subjects still without a plan or an officer."""

from __future__ import annotations

from datetime import date

from socmap.apps.lifetime import selectors, services
from socmap.apps.lifetime.models import Plan, PlanAction
from socmap.apps.network import services as network
from socmap.apps.network.models import OCGMember
from socmap.apps.workforce import services as workforce
from tests import factories
from tests.apps.lifetime.conftest import World


def _second_group(world: World) -> Plan:
    group = factories.ocg(world.glos, name="Eastgate cash runners", compartment=world.endeavour)
    OCGMember.objects.create(ocg=group, entity_id=world.people[2], role="member", joined_on=date(2024, 1, 1))
    network.ocg_assess(actor=world.analyst, ocg=group, assessment="Cash runners for the Brook Street crew")
    network.ocg_adopt(actor=world.analyst, ocg=group, lead_force=world.glos, lro=world.lro2)
    group.refresh_from_db()
    return services.plan_open(actor=world.lro2, ocg=group)


def _actions(world: World, plan: Plan, dues: list[date]) -> None:
    for due in dues:
        services.action_create(
            actor=world.supervisor,
            plan=plan,
            data=services.ActionInput(
                p="pursue", title=f"Action due {due}", due_on=due, owner_person=world.lro
            ),
        )


def test_an_lros_figures_equal_the_records(world: World) -> None:
    second = _second_group(world)
    services.plan_assign(
        actor=world.supervisor, plan=second, lro=world.lro2, deputy=world.lro, reason="Cover"
    )
    _actions(world, world.plan, [date(2025, 5, 1), date(2025, 7, 1), date(2025, 8, 1)])
    _actions(world, second, [date(2025, 5, 15)])
    done = PlanAction.objects.filter(plan=world.plan).order_by("due_on").last()
    assert done is not None
    services.action_update(actor=world.lro, action=done, status="done", outcome="Done")
    Plan.objects.filter(pk=second.pk).update(next_review_on=date(2025, 6, 1))  # overdue

    mine = selectors.workload_mine(viewer=world.lro)
    assert {r.plan.pk: r.role for r in mine.rows} == {world.plan.pk: "LRO", second.pk: "Deputy"}
    lro_plans = Plan.objects.filter(lro=world.lro)
    open_actions = PlanAction.objects.filter(plan__in=lro_plans, status__in=["open", "in_progress"])
    assert mine.figures.groups == lro_plans.count() == 1
    assert mine.figures.deputy_for == Plan.objects.filter(deputy=world.lro).count() == 1
    assert mine.figures.open_actions == open_actions.count() == 2
    assert mine.figures.overdue_actions == open_actions.filter(due_on__lt=date(2025, 6, 2)).count() == 1
    assert mine.figures.overdue_reviews == lro_plans.filter(next_review_on__lt=date(2025, 6, 2)).count() == 0

    force = selectors.workload_force(viewer=world.supervisor, organisation=world.glos)
    rows = {o.officer.username: o.figures for o in force.officers}
    assert set(rows) == {"lro", "lro2", "deputy"}
    assert (rows["lro2"].groups, rows["lro2"].open_actions, rows["lro2"].overdue_reviews) == (1, 1, 1)
    assert rows["deputy"].held == 0
    assert force.totals.groups == Plan.objects.filter(owner=world.glos).count() == 2
    assert (
        force.totals.open_actions
        == PlanAction.objects.filter(status__in=["open", "in_progress"]).count()
        == 3
    )
    assert [p.pk for p in force.without_deputy] == [world.plan.pk]


def test_training_standing_comes_from_the_one_training_record(world: World) -> None:
    workforce.training_record(
        actor=world.supervisor,
        person=world.lro,
        course="lro",
        passed_on=date(2022, 1, 1),
        expires_on=date(2025, 1, 1),
    )
    workforce.training_record(
        actor=world.supervisor,
        person=world.lro2,
        course="lro",
        passed_on=date(2024, 1, 1),
        expires_on=date(2027, 1, 1),
    )
    force = selectors.workload_force(viewer=world.supervisor, organisation=world.glos)
    states = {o.officer.username: o.training.state for o in force.officers if o.training}
    assert states == {"lro": "lapsed", "lro2": "current", "deputy": "none"}
    assert selectors.workload_mine(viewer=world.lro).training.state == "lapsed"  # type: ignore[union-attr]
    # Another force's supervisor sees the figures it may, never another force's training records.
    rocu_view = selectors.workload_force(viewer=world.rocu_user, organisation=world.glos)
    assert all(o.training is None for o in rocu_view.officers)


def test_adopted_subjects_without_a_plan_are_listed_for_the_force(world: World) -> None:
    group = factories.ocg(world.glos, name="Unplanned group")
    network.ocg_assess(actor=world.analyst, ocg=group, assessment="Adopted today")
    network.ocg_adopt(actor=world.analyst, ocg=group, lead_force=world.glos, lro=world.lro2)
    force = selectors.workload_force(viewer=world.supervisor, organisation=world.glos)
    assert [u.subject_id for u in force.unplanned] == [group.pk]
    opened = services.plans_open_missing()
    assert [p.ocg_id for p in opened] == [group.pk] and opened[0].lro_id == world.lro2.pk
    assert not selectors.workload_force(viewer=world.supervisor, organisation=world.glos).unplanned


def test_a_partner_sees_no_plan_it_is_not_given(world: World) -> None:
    other = factories.ocg(world.glos, name="Police only group")
    network.ocg_assess(actor=world.analyst, ocg=other, assessment="x")
    network.ocg_adopt(actor=world.analyst, ocg=other, lead_force=world.glos, lro=world.lro2)
    hidden = services.plan_open(actor=world.lro2, ocg=other)
    seen = [
        p.pk for p in selectors.plan_list(viewer=world.council_user, filters=selectors.PlanFilter()).items
    ]
    assert world.plan.pk in seen and hidden.pk not in seen
