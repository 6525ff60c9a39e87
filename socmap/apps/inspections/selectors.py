"""Every read of the inspections app, through the viewer's visibility."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from socmap.apps.core.exports import csv_lines
from socmap.apps.core.measures import MeasureReading, measure_read
from socmap.apps.core.models import Organisation, User
from socmap.apps.core.pagination import Page, paginate
from socmap.apps.core.refusal import refuse
from socmap.apps.core.selectors import police_organisation_list
from socmap.apps.core.services import export_audited
from socmap.apps.core.visibility import decide, filter_visible
from socmap.apps.inspections.models import (
    ActionEvidence,
    ActionStatus,
    EvidenceKind,
    Finding,
    FindingEvent,
    ImprovementAction,
    ImprovementPlan,
    Inspection,
    InspectionGrade,
    NationalFinding,
)
from socmap.errors import InvalidInput, NotVisible

CLOSED_STATUSES = ("complete", "no-further-action-needed")


@dataclass(frozen=True)
class FindingFilter:
    subject: str = ""  # organisation slug
    kind: str = ""
    status: str = ""  # a status slug, or "open" / "closed" / "withdrawn"
    text: str = ""
    top_level_only: bool = False


WITHDRAWN = "withdrawn"


def _findings(viewer: User, filters: FindingFilter) -> QuerySet[Finding]:
    qs = filter_visible(Finding.objects.select_related("subject", "inspection", "parent", "national"), viewer)
    # A withdrawn finding leaves every list but the one that asks for withdrawn findings.
    qs = qs.filter(withdrawn_at__isnull=filters.status != WITHDRAWN)
    if filters.subject:
        qs = qs.filter(subject__slug=filters.subject)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status == WITHDRAWN:
        pass
    elif filters.status == "open":
        qs = qs.exclude(status__in=CLOSED_STATUSES)
    elif filters.status == "closed":
        qs = qs.filter(status__in=CLOSED_STATUSES)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.text.strip():
        t = filters.text.strip()
        qs = qs.filter(
            Q(title__icontains=t)
            | Q(text__icontains=t)
            | Q(reference__icontains=t)
            | Q(national__text__icontains=t)
        )
    if filters.top_level_only:
        qs = qs.filter(parent__isnull=True)
    return qs.order_by("subject__name", "parent_id", "reference")


def finding_list(*, viewer: User, filters: FindingFilter, page: int = 1, per_page: int = 50) -> Page[Finding]:
    return paginate(_findings(viewer, filters), page=page, per_page=per_page)


def finding_get(*, viewer: User, finding_id: int) -> Finding:
    """One finding, withdrawn or not (its page says so), with its timeline, recommendations and actions."""
    finding = (
        Finding.objects.select_related("subject", "inspection", "parent", "owner", "national", "withdrawn_by")
        .prefetch_related(
            Prefetch("events", queryset=FindingEvent.objects.select_related("recorded_by")),
            Prefetch("children", queryset=Finding.objects.order_by("number")),
            Prefetch("actions", queryset=ImprovementAction.objects.select_related("plan", "owner")),
        )
        .filter(pk=finding_id)
        .first()
    )
    if finding is None or not decide(viewer, finding).visible:
        raise refuse(
            viewer,
            "No such finding",
            obj=finding,
            object_type="inspections.finding",
            object_id=str(finding_id),
        )
    return finding


def finding_find(*, viewer: User, reference: str, subject: str = "") -> Finding:
    """A finding by its reference, about ``subject`` (a slug), else about the viewer's own organisation."""
    qs = filter_visible(Finding.objects.select_related("subject"), viewer).filter(reference=reference)
    qs = qs.filter(subject__slug=subject) if subject else qs.filter(subject_id=viewer.organisation_id)
    finding: Finding | None = qs.first()
    if finding is None:
        raise refuse(
            viewer, f"No finding {reference!r} about {subject or 'your organisation'}",
            object_type="inspections.finding", object_id=reference,
        )  # fmt: skip
    return finding


