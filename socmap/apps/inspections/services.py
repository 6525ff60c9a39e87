"""Every write of the inspections app: in a transaction, with its audit entry."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from socmap.apps.core.audit import audit_record
from socmap.apps.core.measures import measure_get
from socmap.apps.core.models import AuditAction, Document, Organisation, OrganisationKind, Role, User
from socmap.apps.core.services import require_role
from socmap.apps.core.visibility import can_see
from socmap.apps.inspections.models import (
    ActionEvidence,
    ActionStatus,
    ActionUpdate,
    EvidenceKind,
    Finding,
    FindingEvent,
    FindingKind,
    ImprovementAction,
    ImprovementPlan,
    Inspection,
    InspectionGrade,
    Rag,
)
from socmap.engines.inspections import ParsedFinding, TimelineEvent, parse_recommendation_page
from socmap.errors import Conflict, InvalidInput, NotAllowed, NotVisible

MANAGERS = (Role.IMPROVEMENT_LEAD, Role.SUPERVISOR, Role.ADMINISTRATOR)


@dataclass
class ImportResult:
    finding: Finding
    created: bool
    events_added: int
    events_known: int
    recommendations_added: int
    parsed: ParsedFinding
    warnings: list[str] = field(default_factory=list)


def _event_key(event: TimelineEvent) -> str:
    """What identifies an entry across re-imports: its meaning and its wording (whitespace aside).

    Two entries alike in every way on one page are both kept; the occurrence number tells them apart.
    """
    comment = " ".join((event.comment or "").split())
    raw = " ".join(event.raw.split())
    when = event.on.isoformat() if event.on else event.date_text
    return f"{when}|{event.kind}|{event.status or ''}|{comment}|{raw}"


def _diagnostics(parsed: ParsedFinding) -> list[dict[str, object]]:
    return [
        {"severity": d.severity, "code": d.code, "message": d.message, "text": d.text, "line": d.line}
        for d in parsed.diagnostics
    ]


def _as_text(data: str | bytes) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _resolve_subject(parsed: ParsedFinding, subject: Organisation | None) -> Organisation:
    if subject is not None:
        return subject
    slug = (parsed.force_slug or "").strip().lower()
    if slug:
        candidates = Organisation.objects.filter(
            kind__in=[OrganisationKind.FORCE, OrganisationKind.ROCU]
        ).filter(Q(slug__startswith=slug) | Q(name__istartswith=slug.replace("-", " ")))
        if candidates.count() == 1:
            return candidates.get()
    raise InvalidInput(
        "Say which force or unit this finding is about: the page does not name one socmap knows"
        + (f" (it says {slug!r})" if slug else ""),
        fields={"subject": ["Choose the force or unit the finding is about"]},
    )


def finding_import(
    *,
    actor: User,
    data: str | bytes,
    source: str,
    subject: Organisation | None = None,
    inspection: Inspection | None = None,
) -> ImportResult:
    """Import one inspectorate recommendation page.

    The same page imported again changes nothing; an updated page adds only its new timeline events.
    Nothing the parser could not place is lost: it is kept on the finding with its diagnostics.
    """
    require_role(actor, *MANAGERS, Role.ANALYST, action="import inspection findings")
    parsed = parse_recommendation_page(data, source=source)
    subject = _resolve_subject(parsed, subject)
    if actor.organisation_id != subject.pk and not actor.has_role(Role.ADMINISTRATOR):
        raise NotAllowed("You can import findings about your own organisation only")
    reference = parsed.external_id or f"page-{parsed.fingerprint[:10]}"
    with transaction.atomic():
        finding = Finding.objects.select_for_update().filter(subject=subject, reference=reference).first()
        created = finding is None
        if finding is None:
            finding = Finding.objects.create(
                owner=subject,
                subject=subject,
                inspection=inspection,
                kind=parsed.kind,
                reference=reference,
                title=parsed.title[:300],
                text=parsed.text,
                url=parsed.url or "",
                fingerprint=parsed.fingerprint,
                diagnostics=_diagnostics(parsed),
                unplaced_text=parsed.unplaced_text,
                imported_from=source[:300],
                source_text=_as_text(data),
                created_by=actor,
            )
        elif finding.fingerprint != parsed.fingerprint:
            # An updated page: keep the newest text, and keep what could not be placed from every version.
            finding.text = parsed.text
            finding.fingerprint = parsed.fingerprint
            finding.source_text = _as_text(data)
            finding.diagnostics = [*finding.diagnostics, *_diagnostics(parsed)]
            if parsed.unplaced_text and parsed.unplaced_text not in finding.unplaced_text:
                finding.unplaced_text = "\n\n".join(
                    t for t in (finding.unplaced_text, parsed.unplaced_text) if t
                )
            finding.save()
        recs_added = _import_recommendations(finding, parsed, actor, source)
        added, known = _import_events(finding, parsed, source)
        _refresh_status(finding)
        audit_record(
            AuditAction.COLLECTION if created else AuditAction.ALTERATION,
            actor=actor,
            obj=finding,
            justification=f"imported from {source}",
            detail={
                "events_added": added,
                "events_known": known,
                "recommendations_added": recs_added,
                "diagnostics": len(parsed.diagnostics),
            },
        )
    return ImportResult(finding, created, added, known, recs_added, parsed)


def _import_recommendations(finding: Finding, parsed: ParsedFinding, actor: User, source: str) -> int:
    added = 0
    for rec in parsed.recommendations:
        reference = f"{finding.reference}-{rec.number}"
        _, made = Finding.objects.get_or_create(
            subject=finding.subject,
            reference=reference,
            defaults={
                "owner": finding.owner,
                "inspection": finding.inspection,
                "kind": FindingKind.RECOMMENDATION,
                "parent": finding,
                "number": rec.number,
                "title": rec.text[:300],
                "text": rec.text,
                "intro": rec.intro,
                "url": finding.url,
                "imported_from": source[:300],
                "created_by": actor,
            },
        )
        added += int(made)
    return added


def _import_events(finding: Finding, parsed: ParsedFinding, source: str) -> tuple[int, int]:
    existing = set(finding.events.values_list("fingerprint", flat=True))
    start = (finding.events.aggregate(m=Max("position"))["m"] or 0) + 1
    new = []
    known = 0
    seen: dict[str, int] = {}
    for i, event in enumerate(parsed.timeline):
        key = _event_key(event)
        seen[key] = seen.get(key, 0) + 1
        fp = hashlib.sha256(f"{key}|{seen[key]}".encode()).hexdigest()
        if fp in existing:
            known += 1
            continue
        existing.add(fp)
        new.append(
            FindingEvent(
                finding=finding,
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


def _refresh_status(finding: Finding) -> None:
    """The current status is the latest dated status event (ties: the later one recorded)."""
    latest = (
        finding.events.filter(kind=FindingEvent.Kind.STATUS)
        .order_by("-on", "-position", "-id")
        .values_list("status", flat=True)
        .first()
    )
    status = latest or ""
    if finding.status != status:
        finding.status = status
        finding.save(update_fields=["status", "updated_at"])


def finding_event_add(
    *, actor: User, finding: Finding, on: date, status: str = "", comment: str = ""
) -> FindingEvent:
    """A user records a status change or comment on a finding (for example one recommendation's)."""
    require_role(actor, *MANAGERS, action="update findings")
    if not can_see(actor, finding):
        raise NotVisible("No such finding")
    status = status.strip().lower().replace(" ", "-")
    if not status and not comment.strip():
        raise InvalidInput(
            "Give a status, a comment or both", fields={"status": ["Choose a status or comment"]}
        )
    if on > timezone.localdate():
        raise InvalidInput(
            "The date cannot be in the future", fields={"on": ["Enter today or an earlier date"]}
        )
    with transaction.atomic():
        position = (finding.events.aggregate(m=Max("position"))["m"] or 0) + 1
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
        _refresh_status(finding)
        audit_record(
            AuditAction.ALTERATION, actor=actor, obj=finding, detail={"status": status, "on": str(on)}
        )
    return made[0]


def grade_record(
    *,
    actor: User | None,
    inspection: Inspection,
    organisation: Organisation,
    grade: str,
    question: str = "Overall",
) -> InspectionGrade:
    with transaction.atomic():
        row, _ = InspectionGrade.objects.update_or_create(
            inspection=inspection, organisation=organisation, question=question, defaults={"grade": grade}
        )
        audit_record(AuditAction.COLLECTION, actor=actor, obj=row, detail={"grade": grade})
    return row


def inspection_create(*, actor: User | None, title: str, kind: str, **fields: object) -> Inspection:
    if not title.strip():
        raise InvalidInput("The inspection needs a title", fields={"title": ["Enter a title"]})
    with transaction.atomic():
        inspection, made = Inspection.objects.get_or_create(
            title=title.strip(), defaults={"kind": kind, **fields}
        )
        if made:
            audit_record(AuditAction.COLLECTION, actor=actor, obj=inspection)
    return inspection


def plan_create(*, actor: User, title: str, description: str = "") -> ImprovementPlan:
    require_role(actor, *MANAGERS, action="create improvement plans")
    if actor.organisation is None:
        raise NotAllowed("You belong to no organisation, so you cannot hold a plan")
    if not title.strip():
        raise InvalidInput("The plan needs a title", fields={"title": ["Enter a title"]})
    with transaction.atomic():
        plan = ImprovementPlan.objects.create(
            owner=actor.organisation, title=title.strip(), description=description, created_by=actor
        )
        audit_record(AuditAction.COLLECTION, actor=actor, obj=plan)
    return plan


def action_create(
    *,
    actor: User,
    plan: ImprovementPlan,
    title: str,
    owner: User,
    due_on: date,
    description: str = "",
    rag: str = Rag.AMBER,
    findings: Iterable[Finding] = (),
) -> ImprovementAction:
    require_role(actor, *MANAGERS, action="add improvement actions")
    if not can_see(actor, plan) or plan.owner_id != actor.organisation_id:
        raise NotVisible("No such plan")
    problems: dict[str, list[str]] = {}
    if not title.strip():
        problems["title"] = ["Enter what the action is"]
    if owner.organisation_id != plan.owner_id and not owner.organisation.is_partner:  # type: ignore[union-attr]
        problems["owner"] = ["The owner must work for the plan's organisation or a partner agency"]
    if rag not in Rag.values:
        problems["rag"] = ["Choose red, amber or green"]
    linked = list(findings)
    if any(not can_see(actor, f) for f in linked):
        problems["findings"] = ["One of the findings is not visible to you"]
    if problems:
        raise InvalidInput("The action could not be added", fields=problems)
    with transaction.atomic():
        count = ImprovementAction.objects.select_for_update().filter(plan=plan).count()
        action = ImprovementAction.objects.create(
            plan=plan,
            reference=f"A{count + 1:03d}",
            title=title.strip(),
            description=description.strip(),
            owner=owner,
            due_on=due_on,
            rag=rag,
            created_by=actor,
        )
        action.findings.set(linked)
        audit_record(
            AuditAction.COLLECTION, actor=actor, obj=action, detail={"findings": [f.pk for f in linked]}
        )
    return action


def action_link_finding(*, actor: User, action: ImprovementAction, finding: Finding) -> None:
    require_role(actor, *MANAGERS, action="link findings to actions")
    if not can_see(actor, finding) or not can_see(actor, action.plan):
        raise NotVisible("No such finding")
    with transaction.atomic():
        action.findings.add(finding)
        audit_record(AuditAction.ALTERATION, actor=actor, obj=action, detail={"linked_finding": finding.pk})


def action_update(
    *, actor: User, action: ImprovementAction, text: str, status: str, rag: str
) -> ActionUpdate:
    if actor.pk != action.owner_id and not actor.has_role(*MANAGERS):
        raise NotAllowed("Only the action's owner or an improvement lead can update it")
    problems: dict[str, list[str]] = {}
    if not text.strip():
        problems["text"] = ["Say what has happened"]
    if status not in ActionStatus.values:
        problems["status"] = ["Choose a status"]
    if rag not in Rag.values:
        problems["rag"] = ["Choose red, amber or green"]
    if problems:
        raise InvalidInput("The update could not be saved", fields=problems)
    with transaction.atomic():
        update = ActionUpdate.objects.create(
            action=action, text=text.strip(), status=status, rag=rag, by=actor
        )
        changed = {"status": [action.status, status], "rag": [action.rag, rag]}
        action.status = status
        action.rag = rag
        action.completed_on = timezone.localdate() if status == ActionStatus.COMPLETE else None
        action.save(update_fields=["status", "rag", "completed_on"])
        audit_record(AuditAction.ALTERATION, actor=actor, obj=action, detail=changed)
    return update


def evidence_add(
    *,
    actor: User,
    action: ImprovementAction,
    kind: str,
    document: Document | None = None,
    url: str = "",
    measure: str = "",
    note: str = "",
) -> ActionEvidence:
    if actor.pk != action.owner_id and not actor.has_role(*MANAGERS):
        raise NotAllowed("Only the action's owner or an improvement lead can add evidence")
    problems: dict[str, list[str]] = {}
    if kind == EvidenceKind.DOCUMENT and (document is None or not can_see(actor, document)):
        problems["document"] = ["Choose a document you can see"]
    elif kind == EvidenceKind.LINK and not url.strip().lower().startswith(("https://", "http://")):
        problems["url"] = ["Enter a web address starting with https://"]
    elif kind == EvidenceKind.MEASURE:
        try:
            measure_get(measure)
        except InvalidInput as exc:
            problems["measure"] = exc.fields.get("measure", [exc.message])
    elif kind not in EvidenceKind.values:
        problems["kind"] = ["Choose a document, a link or a live measure"]
    if problems:
        raise InvalidInput("The evidence could not be added", fields=problems)
    with transaction.atomic():
        if kind == EvidenceKind.MEASURE and action.evidence.filter(measure=measure).exists():
            raise Conflict(
                "That measure is already evidence for this action", fields={"measure": ["Already added"]}
            )
        evidence = ActionEvidence.objects.create(
            action=action,
            kind=kind,
            document=document if kind == EvidenceKind.DOCUMENT else None,
            url=url.strip() if kind == EvidenceKind.LINK else "",
            measure=measure if kind == EvidenceKind.MEASURE else "",
            note=note.strip(),
            added_by=actor,
        )
        audit_record(AuditAction.ALTERATION, actor=actor, obj=action, detail={"evidence": kind})
    return evidence
