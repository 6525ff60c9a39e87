"""The partnership board and safeguarding referrals: members only, figures per quarter, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from socmap.apps.core import clock
from socmap.apps.core.models import AuditAction, AuditEvent
from socmap.apps.partnership import services
from socmap.apps.partnership.models import Arrangement, ArrangementKind
from socmap.apps.partnership.selectors import board as board_sel
from socmap.apps.partnership.selectors import referrals as ref_sel
from socmap.errors import InvalidInput, NotAllowed, NotVisible
from tests import factories
from tests.apps.partnership.conftest import Sides


def test_board_meeting_attendance_and_actions_owned_by_members_only(sides: Sides) -> None:
    board = services.board_create(actor=sides.police_lead, name="SOC partnership", chair=sides.police)
    services.member_add(
        actor=sides.police_lead, board=board, organisation=sides.council, person=sides.council_lead
    )
    today = clock.today()
    meeting = services.meeting_record(actor=sides.police_lead, board=board, held_on=today, title="Q1")
    services.attendance_record(
        actor=sides.police_lead,
        meeting=meeting,
        organisation=sides.council,
        name="Gareth Lloyd",
        seniority="senior",
    )
    outsider = factories.organisation("partner", "nhs")
    with pytest.raises(InvalidInput) as caught:
        services.action_record(
            actor=sides.police_lead,
            meeting=meeting,
            data=services.ActionInput("Share the licensing list", outsider, today + timedelta(days=30)),
        )
    assert "not a member of the board" in caught.value.fields["owner_organisation"][0]
    action = services.action_record(
        actor=sides.police_lead,
        meeting=meeting,
        data=services.ActionInput("Share the licensing list", sides.council, today + timedelta(days=30)),
    )
    with pytest.raises(NotAllowed):
        services.meeting_record(actor=sides.council_lead, board=board, held_on=today, title="Not theirs")
    services.action_complete(actor=sides.council_user, action=action, note="Sent")
    figures = board_sel.quarters(board)[-1]
    assert (figures.partner_attendance, figures.actions_done, figures.meetings) == (1, 1, 1)
    assert board_sel.board_list(viewer=sides.council_user).get() == board
    with pytest.raises(NotVisible):
        board_sel.board_find(viewer=factories.user(outsider), board_id=board.pk)


def test_referral_to_a_member_outcome_recorded_by_the_recipient_and_overdue_listed(sides: Sides) -> None:
    mash = Arrangement.objects.create(name="Gloucestershire MASH", kind=ArrangementKind.MASH_CHILDREN)
    mash.members.add(sides.council, sides.police)
    outsider = factories.organisation("partner", "nhs")
    data = services.ReferralInput(
        arrangement=mash,
        to_organisation=outsider,
        concern="cce",
        subject="Child A",
        summary="Seen running drugs",
        referred_on=clock.today() - timedelta(days=20),
    )
    with pytest.raises(InvalidInput) as caught:
        services.referral_make(actor=sides.analyst, data=data)
    assert caught.value.fields["to_organisation"] == [
        f"{outsider.name} is not a member of Gloucestershire MASH"
    ]
    data.to_organisation = sides.council
    referral = services.referral_make(actor=sides.analyst, data=data)
    assert AuditEvent.objects.filter(action=AuditAction.DISCLOSURE, object_id=str(referral.pk)).exists()
    assert list(ref_sel.referral_list(viewer=sides.council_user, state="overdue")) == [referral]
    assert list(ref_sel.referral_list(viewer=factories.user(outsider))) == []
    with pytest.raises(InvalidInput) as bad:
        services.outcome_record(actor=sides.council_user, referral=referral, outcome="nope", outcome_on=None)
    assert set(bad.value.fields) == {"outcome", "outcome_on"}
    services.outcome_record(
        actor=sides.council_user, referral=referral, outcome="strategy_meeting", outcome_on=clock.today()
    )
    assert list(ref_sel.referral_list(viewer=sides.council_user, state="overdue")) == []
    figures = ref_sel.referral_figures(viewer=sides.analyst)
    assert figures["median_days"] == 20.0 and figures["outcomes"] == 1


def test_a_referral_links_only_to_intelligence_the_referrer_sees(sides: Sides) -> None:
    mash = Arrangement.objects.create(name="MASH", kind=ArrangementKind.MASH_ADULTS)
    mash.members.add(sides.council)
    with pytest.raises(InvalidInput) as caught:
        services.referral_make(
            actor=sides.analyst,
            data=services.ReferralInput(
                arrangement=mash,
                to_organisation=sides.council,
                concern="cuckooing",
                subject="Adult B",
                summary="Address taken over",
                threat_id=987654,
                ocg_id=987654,
                entity_id="nope",
            ),
        )
    assert {"threat_id", "ocg_id", "entity_id"} <= set(caught.value.fields)
