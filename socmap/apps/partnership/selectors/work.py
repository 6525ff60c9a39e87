"""A force's partnership work over a period, as a viewer may see it: the safeguarding referrals it made
or received, its information-sharing agreements and their stage on a date, and the actions of the
boards it sits on. For reports made from the data (the local profile), each read the app's own rule:
referrals through ``_referrals`` (the visibility rule, or made to the viewer's organisation),
agreements those of the viewer's organisation, boards those the viewer's organisation sits on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from socmap.apps.core.models import SharingAgreement, User
from socmap.apps.partnership.models import BoardAction, Referral
from socmap.apps.partnership.selectors.agreements import STAGES, _mine, stage_of
from socmap.apps.partnership.selectors.board import _boards
from socmap.apps.partnership.selectors.referrals import _referrals


def referrals_between(*, viewer: User, organisation_id: int, start: date, end: date) -> list[Referral]:
    """Referrals the viewer may see, made by or to the organisation, referred between the dates."""
    return list(
        _referrals(viewer)
        .filter(Q(owner_id=organisation_id) | Q(to_organisation_id=organisation_id))
        .filter(referred_on__gte=start, referred_on__lte=end)
        .order_by("referred_on", "id")
    )


@dataclass(frozen=True)
class AgreementOn:
    agreement: SharingAgreement
    stage: str  # in words, as on the date
    party: str  # the organisation on the other side from the one asked about


def agreements_on(*, viewer: User, organisation_id: int, on: date) -> list[AgreementOn]:
    """Agreements of the viewer's organisation that the organisation gives or receives, proposed by
    the date, each with its stage on that date and the organisation on the other side."""
    found = (
        _mine(viewer)
        .filter(Q(provider_id=organisation_id) | Q(recipient_id=organisation_id))
        .select_related("terms")
        .order_by("id")
    )
    out = []
    for a in found:
        terms = getattr(a, "terms", None)
        if terms is not None and terms.proposed_at.date() > on:
            continue
        other = a.recipient if a.provider_id == organisation_id else a.provider
        out.append(AgreementOn(a, STAGES[stage_of(a, on)], other.name))
    return out


def board_actions_on(*, viewer: User, organisation_id: int, on: date) -> list[BoardAction]:
    """Actions set by the date at meetings of the boards both the viewer's organisation and the
    organisation sit on."""
    boards = _boards(viewer).filter(members__organisation_id=organisation_id, members__left_on__isnull=True)
    return list(
        BoardAction.objects.filter(meeting__board__in=boards, meeting__held_on__lte=on)
        .select_related("owner_organisation", "meeting")
        .distinct()
        .order_by("due_on", "id")
    )
