"""Every read of the assessment app, through the viewer's visibility.

A threat is a governed object: the one rule decides whether the viewer sees it, its assessments and
its score, in lists, pages, the API, exports and charts alike. A force user sees another force's
threats only as far as a sharing agreement allows; the regional list is simply every threat the
viewer may see, ranked.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from socmap.apps.assessment.models import Assessment, AssessmentEvent, Status, Threat
from socmap.apps.assessment.services import model_current, stored_model
from socmap.apps.assessment.sources import visible_sources
from socmap.apps.core.exports import csv_lines
from socmap.apps.core.models import Organisation, User
from socmap.apps.core.pagination import Page, paginate
from socmap.apps.core.refusal import refuse
from socmap.apps.core.selectors import police_organisation_list
from socmap.apps.core.services import export_audited
from socmap.apps.core.visibility import consult, decide, filter_visible
from socmap.apps.network.models import Theme
from socmap.engines import assess
from socmap.errors import NotVisible, SocmapError


@dataclass(frozen=True)
class ThreatFilter:
    force: str = ""  # owner organisation's slug
    theme: str = ""
    band: str = ""
    status: str = ""
    kind: str = ""
    level: str = ""
    overdue: bool = False
    own: bool = False  # the viewer's organisation only (the force list)


def _threats(viewer: User) -> QuerySet[Threat]:
    return filter_visible(Threat.objects.select_related("owner", "ocg", "individual", "compartment"), viewer)


def ranked(qs: QuerySet[Threat]) -> QuerySet[Threat]:
    """Highest score first; unscored threats (drafts only) last."""
    return qs.order_by(F("score").desc(nulls_last=True), "tier", "title", "id")


def _filtered(viewer: User, filters: ThreatFilter) -> QuerySet[Threat]:
    qs = _threats(viewer)
    if filters.own:
        qs = qs.filter(owner_id=viewer.organisation_id)
    if filters.force:
        qs = qs.filter(owner__slug=filters.force)
    if filters.theme:
        qs = qs.filter(theme=filters.theme)
    if filters.band:
        qs = qs.filter(band=filters.band)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.overdue:
        qs = qs.filter(due_on__lt=timezone.localdate())
    return qs


def threat_list(*, viewer: User, filters: ThreatFilter, page: int = 1, per_page: int = 50) -> Page[Threat]:
    """The ranked threat list (regional, or the viewer's force with ``own``)."""
    qs = _filtered(viewer, filters)
    qs = qs.order_by("due_on", F("score").desc(nulls_last=True), "id") if filters.overdue else ranked(qs)
    return paginate(qs, page=page, per_page=per_page)


def rank_of(*, viewer: User, threat: Threat, filters: ThreatFilter | None = None) -> int | None:
    """The threat's place in the viewer's ranked list (1 is the highest), or None when unscored."""
    if threat.score is None:
        return None
    qs = _filtered(viewer, filters or ThreatFilter())
    return qs.filter(Q(score__gt=threat.score)).count() + 1


def competition_ranks(
    threats: Iterable[Threat], *, first_rank: int = 1, first_position: int = 1
) -> Iterator[int | None]:
    """Ranks as a league table gives them: equal scores share a rank and the next skips (1, 1, 3).

    ``threats`` are in ranked order; ``first_rank`` is the rank of the first one and
    ``first_position`` its place in the whole list. Unscored threats have no rank."""
    previous: tuple[Decimal, int] | None = None
    for i, t in enumerate(threats):
        if t.score is None:
            yield None
            continue
        if i == 0:
            rank = first_rank
        elif previous is not None and t.score == previous[0]:
            rank = previous[1]
        else:  # every threat before it scores higher
            rank = first_position + i
        previous = (t.score, rank)
        yield rank


def page_ranks(*, viewer: User, filters: ThreatFilter, page: Page[Threat]) -> list[int | None]:
    """The league-table rank of each threat on a page of the ranked list."""
    items = list(page.items)
    if not items or filters.overdue:
        return [None] * len(items)
    first = rank_of(viewer=viewer, threat=items[0], filters=filters) or 1
    position = (page.number - 1) * page.per_page + 1
    return list(competition_ranks(items, first_rank=first, first_position=position))


def threat_find(*, viewer: User, threat_id: int) -> Threat:
    """A threat the viewer may see, for a change (the change itself is audited by the service)."""
    threat = Threat.objects.select_related("owner", "ocg", "individual").filter(pk=threat_id).first()
    if threat is None or not decide(viewer, threat).visible:
        raise refuse(
            viewer, "No such threat", obj=threat, object_type="assessment.threat", object_id=str(threat_id)
        )
    return threat


def assessment_find(*, viewer: User, threat_id: int, number: int) -> Assessment:
    threat = threat_find(viewer=viewer, threat_id=threat_id)
    found = threat.assessments.select_related("model", "assessor", "supervisor", "threat").filter(
        number=number
    )
    assessment = found.first()
    if assessment is None:
        raise NotVisible("No such assessment")
    return assessment


def open_assessment(*, viewer: User, threat_id: int) -> Assessment | None:
    """The threat's draft, if one is open."""
    threat = threat_find(viewer=viewer, threat_id=threat_id)
    return threat.assessments.select_related("model", "assessor").filter(status=Status.DRAFT).first()


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class VersionView:
    assessment: Assessment
    model: assess.ScoringModel
    changes: list[Change]  # against the version before
    sources: list[dict[str, Any]]  # the cited sources the viewer may see


@dataclass(frozen=True)
class ThreatView:
    threat: Threat
    conditions: tuple[str, ...]
    versions: list[VersionView]  # newest first
    scored: VersionView | None
    events: list[tuple[AssessmentEvent, list[Change]]]  # newest first, changes labelled
    rank: int | None


def _label(model: assess.ScoringModel, field: str) -> str:
    kind, _, key = field.partition(":")
    dim = model.dimensions.get(key)
    name = dim.label if dim else key
    return {"value": name, "rationale": f"Rationale: {name}"}.get(kind, field.replace("_", " ").capitalize())


def version_changes(before: Assessment | None, after: Assessment, model: assess.ScoringModel) -> list[Change]:
    """What changed from one version to the next: values, rationales, confidence, sources, score."""
    if before is None:
        return []
    out = []
    for key in model.dimensions:
        for kind, old, new in (
            ("value", before.values.get(key), after.values.get(key)),
            ("rationale", before.rationales.get(key, ""), after.rationales.get(key, "")),
        ):
            if old != new:
                out.append(Change(f"{kind}:{key}", _label(model, f"{kind}:{key}"), old, new))
    for name, old, new in (
        ("confidence", before.confidence, after.confidence),
        ("summary", before.summary, after.summary),
        ("score", before.score, after.score),
        ("band", before.band_label, after.band_label),
        ("model", str(before.model), str(after.model)),
    ):
        if old != new and not (name in ("score", "band") and after.status == Status.DRAFT):
            out.append(Change(name, name.capitalize(), old, new))
    if before.sources != after.sources:
        out.append(Change("sources", "Sources cited", len(before.sources), len(after.sources)))
    return out


def threat_get(*, viewer: User, threat_id: int, justification: str) -> ThreatView:
    """A threat with every version of its assessment and its timeline: a logged consultation."""
    found = (
        Threat.objects.select_related("owner", "ocg", "individual", "compartment")
        .filter(pk=threat_id)
        .first()
    )
    threat, conditions = consult(viewer, found, label="threat", justification=justification)
    assessments = list(
        threat.assessments.select_related("model", "assessor", "supervisor").order_by("number")
    )
    versions: list[VersionView] = []
    previous: Assessment | None = None
    for a in assessments:
        model = stored_model(a.model)
        versions.append(
            VersionView(a, model, version_changes(previous, a, model), visible_sources(viewer, a.sources))
        )
        previous = a
    versions.reverse()
    scored = next((v for v in versions if v.assessment.pk == threat.scored_id), None)
    models = {v.assessment.pk: v.model for v in versions}

    def labelled(e: AssessmentEvent) -> list[Change]:
        model = models.get(e.assessment_id) if e.assessment_id else None
        return [
            Change(
                c["field"],
                _label(model, c["field"]) if model else c["field"],
                c.get("before"),
                c.get("after"),
            )
            for c in e.changes
        ]

    found_events = AssessmentEvent.objects.filter(threat=threat).select_related("actor", "assessment")[:200]
    events = [(e, labelled(e)) for e in found_events]
    return ThreatView(threat, conditions, versions, scored, events, rank_of(viewer=viewer, threat=threat))


def recorded_subjects() -> tuple[set[int], set[int]]:
    """Ids of the groups and of the Priority Individuals that already have a threat record."""
    rows = Threat.objects.exclude(ocg__isnull=True, individual__isnull=True).values_list(
        "ocg_id", "individual_id"
    )
    return {o for o, _ in rows if o}, {i for _, i in rows if i}


def forces() -> QuerySet[Organisation]:
    """Organisations that own threats: the forces and the ROCU."""
    return police_organisation_list()


def band_choices() -> list[tuple[str, str]]:
    return [(b.key, b.label) for b in reversed(model_current().bands)]


def distribution(*, viewer: User, filters: ThreatFilter) -> list[dict[str, Any]]:
    """Scored threats counted by theme and band, for the charts and their tables."""
    qs = _filtered(viewer, filters).exclude(score__isnull=True)
    counts = Counter(qs.values_list("theme", "band", "band_label", "tier"))
    labels = dict(Theme.choices)
    return [
        {"theme": labels.get(theme, theme), "band": label or band, "tier": tier, "threats": n}
        for (theme, band, label, tier), n in sorted(counts.items(), key=lambda kv: (kv[0][3] or 9, kv[0][0]))
    ]


EXPORT_HEADER = [
    "rank",
    "threat",
    "kind",
    "theme",
    "level",
    "owner",
    "score",
    "band",
    "tier",
    "status",
    "approved_on",
    "reassessment_due",
    "overdue",
    "model",
    "version",
]


def threat_export(*, viewer: User, filters: ThreatFilter, justification: str) -> Iterator[str]:
    """The ranked list as CSV (formula-neutralised): a disclosure, audited with the justification."""
    qs = ranked(_filtered(viewer, filters)).select_related("scored__model")
    export_audited(
        actor=viewer,
        what="threat priorities",
        justification=justification,
        count=qs.count(),
        detail={k: v for k, v in filters.__dict__.items() if v},
    )
    today = timezone.localdate()

    def rows() -> Iterator[list[Any]]:
        for_ranks, threats = itertools.tee(qs.iterator(chunk_size=500))  # streamed, one row apart
        for rank, t in zip(competition_ranks(for_ranks), threats, strict=True):
            yield [
                rank or "",
                t.title,
                t.get_kind_display(),
                t.get_theme_display(),
                t.get_level_display(),
                t.owner.name,
                plain_number(t.score),
                t.band_label,
                t.tier or "",
                t.get_status_display(),
                t.approved_at.date() if t.approved_at else "",
                t.due_on or "",
                "yes" if t.due_on and t.due_on < today else "",
                str(t.scored.model) if t.scored else "",
                t.scored.number if t.scored else "",
            ]

    return csv_lines(EXPORT_HEADER, rows())


def plain_number(number: Decimal | None) -> str:
    """A stored score as written, without the database's trailing zeros (150.0000 -> 150)."""
    return "" if number is None else format(number.normalize(), "f")


@dataclass(frozen=True)
class RescoreRow:
    threat: Threat
    version: int
    old_model: str
    old_score: Decimal | None
    old_band: str
    new_score: Decimal | None
    new_band: str
    note: str


def rescore_compare(
    *, viewer: User, model: assess.ScoringModel, filters: ThreatFilter | None = None
) -> list[RescoreRow]:
    """Each standing score beside what ``model`` would give the same values. Nothing is written."""
    rows = []
    qs = ranked(_filtered(viewer, filters or ThreatFilter()).exclude(scored__isnull=True)).select_related(
        "scored__model"
    )
    for t in qs[:1000]:
        a = t.scored
        assert a is not None
        try:
            result = assess.score(model, a.values)
        except SocmapError as exc:
            rows.append(RescoreRow(t, a.number, str(a.model), a.score, a.band_label, None, "", exc.message))
            continue
        note = "" if result.band.key == a.band else f"moves from {a.band_label} to {result.band.label}"
        rows.append(
            RescoreRow(
                t, a.number, str(a.model), a.score, a.band_label, result.score, result.band.label, note
            )
        )
    return rows


def awaiting_decision(*, viewer: User) -> QuerySet[Threat]:
    """The viewer's organisation's threats with a version submitted, oldest first: a supervisor's queue."""
    return (
        _threats(viewer)
        .filter(owner_id=viewer.organisation_id, status=Status.SUBMITTED)
        .select_related("latest__assessor")
        .order_by("latest__submitted_at", "id")
    )


def measure_assessments_approved(organisation_id: int, as_of: object) -> int:
    """Assessments of the organisation's threats approved by the date (a live measure)."""
    return Assessment.objects.filter(
        threat__owner_id=organisation_id, status=Status.APPROVED, decided_at__lte=as_of
    ).count()


def due_state(threat: Threat, today: date | None = None) -> str:
    """ "overdue", "due soon" (within 30 days) or ""."""
    if threat.due_on is None:
        return ""
    today = today or timezone.localdate()
    if threat.due_on < today:
        return "overdue"
    return "due soon" if (threat.due_on - today).days <= 30 else ""


@dataclass(frozen=True)
class ThreatSubject:
    kind: str
    ocg_id: int | None
    individual_id: int | None
    score: Decimal | None
    band: str
    owner_id: int


def threat_subjects(*, threat_ids: Iterable[int]) -> dict[int, ThreatSubject]:
    """A system read for duplication checks and allocation: what each threat is about and its standing
    score. Nothing here is shown to a user without the visibility rule."""
    rows = Threat.objects.filter(pk__in=list(threat_ids)).values_list(
        "pk", "kind", "ocg_id", "individual_id", "score", "band", "owner_id"
    )
    return {pk: ThreatSubject(kind, o, i, s, b, owner) for pk, kind, o, i, s, b, owner in rows}


# ----------------------------------------------------------------------------- for lifetime management


@dataclass(frozen=True)
class SubjectBand:
    threat_id: int
    band: str  # the band key ("high"...), or "" when not scored
    band_label: str
    tier: int | None
    score: Decimal | None


def subject_bands(
    *, viewer: User, ocg_ids: Iterable[int] = (), individual_ids: Iterable[int] = ()
) -> dict[tuple[str, int], SubjectBand]:
    """The standing band of each group's and individual's threat the viewer may see, keyed
    ("group", id) or ("individual", id); subjects with no visible threat are left out."""
    qs = _threats(viewer).filter(
        Q(ocg_id__in=sorted(set(ocg_ids))) | Q(individual_id__in=sorted(set(individual_ids)))
    )
    out = {}
    fields = ("pk", "ocg_id", "individual_id", "band", "band_label", "tier", "score")
    for t in qs.select_related(None).only(*fields):
        key = ("group", t.ocg_id) if t.ocg_id else ("individual", t.individual_id or 0)
        out[key] = SubjectBand(t.pk, t.band, t.band_label, t.tier, t.score)
    return out


@dataclass(frozen=True)
class ScorePoint:
    on: date
    score: Decimal
    band: str
    version: int


def subject_score_history(
    *, viewer: User, ocg_id: int | None = None, individual_id: int | None = None
) -> list[ScorePoint]:
    """The threat score of a group or individual over time: one point per approved assessment, on the
    day it was approved, oldest first; nothing when the viewer may not see its threat."""
    qs = (
        _threats(viewer).filter(ocg_id=ocg_id)
        if ocg_id
        else _threats(viewer).filter(individual_id=individual_id)
    )
    threat = qs.first()
    if threat is None:
        return []
    approved = threat.assessments.filter(status=Status.APPROVED, decided_at__isnull=False).order_by(
        "decided_at"
    )
    return [
        ScorePoint(timezone.localdate(a.decided_at), a.score, a.band_label, a.number)
        for a in approved
        if a.score is not None
    ]
