"""The lifetime API: the same rules and refusals as the pages, errors naming the field, and a partner
seeing only what is shared with it, the return's figures equal to the page's and the CSV's."""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja.testing import TestClient

from socmap.apps.lifetime import selectors, services
from socmap.apps.lifetime.models import Disruption
from tests.apps.lifetime.conftest import World


def client() -> TestClient:
    from socmap.api import api

    return TestClient(api)


def _disruption(**kw: Any) -> dict[str, Any]:
    body = {
        "on": "2025-05-20",
        "p": "pursue",
        "activity": "seizure_cash",
        "impact": "moderate",
        "cash_pounds": "12500",
        "description": "Cash found in the car",
        "evidence": "Exhibit CASH/1",
        "rationale": "The runner lost the week's takings",
    }
    return body | kw


def test_an_action_owned_by_the_council_then_updated_by_the_council(world: World) -> None:
    created = client().post(
        f"/lifetime/plans/{world.plan.pk}/actions",
        json={
            "p": "prevent",
            "title": "Diversion referrals",
            "due_on": "2025-07-01",
            "owner_organisation": world.council.slug,
        },
        user=world.lro,
    )
    assert created.status_code == 201, created.json()
    action = created.json()
    assert action["owner"] == "Cheltenham Borough Council"
    done = client().patch(
        f"/lifetime/actions/{action['id']}",
        json={"status": "done", "outcome": "Four referrals"},
        user=world.council_user,
    )
    assert done.status_code == 200 and done.json()["status"] == "done"


def test_refusals_name_the_field(world: World) -> None:
    bad_owner = client().post(
        f"/lifetime/plans/{world.plan.pk}/actions",
        json={
            "p": "prevent",
            "title": "Tenancy visit",
            "due_on": "2025-07-01",
            "owner_organisation": world.housing.slug,
        },
        user=world.lro,
    )
    assert bad_owner.status_code == 400 and list(bad_owner.json()["fields"]) == ["owner_organisation"]
    short = client().post(
        f"/lifetime/plans/{world.plan.pk}/orders",
        json={
            "kind": "stro",
            "entity_id": world.people[0],
            "status": "granted",
            "applicant": "Police",
            "court": "Magistrates' court",
            "decided_on": "2025-05-01",
            "starts_on": "2025-05-01",
            "ends_on": "2027-04-30",
        },
        user=world.lro,
    )
    assert short.status_code == 400 and "Modern Slavery Act 2015" in short.json()["fields"]["ends_on"][0]
    backwards = client().post(
        f"/lifetime/plans/{world.plan.pk}/orders",
        json={
            "kind": "scpo",
            "entity_id": world.people[0],
            "status": "granted",
            "applicant": "Crown Prosecution Service",
            "court": "Crown Court",
            "decided_on": "2025-05-01",
            "starts_on": "2025-05-01",
            "ends_on": "2025-04-01",
        },
        user=world.lro,
    )
    assert backwards.status_code == 400 and "before it starts" in backwards.json()["fields"]["ends_on"][0]
    impact = client().post(
        f"/lifetime/plans/{world.plan.pk}/disruptions",
        json=_disruption(impact="catastrophic"),
        user=world.lro,
    )
    assert impact.status_code == 400 and list(impact.json()["fields"]) == ["impact"]


def test_a_disruption_validated_by_its_recorder_is_refused_and_another_supervisor_validates(
    world: World,
) -> None:
    made = (
        client()
        .post(f"/lifetime/plans/{world.plan.pk}/disruptions", json=_disruption(), user=world.supervisor)
        .json()
    )
    own = client().post(
        f"/lifetime/disruptions/{made['id']}/validation", json={"decision": "validate"}, user=world.supervisor
    )
    assert own.status_code == 403 and "validated_by" in own.json()["fields"]
    other = client().post(
        f"/lifetime/disruptions/{made['id']}/validation",
        json={"decision": "validate"},
        user=world.supervisor2,
    )
    assert other.status_code == 200 and other.json()["validated_by"] == "supervisor2"


def test_the_return_over_the_api_equals_the_page_and_a_partner_sees_only_what_is_shared(world: World) -> None:
    for handling in ("P", "C", "P"):
        d = services.disruption_record(
            actor=world.lro,
            plan=world.plan,
            data=services.DisruptionInput(
                on=date(2025, 5, 20),
                p="pursue",
                activity="arrest",
                impact="major",
                description="Arrest",
                evidence="Custody",
                rationale="Principal remanded",
                handling=handling,
            ),
        )
        services.disruption_validate(actor=world.supervisor, disruption=d, approve=True)
    params = "date_from=2025-01-01&date_to=2025-06-02&period=month"
    police = client().get(f"/lifetime/return?{params}", user=world.supervisor).json()
    assert police["total"] == Disruption.objects.filter(status="validated").count() == 3
    page = selectors.return_get(
        viewer=world.supervisor, date_from=date(2025, 1, 1), date_to=date(2025, 6, 2), period="month"
    )
    assert [c["count"] for c in police["cells"]] == [c.count for c in page.cells]
    partner = client().get(f"/lifetime/return?{params}", user=world.council_user).json()
    assert partner["total"] == 2
    listed = client().get("/lifetime/disruptions", user=world.council_user).json()
    assert len(listed) == 2
    csv = client().post(
        f"/lifetime/return/export?{params}", json={"justification": "Board"}, user=world.council_user
    )
    rows = [r for r in csv.content.decode().splitlines() if ",Region (all forces)," in r]
    assert sum(int(r.rsplit(",", 1)[1]) for r in rows) == 2


def test_another_force_gets_not_found_for_a_plan_it_may_not_see(world: World) -> None:
    response = client().get(f"/lifetime/plans/{world.plan.pk}?purpose=Checking", user=world.avon_lro)
    assert response.status_code == 404
    assert (
        client().get(f"/lifetime/plans/{world.plan.pk}?purpose=Checking", user=world.lro).status_code == 200
    )


def test_workload_and_the_coming_out_list(world: World) -> None:
    services.custody_sync()
    mine = client().get("/lifetime/workload", user=world.lro).json()
    assert mine["figures"]["groups"] == 1 and mine["plans"][0]["id"] == world.plan.pk
    force = client().get(f"/lifetime/workload/{world.glos.slug}", user=world.supervisor).json()
    assert {o["officer"]: o["groups"] for o in force["officers"]} == {"lro": 1, "lro2": 0, "deputy": 0}
    releases = client().get("/lifetime/release", user=world.lro).json()
    assert [(r["person"], r["days"]) for r in releases] == [("Jay Smith", 18)]
    catalogue = client().get("/lifetime/catalogue", user=world.council_user).json()
    assert {o["key"] for o in catalogue["orders"]} >= {"scpo", "uwo", "afo"}
