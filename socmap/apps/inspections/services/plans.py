"""Inspections, grades, improvement plans, their actions, updates and evidence."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from socmap.apps.core.audit import audit_record
from socmap.apps.core.measures import measure_get
from socmap.apps.core.models import AuditAction, Document, Organisation, User
from socmap.apps.core.services import require_role
from socmap.apps.core.visibility import can_see
from socmap.apps.inspections.models import (
    ActionEvidence,
    ActionStatus,
    ActionUpdate,
    EvidenceKind,
    Finding,
    ImprovementAction,
    ImprovementPlan,
    Inspection,
    InspectionGrade,
    Rag,
)
from socmap.apps.inspections.services.common import MANAGERS
from socmap.errors import Conflict, InvalidInput, NotAllowed, NotVisible


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
    elif Finding.objects.filter(pk__in=[f.pk for f in linked], withdrawn_at__isnull=False).exists():
        problems["findings"] = ["A withdrawn finding cannot be answered by an action"]
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
    if Finding.objects.filter(pk=finding.pk, withdrawn_at__isnull=False).exists():
        raise InvalidInput(
            "A withdrawn finding cannot be answered by an action",
            fields={"action": ["The finding was withdrawn"]},
        )
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
