"""Sharing agreements' lifecycle: both sides approve, nobody their own proposal, revocation at once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from socmap.apps.core import clock
from socmap.apps.core.models import AuditAction, AuditEvent, Document
from socmap.apps.core.visibility import can_see
from socmap.apps.partnership import services
from socmap.apps.partnership.selectors import agreements as sel
from socmap.errors import Conflict, InvalidInput, NotAllowed
from tests import factories
from tests.apps.partnership.conftest import Sides, proposal


def _doc(s: Sides, title: str = "Endeavour briefing") -> Document:
    return factories.document(s.analyst, title=title)


def test_in_force_only_after_both_approvals_and_hidden_again_at_once_on_revocation(sides: Sides) -> None:
    doc = _doc(sides)
    terms = services.agreement_propose(actor=sides.council_lead, proposal=proposal(sides))
    agreement = terms.agreement
    assert not can_see(sides.council_user, doc)
    assert sel.stage_of(agreement) == "awaiting"
    services.agreement_approve(actor=sides.police_lead, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.approved_at is None and not can_see(sides.council_user, doc)
    services.agreement_approve(actor=sides.council_second, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.approved_at is not None and sel.stage_of(agreement) == "in_force"
    assert can_see(sides.council_user, doc)
    services.agreement_revoke(actor=sides.police_lead, agreement=agreement, reason="Operation closed")
    assert not can_see(sides.council_user, doc)
    assert sel.stage_of(agreement) == "revoked"
    steps = [
        (e.detail.get("step", ""), e.justification)
        for e in AuditEvent.objects.filter(
            object_type="core.sharingagreement", object_id=str(agreement.pk)
        ).order_by("chain_seq")
    ]
    assert steps[0] == ("proposed", "Clear, Hold, Build in Cheltenham")
    assert ("approved for the provider", "approved for the provider") in steps
    assert ("approved for the recipient", "approved for the recipient") in steps
    assert ("", "in force: approved by both organisations") in steps
    assert steps[-1] == ("revoked", "Operation closed")


def test_nobody_approves_their_own_proposal(sides: Sides) -> None:
    terms = services.agreement_propose(actor=sides.council_lead, proposal=proposal(sides))
    with pytest.raises(NotAllowed, match="own proposal"):
        services.agreement_approve(actor=sides.council_lead, agreement=terms.agreement)
    assert AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED, actor=sides.council_lead).exists()


def test_one_side_approves_once_and_outsiders_and_non_leads_not_at_all(sides: Sides) -> None:
    terms = services.agreement_propose(actor=sides.council_lead, proposal=proposal(sides))
    services.agreement_approve(actor=sides.police_lead, agreement=terms.agreement)
    with pytest.raises(Conflict):
        services.agreement_approve(actor=sides.police_lead, agreement=terms.agreement)
    with pytest.raises(NotAllowed):
        services.agreement_approve(actor=sides.council_user, agreement=terms.agreement)  # not a lead
    with pytest.raises(NotAllowed):
        services.agreement_approve(
            actor=sides.admin, agreement=terms.agreement
        )  # administrators do not approve
    other = factories.user(factories.organisation("force"), "supervisor")
    with pytest.raises(NotAllowed):
        services.agreement_revoke(actor=other, agreement=terms.agreement, reason="not mine")


def test_only_leads_propose(sides: Sides) -> None:
    with pytest.raises(NotAllowed):
        services.agreement_propose(actor=sides.analyst, proposal=proposal(sides))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"valid_to": clock.today() - timedelta(days=10)}, "valid_to"),
        ({"compartments": [], "includes_general": False}, "compartments"),
        ({"handling_codes": ["C"], "conditions": "Police use only"}, "handling_codes"),
        ({"legal_basis": " "}, "legal_basis"),
        ({"purpose": ""}, "purpose"),
    ],
)
def test_bad_proposals_are_refused_naming_the_field(sides: Sides, changes: dict, field: str) -> None:
    _doc(sides)  # the police mark their items P only
    with pytest.raises(InvalidInput) as caught:
        services.agreement_propose(actor=sides.council_lead, proposal=proposal(sides, **changes))
    assert field in caught.value.fields


def test_the_handling_code_message_says_what_the_provider_uses(sides: Sides) -> None:
    _doc(sides)
    with pytest.raises(InvalidInput) as caught:
        services.agreement_propose(
            actor=sides.council_lead, proposal=proposal(sides, handling_codes=["C"], conditions="x")
        )
    assert caught.value.fields["handling_codes"] == [
        "Gloucestershire Constabulary holds no items with handling code C: it marks its items P"
    ]


def test_renewal_reminder_then_renewal_proposal(sides: Sides, settings: object) -> None:
    _doc(sides)
    today = clock.today()
    terms = services.agreement_propose(
        actor=sides.council_lead, proposal=proposal(sides, valid_to=today + timedelta(days=20))
    )
    services.agreement_approve(actor=sides.police_lead, agreement=terms.agreement)
    services.agreement_approve(actor=sides.council_second, agreement=terms.agreement)
    assert services.due_for_renewal() == [terms.agreement]
    assert services.renewal_reminders() == [terms.agreement]
    assert services.renewal_reminders() == []  # once
    assert AuditEvent.objects.filter(
        justification="renewal reminder", object_id=str(terms.agreement.pk)
    ).exists()
    renewal = services.agreement_renew(
        actor=sides.police_lead, agreement=terms.agreement, valid_to=today + timedelta(days=400)
    )
    assert renewal.renews == terms.agreement
    assert renewal.agreement.valid_from == today + timedelta(days=21)
    assert services.due_for_renewal() == []


def test_register_counts_what_each_side_sees_and_hides_others_agreements(sides: Sides) -> None:
    _doc(sides, "one")
    _doc(sides, "two")
    terms = services.agreement_propose(actor=sides.council_lead, proposal=proposal(sides))
    view = sel.agreement_get(viewer=sides.council_user, agreement_id=terms.agreement.pk)
    assert ("Documents", 3) in view.counts
    assert view.row.stage_label == "Awaiting approval"
    assert [r.agreement for r in sel.register(viewer=sides.council_user)] == [terms.agreement]
    outsider = factories.user(factories.organisation("force"), "administrator")
    assert sel.register(viewer=outsider) == []
    with pytest.raises(Exception, match="No such agreement"):
        sel.agreement_get(viewer=outsider, agreement_id=terms.agreement.pk)
