"""Every write of the network app: analysis runs and the OCG lifecycle, each with its audit entry.

A run reads every record link (a system read, like resolution), builds the weighted network with the
engine, proposes groups and Priority Individuals, and matches the proposals to the groups already
held: a match updates the group (who joined, who left), an unmatched proposal becomes a new
proposed group, and nothing is duplicated.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from socmap.apps.core.audit import audit_record
from socmap.apps.core.bulk import cycles_collected_after, statistics_refresh
from socmap.apps.core.models import AuditAction, Compartment, Organisation, User
from socmap.apps.core.models import Role as UserRole
from socmap.apps.core.selectors import POLICE_KINDS
from socmap.apps.core.services import require_role, run_finished
from socmap.apps.intel import reads
from socmap.apps.network import graph as netgraph
from socmap.apps.network.models import (
    OCG,
    AnalysisRun,
    IndividualStatus,
    OCGChange,
    OCGEvent,
    OCGMember,
    OCGStatus,
    PriorityIndividual,
    RunStatus,
)
from socmap.apps.network.proposals import proposals_apply
from socmap.engines import network
from socmap.errors import Conflict, InvalidInput, NotAllowed, SocmapError

Progress = Callable[[str], None]
ANALYSTS = (UserRole.ANALYST, UserRole.SUPERVISOR)


def _config_hash(config: network.NetworkConfig) -> str:
    text = json.dumps(asdict(config), default=str, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def analysis_run(
    *,
    actor: User | None,
    config_path: Path | None = None,
    linkmap_path: Path | None = None,
    progress: Progress | None = None,
) -> AnalysisRun:
    """Analyse the whole network and turn its proposals into proposed or updated groups.

    A bad configuration (an unknown link type, a bad key) is raised before anything is written.
    """
    if actor is not None:
        require_role(actor, *ANALYSTS, action="run the network analysis")
    say = progress or (lambda _msg: None)
    config = network.load_config(config_path) if config_path else netgraph.default_config()
    netgraph.load_linkmap(config, linkmap_path)  # fail fast, naming the unknown link type
    run = AnalysisRun.objects.create(
        engine_version=network.ENGINE_VERSION,
        config_hash=_config_hash(config),
        seed=config.communities.seed,
        created_by=actor,
    )
    started = time.perf_counter()
    # The analysis holds millions of objects (every link's ends, every membership): the cycle
    # collector's passes over them grew with the region, as they did in a resolution run.
    try:
        with cycles_collected_after():
            say("Reading links")
            job = reads.system_job(f"network analysis run {run.pk}", actor=actor)
            inputs = netgraph.analysis_inputs(viewer=job, config=config, linkmap_path=linkmap_path)
            run.links_read, run.unmapped = inputs.links_read, inputs.unmapped
            say(f"Building the network from {len(inputs.edges):,} links")
            graph = network.build_graph(inputs.nodes, inputs.edges, config)
            run.nodes, run.edges = graph.graph.vcount(), graph.graph.ecount()
            say("Finding communities")
            communities = network.detect_communities(graph)
            run.communities = sum(1 for m in communities.communities.values() if len(m) > 1)
            say("Measuring centrality")
            scores = network.centrality(graph, communities)
            say("Proposing groups and Priority Individuals")
            proposals = network.propose(graph, communities, scores, config)
            with transaction.atomic():
                proposals_apply(run, actor, proposals, inputs.canon, config, job)
            # The groups' members are read by every person page (is this person in a group?): a
            # planner that had not seen them scanned all 37,000 at five million source rows.
            members = sum(len(g.members) for g in proposals.groups)
            statistics_refresh(OCG, OCGMember, OCGChange, OCGEvent, changed=members)
            run.explanation = " ".join((graph.explanation, communities.explanation, proposals.explanation))
            run.status = RunStatus.DONE
    except SocmapError as exc:
        run.status, run.message = RunStatus.FAILED, str(exc)
    run_finished(
        run,
        actor=actor,
        started=started,
        justification="Network analysis run",
        detail={
            "groups_proposed": run.groups_proposed,
            "groups_new": run.groups_new,
            "groups_updated": run.groups_updated,
            "individuals": run.individuals_proposed,
            "config_hash": run.config_hash,
        },
    )
    return run


# --------------------------------------------------------------------------------------- lifecycle


def _event(ocg: OCG, actor: User, note: str) -> None:
    OCGEvent.objects.create(ocg=ocg, at=timezone.now(), actor=actor, status=ocg.status, note=note)


def ocg_assess(
    *, actor: User, ocg: OCG, assessment: str, name: str = "", roles: dict[int, str] | None = None
) -> OCG:
    """Record the analyst's assessment of a proposed group, and the roles they settle on."""
    require_role(actor, *ANALYSTS, action="assess organised crime groups")
    problems: dict[str, list[str]] = {}
    if ocg.status not in (OCGStatus.PROPOSED, OCGStatus.ASSESSED):
        problems["assessment"] = [f"A group that is {ocg.get_status_display().lower()} is not assessed again"]
    if not assessment.strip():
        problems["assessment"] = ["Say why this is an organised crime group (or why not)"]
    valid_roles = {r for r, _ in OCGMember._meta.get_field("role").choices or []}
    bad = [r for r in (roles or {}).values() if r not in valid_roles]
    if bad:
        problems["roles"] = [f"Unknown role {r!r}" for r in bad]
    if problems:
        raise InvalidInput("The assessment could not be recorded", fields=problems)
    with transaction.atomic():
        ocg.status, ocg.assessment, ocg.assessed_at = OCGStatus.ASSESSED, assessment.strip(), timezone.now()
        if name.strip():
            ocg.name = name.strip()[:200]
        ocg.save(update_fields=["status", "assessment", "assessed_at", "name"])
        for member in ocg.members.filter(pk__in=list(roles or {}), left_on__isnull=True):
            member.role = (roles or {})[member.pk]
            member.save(update_fields=["role"])
        _event(ocg, actor, assessment.strip())
        audit_record(AuditAction.ALTERATION, actor=actor, obj=ocg, justification=assessment.strip())
    return ocg


