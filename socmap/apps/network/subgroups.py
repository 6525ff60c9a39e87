"""Keeping a group's sub-groups (crews, cells) in step with each analysis run.

The engine finds sub-groups within every large group by the same method applied inside it. Each
run matches a group's proposed sub-groups to the live sub-groups it already has, by their members,
exactly as groups are matched: a match updates the sub-group (who joined, who left), an unmatched
proposal becomes a new proposed sub-group of the group, and a sub-group the run no longer finds is
recorded as not found. Called inside the run's transaction, so its audit entry covers them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

from socmap.apps.network.models import (
    OCG,
    AnalysisRun,
    ChangeKind,
    OCGChange,
    OCGEvent,
    OCGMember,
    OCGStatus,
)
from socmap.engines import network


def subgroups_sync(
    *,
    run: AnalysisRun,
    ocg: OCG,
    proposal: network.ProposedGroup,
    canon: Callable[[str], str],
    config: network.NetworkConfig,
    evidence: Callable[[list[network.Evidence]], list[dict[str, object]]],
    today: dt.date,
    now: dt.datetime,
) -> None:
    """Match ``proposal``'s sub-groups to ``ocg``'s live ones and record what changed."""
    children = OCG.objects.filter(parent=ocg).exclude(status=OCGStatus.ARCHIVED)
    live = {str(child.pk): child for child in children.prefetch_related("members")}
    if not live and not proposal.subgroups:
        return
    previous = {
        key: [canon(m.entity_id) for m in child.members.all() if m.left_on is None]
        for key, child in live.items()
    }
    wanted = {sub.key: sub for sub in proposal.subgroups}
    roles: Mapping[str, network.RoleSuggestion] = {r.person_id: r for r in proposal.roles}
    for match in network.match_groups(previous, {k: s.members for k, s in wanted.items()}, config):
        if match.kind == "gone":
            assert match.group_id is not None
            OCGChange.objects.create(run=run, ocg=live[match.group_id], kind=ChangeKind.GONE, left=[])
            continue
        assert match.proposal_key is not None
        sub = wanted[match.proposal_key]
        if match.kind == "new":
            child = _subgroup_new(run=run, ocg=ocg, explanation=sub.explanation, now=now)
            joined, left = sorted(sub.members), []
        else:
            assert match.group_id is not None
            child = live[match.group_id]
            _members_leave(child, match.left, canon=canon, run=run, today=today)
            joined, left = sorted(match.joined), sorted(match.left)
            child.last_run = run
            if child.status == OCGStatus.PROPOSED:
                child.explanation = sub.explanation
            child.save(update_fields=["last_run", "explanation"])
        OCGMember.objects.bulk_create(
            [
                OCGMember(
                    ocg=child,
                    entity_id=key,
                    role=roles[key].role if key in roles else "member",
                    suggested_role=roles[key].role if key in roles else "member",
                    reasons=roles[key].reasons if key in roles else [],
                    evidence=evidence(roles[key].evidence) if key in roles else [],
                    joined_on=today,
                    joined_run=run,
                )
                for key in joined
            ]
        )
        OCGChange.objects.create(
            run=run,
            ocg=child,
            kind=ChangeKind.NEW if match.kind == "new" else ChangeKind.UPDATE,
            jaccard=round(match.jaccard, 4),
            containment=round(match.containment, 4),
            joined=joined,
            left=left,
        )


def _subgroup_new(*, run: AnalysisRun, ocg: OCG, explanation: str, now: dt.datetime) -> OCG:
    """A new sub-group of ``ocg``, with its parent's marking, named after it and numbered."""
    child = OCG.objects.create(
        owner_id=ocg.owner_id,
        compartment_id=ocg.compartment_id,
        handling=ocg.handling,
        conditions=ocg.conditions,
        name="",
        theme=ocg.theme,
        explanation=explanation,
        proposed_by=run,
        last_run=run,
        parent=ocg,
    )
    number = OCG.objects.filter(parent=ocg).count()
    child.name = f"{ocg.name}, sub-group {number}"[:200]
    child.save(update_fields=["name"])
    OCGEvent.objects.create(ocg=child, at=now, status=OCGStatus.PROPOSED, note=explanation)
    return child


def _members_leave(
    child: OCG, keys: Iterable[str], *, canon: Callable[[str], str], run: AnalysisRun, today: dt.date
) -> None:
    """Mark the sub-group's live members of these canonical keys as having left, by this run."""
    current = {canon(m.entity_id): m for m in child.members.all() if m.left_on is None}
    for key in sorted(keys):
        member = current[key]
        member.left_on, member.left_run = today, run
        member.save(update_fields=["left_on", "left_run"])
