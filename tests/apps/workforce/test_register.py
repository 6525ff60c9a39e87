"""The workforce register: figures equal the register, names only for the organisation's own managers,
alerts told once, bad input refused by field, and tasking's capacity taken from the register."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from socmap.apps.core.clock import clock_at
from socmap.apps.core.models import AuditAction, AuditEvent
from socmap.apps.workforce import alerts, capability, selectors, services
from socmap.apps.workforce.models import Alert, Member, TrainingRecord
from socmap.errors import InvalidInput, NotAllowed
from tests import factories

TODAY = date(2026, 3, 1)


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    glos = factories.organisation("force", name="Gloucestershire Constabulary")
    avon = factories.organisation("force", name="Avon and Somerset Constabulary")
    council = factories.organisation("partner", name="Cheltenham Borough Council")
    factories.agreement(glos, avon)
    factories.agreement(glos, council)
    manager = factories.user(glos, "supervisor", username="glos.manager")
    people: list[Member] = []
    for i, (role, pip, qualified, left) in enumerate(
        [
            ("investigator", "2", date(2024, 1, 1), None),
            ("investigator", "2", date(2025, 6, 1), None),
            ("investigator", "3", date(2020, 1, 1), None),
            ("investigator", "1", None, None),  # in training
            ("investigator", "2", date(2020, 1, 1), date(2025, 12, 31)),  # left
            ("financial_investigator", "none", date(2023, 1, 1), None),
            ("financial_investigator", "none", date(2023, 1, 1), None),
            ("analyst", "none", date(2025, 9, 1), None),
        ]
    ):
        people.append(
            services.member_create(
                actor=manager,
                organisation=glos,
                first_name=f"Person{i}",
                last_name=f"Secretname{i}",
                role=role,
                pip_level=pip,
                started_on=date(2019, 1, 1),
                qualified_on=qualified,
                left_on=left,
                apprentice=role == "analyst",
            )
        )
    for title in ("FI 1", "FI 2", "FI 3", "FI 4"):
        services.post_create(
            actor=manager,
            organisation=glos,
            title=title,
            role="financial_investigator",
            opened_on=date(2020, 1, 1),
        )
    with clock_at(TODAY):
        # One accreditation in date, one lapsed: one accredited financial investigator.
        services.training_record(
            actor=manager, member=people[5], course="financial_investigator",
            passed_on=date(2024, 1, 1), expires_on=date(2027, 1, 1),
        )  # fmt: skip
        services.training_record(
            actor=manager, member=people[6], course="financial_investigator",
            passed_on=date(2022, 1, 1), expires_on=date(2025, 1, 1),
        )  # fmt: skip
    return {
        "glos": glos,
        "avon": avon,
        "council": council,
        "manager": manager,
        "people": people,
        "avon_manager": factories.user(avon, "supervisor", username="avon.manager"),
        "glos_analyst": factories.user(glos, "analyst", username="glos.analyst"),
        "partner": factories.user(council, "partner", username="council.partner"),
    }


def test_capability_figures_equal_the_register(world: dict[str, Any]) -> None:
    cap = capability.figures(world["glos"], TODAY)
    members = Member.objects.filter(owner=world["glos"])
    active = [m for m in members if m.left_on is None or m.left_on > TODAY]
    assert cap.investigators == sum(1 for m in active if m.role == "investigator" and m.qualified_on) == 3
    assert cap.count("investigator").in_training == 1
    assert cap.fi_accredited == 1 and cap.fi_establishment == 4 and cap.fi_shortfall == 3
    assert cap.count("financial_investigator").vacancies == 4  # nobody fills the posts
    assert cap.analysts == 1 and cap.apprentices == 1
    assert dict(cap.pip)["PIP level 2 (serious and complex investigation)"] == 2
    # On an earlier date the register said something else: the leaver counts, the later ones do not.
    before = capability.figures(world["glos"], date(2024, 6, 1))
    assert before.investigators == 3 and before.analysts == 0


def test_others_see_counts_never_names(world: dict[str, Any]) -> None:
    for who in ("avon_manager", "partner", "glos_analyst"):
        client = Client()
        client.force_login(world[who])
        page = client.get(f"/workforce/{world['glos'].slug}/")
        assert page.status_code == 200
        body = page.content.decode()
        assert 'id="investigators">3<' in body
        assert "Secretname" not in body
        assert client.get(f"/workforce/{world['glos'].slug}/people/").status_code == 403
        assert client.get(f"/workforce/people/{world['people'][0].pk}/").status_code == 404
        api = client.get(f"/api/v1/workforce/{world['glos'].slug}/people")
        assert api.status_code == 403 and "Secretname" not in api.content.decode()
        region = client.get("/api/v1/workforce/region").content.decode()
        assert "Secretname" not in region
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED).count() >= 9
    own = Client()
    own.force_login(world["manager"])
    assert "Secretname0" in own.get(f"/workforce/{world['glos'].slug}/people/").content.decode()
    listed = own.get(f"/api/v1/workforce/{world['glos'].slug}/people").json()
    assert len(listed) == 7  # the leaver is not listed


def test_alerts_reach_the_manager_once(world: dict[str, Any]) -> None:
    manager, fi = world["manager"], world["people"][5]
    with clock_at(date(2026, 12, 1)):  # the accreditation lapses on 1 January 2027: within 60 days
        first = alerts.alerts_run()
        again = alerts.alerts_run()
    with clock_at(date(2027, 2, 1)):  # lapsed since: still the same record, not told again
        later = alerts.alerts_run()
    mine = Alert.objects.filter(recipient=manager, member=fi)
    assert mine.count() == 1
    assert "Financial investigator accreditation lapses on 1 January 2027" in mine.get().title
    assert first.told >= 1 and again.told == 0 and later.told == 0
    assert Alert.objects.filter(recipient=world["avon_manager"]).count() == 0
    client = Client()
    client.force_login(manager)
    assert any(a["member_id"] == fi.pk for a in client.get("/api/v1/workforce/alerts").json())
    # A renewal is a new record: it is told again when it, in turn, comes near its expiry.
    with clock_at(date(2027, 2, 1)):
        services.training_record(
            actor=manager, member=fi, course="financial_investigator",
            passed_on=date(2027, 1, 20), expires_on=date(2027, 3, 1),
        )  # fmt: skip
        assert alerts.alerts_run().told == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pip_level", "7", "is not a PIP level"),
        ("role", "wizard", "Choose a role"),
        ("started_on", None, "Enter the date"),
        ("qualified_on", date(2010, 1, 1), "cannot be before the date started"),
    ],
)
def test_bad_register_input_is_refused_naming_the_field(
    world: dict[str, Any], field: str, value: Any, message: str
) -> None:
    data: dict[str, Any] = {
        "first_name": "A",
        "last_name": "B",
        "role": "investigator",
        "pip_level": "2",
        "started_on": date(2020, 1, 1),
    }
    data[field] = value
    with pytest.raises(InvalidInput) as err:
        services.member_create(actor=world["manager"], organisation=world["glos"], **data)
    assert message in " ".join(err.value.fields[field])


def test_a_pip_level_that_does_not_exist_is_refused_by_the_api_and_the_form(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["manager"])
    slug = world["glos"].slug
    answer = client.post(
        f"/api/v1/workforce/{slug}/people",
        {
            "first_name": "A",
            "last_name": "B",
            "role": "investigator",
            "pip_level": "9",
            "started_on": "2020-01-01",
        },
        content_type="application/json",
    )
    assert answer.status_code == 400 and "pip_level" in answer.json()["fields"]
    page = client.post(
        f"/workforce/{slug}/people/new/",
        {
            "first_name": "A",
            "last_name": "B",
            "role": "investigator",
            "pip_level": "9",
            "started_on": "1/1/2020",
        },
    )
    assert page.status_code == 200 and "Choose a PIP level from the list" in page.content.decode()
    made = client.post(
        f"/api/v1/workforce/{slug}/people",
        {"first_name": "New", "last_name": "Person", "role": "analyst", "started_on": "2020-01-01"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["pip_level_label"] == "Not accredited"


def test_another_organisations_manager_cannot_change_the_register(world: dict[str, Any]) -> None:
    with pytest.raises(NotAllowed):
        services.member_create(
            actor=world["avon_manager"], organisation=world["glos"], first_name="A", last_name="B",
            role="investigator", started_on=date(2020, 1, 1),
        )  # fmt: skip


def test_one_record_of_a_persons_training(world: dict[str, Any]) -> None:
    """An LRO in the register: training recorded against the member is what lifetime reads, and
    training recorded against the user is what the register shows."""
    glos, manager = world["glos"], world["manager"]
    lro_user = factories.user(glos, "lro", username="glos.lro")
    member = services.member_create(
        actor=manager, organisation=glos, first_name="Lee", last_name="Ro", role="lro",
        started_on=date(2020, 1, 1), qualified_on=date(2020, 6, 1), user=lro_user,
    )  # fmt: skip
    with clock_at(TODAY):
        services.training_record(actor=manager, member=member, course="lro", passed_on=date(2025, 1, 1))
        services.training_record(actor=manager, person=lro_user, course="pip2", passed_on=date(2025, 2, 1))
        state = selectors.training_states(viewer=manager, person_ids=[lro_user.pk])[lro_user.pk]
    assert state.state == "current"
    records = TrainingRecord.objects.filter(person=lro_user)
    assert records.count() == 2 and set(records.values_list("member_id", flat=True)) == {member.pk}
    assert [r.course for r in selectors.member_training(member=member)] == ["lro", "pip2"]


def test_tasking_capacity_comes_from_the_register_with_the_file_as_fallback(world: dict[str, Any]) -> None:
    from socmap.apps.tasking.register import register_current, register_file

    rocu = factories.organisation("rocu", name="South West ROCU")
    rocu.code = "SW"
    rocu.save(update_fields=["code"])
    before = register_current().get("financial_investigation")
    assert before is not None and before.per_week == register_file().get("financial_investigation").per_week  # type: ignore[union-attr]
    for i in range(4):
        services.member_create(
            actor=None, organisation=rocu, first_name="F", last_name=str(i), role="financial_investigator",
            started_on=date(2020, 1, 1), qualified_on=date(2020, 1, 1), capability="financial_investigation",
            tasking_hours=30,
        )  # fmt: skip
    for team in ("Alpha", "Alpha", "Bravo"):
        services.member_create(
            actor=None, organisation=rocu, first_name="S", last_name=team, role="covert",
            started_on=date(2020, 1, 1), qualified_on=date(2020, 1, 1), capability="covert_surveillance",
            team=team,
        )  # fmt: skip
    current = register_current()
    assert current.get("financial_investigation").per_week == 120  # type: ignore[union-attr]
    assert current.get("covert_surveillance").per_week == 2  # type: ignore[union-attr]
    assert current.get("cyber").per_week == register_file().get("cyber").per_week  # type: ignore[union-attr]
