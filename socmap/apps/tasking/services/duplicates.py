"""Duplication, found as a bid is made: another force's bid against the same threat, against a group
that shares people with this one (from the network), against the same Priority Individual, or a
request to the ROCU for a capability the force holds itself with spare capacity in those weeks.

Each warning names what overlaps: the other bid's reference and force, the kind of overlap and how
many people are shared. It never names the other force's threat, which the bidder may not see.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from socmap.apps.assessment import selectors as assessment
from socmap.apps.core.models import Organisation, User
from socmap.apps.network import selectors as network
from socmap.apps.tasking.models import AllocationRun, Bid, BidStatus, RunStatus, TaskingPeriod
from socmap.apps.tasking.register import register_current, week_index
from socmap.engines.allocate.capabilities import CapabilitySpec


def _weeks(first: date, last: date) -> str:
    return f"{first:%-d %B} to {last:%-d %B %Y}"


def overlaps_for(
    *,
    viewer: User,
    force: Organisation,
    period: TaskingPeriod,
    threat_id: int,
    capability: CapabilitySpec,
    first_week: date,
    last_week: date,
    effort: float,
    weeks: int,
    exclude: int | None = None,
) -> list[dict[str, Any]]:
    others = list(
        Bid.objects.filter(period=period, status=BidStatus.SUBMITTED)
        .exclude(owner=force)
        .exclude(pk=exclude or 0)
        .select_related("owner")
        .order_by("reference")
    )
    subjects = assessment.threat_subjects(threat_ids={threat_id, *(b.threat_id for b in others)})
    mine = subjects.get(threat_id)
    register = register_current()
    labels = {c.key: c.label for c in register.capabilities}
    out: list[dict[str, Any]] = []
    if mine is not None:
        ocgs = {s.ocg_id for s in subjects.values() if s.ocg_id}
        individuals = {s.individual_id for s in subjects.values() if s.individual_id}
        groups, people = network.subject_people(ocg_ids=ocgs, individual_ids=individuals)

        def persons(subject: assessment.ThreatSubject) -> frozenset[str]:
            if subject.ocg_id:
                return groups.get(subject.ocg_id, frozenset())
            if subject.individual_id:
                return people.get(subject.individual_id, frozenset())
            return frozenset()

        my_people = persons(mine)
        what = {"ocg": "group", "individual": "Priority Individual"}.get(mine.kind, "threat")
        for other in others:
            theirs = subjects.get(other.threat_id)
            if theirs is None:
                continue
            same_cap = other.capability == capability.key
            detail = (
                f"for {labels.get(other.capability, other.capability)}"
                f"{' (the same capability)' if same_cap else ''}, {_weeks(other.first_week, other.last_week)}"
            )
            kind, words = "", ""
            if other.threat_id == threat_id:
                kind = "same_threat"
                words = f"{other.owner.name}'s bid {other.reference} is against the same {what}, {detail}."
            else:
                shared = my_people & persons(theirs)
                if shared:
                    their_what = {"ocg": "a group", "individual": "a Priority Individual"}.get(
                        theirs.kind, "a threat"
                    )
                    kind = "shared_people"
                    n = len(shared)
                    words = (
                        f"{other.owner.name}'s bid {other.reference} is against {their_what} that shares "
                        f"{n} {'person' if n == 1 else 'people'} with the {what} you chose, {detail}."
                    )
            if kind:
                out.append(
                    {
                        "kind": kind,
                        "bid": other.pk,
                        "reference": other.reference,
                        "force": other.owner.name,
                        "same_capability": same_cap,
                        "words": words,
                    }
                )
    out += _own_capacity(force, period, capability, first_week, last_week, effort, weeks)
    return out


def _own_capacity(
    force: Organisation,
    period: TaskingPeriod,
    capability: CapabilitySpec,
    first_week: date,
    last_week: date,
    effort: float,
    weeks: int,
) -> list[dict[str, Any]]:
    """The force's own capabilities of the same kind with room for the bid in its window."""
    if capability.owner == force.code:
        return []
    own = [c for c in register_current().capabilities if c.owner == force.code and c.kind == capability.kind]
    if not own:
        return []
    run = AllocationRun.objects.filter(period=period, status=RunStatus.DONE).first()
    out = []
    first, last = week_index(period.starts_on, first_week), week_index(period.starts_on, last_week)
    for cap in own:
        capacity = cap.capacity(period.starts_on, period.weeks)
        used = (run.usage.get(cap.key, {}) if run else {}) or {}
        free = [capacity[w] - float(used.get(str(w), 0.0)) for w in range(period.weeks)]
        fits = any(
            all(free[w] >= effort for w in range(s, s + weeks)) for s in range(first, last - weeks + 2)
        )
        if fits:
            spare = min(free[first : last + 1])
            out.append(
                {
                    "kind": "own_capacity",
                    "bid": None,
                    "reference": cap.key,
                    "force": force.name,
                    "same_capability": False,
                    "words": f"{force.name} holds {cap.label} itself, with room for this bid in those weeks "
                    f"(at least {spare:g} {cap.unit} a week free at the lowest): ask your own first.",
                }
            )
    return out
