"""Journeys 9 and 10, sharing and safeguarding: a council's information-sharing lead proposes an
agreement, the police lead approves it, the council user then sees the shared items; the police lead
revokes it and the council user no longer sees them. Then an analyst refers a vulnerable person found
in intelligence to the MASH, and the council records the outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from socmap.apps.core import clock
from socmap.apps.core import services as core
from socmap.apps.core.demo import DEMO_PASSWORD, build_demo_organisations
from socmap.apps.core.models import Organisation, User
from socmap.apps.partnership.models import Arrangement, ArrangementKind, SharingLead

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHARED = "CSE safeguarding case review notes"  # a demo document of Gloucestershire's, in that compartment


def _sign_in(page: object, base: str, username: str) -> None:
    page.context.clear_cookies()  # type: ignore[attr-defined]
    page.goto(f"{base}/accounts/sign-in/")  # type: ignore[attr-defined]
    page.fill("#id_username", username)  # type: ignore[attr-defined]
    page.fill("#id_password", DEMO_PASSWORD)  # type: ignore[attr-defined]
    page.click("button:has-text('Sign in')")  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]


def _go(page: object, url: str) -> None:
    page.goto(url)  # type: ignore[attr-defined]
    if "Purpose of access" in page.title():  # type: ignore[attr-defined]
        page.fill("#id_purpose", "Partnership journey")  # type: ignore[attr-defined]
        page.click("button:has-text('Continue')")  # type: ignore[attr-defined]
        page.goto(url)  # type: ignore[attr-defined]


def _world(tmp_path: Path) -> str:
    build_demo_organisations()
    council = Organisation.objects.get(name="Cheltenham Borough Council")
    glos = Organisation.objects.get(name="Gloucestershire Constabulary")
    lead = core.user_create(
        actor=None,
        username="council.lead",
        password=DEMO_PASSWORD,
        organisation=council,
        roles=["partner"],
        first_name="Rachel",
        last_name="Green",
    )
    for person in (lead, User.objects.get(username="partner"), User.objects.get(username="supervisor")):
        SharingLead.objects.create(
            organisation_id=person.organisation_id, person=person, named_at=clock.now()
        )
    mash = Arrangement.objects.create(
        name="Gloucestershire MASH (children)", kind=ArrangementKind.MASH_CHILDREN
    )
    mash.members.add(glos, council)
    from tests.apps.partnership.conftest import Sides
    from tests.apps.partnership.test_revocation_everywhere import _intel

    analyst = User.objects.get(username="analyst")
    sides = Sides(glos, council, analyst, lead, lead, lead, analyst, analyst)
    return _intel(sides, tmp_path)


def _propose(page: object, base: str) -> str:
    _go(page, f"{base}/partnership/agreements/propose/")
    page.select_option("#id_provider", label="Gloucestershire Constabulary")  # type: ignore[attr-defined]
    page.select_option("#id_recipient", label="Cheltenham Borough Council")  # type: ignore[attr-defined]
    page.fill("#id_title", "CSE safeguarding case sharing")  # type: ignore[attr-defined]
    page.fill("#id_purpose", "Safeguard children at risk of sexual exploitation")  # type: ignore[attr-defined]
    page.fill("#id_legal_basis", "Crime and Disorder Act 1998 s115")  # type: ignore[attr-defined]
    page.check("input[name=compartments][value=cse-safeguarding]")  # type: ignore[attr-defined]
    page.check("input[name=handling_codes][value=P]")  # type: ignore[attr-defined]
    page.check("input[name=handling_codes][value=C]")  # type: ignore[attr-defined]
    page.fill("#id_conditions", "Safeguarding leads only")  # type: ignore[attr-defined]
    page.fill("#id_valid_from", "01/01/2026")  # type: ignore[attr-defined]
    page.fill("#id_valid_to", "31/12/2030")  # type: ignore[attr-defined]
    page.click("button:has-text('Propose the agreement')")  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]
    assert "Awaiting approval" in page.inner_text("#stage")  # type: ignore[attr-defined]
    return str(page.url)  # type: ignore[attr-defined]


def _sees(page: object, base: str) -> bool:
    _go(page, f"{base}/documents/?q=CSE")
    return SHARED in page.content()  # type: ignore[attr-defined]


def test_council_proposes_police_approves_council_sees_revoked_gone_then_a_referral_and_its_outcome(
    live_server: object, page: object, tmp_path: Path
) -> None:
    entity = _world(tmp_path)
    base = live_server.url  # type: ignore[attr-defined]

    _sign_in(page, base, "council.lead")
    agreement = _propose(page, base)
    _sign_in(page, base, "partner")
    assert not _sees(page, base)
    _go(page, agreement)
    page.click("button:has-text('Approve for Cheltenham Borough Council')")  # type: ignore[attr-defined]
    assert "Awaiting approval" in page.inner_text("#stage")  # type: ignore[attr-defined]

    _sign_in(page, base, "supervisor")
    _go(page, f"{base}/")
    assert "wait for your approval" in page.content()  # type: ignore[attr-defined]  # the home-page panel
    _go(page, agreement)
    page.click("button:has-text('Approve for Gloucestershire Constabulary')")  # type: ignore[attr-defined]
    assert "In force" in page.inner_text("#stage")  # type: ignore[attr-defined]
    assert "Documents" in page.inner_text("#shared-counts")  # type: ignore[attr-defined]

    _sign_in(page, base, "partner")
    assert _sees(page, base)

    _sign_in(page, base, "supervisor")
    _go(page, agreement)
    page.click("a:has-text('Revoke')")  # type: ignore[attr-defined]
    page.fill("#id_reason", "Case review concluded")  # type: ignore[attr-defined]
    page.click("button:has-text('Revoke the agreement')")  # type: ignore[attr-defined]
    assert "Revoked" in page.inner_text("#stage")  # type: ignore[attr-defined]
    assert "Case review concluded" in page.inner_text("#history")  # type: ignore[attr-defined]

    _sign_in(page, base, "partner")
    assert not _sees(page, base)

    _sign_in(page, base, "analyst")
    _go(page, f"{base}/partnership/referrals/new/?entity_id={entity}&subject=Nora+Quelchwright")
    page.select_option("#id_arrangement", label="Gloucestershire MASH (children)")  # type: ignore[attr-defined]
    page.select_option("#id_to_organisation", label="Cheltenham Borough Council")  # type: ignore[attr-defined]
    page.check("input[name=concern][value=cce]")  # type: ignore[attr-defined]
    page.fill("#id_summary", "Seen carrying drugs for an older man")  # type: ignore[attr-defined]
    page.click("button:has-text('Make the referral')")  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]
    assert "Referred to Cheltenham Borough Council" in page.content()  # type: ignore[attr-defined]

    _sign_in(page, base, "partner")
    _go(page, f"{base}/partnership/referrals/")
    page.click("#referrals a:has-text('Nora Quelchwright')")  # type: ignore[attr-defined]
    page.check("input[name=outcome][value=strategy_meeting]")  # type: ignore[attr-defined]
    page.fill("#id_outcome_on", clock.today().strftime("%d/%m/%Y"))  # type: ignore[attr-defined]
    page.click("button:has-text('Record the outcome')")  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]
    assert "Strategy meeting held" in page.inner_text("#outcome")  # type: ignore[attr-defined]
