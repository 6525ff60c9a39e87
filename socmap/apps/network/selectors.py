"""Every read of the network app, through the viewer's visibility.

A group is a governed object (the one rule decides whether the viewer sees it at all); its members
and links are shown only through records the viewer may see. Hidden members leave no trace: no
count, no id, no label. The analysis' own explanation (which counts every member) is shown only to a
viewer who sees every member.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from socmap.apps.core.models import Organisation, User
from socmap.apps.core.models import Role as UserRole
from socmap.apps.core.pagination import Page, paginate
from socmap.apps.core.refusal import refuse
from socmap.apps.core.selectors import police_organisation_list
from socmap.apps.core.visibility import consult, decide, filter_visible
from socmap.apps.intel import reads
from socmap.apps.network import graph as netgraph
from socmap.apps.network.models import (
    OCG,
    AnalysisRun,
    OCGChange,
    OCGEvent,
    OCGMember,
    OCGStatus,
    PriorityIndividual,
)


@dataclass(frozen=True)
class OCGFilter:
    force: str = ""
    theme: str = ""
    status: str = ""
    text: str = ""


def _ocgs(viewer: User) -> QuerySet[OCG]:
    return filter_visible(OCG.objects.select_related("owner", "lead_force", "lro"), viewer)


def ocg_list(*, viewer: User, filters: OCGFilter, page: int = 1, per_page: int = 25) -> Page[OCG]:
    qs = _ocgs(viewer)
    if filters.force:
        qs = qs.filter(
            Q(lead_force__slug=filters.force) | Q(lead_force__isnull=True, owner__slug=filters.force)
        )
    if filters.theme:
        qs = qs.filter(theme=filters.theme)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.text.strip():
        text = filters.text.strip()
        qs = qs.filter(Q(name__icontains=text) | Q(reference__icontains=text))
    # Sub-groups are listed on their group's page; one whose group the viewer cannot see is listed.
    qs = qs.filter(Q(parent__isnull=True) | ~Q(parent__in=_ocgs(viewer).values("pk")))
    return paginate(qs.order_by("-created_at", "-id"), page=page, per_page=per_page)


def adopted_ocgs(*, viewer: User) -> QuerySet[OCG]:
    return _ocgs(viewer).filter(status=OCGStatus.ADOPTED).order_by("reference")


def ocg_find(*, viewer: User, ocg_id: int) -> OCG:
    """A group the viewer may see, for a change (the change itself is audited by the service)."""
    ocg = OCG.objects.select_related("owner", "lead_force", "lro").filter(pk=ocg_id).first()
    if ocg is None or not decide(viewer, ocg).visible:
        raise refuse(viewer, "No such group", obj=ocg, object_type="network.ocg", object_id=str(ocg_id))
    return ocg


@dataclass(frozen=True)
class MemberView:
    member: OCGMember
    entity_id: str  # a record the viewer may see
    label: str
    reasons: list[str]
    evidence: list[dict[str, Any]]


@dataclass(frozen=True)
class ChangeView:
    change: OCGChange
    joined: list[tuple[str, str]]  # (entity id, label), visible ones only
    left: list[tuple[str, str]]


@dataclass(frozen=True)
class OCGView:
    ocg: OCG
    conditions: tuple[str, ...]
    members: list[MemberView]
    former: list[MemberView]
    complete: bool
    events: list[OCGEvent]
    changes: list[ChangeView]
    graph: netgraph.ViewGraph | None  # None: the page loads it apart (``ocg_network``)
    parent: OCG | None = None  # the group this sub-group is part of, when the viewer may see it
    subgroups: tuple[OCG, ...] = ()  # its sub-groups (crews, cells) that the viewer may see


def _visible_links(viewer: User, link_ids: set[str]) -> dict[str, int]:
    """Link id -> its record, for the links the viewer may see."""
    return {row.id: row.record_id for row in reads.link_rows(viewer=viewer, ids=sorted(link_ids))}


ROLE_ORDER = {"principal": 0, "lieutenant": 1, "enabler": 2, "runner": 3, "member": 4}


def _seniority(view: MemberView) -> tuple[int, str, int]:
    return ROLE_ORDER.get(view.member.role, 9), view.label, view.member.pk


def _one_per_person(views: Iterable[MemberView | None], *, senior_first: bool = False) -> list[MemberView]:
    """The first view of each person (by shown entity): in order, or the most senior role first."""
    present = [v for v in views if v is not None]
    if senior_first:
        present.sort(key=_seniority)
    seen: set[str] = set()
    out = []
    for v in present:
        if v.entity_id not in seen:
            seen.add(v.entity_id)
            out.append(v)
    return out


def ocg_get(*, viewer: User, ocg_id: int, justification: str, with_graph: bool = True) -> OCGView:
    """A group as the viewer may see it: a logged consultation. ``with_graph=False``: without its
    network, which the page loads apart (``ocg_network``)."""
    found = OCG.objects.select_related("owner", "lead_force", "lro").filter(pk=ocg_id).first()
    ocg, conditions = consult(viewer, found, label="group", justification=justification)
    canon = netgraph.Canon(viewer)
    all_members = list(ocg.members.all())
    changes = list(OCGChange.objects.filter(ocg=ocg).select_related("run")[:20])
    canon.load([m.entity_id for m in all_members] + [e for c in changes for e in c.joined + c.left])
    keys = {canon(m.entity_id) for m in all_members}
    for change in changes:
        keys |= {canon(e) for e in change.joined + change.left}
    display = netgraph.display_ids(viewer, keys, canon)
    labels = reads.entity_captions(viewer=viewer, ids=display.values())
    live = [m for m in all_members if m.left_on is None]
    complete = all(canon(m.entity_id) in display for m in live)
    links = _visible_links(
        viewer, {i for m in all_members for ev in m.evidence for i in ev.get("evidence_ids", [])}
    )

    def view(m: OCGMember) -> MemberView | None:
        shown = display.get(canon(m.entity_id))
        if shown is None:
            return None
        evidence = [
            {**ev, "records": sorted({links[i] for i in ev["evidence_ids"]})}
            for ev in m.evidence
            if all(i in links for i in ev.get("evidence_ids", []))
        ]
        return MemberView(m, shown, labels.get(shown, ""), m.reasons if complete else [], evidence)

    # Records resolved into one person after they joined are one member: the most senior row shows.
    members = _one_per_person(map(view, live), senior_first=True)
    current = {v.entity_id for v in members}
    former = [
        v
        for v in _one_per_person(view(m) for m in all_members if m.left_on is not None)
        if v.entity_id not in current
    ]

    def named(ids: list[str]) -> list[tuple[str, str]]:
        out = []
        for e in ids:
            shown = display.get(canon(e))
            if shown:
                out.append((shown, labels.get(shown, "")))
        return out

    change_views = [ChangeView(c, named(c.joined), named(c.left)) for c in changes]
    roles = {m.entity_id: m.role for m in live}
    graph = netgraph.ocg_graph(viewer, list(roles), roles, canon=canon) if with_graph else None
    return OCGView(
        ocg=ocg,
        conditions=conditions,
        members=members,
        former=former,
        complete=complete,
        events=list(OCGEvent.objects.filter(ocg=ocg).select_related("actor")),
        changes=change_views,
        graph=graph,
        parent=_ocgs(viewer).filter(pk=ocg.parent_id).first() if ocg.parent_id else None,
        subgroups=tuple(_ocgs(viewer).filter(parent=ocg).exclude(status=OCGStatus.ARCHIVED).order_by("pk")),
    )


def return_rows(*, viewer: User, groups: list[OCG]) -> list[dict[str, Any]]:
    """Rows of the national return; member counts and principals only as far as the viewer sees."""
    canon = netgraph.Canon(viewer)
    members = list(OCGMember.objects.filter(ocg__in=groups, left_on__isnull=True))
    canon.load(m.entity_id for m in members)
    display = netgraph.display_ids(viewer, {canon(m.entity_id) for m in members}, canon)
    labels = reads.entity_captions(viewer=viewer, ids=display.values())
    # A sub-group's row carries its group, as far as the viewer may see that group.
    parents = {o.pk: o for o in _ocgs(viewer).filter(pk__in={g.parent_id for g in groups if g.parent_id})}
    rows = []
    for ocg in groups:
        parent = parents.get(ocg.parent_id) if ocg.parent_id else None
        mine = [m for m in members if m.ocg_id == ocg.pk and canon(m.entity_id) in display]
        principal = next((m for m in mine if m.role == "principal"), None)
        people = {canon(m.entity_id) for m in mine}  # records resolved into one person count once
        rows.append(
            {
                "reference": ocg.reference,
                "name": ocg.name,
                "lead_force": ocg.lead_force.name if ocg.lead_force else "",
                "status": ocg.get_status_display(),
                "theme": ocg.get_theme_display(),
                "lro": (ocg.lro.get_full_name() or ocg.lro.username) if ocg.lro else "",
                "adopted_on": ocg.adopted_at.date().isoformat() if ocg.adopted_at else "",
                "members_visible": len(people),
                "principal": labels.get(display[canon(principal.entity_id)], "") if principal else "",
                "parent_reference": (parent.reference or "") if parent else "",
                "parent_name": parent.name if parent else "",
            }
        )
    return rows


@dataclass(frozen=True)
class GroupCard:
    """What an export says about a group: its id, name, reference and the group it is part of."""

    id: str
    name: str
    reference: str
    parent: GroupCard | None = None


def ocg_card(*, viewer: User, ocg_id: int) -> GroupCard:
    """A group for an export, with its parent group only when the viewer may see that too."""
    ocg = ocg_find(viewer=viewer, ocg_id=ocg_id)
    parent = _ocgs(viewer).filter(pk=ocg.parent_id).first() if ocg.parent_id else None
    return GroupCard(
        id=f"ocg-{ocg.pk}",
        name=ocg.name,
        reference=ocg.reference or "",
        parent=GroupCard(id=f"ocg-{parent.pk}", name=parent.name, reference=parent.reference or "")
        if parent
        else None,
    )


def ocg_network(*, viewer: User, ocg_id: int, justification: str) -> tuple[OCG, netgraph.ViewGraph]:
    """A group's network as the viewer may see it, for its page's drawing and table (loaded after the
    page: building it was half the page's time at a million rows): a logged consultation."""
    found = OCG.objects.select_related("owner").filter(pk=ocg_id).first()
    ocg, _ = consult(viewer, found, label="group", justification=justification)
    live = list(ocg.members.filter(left_on__isnull=True))
    return ocg, netgraph.ocg_graph(viewer, [m.entity_id for m in live], {m.entity_id: m.role for m in live})


def ocg_graph(*, viewer: User, ocg_id: int) -> netgraph.ViewGraph:
    """The network of a group as the viewer may see it (for exports and the API)."""
    ocg = ocg_find(viewer=viewer, ocg_id=ocg_id)
    live = list(ocg.members.filter(left_on__isnull=True))
    return netgraph.ocg_graph(viewer, [m.entity_id for m in live], {m.entity_id: m.role for m in live})


def entity_check(*, viewer: User, entity_id: str) -> None:
    """Refuse (as absent, and logged) an entity the viewer may not see, before any form is read."""
    reads.entity_check(viewer=viewer, entity_id=entity_id)


def neighbourhood(
    *, viewer: User, entity_id: str, filters: netgraph.Filters, justification: str
) -> netgraph.ViewGraph:
    """The network around an entity: opening it is a logged consultation of that entity."""
    reads.entity_open(viewer=viewer, entity_id=entity_id, justification=justification)
    return netgraph.neighbourhood(viewer, entity_id, filters)


@dataclass(frozen=True)
class IndividualView:
    individual: PriorityIndividual
    entity_id: str
    label: str


def individual_list(*, viewer: User, page: int = 1) -> Page[IndividualView]:
    qs = filter_visible(PriorityIndividual.objects.all(), viewer).order_by("-score", "entity_id")
    result = paginate(qs, page=page, per_page=50)
    canon = netgraph.Canon(viewer)
    canon.load(p.entity_id for p in result.items)
    display = netgraph.display_ids(viewer, {canon(p.entity_id) for p in result.items}, canon)
    labels = reads.entity_captions(viewer=viewer, ids=display.values())
    items = [
        IndividualView(p, display[canon(p.entity_id)], labels.get(display[canon(p.entity_id)], ""))
        for p in result.items
        if canon(p.entity_id) in display
    ]
    return Page(items=items, number=result.number, per_page=result.per_page, total=result.total)


def individual_find(*, viewer: User, individual_id: int) -> PriorityIndividual:
    found = PriorityIndividual.objects.filter(pk=individual_id).first()
    if found is None or not decide(viewer, found).visible:
        raise refuse(
            viewer,
            "No such Priority Individual",
            obj=found,
            object_type="network.priorityindividual",
            object_id=str(individual_id),
        )
    return found


def run_list() -> QuerySet[AnalysisRun]:
    return AnalysisRun.objects.select_related("created_by")


def lead_forces() -> QuerySet[Organisation]:
    """Forces and ROCUs that can lead a group (a group's reference needs their code)."""
    return police_organisation_list(coded=True)


def lros() -> QuerySet[User]:
    return (
        User.objects.filter(role_grants__role=UserRole.LRO, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "last_name", "username")
    )


def measure_ocgs_adopted(organisation_id: int, as_of: object) -> int:
    """Groups adopted with the organisation as lead force by the date (a live measure)."""
    return OCG.objects.filter(lead_force_id=organisation_id, adopted_at__lte=as_of).count()


def subject_people(
    *, ocg_ids: Iterable[int] = (), individual_ids: Iterable[int] = ()
) -> tuple[dict[int, frozenset[str]], dict[int, frozenset[str]]]:
    """A system read for duplication checks: the resolved people (canonical keys) of each group's live
    members and of each Priority Individual. Callers say only how many people two subjects share."""
    from socmap.apps.resolution import selectors as resolution

    members = list(
        OCGMember.objects.filter(ocg_id__in=list(ocg_ids), left_on__isnull=True).values_list(
            "ocg_id", "entity_id"
        )
    )
    people = list(
        PriorityIndividual.objects.filter(pk__in=list(individual_ids)).values_list("pk", "entity_id")
    )
    canon = resolution.canonical_map(viewer=None, entity_ids={e for _, e in members} | {e for _, e in people})
    groups: dict[int, set[str]] = {}
    for ocg_id, entity_id in members:
        groups.setdefault(ocg_id, set()).add(canon.get(entity_id, entity_id))
    return (
        {k: frozenset(v) for k, v in groups.items()},
        {pk: frozenset({canon.get(e, e)}) for pk, e in people},
    )


# ----------------------------------------------------------------------------- for lifetime management


def adopted_subjects() -> tuple[list[OCG], list[PriorityIndividual]]:
    """Every adopted group and Priority Individual: a system read for the job that opens their plans
    (the plans carry each subject's owner, handling and compartment, so what users then see of them
    still goes through the visibility rule)."""
    groups = list(OCG.objects.filter(status=OCGStatus.ADOPTED).select_related("lro", "owner", "lead_force"))
    people = list(PriorityIndividual.objects.filter(status="adopted").select_related("owner"))
    return groups, people


def ocg_members(*, ocg_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    """Current members of groups, as (record entity id, role), most senior first: for the plans of
    groups the caller has already found visible. Members are shown only through records the viewer
    may see (resolution's ``person_label_map``)."""
    out: dict[int, list[tuple[str, str]]] = {}
    rows = OCGMember.objects.filter(ocg_id__in=sorted(set(ocg_ids)), left_on__isnull=True).values_list(
        "ocg_id", "entity_id", "role"
    )
    for ocg_id, entity_id, role in sorted(rows, key=lambda r: (r[0], ROLE_ORDER.get(r[2], 9), r[1])):
        out.setdefault(ocg_id, []).append((entity_id, role))
    return out


def subject_statuses(*, ocg_ids: Iterable[int]) -> dict[int, str]:
    """The status of each group (adopted, archived...), for plans of groups already found visible."""
    return dict(OCG.objects.filter(pk__in=sorted(set(ocg_ids))).values_list("pk", "status"))


def adopted_individuals(*, viewer: User) -> QuerySet[PriorityIndividual]:
    """Adopted Priority Individuals the viewer may see."""
    return filter_visible(PriorityIndividual.objects.filter(status="adopted"), viewer).order_by("entity_id")
