"""Applying an analysis run's proposals to what is stored: groups found again are updated (who left,
who joined, suggested roles), new ones proposed with a home force, Priority Individuals recorded or
rescored; sub-groups follow their group (``subgroups.py``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from socmap.apps.core.models import Organisation, OrganisationKind, User
from socmap.apps.core.selectors import organisation_ids
from socmap.apps.intel import reads
from socmap.apps.network import graph as netgraph
from socmap.apps.network.models import (
    OCG,
    AnalysisRun,
    ChangeKind,
    OCGChange,
    OCGEvent,
    OCGMember,
    OCGStatus,
    PriorityIndividual,
    Theme,
)
from socmap.apps.network.subgroups import subgroups_sync
from socmap.engines import network
from socmap.errors import Conflict

Progress = Callable[[str], None]


def _owners(keys: Iterable[str], canon: netgraph.Canon, job: reads.SystemJob) -> dict[str, Counter[int]]:
    """Per canonical key, how many of its records each (non-partner) organisation owns."""
    member_key = {m: k for k in set(keys) for m in canon.members(k)}
    partners = organisation_ids(kinds=[OrganisationKind.PARTNER])
    counts: dict[str, Counter[int]] = {}
    for row in reads.entity_rows(viewer=job, ids=sorted(member_key)):
        if row.owner_id not in partners:
            counts.setdefault(member_key[row.id], Counter())[row.owner_id] += 1
    return counts


def _fallback_owner(actor: User | None) -> Organisation:
    if actor is not None and actor.organisation is not None:
        return actor.organisation
    org = (
        Organisation.objects.filter(kind=OrganisationKind.ROCU).first()
        or Organisation.objects.exclude(kind=OrganisationKind.PARTNER).order_by("id").first()
    )
    if org is None:
        raise Conflict("There is no force or ROCU to hold the analysis results: create one first.")
    return org


def _home(keys: Iterable[str], owners: dict[str, Counter[int]], fallback: Organisation) -> int:
    total: Counter[int] = Counter()
    for key in keys:
        total.update(owners.get(key, Counter()))
    if not total:
        return fallback.pk
    return sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


THEME_CODES = set(Theme.values)


def _theme(themes: dict[str, int]) -> str:
    for code, _ in sorted(themes.items(), key=lambda kv: (-kv[1], kv[0])):
        if code in THEME_CODES:
            return code
    return Theme.OTHER


def _evidence(items: Iterable[network.Evidence]) -> list[dict[str, Any]]:
    return [
        {
            "link_type": ev.link_type,
            "evidence_ids": list(ev.evidence_ids),
            "weight": round(ev.weight, 4),
            "grading": ev.grading or "",
            "observed_on": ev.observed_on.isoformat() if ev.observed_on else "",
        }
        for ev in items
    ]


def _group_new(
    run: AnalysisRun, proposal: network.ProposedGroup, owner_id: int, *, today: date, now: datetime
) -> OCG:
    """A proposed group of its members, each with the role the analysis suggests."""
    roles = {r.person_id: r for r in proposal.roles}
    ocg = OCG.objects.create(
        owner_id=owner_id,
        name="",
        theme=_theme(proposal.themes),
        explanation=proposal.explanation,
        link_counts=proposal.link_counts,
        themes=proposal.themes,
        proposed_by=run,
        last_run=run,
    )
    ocg.name = f"Proposed group {ocg.pk}"
    ocg.save(update_fields=["name"])
    OCGMember.objects.bulk_create(
        [
            OCGMember(
                ocg=ocg,
                entity_id=key,
                role=roles[key].role if key in roles else "member",
                suggested_role=roles[key].role if key in roles else "member",
                reasons=roles[key].reasons if key in roles else [],
                evidence=_evidence(roles[key].evidence) if key in roles else [],
                joined_on=today,
                joined_run=run,
            )
            for key in sorted(proposal.members)
        ]
    )
    OCGChange.objects.create(run=run, ocg=ocg, kind=ChangeKind.NEW, joined=sorted(proposal.members))
    OCGEvent.objects.create(ocg=ocg, at=now, status=OCGStatus.PROPOSED, note=proposal.explanation)
    return ocg


def _group_update(
    run: AnalysisRun,
    ocg: OCG,
    match: network.Match,
    proposal: network.ProposedGroup,
    canon: netgraph.Canon,
    *,
    today: date,
    now: datetime,
) -> None:
    """A group the run found again: who left, who joined, suggested roles (set while it is proposed)."""
    roles = {r.person_id: r for r in proposal.roles}
    current = {canon(m.entity_id): m for m in ocg.members.all() if m.left_on is None}
    for key in sorted(match.left):
        member = current[key]
        member.left_on, member.left_run = today, run
        member.save(update_fields=["left_on", "left_run"])
    for key in sorted(match.joined):
        role = roles.get(key)
        OCGMember.objects.create(
            ocg=ocg,
            entity_id=key,
            role=role.role if role and ocg.status == OCGStatus.PROPOSED else "member",
            suggested_role=role.role if role else "member",
            reasons=role.reasons if role else [],
            evidence=_evidence(role.evidence) if role else [],
            joined_on=today,
            joined_run=run,
        )
    for key in match.stayed:
        member, role = current[key], roles.get(key)
        if role is None:
            continue
        member.suggested_role, member.reasons, member.evidence = (
            role.role,
            role.reasons,
            _evidence(role.evidence),
        )
        if ocg.status == OCGStatus.PROPOSED:
            member.role = role.role
        member.save(update_fields=["suggested_role", "reasons", "evidence", "role"])
    ocg.last_run = run
    ocg.link_counts, ocg.themes = proposal.link_counts, proposal.themes
    if ocg.status == OCGStatus.PROPOSED:
        ocg.explanation, ocg.theme = proposal.explanation, _theme(proposal.themes)
    ocg.save(update_fields=["last_run", "link_counts", "themes", "explanation", "theme"])
    OCGChange.objects.create(
        run=run,
        ocg=ocg,
        kind=ChangeKind.UPDATE,
        jaccard=round(match.jaccard, 4),
        containment=round(match.containment, 4),
        joined=sorted(match.joined),
        left=sorted(match.left),
    )
    if match.joined or match.left:
        OCGEvent.objects.create(
            ocg=ocg,
            at=now,
            status=ocg.status,
            note=f"Analysis run {run.pk} matched this group: {len(match.joined)} joined, "
            f"{len(match.left)} left.",
        )


def _individuals_apply(
    run: AnalysisRun,
    proposals: network.ProposalResult,
    owners: dict[str, Counter[int]],
    fallback: Organisation,
) -> None:
    """Priority Individuals proposed by the run: new ones recorded, known ones rescored."""
    held = {p.entity_id: p for p in PriorityIndividual.objects.all()}
    for item in proposals.priority_individuals:
        existing = held.get(item.person_id)
        if existing is None:
            PriorityIndividual.objects.create(
                owner_id=_home([item.person_id], owners, fallback),
                entity_id=item.person_id,
                reasons=item.reasons,
                score=round(item.score, 4),
                proposed_by=run,
                last_run=run,
            )
        else:
            existing.reasons, existing.score, existing.last_run = item.reasons, round(item.score, 4), run
            existing.save(update_fields=["reasons", "score", "last_run"])


def proposals_apply(
    run: AnalysisRun,
    actor: User | None,
    proposals: network.ProposalResult,
    canon: netgraph.Canon,
    config: network.NetworkConfig,
    job: reads.SystemJob,
) -> None:
    """Store what the run proposes (see the module's docstring); counts go on ``run``."""
    today = timezone.localdate()
    # Groups are matched with groups; sub-groups with the sub-groups of their group (subgroups.py).
    live = {
        str(o.pk): o
        for o in OCG.objects.exclude(status=OCGStatus.ARCHIVED)
        .filter(parent__isnull=True)
        .prefetch_related("members")
    }
    previous = {
        gid: [canon(m.entity_id) for m in o.members.all() if m.left_on is None] for gid, o in live.items()
    }
    matches = network.match_groups(previous, proposals, config)
    by_key = {g.key: g for g in proposals.groups}
    all_keys = {k for g in proposals.groups for k in g.members} | {
        p.person_id for p in proposals.priority_individuals
    }
    owners = _owners(all_keys, canon, job)
    fallback = _fallback_owner(actor)
    now = timezone.now()
    for match in matches:
        if match.kind == "gone":
            assert match.group_id is not None
            OCGChange.objects.create(run=run, ocg=live[match.group_id], kind=ChangeKind.GONE, left=[])
            continue
        assert match.proposal_key is not None
        proposal = by_key[match.proposal_key]
        if match.kind == "new":
            ocg = _group_new(run, proposal, _home(proposal.members, owners, fallback), today=today, now=now)
            run.groups_new += 1
        else:
            assert match.group_id is not None
            ocg = live[match.group_id]
            _group_update(run, ocg, match, proposal, canon, today=today, now=now)
            run.groups_updated += 1
        subgroups_sync(
            run=run,
            ocg=ocg,
            proposal=proposal,
            canon=canon,
            config=config,
            evidence=_evidence,
            today=today,
            now=now,
        )
    run.groups_proposed = len(proposals.groups)
    _individuals_apply(run, proposals, owners, fallback)
    run.individuals_proposed = len(proposals.priority_individuals)
