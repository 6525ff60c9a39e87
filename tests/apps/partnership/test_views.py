"""The partnership and administration pages: question pages name the field, refusals are refusals."""

from __future__ import annotations

from datetime import timedelta

from socmap.apps.core import clock
from socmap.apps.core.models import AuditAction, AuditEvent
from socmap.apps.partnership import services
from socmap.apps.partnership.models import AgreementTerms
from tests.apps.partnership.conftest import Sides, proposal
from tests.conftest import signed_in


def test_a_lead_proposes_through_the_page_and_bad_dates_are_named(sides: Sides) -> None:
    client = signed_in(sides.council_lead)
    form = {
        "provider": sides.police.pk,
        "recipient": sides.council.pk,
        "title": "Endeavour",
        "purpose": "Clear, Hold, Build",
        "legal_basis": "Crime and Disorder Act 1998 s115",
        "includes_general": "on",
        "handling_codes": ["P"],
        "valid_from": "01/04/2026",
        "valid_to": "01/03/2026",
    }
    bad = client.post("/partnership/agreements/propose/", form)
    assert bad.status_code == 400
    assert "The end date must be on or after the start date" in bad.content.decode()
    assert "Error:" in bad.content.decode()
    form["valid_to"] = "31 Mar 2027"
    good = client.post("/partnership/agreements/propose/", form)
    assert good.status_code == 302
    terms = AgreementTerms.objects.get()
    page = client.get(good["Location"]).content.decode()
    assert "Awaiting approval" in page and "Crime and Disorder Act 1998 s115" in page
    assert "Approve for" not in page  # not their own proposal
    police = signed_in(sides.police_lead)
    assert "Approve for Gloucestershire Constabulary" in police.get(good["Location"]).content.decode()
    police.post(f"/partnership/agreements/{terms.agreement_id}/approve/")
    signed_in(sides.council_second).post(f"/partnership/agreements/{terms.agreement_id}/approve/")
    assert "In force" in police.get(good["Location"]).content.decode()
    revoke = police.post(f"/partnership/agreements/{terms.agreement_id}/revoke/", {"reason": ""})
    assert revoke.status_code == 400 and "Enter a reason" in revoke.content.decode()
    police.post(f"/partnership/agreements/{terms.agreement_id}/revoke/", {"reason": "Closed"})
    assert "Revoked" in police.get(good["Location"]).content.decode()


def test_administration_is_for_administrators_and_shows_people_not_intelligence(sides: Sides) -> None:
    admin = signed_in(sides.admin)
    page = admin.get("/administration/users/").content.decode()
    assert "council.user" in page and "police.analyst" in page
    assert "Police briefing" not in page
    for path in (
        "/administration/organisations/",
        "/administration/compartments/",
        "/administration/tokens/",
    ):
        assert admin.get(path).status_code == 200
    analyst = signed_in(sides.analyst)
    assert analyst.get("/administration/users/").status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED, actor=sides.analyst).exists()
    done = admin.post(
        f"/administration/users/{sides.council_user.pk}/", {"step": "active", "reason": "Left the council"}
    )
    assert done.status_code == 302
    sides.council_user.refresh_from_db()
    assert not sides.council_user.is_active
    missing = admin.post(f"/administration/users/{sides.council_user.pk}/", {"step": "totp", "reason": ""})
    assert missing.status_code == 400 and "Enter a reason" in missing.content.decode()


def test_board_pages_and_an_action_owned_by_a_non_member_refused_by_field(sides: Sides) -> None:
    board = services.board_create(actor=None, name="SOC partnership", chair=sides.police)
    services.member_add(actor=None, board=board, organisation=sides.council)
    meeting = services.meeting_record(actor=None, board=board, held_on=clock.today(), title="Q3 board")
    lead = signed_in(sides.police_lead)
    assert "Q3 board" in lead.get(f"/partnership/boards/{board.pk}/").content.decode()
    from tests import factories

    nhs = factories.organisation("partner", "nhs", name="NHS Trust")
    bad = lead.post(
        f"/partnership/meetings/{meeting.pk}/actions/",
        {"description": "Share", "owner_organisation": nhs.pk, "due_on": "31/12/2030"},
    )
    assert bad.status_code == 400 and "NHS Trust is not a member of the board" in bad.content.decode()
    pack = signed_in(sides.council_user).get(f"/partnership/boards/{board.pk}/pack/")
    assert pack.status_code == 200 and "Board pack" in pack.content.decode()
    assert signed_in(factories.user(nhs)).get(f"/partnership/boards/{board.pk}/").status_code == 404


def test_renewal_page_proposes_the_same_terms(sides: Sides) -> None:
    terms = services.agreement_propose(
        actor=sides.council_lead, proposal=proposal(sides, valid_to=clock.today() + timedelta(days=10))
    )
    services.agreement_approve(actor=sides.police_lead, agreement=terms.agreement)
    services.agreement_approve(actor=sides.council_second, agreement=terms.agreement)
    client = signed_in(sides.police_lead)
    done = client.post(f"/partnership/agreements/{terms.agreement_id}/renew/", {"valid_to": "31/12/2031"})
    assert done.status_code == 302
    assert AgreementTerms.objects.filter(renews=terms.agreement).exists()


def test_a_referral_shows_on_its_threat_to_those_who_see_both(sides: Sides) -> None:
    from socmap.apps.assessment.models import Threat
    from socmap.apps.partnership.models import Arrangement

    threat = Threat.objects.create(
        owner=sides.police,
        kind="thematic",
        title="County lines",
        theme="county_lines",
        created_by=sides.analyst,
    )
    mash = Arrangement.objects.create(name="MASH", kind="mash_children")
    mash.members.add(sides.council)
    services.referral_make(
        actor=sides.analyst,
        data=services.ReferralInput(
            arrangement=mash,
            to_organisation=sides.council,
            concern="cce",
            subject="Child A",
            summary="Running drugs",
            threat_id=threat.pk,
        ),
    )
    page = signed_in(sides.analyst).get(f"/threats/{threat.pk}/").content.decode()
    assert 'id="threat-referrals"' in page and "Child A" in page
