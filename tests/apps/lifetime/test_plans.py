"""Plans: opening, the LRO and deputy (reassignment audited on both timelines), 4P actions owned by
a person or a partner under an agreement, considerations and reviews."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from socmap.apps.core.models import AuditEvent
from socmap.apps.lifetime import services
from socmap.apps.lifetime.models import Assignment, PlanAction, PlanEvent
from socmap.apps.network.models import OCGEvent
from socmap.errors import Conflict, InvalidInput, NotAllowed, NotVisible
from tests import factories
from tests.apps.lifetime.conftest import World


def test_a_plan_opens_once_with_the_groups_owner_place_and_lro(world: World) -> None:
    plan = world.plan
    assert (plan.owner_id, plan.compartment_id, plan.handling) == (world.glos.pk, world.endeavour.pk, "P")
    assert plan.lro_id == world.lro.pk and plan.deputy_id is None
    assert plan.next_review_on == date(2025, 9, 2)  # an unscored subject: the default cycle, 3 months
    assert services.plan_open(actor=world.lro, ocg=world.group).pk == plan.pk
    assert (
        AuditEvent.objects.filter(
            object_type="lifetime.plan", object_id=str(plan.pk), action="collection"
        ).count()
        == 1
    )


def test_only_an_adopted_group_has_a_plan(world: World) -> None:
    proposed = factories.ocg(world.glos, name="Not yet adopted")
    with pytest.raises(Conflict, match="proposed"):
        services.plan_open(actor=world.analyst, ocg=proposed)


def test_a_supervisor_reassigns_with_a_reason_audited_on_both_timelines(world: World) -> None:
    plan = services.plan_assign(
        actor=world.supervisor,
        plan=world.plan,
        lro=world.lro2,
        deputy=world.deputy,
        reason="Sarah moves to CID",
    )
    assert (plan.lro_id, plan.deputy_id) == (world.lro2.pk, world.deputy.pk)
    world.group.refresh_from_db()
    assert world.group.lro_id == world.lro2.pk  # the network's record of the group's LRO is kept in step
    changes = list(
        Assignment.objects.filter(plan=plan, reason="Sarah moves to CID").values_list(
            "role", "officer", "previous"
        )
    )
    assert sorted(changes) == [("deputy", world.deputy.pk, None), ("lro", world.lro2.pk, world.lro.pk)]
    assert PlanEvent.objects.filter(
        plan=plan, kind="reassigned", text__contains="Sarah moves to CID"
    ).exists()
    assert (
        OCGEvent.objects.filter(ocg=world.group, note__contains="LRO changed to")
        .filter(note__contains="Sarah moves to CID")
        .exists()
    )
    audited = AuditEvent.objects.filter(
        object_type="lifetime.plan", object_id=str(plan.pk), action="alteration"
    ).first()
    assert (
        audited is not None
        and audited.justification == "Sarah moves to CID"
        and audited.actor_username == "supervisor"
    )


def test_reassignment_needs_a_reason_a_supervisor_and_a_real_officer(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.plan_assign(
            actor=world.supervisor, plan=world.plan, lro=world.lro2, deputy=world.lro2, reason=" "
        )
    assert set(caught.value.fields) == {"reason", "deputy"}
    with pytest.raises(InvalidInput) as caught:
        services.plan_assign(
            actor=world.supervisor, plan=world.plan, lro=world.analyst, deputy=None, reason="cover"
        )
    assert "is not a lead responsible officer" in caught.value.fields["lro"][0]
    with pytest.raises(NotAllowed):
        services.plan_assign(actor=world.lro, plan=world.plan, lro=world.lro2, deputy=None, reason="swap")
    assert AuditEvent.objects.filter(action="permission_denied", actor_username="lro").exists()


def test_a_deputy_of_another_organisation_needs_an_agreement_covering_the_plan(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.plan_assign(
            actor=world.supervisor, plan=world.plan, lro=world.lro, deputy=world.avon_lro, reason="cover"
        )
    assert "no sharing agreement in force" in caught.value.fields["deputy"][0]
    factories.agreement(world.glos, world.avon, compartments=(world.endeavour,))
    plan = services.plan_assign(
        actor=world.supervisor, plan=world.plan, lro=world.lro, deputy=world.avon_lro, reason="cover"
    )
    assert plan.deputy_id == world.avon_lro.pk


def _action(world: World, **kw: object) -> services.ActionInput:
    values: dict[str, object] = {
        "p": "prevent",
        "title": "Youth diversion referrals",
        "due_on": date(2025, 7, 1),
    }
    values.update(kw)
    return services.ActionInput(**values)  # type: ignore[arg-type]


def test_a_prevent_action_owned_by_the_council_under_an_agreement(world: World) -> None:
    action = services.action_create(
        actor=world.lro, plan=world.plan, data=_action(world, owner_organisation=world.council)
    )
    assert (action.p, action.owner_organisation_id, action.compartment_id) == (
        "prevent",
        world.council.pk,
        world.endeavour.pk,
    )
    # The council may now progress its own action.
    done = services.action_update(
        actor=world.council_user, action=action, status="done", outcome="Six referrals made"
    )
    assert done.completed_on == date(2025, 6, 2)


def test_an_action_owned_by_an_organisation_with_no_agreement_in_force_is_refused_naming_the_field(
    world: World,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.action_create(
            actor=world.lro, plan=world.plan, data=_action(world, owner_organisation=world.housing)
        )
    assert list(caught.value.fields) == ["owner_organisation"]
    assert (
        "Cheltenham Borough Homes has no sharing agreement in force"
        in caught.value.fields["owner_organisation"][0]
    )
    assert not PlanAction.objects.exists()


def test_an_expired_agreement_is_no_agreement(world: World) -> None:
    fire = factories.organisation("partner", "fire", name="Fire service")
    factories.agreement(
        world.glos,
        fire,
        compartments=(world.endeavour,),
        valid_from=date(2024, 1, 1),
        valid_to=date(2025, 1, 1),
    )
    with pytest.raises(InvalidInput, match="action could not be added"):
        services.action_create(actor=world.lro, plan=world.plan, data=_action(world, owner_organisation=fire))


def test_an_action_needs_one_owner_a_p_and_a_due_date(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.action_create(actor=world.lro, plan=world.plan, data=_action(world, p="pounce", due_on=None))
    assert set(caught.value.fields) == {"p", "due_on", "owner_person"}


def test_someone_who_cannot_see_the_plan_cannot_add_to_it(world: World) -> None:
    with pytest.raises(NotVisible):
        services.action_create(
            actor=world.avon_lro, plan=world.plan, data=_action(world, owner_person=world.avon_lro)
        )
    with pytest.raises(NotAllowed):
        services.action_create(
            actor=world.lro2, plan=world.plan, data=_action(world, owner_person=world.lro2)
        )


def test_a_review_is_refused_until_every_order_and_power_is_considered(world: World) -> None:
    catalogue = services.catalogue()
    with pytest.raises(InvalidInput) as caught:
        services.plan_review(actor=world.lro, plan=world.plan, summary="Going well")
    message = caught.value.fields["considerations"][0]
    assert "Serious Crime Prevention Order" in message and "Tenancy enforcement" in message
    services.power_record(
        actor=world.lro,
        plan=world.plan,
        power="licensing_review",
        partner=world.council,
        requested_on=date(2025, 5, 1),
    )
    for key in catalogue.keys:
        if key != "licensing_review":
            services.consideration_record(actor=world.lro, plan=world.plan, item=key, reason="No grounds yet")
    review = services.plan_review(actor=world.lro, plan=world.plan, summary="All considered; continue")
    assert review.next_review_on == date(2025, 9, 2) and review.band == ""
    world.plan.refresh_from_db()
    assert world.plan.next_review_on == date(2025, 9, 2)


def test_a_used_item_cannot_also_be_recorded_as_not_used(world: World) -> None:
    services.power_record(
        actor=world.lro,
        plan=world.plan,
        power="licensing_review",
        partner=world.council,
        requested_on=date(2025, 5, 1),
    )
    with pytest.raises(Conflict):
        services.consideration_record(actor=world.lro, plan=world.plan, item="licensing_review", reason="no")


def test_a_power_asked_of_the_wrong_kind_of_partner_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as caught:
        services.power_record(
            actor=world.lro,
            plan=world.plan,
            power="tenancy_enforcement",
            partner=world.council,
            requested_on=date(2025, 5, 1),
        )
    assert "Tenancy enforcement is a power of Housing" in caught.value.fields["partner"][0]


def test_a_review_of_a_high_threat_group_falls_due_sooner(world: World) -> None:
    from socmap.apps.assessment import services as assessment
    from socmap.engines.assess import load_scoring_model

    model = load_scoring_model()
    threat = assessment.threat_create(actor=world.analyst, kind="ocg", ocg=world.group)
    draft = assessment.assessment_start(actor=world.analyst, threat=threat)
    values = {k: d.highest for k, d in model.dimensions.items()}
    done = assessment.assessment_submit(
        actor=world.analyst,
        assessment=draft,
        data=assessment.AssessmentInput(values, dict.fromkeys(values, "x"), "high"),
    )
    assessment.assessment_approve(actor=world.supervisor, assessment=done)
    for key in services.catalogue().keys:
        services.consideration_record(actor=world.lro, plan=world.plan, item=key, reason="Not yet")
    review = services.plan_review(actor=world.lro, plan=world.plan, summary="High threat")
    assert review.band == "High" and review.next_review_on == date(2025, 6, 2) + timedelta(days=30)
