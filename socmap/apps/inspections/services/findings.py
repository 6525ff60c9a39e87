"""Changing a finding after import: progress recorded by a user, a force starting to track a national
finding, and withdrawing a finding imported by mistake (kept, with its reason, never deleted)."""

from __future__ import annotations

import hashlib
from datetime import date

from django.db import transaction
from django.utils import timezone

from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Role, User
from socmap.apps.core.refusal import refuse as core_refuse
from socmap.apps.core.services import require_role
from socmap.apps.core.visibility import can_see
from socmap.apps.inspections.models import Finding, FindingEvent, NationalFinding
from socmap.apps.inspections.services.common import (
    MANAGERS,
    Timelined,
    next_position,
    owner_of,
    refuse,
    status_refresh,
)
from socmap.errors import Conflict, InvalidInput

REASON_MAX = 2000


def finding_event_add(
    *, actor: User, finding: Finding, on: date, status: str = "", comment: str = ""
) -> FindingEvent:
    """A user records a status change or comment on a finding (for example one recommendation's)."""
    require_role(actor, *MANAGERS, action="update findings")
    if not can_see(actor, finding):
        raise core_refuse(actor, "No such finding", obj=finding)
    status = status.strip().lower().replace(" ", "-")
    if not status and not comment.strip():
        raise InvalidInput(
            "Give a status, a comment or both", fields={"status": ["Choose a status or comment"]}
        )
    if on > timezone.localdate():
        raise InvalidInput(
            "The date cannot be in the future", fields={"on": ["Enter today or an earlier date"]}
        )
    if Finding.objects.filter(pk=finding.pk, withdrawn_at__isnull=False).exists():
        raise Conflict(
            "The finding was withdrawn: its timeline is closed", fields={"on": ["Finding withdrawn"]}
        )
    with transaction.atomic():
        position = next_position(finding)
        made = []
        for kind, value in (("status", status), ("comment", comment.strip())):
            if not value:
                continue
            basis = f"{on.isoformat()}|{kind}|{value}|{actor.pk}|{timezone.now().isoformat()}"
            made.append(
                FindingEvent.objects.create(
                    finding=finding,
                    on=on,
                    date_text=on.isoformat(),
                    kind=kind,
                    status=value if kind == "status" else "",
                    comment=value if kind == "comment" else "",
                    source="socmap",
                    position=position,
                    recorded_by=actor,
                    fingerprint=hashlib.sha256(basis.encode()).hexdigest(),
                )
            )
            position += 1
        status_refresh(finding)
        audit_record(
            AuditAction.ALTERATION, actor=actor, obj=finding, detail={"status": status, "on": str(on)}
        )
    return made[0]


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "Say why it is withdrawn", fields={"reason": ["Enter the reason for withdrawing it"]}
        )
    if len(reason) > REASON_MAX:
        raise InvalidInput(
            f"The reason is {len(reason):,} characters; the limit is {REASON_MAX:,}",
            fields={"reason": [f"Enter at most {REASON_MAX:,} characters"]},
        )
    return reason


def _withdrawal_entry(target: Timelined, actor: User, reason: str) -> FindingEvent:
    """The withdrawal on the timeline itself, so the history shows who withdrew it, when and why."""
    now = timezone.now()
    return FindingEvent.objects.create(
        **owner_of(target),
        on=timezone.localdate(now),
        date_text=timezone.localdate(now).isoformat(),
        kind=FindingEvent.Kind.WITHDRAWN,
        comment=reason,
        source="socmap",
        position=next_position(target),
        recorded_by=actor,
        fingerprint=hashlib.sha256(f"withdrawn|{actor.pk}|{now.isoformat()}".encode()).hexdigest(),
    )


