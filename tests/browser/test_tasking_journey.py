"""Journey 5 (regional tasking): two forces bid for the one undercover team, the second against a
group that shares people with the first's and sees the warning; the regional TCG runs the allocation,
overrides one decision with a reason, records the meeting and publishes; each force sees its outcome
and the reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from socmap.apps.core.demo import DEMO_PASSWORD, build_demo_organisations
from socmap.apps.core.models import Organisation
from socmap.apps.tasking import services
from socmap.apps.tasking.models import AllocationRun, Bid, Meeting
from socmap.apps.tasking.register import monday
from tests import factories
from tests.apps.tasking.conftest import group, scored

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: object, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base}/accounts/sign-in/")  # type: ignore[attr-defined]
    page.fill("#id_username", username)  # type: ignore[attr-defined]
    page.fill("#id_password", password)  # type: ignore[attr-defined]
    page.click("button:has-text('Sign in')")  # type: ignore[attr-defined]


def _sign_out(page: object) -> None:
    page.click("button:has-text('Sign out')")  # type: ignore[attr-defined]


def _bid(page: object, base: str, threat_id: int, first: str, last: str) -> None:
    page.goto(f"{base}/tasking/bids/new/")  # type: ignore[attr-defined]
    page.select_option("#id_threat", str(threat_id))  # type: ignore[attr-defined]
    page.select_option("#id_capability", "undercover")  # type: ignore[attr-defined]
    page.fill("#id_first_week", first)  # type: ignore[attr-defined]
    page.fill("#id_last_week", last)  # type: ignore[attr-defined]
    page.fill("#id_weeks", "4")  # type: ignore[attr-defined]
    page.fill("#id_effort", "1")  # type: ignore[attr-defined]
    page.fill("#id_outcome", "Test purchase of firearms from the principal")  # type: ignore[attr-defined]
    page.check("input[name='impact'][value='major']")  # type: ignore[attr-defined]
    page.click("#submit-bid")  # type: ignore[attr-defined]


def test_two_forces_bid_the_tcg_allocates_overrides_and_each_force_sees_why(
    live_server: object, page: object
) -> None:
    build_demo_organisations()
    glos = Organisation.objects.get(code="GL")
    avon = Organisation.objects.get(code="AS")
    tasking = factories.user(Organisation.objects.get(code="SW"), "tasking", username="rocu.tasking")
    tasking.set_password(DEMO_PASSWORD)
    tasking.save()
    avon_user = factories.user(avon, "analyst", username="avon.analyst")
    avon_user.set_password(DEMO_PASSWORD)
    avon_user.save()
    from socmap.apps.core.models import User

    glos_user = User.objects.get(username="analyst")
    glos_threat = scored(glos_user, ocg=group(glos, ["p1", "p2", "p3"], name="Brook Street crew"), level=4)
    avon_threat = scored(avon_user, ocg=group(avon, ["p3", "p9"], name="Bristol armourers"), level=2)
    period = services.period_create(
        actor=tasking, name="2027", starts_on=monday(timezone.localdate()), weeks=26
    )
    first = (period.starts_on + timedelta(weeks=8)).strftime("%d/%m/%Y")
    last = (period.starts_on + timedelta(weeks=11)).strftime("%-d %b %Y")
    base = live_server.url  # type: ignore[attr-defined]

    _sign_in(page, base, "analyst")
    _bid(page, base, glos_threat.pk, first, last)
    page.wait_for_selector("text=submitted to regional tasking")  # type: ignore[attr-defined]
    glos_bid = Bid.objects.get(owner=glos)
    _sign_out(page)

    _sign_in(page, base, "avon.analyst")
    _bid(page, base, avon_threat.pk, first, last)
    warning = page.inner_text("#duplication-list")  # type: ignore[attr-defined]
    assert f"Gloucestershire Constabulary's bid {glos_bid.reference}" in warning
    assert "shares 1 person with the group you chose" in warning and "Brook Street" not in warning
    page.click("#submit-anyway")  # type: ignore[attr-defined]
    page.wait_for_selector("text=submitted to regional tasking")  # type: ignore[attr-defined]
    avon_bid = Bid.objects.get(owner=avon)
    assert avon_bid.warnings
    _sign_out(page)

    _sign_in(page, base, "rocu.tasking")
    assert page.url.endswith("/tasking/board/")  # type: ignore[attr-defined]  # the tasking login lands on the board
    page.click("#run-allocation")  # type: ignore[attr-defined]
    page.wait_for_selector("#comparison")  # type: ignore[attr-defined]
    first_run = AllocationRun.objects.get()
    assert first_run.decisions.get(bid=glos_bid).funded and not first_run.decisions.get(bid=avon_bid).funded
    page.click(f"#run-decisions a:has-text('{avon_bid.reference}')")  # type: ignore[attr-defined]
    page.check("input[name='decision'][value='fund']")  # type: ignore[attr-defined]
    page.fill("#id_reason", "Threat to life: the armourer is arming a feud in Bristol this month")  # type: ignore[attr-defined]
    page.click('button:has-text("Record the TCG\'s decision")')  # type: ignore[attr-defined]
    page.wait_for_selector("text=Override recorded and the allocation worked out again")  # type: ignore[attr-defined]
    page.wait_for_selector("#comparison")  # type: ignore[attr-defined]  # re-solved with the override fixed
    run = AllocationRun.objects.order_by("-id").first()
    assert (
        run is not None
        and run.decisions.get(bid=avon_bid).funded
        and not run.decisions.get(bid=glos_bid).funded
    )

    page.goto(f"{base}/tasking/meetings/")  # type: ignore[attr-defined]
    page.check("input[name='level'][value='regional']")  # type: ignore[attr-defined]
    page.fill("#id_title", "Regional TTCG")  # type: ignore[attr-defined]
    page.fill("#id_held_on", timezone.localdate().strftime("%d/%m/%Y"))  # type: ignore[attr-defined]
    page.fill("#id_chair", "Regional tasking manager")  # type: ignore[attr-defined]
    page.click("button:has-text('Record the meeting')")  # type: ignore[attr-defined]
    page.wait_for_selector("#agenda-bids")  # type: ignore[attr-defined]
    assert glos_bid.reference in page.inner_text("#agenda-bids")  # type: ignore[attr-defined]
    page.check("input[name='kind'][value='note']")  # type: ignore[attr-defined]
    page.fill("#id_text", "Gloucestershire and Avon agree one lead force for the shared group")  # type: ignore[attr-defined]
    page.click("button:has-text('Record the decision')")  # type: ignore[attr-defined]
    page.fill("#id_action_text", "Deconflict the two operations")  # type: ignore[attr-defined]
    page.fill("#id_action_owner", "Force SOC leads")  # type: ignore[attr-defined]
    page.click("button:has-text('Record the action')")  # type: ignore[attr-defined]
    page.wait_for_selector("text=Action recorded")  # type: ignore[attr-defined]
    meeting = Meeting.objects.get()
    assert meeting.decisions.count() == 1 and meeting.actions.count() == 1
    page.goto(f"{base}/tasking/runs/{run.pk}/")  # type: ignore[attr-defined]
    page.click("#publish")  # type: ignore[attr-defined]
    page.wait_for_selector("text=Published: each force now sees")  # type: ignore[attr-defined]
    _sign_out(page)

    _sign_in(page, base, "avon.analyst")
    page.goto(f"{base}/tasking/")  # type: ignore[attr-defined]
    row = page.inner_text(f"#outcomes tr:has-text('{avon_bid.reference}')")  # type: ignore[attr-defined]
    assert "Funded" in row and "arming a feud in Bristol" in row
    _sign_out(page)

    _sign_in(page, base, "analyst")
    page.goto(f"{base}/tasking/")  # type: ignore[attr-defined]
    row = page.inner_text(f"#outcomes tr:has-text('{glos_bid.reference}')")  # type: ignore[attr-defined]
    assert "Not funded" in row and avon_bid.reference in row
    assert avon_bid.reference not in page.inner_text("#outcomes tr:first-child td:first-child")  # type: ignore[attr-defined]
    page.click(f"a:has-text('{glos_bid.reference}')")  # type: ignore[attr-defined]
    assert "What would change it" in page.inner_text("#outcome") or "joint operation" in page.inner_text(
        "#outcome"
    )  # type: ignore[attr-defined]
    assert "Bristol armourers" not in page.content()  # type: ignore[attr-defined]
    assert not [m for m in page.console_messages if m.startswith("error")]  # type: ignore[attr-defined]