def ocg_threat_approved(*, actor: User, ocg: OCG, summary: str) -> OCG:
    """A supervisor approved a threat assessment of this group: a proposed group is now assessed.

    Called by the assessment app inside its approval's transaction; a group already assessed,
    adopted or archived keeps its status, and the approval is still on its timeline.
    """
    note = f"Threat assessment approved: {summary}"
    if ocg.status == OCGStatus.PROPOSED:
        ocg.status, ocg.assessed_at = OCGStatus.ASSESSED, timezone.now()
        ocg.assessment = ocg.assessment or note
        ocg.save(update_fields=["status", "assessed_at", "assessment"])
        audit_record(AuditAction.ALTERATION, actor=actor, obj=ocg, justification=note)
    _event(ocg, actor, note)
    return ocg


def ocg_adopt(
    *,
    actor: User,
    ocg: OCG,
    lead_force: Organisation | None,
    lro: User | None,
    compartment: Compartment | None = None,
) -> OCG:
    """Adopt (map) a group: a lead force, an LRO of that force, and a reference like GL-OCG-0007."""
    require_role(actor, *ANALYSTS, action="adopt organised crime groups")
    problems: dict[str, list[str]] = {}
    if ocg.status not in (OCGStatus.PROPOSED, OCGStatus.ASSESSED):
        problems["lead_force"] = [f"A group that is {ocg.get_status_display().lower()} cannot be adopted"]
    if lead_force is None:
        problems["lead_force"] = ["Choose the lead force"]
    elif lead_force.kind not in POLICE_KINDS or not lead_force.code:
        problems["lead_force"] = [f"{lead_force.name} cannot lead a group: choose a force or the ROCU"]
    if lro is None:
        problems["lro"] = ["Choose the lead responsible officer"]
    elif not lro.has_role(UserRole.LRO):
        problems["lro"] = [f"{lro.get_full_name() or lro.username} is not a lead responsible officer"]
    elif lead_force is not None and lro.organisation_id != lead_force.pk:
        problems["lro"] = [f"The LRO must belong to {lead_force.name}"]
    if problems:
        raise InvalidInput("The group could not be adopted", fields=problems)
    assert lead_force is not None and lro is not None
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=lead_force.pk).first()
        prefix = f"{lead_force.code}-OCG-"
        numbers = [
            int(m.group(1))
            for ref in OCG.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
            if ref and (m := re.fullmatch(rf"{re.escape(prefix)}(\d+)", ref))
        ]
        ocg.reference = f"{prefix}{max(numbers, default=0) + 1:04d}"
        ocg.status, ocg.lead_force, ocg.lro, ocg.adopted_at = (
            OCGStatus.ADOPTED,
            lead_force,
            lro,
            timezone.now(),
        )
        ocg.owner = lead_force
        if compartment is not None:
            ocg.compartment = compartment
        ocg.save()
        _event(
            ocg,
            actor,
            f"Adopted as {ocg.reference}, led by {lead_force.name}; "
            f"LRO {lro.get_full_name() or lro.username}",
        )
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=ocg,
            justification="adopted",
            detail={"reference": ocg.reference, "lead_force": lead_force.pk, "lro": lro.pk},
        )
    return ocg