def finding_status_values(*, viewer: User) -> list[str]:
    return sorted(set(_findings(viewer, FindingFilter()).exclude(status="").values_list("status", flat=True)))


def finding_choose(*, viewer: User, finding_ids: list[int]) -> list[Finding]:
    """The findings of a form's choice that the viewer may see and that are not withdrawn."""
    return list(_findings(viewer, FindingFilter()).filter(pk__in=finding_ids))


def subject_choices(*, viewer: User) -> list[tuple[str, str]]:
    """Forces and units a finding can be about, as (slug, name): published names, open to every user."""
    return list(police_organisation_list().values_list("slug", "name"))


def subject_get(*, viewer: User, slug: str) -> Organisation:
    org = police_organisation_list().filter(slug=slug).first()
    if org is None:
        raise InvalidInput(
            f"No force or unit called {slug!r}", fields={"subject": ["Choose a force or unit"]}
        )
    return org


# National findings: the inspectorate's published words, open to every signed-in user; each force's
# track of one is a finding of its own, seen only as the visibility rule allows.


def _national_viewer(viewer: User) -> None:
    if not getattr(viewer, "is_authenticated", False) or viewer.organisation_id is None:
        raise refuse(viewer, "No such national finding", object_type="inspections.nationalfinding")


@dataclass(frozen=True)
class NationalSummary:
    national: NationalFinding
    tracks_visible: int  # forces' tracks of it the viewer may see
    own_track: Finding | None  # the viewer's organisation's track


def national_list(
    *, viewer: User, page: int = 1, per_page: int = 50, withdrawn: bool = False
) -> Page[NationalSummary]:
    _national_viewer(viewer)
    qs = (
        NationalFinding.objects.select_related("inspection")
        .filter(withdrawn_at__isnull=not withdrawn)
        .order_by("reference")
    )
    result = paginate(qs, page=page, per_page=per_page)
    tracks = list(
        filter_visible(Finding.objects.all(), viewer)
        .filter(national__in=result.items, withdrawn_at__isnull=True)
        .only("pk", "national_id", "owner_id", "status", "reference")
    )
    counts = Counter(t.national_id for t in tracks)
    own = {t.national_id: t for t in tracks if t.owner_id == viewer.organisation_id}
    items = [NationalSummary(n, counts[n.pk], own.get(n.pk)) for n in result.items]
    return Page(items=items, number=result.number, per_page=result.per_page, total=result.total)


def national_find(*, viewer: User, reference: str) -> NationalFinding:
    _national_viewer(viewer)
    national = NationalFinding.objects.filter(reference=reference).first()
    if national is None:
        raise refuse(
            viewer, f"No national finding {reference!r}", object_type="inspections.nationalfinding",
            object_id=reference,
        )  # fmt: skip
    return national


def national_get(*, viewer: User, national_id: int) -> tuple[NationalFinding, list[Finding]]:
    """A national finding with its own timeline, and the forces' tracks of it the viewer may see."""
    _national_viewer(viewer)
    national = (
        NationalFinding.objects.select_related("inspection", "created_by", "withdrawn_by")
        .prefetch_related(Prefetch("events", queryset=FindingEvent.objects.select_related("recorded_by")))
        .filter(pk=national_id)
        .first()
    )
    if national is None:
        raise refuse(
            viewer, "No such national finding", object_type="inspections.nationalfinding",
            object_id=str(national_id),
        )  # fmt: skip
    tracks = list(
        filter_visible(Finding.objects.select_related("subject"), viewer)
        .filter(national=national, withdrawn_at__isnull=True)
        .order_by("subject__name")
    )
    return national, tracks


FINDING_COLUMNS = [
    "subject", "reference", "kind", "parent", "number", "made_to_every_force", "title", "status", "url",
    "text",
]  # fmt: skip