def finding_withdraw(*, actor: User, finding: Finding, reason: str) -> Finding:
    """Withdraw a finding imported by mistake: kept with its timeline, marked withdrawn with the reason.

    Its recommendations go with it. It leaves lists, measures and charts; its page still shows it and
    why it was withdrawn; importing its page again is refused.
    """
    require_role(actor, *MANAGERS, action="withdraw findings")
    if not can_see(actor, finding):
        raise core_refuse(actor, "No such finding", obj=finding)
    if finding.owner_id != actor.organisation_id:
        refuse(actor, finding, "You can withdraw findings about your own organisation only")
    reason = _reason(reason)
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked.withdrawn_at is not None:
            raise Conflict(
                f"It was already withdrawn on {locked.withdrawn_at:%d %B %Y}",
                fields={"reason": ["Withdrawn"]},
            )
        now = timezone.now()
        children = list(Finding.objects.filter(parent=locked, withdrawn_at__isnull=True))
        for f in (locked, *children):
            f.withdrawn_at, f.withdrawn_by, f.withdrawn_reason = now, actor, reason
            f.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason", "updated_at"])
        _withdrawal_entry(locked, actor, reason)
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=locked,
            justification=reason,
            detail={"withdrawn": True, "recommendations": [c.pk for c in children]},
        )
    return locked


def national_withdraw(*, actor: User, national: NationalFinding, reason: str) -> NationalFinding:
    """Withdraw a national finding imported by mistake, with the track of the actor's organisation.

    Refused while another organisation tracks it (its progress is theirs to withdraw), and to anyone
    but an administrator or the organisation that imported it.
    """
    require_role(actor, *MANAGERS, action="withdraw findings")
    importer = national.created_by.organisation_id if national.created_by else None
    if importer != actor.organisation_id and not actor.has_role(Role.ADMINISTRATOR):
        refuse(
            actor, national, "Only the organisation that imported it, or an administrator, can withdraw it"
        )
    reason = _reason(reason)
    with transaction.atomic():
        locked = NationalFinding.objects.select_for_update().get(pk=national.pk)
        if locked.withdrawn_at is not None:
            raise Conflict(
                f"It was already withdrawn on {locked.withdrawn_at:%d %B %Y}",
                fields={"reason": ["Withdrawn"]},
            )
        tracks = list(locked.tracks.filter(withdrawn_at__isnull=True))
        others = sorted({t.subject.name for t in tracks if t.owner_id != actor.organisation_id})
        if others:
            raise Conflict(
                f"{', '.join(others)} track{'s' if len(others) == 1 else ''} it: they must withdraw their "
                "finding first",
                fields={"reason": ["Other organisations track it"]},
            )
        now = timezone.now()
        locked.withdrawn_at, locked.withdrawn_by, locked.withdrawn_reason = now, actor, reason
        locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason", "updated_at"])
        _withdrawal_entry(locked, actor, reason)
        audit_record(
            AuditAction.ALTERATION, actor=actor, obj=locked, justification=reason, detail={"withdrawn": True}
        )
        for track in tracks:  # the actor's own organisation's: no other organisation's is left
            finding_withdraw(actor=actor, finding=track, reason=reason)
    return locked


def national_track_start(*, actor: User, national: NationalFinding) -> Finding:
    """The actor's organisation starts tracking a national finding it has no page of its own for."""
    require_role(actor, *MANAGERS, action="track findings")
    org = actor.organisation
    if org is None or org.is_partner:
        raise InvalidInput(
            "Only a force or unit tracks the inspectorate's findings", fields={"national": ["Not a force"]}
        )
    if national.withdrawn_at is not None:
        raise Conflict("The national finding was withdrawn", fields={"national": ["Withdrawn"]})
    with transaction.atomic():
        held = Finding.objects.select_for_update().filter(subject=org, national=national).first()
        if held is not None:
            return held
        reference = national.reference
        if Finding.objects.filter(subject=org, reference=reference).exists():
            reference = f"{reference}-national"
        finding = Finding.objects.create(
            owner=org,
            subject=org,
            inspection=national.inspection,
            national=national,
            kind=national.kind,
            reference=reference,
            title=national.title,
            text=national.text,
            imported_from="socmap",
            created_by=actor,
        )
        audit_record(AuditAction.COLLECTION, actor=actor, obj=finding, detail={"national": national.pk})
    return finding
