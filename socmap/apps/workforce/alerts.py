"""The register's daily alerts: an accreditation or training of a person in the register that lapses
within the warning (or has lapsed) is told to the person's manager, once.

The manager is the member's own manager, or, when none is named, the supervisors of the member's
organisation: never anyone outside it (a name is personal data). A unique key per manager and
training record makes "once" a database fact: running the job again, on the same day or later,
tells nobody twice. A newer pass of the course is a new record, and so a new alert when it, in turn,
comes near its expiry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from socmap.apps.core import clock
from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Role, User
from socmap.apps.workforce.models import Alert, Member, TrainingRecord

ALERT_JOB = "workforce alerts"


def warn_days() -> int:
    return int(getattr(settings, "SOCMAP_WORKFORCE_ALERT_DAYS", 60))


@dataclass
class AlertRun:
    today: date
    due: int = 0
    told: int = 0
    already: int = 0
    no_manager: int = 0


def _latest(members: dict[int, Member]) -> list[TrainingRecord]:
    """Each member's latest pass of each course (the one in force)."""
    latest: dict[tuple[int, str], TrainingRecord] = {}
    for record in TrainingRecord.objects.filter(member_id__in=list(members)).order_by(
        "member_id", "course", "-passed_on", "-id"
    ):
        assert record.member_id is not None
        latest.setdefault((record.member_id, record.course), record)
    return list(latest.values())


def _managers(member: Member, supervisors: dict[int, list[User]]) -> list[User]:
    manager = member.manager if member.manager_id is not None else None
    if manager is not None and manager.is_active and manager.organisation_id == member.owner_id:
        return [manager]
    return supervisors.get(member.owner_id, [])


def _supervisors(owner_ids: set[int]) -> dict[int, list[User]]:
    out: dict[int, list[User]] = {}
    people: QuerySet[User] = User.objects.filter(
        organisation_id__in=owner_ids, is_active=True, role_grants__role=Role.SUPERVISOR
    ).distinct()
    for user in people.order_by("pk"):
        assert user.organisation_id is not None
        out.setdefault(user.organisation_id, []).append(user)
    return out


def alerts_run(*, today: date | None = None) -> AlertRun:
    """Tell every manager, once, of each accreditation or training of their people that lapses
    within the warning or has lapsed, on the one clock's date."""
    today = today or clock.today()
    run = AlertRun(today=today)
    members = {
        m.pk: m
        for m in Member.objects.filter(left_on__isnull=True).select_related("manager")
        if m.started_on <= today
    }
    supervisors = _supervisors({m.owner_id for m in members.values()})
    horizon = today + timedelta(days=warn_days())
    now = clock.now()
    for record in _latest(members):
        if record.expires_on is None or record.expires_on > horizon:
            continue
        assert record.member_id is not None
        member = members[record.member_id]
        run.due += 1
        recipients = _managers(member, supervisors)
        if not recipients:
            run.no_manager += 1
        state = "lapsed on" if record.expires_on < today else "lapses on"
        title = f"{member.name}: {record.get_course_display()} {state} {record.expires_on:%-d %B %Y}"
        for recipient in recipients:
            try:
                with transaction.atomic():
                    alert = Alert.objects.create(
                        recipient=recipient,
                        member=member,
                        key=f"training:{record.pk}",
                        title=title,
                        due_on=record.expires_on,
                        created_at=now,
                    )
                    audit_record(
                        AuditAction.DISCLOSURE,
                        actor=None,
                        obj=alert,
                        object_repr=f"Training alert {alert.pk}",  # no name: the audit is read wider
                        object_owner=member.owner_id,
                        username=ALERT_JOB,
                        detail={"recipient": recipient.pk, "member": member.pk, "record": record.pk},
                    )
                run.told += 1
            except IntegrityError:
                run.already += 1
    return run


def alerts_for(*, viewer: User, unread_only: bool = True) -> QuerySet[Alert]:
    """The viewer's own alerts (nobody reads another's)."""
    qs = Alert.objects.filter(recipient=viewer).select_related("member")
    return qs.filter(read_at__isnull=True) if unread_only else qs
