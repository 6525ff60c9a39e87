"""Every lifetime page answers for the people it is for, shows words not codes, keeps bad input with
a message by the field, and hides from a partner what was not shared with it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from socmap.apps.lifetime import services
from socmap.apps.lifetime.models import Disruption, PlanAction
from tests.apps.lifetime.conftest import World
from tests.conftest import signed_in


def _seed(world: World) -> dict[str, int]:
    services.custody_sync()
    action = services.action_create(
        actor=world.lro,
        plan=world.plan,
        data=services.ActionInput(
            p="prevent", title="School talks", due_on=date(2025, 7, 1), owner_organisation=world.council
        ),
    )
    order = services.order_record(
        actor=world.lro,
        plan=world.plan,
        data=services.OrderInput(
            kind="scpo",
            entity_id=world.people[0],
            status="granted",
            applicant="Crown Prosecution Service",
            court="Crown Court",
            decided_on=date(2025, 5, 1),
            starts_on=date(2025, 5, 1),
            ends_on=date(2030, 5, 1),
        ),
    )
    power = services.power_record(
        actor=world.lro,
        plan=world.plan,
        power="licensing_review",
        partner=world.council,
        requested_on=date(2025, 5, 1),
    )
    disruption = services.disruption_record(
        actor=world.lro,
        plan=world.plan,
        data=services.DisruptionInput(
            on=date(2025, 5, 20),
            p="pursue",
            activity="arrest",
            impact="moderate",
            description="Arrests",
            evidence="Custody records",
            rationale="Line paused",
        ),
    )
    from socmap.apps.lifetime.models import CustodyPeriod

    return {
        "plan": world.plan.pk,
        "action": action.pk,
        "order": order.pk,
        "power": power.pk,
        "disruption": disruption.pk,
        "custody": CustodyPeriod.objects.first().pk,  # type: ignore[union-attr]
    }


PAGES = [
    ("lifetime:workload", None),
    ("lifetime:force", None),
    ("lifetime:plan_list", None),
    ("lifetime:release", None),
    ("lifetime:disruption_list", None),
    ("lifetime:return", None),
    ("lifetime:catalogue", None),
    ("lifetime:notifications", None),
    ("lifetime:training", None),
    ("lifetime:plan", "plan"),
    ("lifetime:plan_assign", "plan"),
    ("lifetime:action_new", "plan"),
    ("lifetime:considerations", "plan"),
    ("lifetime:review", "plan"),
    ("lifetime:custody_new", "plan"),
    ("lifetime:order_new", "plan"),
    ("lifetime:power_new", "plan"),
    ("lifetime:disruption_new", "plan"),
    ("lifetime:action", "action"),
    ("lifetime:order", "order"),
    ("lifetime:power", "power"),
    ("lifetime:custody", "custody"),
    ("lifetime:disruption", "disruption"),
    ("lifetime:timeline_svg", "plan"),
    ("lifetime:return_svg", None),
]


@pytest.mark.parametrize(("name", "arg"), PAGES)
def test_every_page_answers_the_lro(world: World, name: str, arg: str | None) -> None:
    ids = _seed(world)
    url = reverse(name, args=[ids[arg]] if arg else [])
    response = signed_in(world.lro).get(url)
    assert response.status_code == 200, url
    # Words, not codes, in what a person reads (values of form options and links may be keys).
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    for code in ("licensing_review", "seizure_drugs", "in_progress", "order_expiry"):
        assert code not in body or name.endswith("svg"), (url, code)


@pytest.mark.parametrize(
    ("name", "arg"),
    [
        ("lifetime:plan", "plan"),
        ("lifetime:order", "order"),
        ("lifetime:custody", "custody"),
        ("lifetime:timeline_svg", "plan"),
        ("lifetime:action_new", "plan"),
        ("lifetime:disruption_new", "plan"),
    ],
)
def test_a_force_without_an_agreement_gets_not_found(world: World, name: str, arg: str) -> None:
    ids = _seed(world)
    assert signed_in(world.avon_lro).get(reverse(name, args=[ids[arg]])).status_code == 404


def test_a_partner_sees_its_own_action_and_shared_disruptions_but_not_the_police_only_ones(
    world: World,
) -> None:
    ids = _seed(world)
    services.disruption_validate(
        actor=world.supervisor, disruption=Disruption.objects.get(pk=ids["disruption"]), approve=True
    )
    hidden = services.disruption_record(
        actor=world.lro,
        plan=world.plan,
        data=services.DisruptionInput(
            on=date(2025, 5, 21),
            p="pursue",
            activity="charge",
            impact="major",
            handling="C",
            description="Charged",
            evidence="Charge sheet",
            rationale="Principal remanded",
        ),
    )
    services.disruption_validate(actor=world.supervisor, disruption=hidden, approve=True)
    council = signed_in(world.council_user)
    assert council.get(reverse("lifetime:action", args=[ids["action"]])).status_code == 200
    listing = council.get(reverse("lifetime:disruption_list")).content.decode()
    assert "Arrest" in listing and "Charge</td>" not in listing
    assert council.get(reverse("lifetime:disruption", args=[hidden.pk])).status_code == 404
    page = council.get(
        reverse("lifetime:return") + "?date_from=01/01/2025&date_to=02/06/2025&period=whole"
    ).content.decode()
    assert 'id="return-total"><strong>1</strong>' in page
    exported = council.post(
        reverse("lifetime:return_export") + "?date_from=01/01/2025&date_to=02/06/2025&period=whole",
        {"justification": "Board pack"},
    )
    lines = b"".join(exported.streaming_content).decode().splitlines()  # type: ignore[attr-defined]
    assert sum(int(row.rsplit(",", 1)[1]) for row in lines if ",Region (all forces)," in row) == 1


def test_bad_input_is_kept_with_a_message_by_the_field(world: World) -> None:
    ids = _seed(world)
    client = signed_in(world.lro)
    response = client.post(
        reverse("lifetime:action_new", args=[ids["plan"]]),
        {
            "p": "prevent",
            "title": "Housing checks",
            "owner_kind": "organisation",
            "owner_organisation": str(world.housing.pk),
            "due_on": "31/07/2025",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Error: " in body and "There is a problem" in body and "no sharing agreement in force" in body
    assert 'value="Housing checks"' in body
    assert PlanAction.objects.count() == 1
    response = client.post(
        reverse("lifetime:disruption_new", args=[ids["plan"]]),
        {
            "on": "3 Mar 25",
            "p": "pursue",
            "activity": "seizure_cash",
            "impact": "moderate",
            "description": "x",
            "evidence": "y",
            "rationale": "z",
        },
    )
    assert response.status_code == 400 and "Enter the cash seized" in response.content.decode()


def test_the_lro_lands_on_their_workload_after_signing_in(world: World) -> None:
    from django.test import Client

    client = Client()
    response = client.post(
        reverse("core:login"), {"username": "lro", "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("lifetime:workload")


def test_the_home_page_lists_the_officers_alerts(world: World) -> None:
    _seed(world)
    services.alerts_run()
    body = signed_in(world.lro).get(reverse("core:home")).content.decode()
    assert 'id="alerts"' in body and "Jay Smith is due for release on 20 June 2025" in body
    assert 'id="alerts"' not in signed_in(world.council_user).get(reverse("core:home")).content.decode()


def test_a_disruption_holds_documents_as_evidence_shown_only_to_who_may_see_them(world: World) -> None:
    from tests import factories

    ids = _seed(world)
    shared = factories.document(world.lro, title="Exhibit list", compartment=world.endeavour)
    police = factories.document(world.lro, title="Surveillance log")
    client = signed_in(world.lro)
    response = client.post(
        reverse("lifetime:disruption_new", args=[ids["plan"]]),
        {
            "on": "20/05/2025",
            "p": "pursue",
            "activity": "arrest",
            "impact": "moderate",
            "description": "Arrests",
            "evidence": "Custody records",
            "rationale": "Line paused",
            "documents": [str(shared.pk), str(police.pk)],
        },
    )
    assert response.status_code == 302
    made = Disruption.objects.order_by("-id").first()
    assert made is not None and set(made.documents.values_list("title", flat=True)) == {
        "Exhibit list",
        "Surveillance log",
    }
    services.disruption_validate(actor=world.supervisor, disruption=made, approve=True)
    council = (
        signed_in(world.council_user).get(reverse("lifetime:disruption", args=[made.pk])).content.decode()
    )
    assert "Exhibit list" in council and "Surveillance log" not in council
