"""The partnership API: sharing agreements, the board, safeguarding referrals and administration.
Handlers are thin: they parse, call a selector or a service, and shape the answer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from socmap.apps.core import administration as admin
from socmap.apps.core import selectors as core
from socmap.apps.core.auth import viewer
from socmap.apps.core.models import ApiToken, Organisation, SharingAgreement, User
from socmap.apps.core.schemas import ErrorOut
from socmap.apps.partnership import schemas as s
from socmap.apps.partnership import services
from socmap.apps.partnership.models import AgreementTerms, Referral
from socmap.apps.partnership.selectors import agreements as agreement_sel
from socmap.apps.partnership.selectors import board as board_sel
from socmap.apps.partnership.selectors import referrals as referral_sel
from socmap.apps.partnership.selectors.counts import shared_counts
from socmap.apps.partnership.selectors.pack import board_pack
from socmap.errors import InvalidInput

router = Router(tags=["partnership"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _org(request: HttpRequest, slug: str, field: str) -> Organisation:
    found = core.organisation_list(viewer=viewer(request)).filter(slug=slug).first() if slug else None
    if found is None:
        raise InvalidInput(f"No organisation {slug!r}", fields={field: ["Unknown organisation"]})
    return found


def _name(user: User | None) -> str | None:
    return user.username if user is not None else None


def _agreement_out(a: SharingAgreement) -> dict[str, Any]:
    t = AgreementTerms.objects.filter(agreement=a).first()
    stage = agreement_sel.stage_of(a)
    return {
        "id": a.pk,
        "title": a.title,
        "provider": a.provider.slug,
        "recipient": a.recipient.slug,
        "stage": stage,
        "stage_label": agreement_sel.STAGES[stage],
        "valid_from": a.valid_from,
        "valid_to": a.valid_to,
        "review_on": t.review_on if t else None,
        "purpose": t.purpose if t else "",
        "legal_basis": t.legal_basis if t else "",
        "compartments": [c.slug for c in a.compartments.all()],
        "includes_general": a.includes_general,
        "handling_codes": list(a.handling_codes or ()),
        "conditions": a.conditions,
        "proposed_by": _name(t.proposed_by) if t else None,
        "provider_approved_by": _name(t.provider_approved_by) if t else None,
        "recipient_approved_by": _name(t.recipient_approved_by) if t else None,
        "revoked_at": a.revoked_at,
        "revoke_reason": t.revoke_reason if t else "",
    }


@router.get(
    "/partnership/agreements",
    response={200: list[s.AgreementOut], **ERRORS},
    operation_id="partnership_agreement_list",
)
def agreement_list(request: HttpRequest, stage: str = "") -> list[dict[str, Any]]:
    """Every agreement the caller's organisation gives or receives, with its stage."""
    return [_agreement_out(r.agreement) for r in agreement_sel.register(viewer=viewer(request), stage=stage)]


@router.post(
    "/partnership/agreements",
    response={201: s.AgreementOut, **ERRORS},
    operation_id="partnership_agreement_propose",
)
def agreement_propose(request: HttpRequest, payload: s.AgreementIn) -> Status[dict[str, Any]]:
    """Propose an agreement (a sharing lead of either organisation); bad terms are refused (400)."""
    d = payload.model_dump()
    terms = services.agreement_propose(
        actor=viewer(request),
        proposal=services.Proposal(
            **{k: v for k, v in d.items() if k not in ("provider", "recipient", "compartments")},
            provider=_org(request, payload.provider, "provider"),
            recipient=_org(request, payload.recipient, "recipient"),
            compartments=services.compartments_named(payload.compartments),
        ),
    )
    return Status(201, _agreement_out(terms.agreement))


