"""What the inspections services share: who manages findings, audited refusals and timelines."""

from __future__ import annotations

import hashlib
from typing import NoReturn

from django.db.models import Max, Model

from socmap.apps.core.models import Role, User
from socmap.apps.core.refusal import refuse as core_refuse
from socmap.apps.inspections.models import Finding, FindingEvent, NationalFinding
from socmap.engines.inspections import ParsedFinding, TimelineEvent

MANAGERS = (Role.IMPROVEMENT_LEAD, Role.SUPERVISOR, Role.ADMINISTRATOR)

Timelined = Finding | NationalFinding


def refuse(actor: User, obj: Model, message: str) -> NoReturn:
    """Refuse an act the actor may know about (``NotAllowed``), through socmap's one refusal function."""
    raise core_refuse(actor, message, hidden=False, obj=obj)


def diagnostics_of(parsed: ParsedFinding) -> list[dict[str, object]]:
    return [
        {"severity": d.severity, "code": d.code, "message": d.message, "text": d.text, "line": d.line}
        for d in parsed.diagnostics
    ]


def owner_of(target: Timelined) -> dict[str, Timelined]:
    """The keyword a timeline entry takes for its finding: ``finding=`` or ``national=``."""
    return {"national": target} if isinstance(target, NationalFinding) else {"finding": target}


def event_key(event: TimelineEvent) -> str:
    """What identifies an entry across re-imports: its meaning and its wording (whitespace aside).

    Two entries alike in every way on one page are both kept; the occurrence number tells them apart.
    """
    comment = " ".join((event.comment or "").split())
    raw = " ".join(event.raw.split())
    when = event.on.isoformat() if event.on else event.date_text
    return f"{when}|{event.kind}|{event.status or ''}|{comment}|{raw}"


def events_import(target: Timelined, parsed: ParsedFinding, source: str) -> tuple[int, int]:
    """Add the page's timeline entries that ``target`` does not hold yet: (added, already held)."""
    held = target.events.all()
    existing = set(held.values_list("fingerprint", flat=True))
    start = (held.aggregate(m=Max("position"))["m"] or 0) + 1
    new = []
    known = 0
    seen: dict[str, int] = {}
    for i, event in enumerate(parsed.timeline):
        key = event_key(event)
        seen[key] = seen.get(key, 0) + 1
        fp = hashlib.sha256(f"{key}|{seen[key]}".encode()).hexdigest()
        if fp in existing:
            known += 1
            continue
        existing.add(fp)
        new.append(
            FindingEvent(
                **owner_of(target),
                on=event.on,
                date_text=event.date_text[:80],
                kind=event.kind,
                status=event.status or "",
                comment=event.comment or "",
                source=source[:300],
                raw=event.raw,
                position=start + i,
                fingerprint=fp,
            )
        )
    FindingEvent.objects.bulk_create(new)
    return len(new), known


def next_position(target: Timelined) -> int:
    return int(target.events.aggregate(m=Max("position"))["m"] or 0) + 1


def status_refresh(target: Timelined) -> None:
    """The current status is the latest dated status event (ties: the later one recorded)."""
    latest = (
        target.events.filter(kind=FindingEvent.Kind.STATUS, on__isnull=False)
        .order_by("-on", "-position", "-id")
        .values_list("status", flat=True)
        .first()
    )
    if latest is None:  # only undated statuses: the last one on the page
        latest = (
            target.events.filter(kind=FindingEvent.Kind.STATUS)
            .order_by("-position", "-id")
            .values_list("status", flat=True)
            .first()
        )
    status = latest or ""
    if target.status != status:
        target.status = status
        target.save(update_fields=["status", "updated_at"])