def finding_export(*, viewer: User, filters: FindingFilter, justification: str) -> Iterator[str]:
    qs = _findings(viewer, filters)
    export_audited(actor=viewer, what="inspection-findings", justification=justification, count=qs.count())
    rows = (
        [
            f.subject.name,
            f.reference,
            f.get_kind_display(),
            f.parent.reference if f.parent else "",
            f.number or "",
            f.national.reference if f.national else "",
            f.title,
            f.status,
            f.url,
            f.text,
        ]
        for f in qs.iterator(chunk_size=500)
    )
    return csv_lines(FINDING_COLUMNS, rows)


@dataclass(frozen=True)
class StatusSeries:
    months: list[date]
    statuses: list[str]
    counts: dict[str, list[int]]  # status -> count per month

    @property
    def table(self) -> list[tuple[date, list[int]]]:
        return [(m, [self.counts[s][i] for s in self.statuses]) for i, m in enumerate(self.months)]

    def as_rows(self) -> list[dict[str, object]]:
        return [
            {"month": m.isoformat(), "status": s, "count": self.counts[s][i]}
            for i, m in enumerate(self.months)
            for s in self.statuses
        ]


def findings_status_over_time(*, viewer: User, months: int = 24) -> StatusSeries:
    """Each month end: how many visible findings stood at each status (from their timelines)."""
    today = timezone.localdate()
    ends = [today]
    first = today.replace(day=1)
    for _ in range(months - 1):
        first = first - timedelta(days=1)  # the last day of the month before
        ends.append(first)
        first = first.replace(day=1)
    ends.reverse()
    events: dict[int, list[tuple[date, str]]] = defaultdict(list)
    visible = _findings(viewer, FindingFilter()).values_list("pk", flat=True)
    for fid, on, status in (
        FindingEvent.objects.filter(finding_id__in=visible, kind="status", on__isnull=False)
        .order_by("on", "position", "id")
        .values_list("finding_id", "on", "status")
    ):
        if on is not None:
            events[fid].append((on, status))
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(ends))
    for timeline in events.values():
        for i, end in enumerate(ends):
            current = [s for on, s in timeline if on <= end]
            if current:
                counts[current[-1]][i] += 1
    statuses = sorted(
        counts,
        key=lambda s: (
            ("awaiting-review", "being-progressed", "complete").index(s)
            if s in ("awaiting-review", "being-progressed", "complete")
            else 9
        ),
    )
    return StatusSeries(months=ends, statuses=statuses, counts=dict(counts))


def inspection_grades(
    *, viewer: User, inspection_id: int | None = None
) -> list[tuple[Inspection, list[InspectionGrade]]]:
    """Published grades are public; every signed-in user may read them."""
    inspections = Inspection.objects.filter(grades__isnull=False).distinct().order_by("-published_on")
    if inspection_id:
        inspections = inspections.filter(pk=inspection_id)
    return [
        (
            i,
            list(
                i.grades.select_related("organisation").order_by("organisation__kind", "organisation__name")
            ),
        )
        for i in inspections[:20]
    ]


def plan_list(*, viewer: User) -> QuerySet[ImprovementPlan]:
    return filter_visible(ImprovementPlan.objects.all(), viewer).order_by("title")


@dataclass(frozen=True)
class Board:
    plan: ImprovementPlan | None
    columns: list[tuple[str, str, list[ImprovementAction]]]  # status, label, actions
    overdue: list[ImprovementAction]
    rag_counts: dict[str, int]


def action_board(*, viewer: User, plan_id: int | None = None) -> Board:
    plans = plan_list(viewer=viewer)
    plan = plans.filter(pk=plan_id).first() if plan_id else plans.first()
    if plan_id and plan is None:
        raise NotVisible("No such plan")
    actions = (
        list(plan.actions.select_related("owner", "owner__organisation").prefetch_related("findings"))
        if plan
        else []
    )
    today = timezone.localdate()
    columns = [(s, str(label), [a for a in actions if a.status == s]) for s, label in ActionStatus.choices]
    overdue = [a for a in actions if a.status != ActionStatus.COMPLETE and a.due_on < today]
    return Board(plan, columns, overdue, dict(Counter(a.rag for a in actions)))