@router.get(
    "/partnership/agreements/{agreement_id}",
    response={200: s.AgreementDetailOut, **ERRORS},
    operation_id="partnership_agreement_get",
)
def agreement_get(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    """One agreement of the caller's organisation, with how many items of each kind it shares."""
    a = agreement_sel.agreement_find(viewer=viewer(request), agreement_id=agreement_id)
    return {**_agreement_out(a), "shared_counts": dict(shared_counts(a)) if a.revoked_at is None else {}}


@router.post(
    "/partnership/agreements/{agreement_id}/approve",
    response={200: s.AgreementOut, **ERRORS},
    operation_id="partnership_agreement_approve",
)
def agreement_approve(request: HttpRequest, agreement_id: int) -> dict[str, Any]:
    """Approve for the caller's organisation; the second organisation's approval puts it in force."""
    user = viewer(request)
    a = agreement_sel.agreement_find(viewer=user, agreement_id=agreement_id)
    services.agreement_approve(actor=user, agreement=a)
    a.refresh_from_db()
    return _agreement_out(a)


@router.post(
    "/partnership/agreements/{agreement_id}/revoke",
    response={200: s.AgreementOut, **ERRORS},
    operation_id="partnership_agreement_revoke",
)
def agreement_revoke(request: HttpRequest, agreement_id: int, payload: s.ReasonIn) -> dict[str, Any]:
    """Revoke at once, with the reason."""
    user = viewer(request)
    a = agreement_sel.agreement_find(viewer=user, agreement_id=agreement_id)
    services.agreement_revoke(actor=user, agreement=a, reason=payload.reason)
    return _agreement_out(a)


@router.post(
    "/partnership/agreements/{agreement_id}/renew",
    response={201: s.AgreementOut, **ERRORS},
    operation_id="partnership_agreement_renew",
)
def agreement_renew(request: HttpRequest, agreement_id: int, payload: s.RenewIn) -> Status[dict[str, Any]]:
    """Propose the same terms from the day after the current end date."""
    user = viewer(request)
    a = agreement_sel.agreement_find(viewer=user, agreement_id=agreement_id)
    terms = services.agreement_renew(
        actor=user, agreement=a, valid_to=payload.valid_to, review_on=payload.review_on
    )
    return Status(201, _agreement_out(terms.agreement))


@router.get(
    "/partnership/boards", response={200: list[s.BoardOut], **ERRORS}, operation_id="partnership_board_list"
)
def board_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The partnership boards the caller's organisation sits on."""
    return [
        {
            "id": b.pk,
            "name": b.name,
            "chair": b.chair_organisation.slug,
            "members": [
                m.organisation.slug
                for m in b.members.filter(left_on__isnull=True).select_related("organisation")
            ],
        }
        for b in board_sel.board_list(viewer=viewer(request))
    ]


@router.get(
    "/partnership/boards/{board_id}/pack",
    response={200: s.PackOut, **ERRORS},
    operation_id="partnership_board_pack",
)
def pack(request: HttpRequest, board_id: int) -> dict[str, Any]:
    """The board pack as the caller's organisation may see it, built now from live figures."""
    user = viewer(request)
    p = board_pack(viewer=user, board=board_sel.board_find(viewer=user, board_id=board_id))
    return {
        "board": p.board.name,
        "made_on": p.made_on,
        "priorities": [t.title for t in p.priorities],
        "disruptions": [{"p": a, "impact": b, "count": n} for a, b, n in p.disruptions],
        "disruption_total": p.disruption_total,
        "overdue_actions": [a.description for a in p.overdue],
        "quarters": [q.__dict__ for q in p.figures],
        "referrals": p.referrals,
    }


@router.post(
    "/partnership/boards/{board_id}/meetings",
    response={201: s.MeetingOut, **ERRORS},
    operation_id="partnership_meeting_record",
)
def meeting_record(request: HttpRequest, board_id: int, payload: s.MeetingIn) -> Status[dict[str, Any]]:
    """Record a meeting (the chair organisation)."""
    user = viewer(request)
    m = services.meeting_record(
        actor=user, board=board_sel.board_find(viewer=user, board_id=board_id), **payload.model_dump()
    )
    return Status(201, {"id": m.pk, "board_id": m.board_id, "held_on": m.held_on, "title": m.title})


@router.post(
    "/partnership/meetings/{meeting_id}/attendance",
    response={201: dict[str, int], **ERRORS},
    operation_id="partnership_attendance_record",
)
def attendance_record(
    request: HttpRequest, meeting_id: int, payload: s.AttendanceIn
) -> Status[dict[str, int]]:
    """Record who came for a member organisation, and at what level of seniority."""
    user = viewer(request)
    row = services.attendance_record(
        actor=user,
        meeting=board_sel.meeting_find(viewer=user, meeting_id=meeting_id),
        organisation=_org(request, payload.organisation, "organisation"),
        name=payload.name,
        seniority=payload.seniority,
    )
    return Status(201, {"id": row.pk})


def _action_out(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "description": a.description,
        "owner_organisation": a.owner_organisation.slug,
        "due_on": a.due_on,
        "completed_on": a.completed_on,
    }


@router.post(
    "/partnership/meetings/{meeting_id}/actions",
    response={201: s.BoardActionOut, **ERRORS},
    operation_id="partnership_board_action_record",
)
def board_action_record(
    request: HttpRequest, meeting_id: int, payload: s.BoardActionIn
) -> Status[dict[str, Any]]:
    """Give an action to a member organisation; an owner outside the board is refused (400)."""
    user = viewer(request)
    owner = (
        _org(request, payload.owner_organisation, "owner_organisation")
        if payload.owner_organisation
        else None
    )
    a = services.action_record(
        actor=user,
        meeting=board_sel.meeting_find(viewer=user, meeting_id=meeting_id),
        data=services.ActionInput(payload.description, owner, payload.due_on),
    )
    return Status(201, _action_out(a))


@router.post(
    "/partnership/board-actions/{action_id}/complete",
    response={200: s.BoardActionOut, **ERRORS},
    operation_id="partnership_board_action_complete",
)
def board_action_complete(request: HttpRequest, action_id: int, payload: s.CompleteIn) -> dict[str, Any]:
    """Record an action done (the owning organisation, or the chair)."""
    user = viewer(request)
    a = services.action_complete(
        actor=user, action=board_sel.action_find(viewer=user, action_id=action_id), note=payload.note
    )
    return _action_out(a)


def _referral_out(r: Referral) -> dict[str, Any]:
    return {
        "id": r.pk,
        "arrangement": r.arrangement.name,
        "owner": r.owner.slug,
        "to_organisation": r.to_organisation.slug,
        "referred_by": r.referred_by.username,
        "referred_on": r.referred_on,
        "due_on": referral_sel.due_date(r),
        "concern": r.concern,
        "concern_label": r.get_concern_display(),
        "subject": r.subject,
        "summary": r.summary,
        "outcome": r.outcome,
        "outcome_label": r.get_outcome_display() if r.outcome else "Awaiting",
        "outcome_on": r.outcome_on,
    }


@router.get(
    "/partnership/referrals",
    response={200: list[s.ReferralOut], **ERRORS},
    operation_id="partnership_referral_list",
)
def referral_list(request: HttpRequest, state: str = "") -> list[dict[str, Any]]:
    """Referrals the caller's organisation made or received (state: awaiting, overdue or outcome)."""
    return [_referral_out(r) for r in referral_sel.referral_list(viewer=viewer(request), state=state)[:500]]


@router.post(
    "/partnership/referrals",
    response={201: s.ReferralOut, **ERRORS},
    operation_id="partnership_referral_make",
)
def referral_make(request: HttpRequest, payload: s.ReferralIn) -> Status[dict[str, Any]]:
    """Refer a vulnerable person to a member of a multi-agency arrangement (named by its name)."""
    arrangement = referral_sel.arrangements().filter(name=payload.arrangement).first()
    if arrangement is None:
        raise InvalidInput("No such arrangement", fields={"arrangement": ["Unknown arrangement"]})
    d = payload.model_dump()
    d.update(
        arrangement=arrangement, to_organisation=_org(request, payload.to_organisation, "to_organisation")
    )
    r = services.referral_make(actor=viewer(request), data=services.ReferralInput(**d))
    return Status(201, _referral_out(r))


@router.get(
    "/partnership/referrals/{referral_id}",
    response={200: s.ReferralOut, **ERRORS},
    operation_id="partnership_referral_get",
)
def referral_get(request: HttpRequest, referral_id: int) -> dict[str, Any]:
    return _referral_out(referral_sel.referral_get(viewer=viewer(request), referral_id=referral_id))


@router.post(
    "/partnership/referrals/{referral_id}/outcome",
    response={200: s.ReferralOut, **ERRORS},
    operation_id="partnership_referral_outcome",
)
def referral_outcome(request: HttpRequest, referral_id: int, payload: s.OutcomeIn) -> dict[str, Any]:
    """Record the outcome (the organisation referred to, or the referrer)."""
    user = viewer(request)
    r = services.outcome_record(
        actor=user,
        referral=referral_sel.referral_get(viewer=user, referral_id=referral_id),
        **payload.model_dump(),
    )
    return _referral_out(r)


def _user_out(u: User) -> dict[str, Any]:
    return {
        "id": u.pk,
        "username": u.username,
        "name": u.get_full_name(),
        "organisation": u.organisation.slug if u.organisation else None,
        "roles": sorted(u.role_set()),
        "active": u.is_active,
    }


@router.get("/admin/users", response={200: list[s.AdminUserOut], **ERRORS}, operation_id="admin_user_list")
def user_list(request: HttpRequest, q: str = "", active: str = "") -> list[dict[str, Any]]:
    """The people an administrator administers (their organisation's and the partner agencies')."""
    return [
        _user_out(u) for u in admin.administered_users(viewer=viewer(request), query=q, active=active)[:1000]
    ]


@router.post(
    "/admin/users/{user_id}/deactivate",
    response={200: s.AdminUserOut, **ERRORS},
    operation_id="admin_user_deactivate",
)
def user_deactivate(request: HttpRequest, user_id: int, payload: s.ReasonIn) -> dict[str, Any]:
    """Deactivate (never delete): they can no longer sign in or use a token."""
    user = viewer(request)
    person = admin.administered_user(viewer=user, user_id=user_id)
    return _user_out(admin.user_set_active(actor=user, user=person, active=False, reason=payload.reason))


@router.post(
    "/admin/users/{user_id}/reactivate",
    response={200: s.AdminUserOut, **ERRORS},
    operation_id="admin_user_reactivate",
)
def user_reactivate(request: HttpRequest, user_id: int, payload: s.ReasonIn) -> dict[str, Any]:
    user = viewer(request)
    person = admin.administered_user(viewer=user, user_id=user_id)
    return _user_out(admin.user_set_active(actor=user, user=person, active=True, reason=payload.reason))


@router.post(
    "/admin/users/{user_id}/totp-reset",
    response={200: dict[str, int], **ERRORS},
    operation_id="admin_user_totp_reset",
)
def user_totp_reset(request: HttpRequest, user_id: int, payload: s.ReasonIn) -> dict[str, int]:
    """Remove the person's two-factor devices, with the reason; they enrol again at next sign-in."""
    user = viewer(request)
    person = admin.administered_user(viewer=user, user_id=user_id)
    return {"devices_removed": admin.user_totp_reset(actor=user, user=person, reason=payload.reason)}


def _token_out(t: ApiToken) -> dict[str, Any]:
    return {
        "id": t.pk,
        "holder": t.user.username,
        "name": t.name,
        "prefix": t.prefix,
        "expires_at": t.expires_at,
        "last_used_at": t.last_used_at,
        "revoked_at": t.revoked_at,
    }


@router.get("/admin/tokens", response={200: list[s.AdminTokenOut], **ERRORS}, operation_id="admin_token_list")
def token_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Every API token of the people the administrator administers (never a secret)."""
    return [_token_out(t) for t in admin.administered_tokens(viewer=viewer(request))[:1000]]


@router.post(
    "/admin/tokens/{token_id}/revoke",
    response={200: s.AdminTokenOut, **ERRORS},
    operation_id="admin_token_revoke",
)
def token_revoke(request: HttpRequest, token_id: int, payload: s.ReasonIn) -> dict[str, Any]:
    return _token_out(admin.token_revoke_for(actor=viewer(request), token_id=token_id, reason=payload.reason))