def ocg_lro_change(*, actor: User, ocg: OCG, lro: User, reason: str) -> OCG:
    """Record a new LRO for an adopted group on its timeline. Called by lifetime management inside
    its reassignment's transaction, which checks the supervisor, the officer and the reason."""
    if ocg.status != OCGStatus.ADOPTED:
        raise Conflict(f"A group that is {ocg.get_status_display().lower()} has no LRO to change")
    if not lro.has_role(UserRole.LRO):
        raise InvalidInput(
            "The group's LRO could not be changed",
            fields={"lro": [f"{lro.get_full_name() or lro.username} is not a lead responsible officer"]},
        )
    before = ocg.lro
    ocg.lro = lro
    ocg.save(update_fields=["lro"])
    name = lro.get_full_name() or lro.username
    was = f" (was {before.get_full_name() or before.username})" if before is not None else ""
    _event(ocg, actor, f"LRO changed to {name}{was}: {reason.strip()}")
    audit_record(
        AuditAction.ALTERATION,
        actor=actor,
        obj=ocg,
        justification=reason.strip(),
        detail={"lro": lro.pk, "previous_lro": before.pk if before is not None else None},
    )
    return ocg


def ocg_archive(*, actor: User, ocg: OCG, reason: str) -> OCG:
    require_role(actor, *ANALYSTS, UserRole.LRO, action="archive organised crime groups")
    if not reason.strip():
        raise InvalidInput("Say why the group is archived", fields={"reason": ["Enter a reason"]})
    if ocg.status == OCGStatus.ARCHIVED:
        raise Conflict("The group is already archived")
    if actor.has_role(UserRole.LRO) and not actor.has_role(*ANALYSTS) and ocg.lro_id != actor.pk:
        raise NotAllowed("Only the group's own LRO, an analyst or a supervisor archives it")
    with transaction.atomic():
        ocg.status, ocg.archive_reason, ocg.archived_at = OCGStatus.ARCHIVED, reason.strip(), timezone.now()
        ocg.save(update_fields=["status", "archive_reason", "archived_at"])
        _event(ocg, actor, reason.strip())
        audit_record(AuditAction.ALTERATION, actor=actor, obj=ocg, justification=reason.strip())
    return ocg


def individual_decide(
    *, actor: User, individual: PriorityIndividual, status: str, reason: str
) -> PriorityIndividual:
    require_role(actor, *ANALYSTS, action="decide on proposed Priority Individuals")
    if status not in (IndividualStatus.ADOPTED, IndividualStatus.DISMISSED):
        raise InvalidInput("Adopt or dismiss the proposal", fields={"status": ["Choose adopt or dismiss"]})
    if not reason.strip():
        raise InvalidInput("Say why", fields={"reason": ["Enter a reason"]})
    with transaction.atomic():
        individual.status = status
        individual.save(update_fields=["status"])
        audit_record(AuditAction.ALTERATION, actor=actor, obj=individual, justification=reason.strip())
    return individual