@dataclass(frozen=True)
class EvidenceView:
    evidence: ActionEvidence
    reading: MeasureReading | None


def action_get(*, viewer: User, action_id: int) -> tuple[ImprovementAction, list[EvidenceView]]:
    """An action with its evidence; live measures are computed now, for the plan's organisation."""
    action = (
        ImprovementAction.objects.select_related("plan", "owner", "owner__organisation")
        .prefetch_related("findings__subject", "updates__by", "evidence__document")
        .filter(pk=action_id)
        .first()
    )
    if action is None or not decide(viewer, action.plan).visible:
        raise refuse(
            viewer,
            "No such action",
            obj=action,
            object_type="inspections.improvementaction",
            object_id=str(action_id),
        )
    views = []
    for ev in action.evidence.all():
        if ev.kind == EvidenceKind.DOCUMENT and ev.document and not decide(viewer, ev.document).visible:
            continue  # a document the viewer may not see is not shown, not even its title
        reading = measure_read(ev.measure, organisation_id=action.plan.owner_id) if ev.measure else None
        views.append(EvidenceView(ev, reading))
    return action, views


ACTION_COLUMNS = ["plan", "reference", "title", "owner", "due_on", "status", "rag", "overdue", "findings"]


def action_export(*, viewer: User, plan_id: int | None, justification: str) -> Iterator[str]:
    board = action_board(viewer=viewer, plan_id=plan_id)
    actions = [a for _, _, col in board.columns for a in col]
    export_audited(actor=viewer, what="improvement-actions", justification=justification, count=len(actions))
    overdue = {a.pk for a in board.overdue}
    rows = (
        [
            a.plan.title,
            a.reference,
            a.title,
            a.owner.get_full_name() or a.owner.username,
            a.due_on,
            a.get_status_display(),
            a.get_rag_display(),
            "yes" if a.pk in overdue else "",
            "; ".join(f.reference for f in a.findings.all()),
        ]
        for a in actions
    )
    return csv_lines(ACTION_COLUMNS, rows)


def owner_choices(*, viewer: User) -> QuerySet[User]:
    """People an action can be given to: the viewer's organisation and partner agencies."""
    return (
        User.objects.filter(
            Q(organisation_id=viewer.organisation_id) | Q(organisation__kind="partner"), is_active=True
        )
        .select_related("organisation")
        .order_by("organisation__name", "last_name")
    )


# Live measures owned by this app -------------------------------------------------------------


def measure_open_findings(organisation_id: int, as_of: datetime) -> int:
    """Findings about the organisation not complete on the date (status from the timeline)."""
    day = timezone.localdate(as_of)
    open_count = 0
    held = Finding.objects.filter(subject_id=organisation_id, created_at__lte=as_of).filter(
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=as_of)  # a withdrawn finding never counted after
    )
    for finding in held.prefetch_related("events"):
        statuses = [e.status for e in finding.events.all() if e.kind == "status" and e.on and e.on <= day]
        if not statuses or statuses[-1] not in CLOSED_STATUSES:
            open_count += 1
    return open_count


def measure_actions_overdue(organisation_id: int, as_of: datetime) -> int:
    day = timezone.localdate(as_of)
    return (
        ImprovementAction.objects.filter(
            plan__owner_id=organisation_id, due_on__lt=day, created_at__lte=as_of
        )
        .filter(Q(completed_on__isnull=True) | Q(completed_on__gt=day))
        .count()
    )


def measure_actions_complete(organisation_id: int, as_of: datetime) -> int:
    day = timezone.localdate(as_of)
    return ImprovementAction.objects.filter(
        plan__owner_id=organisation_id, completed_on__isnull=False, completed_on__lte=day
    ).count()
