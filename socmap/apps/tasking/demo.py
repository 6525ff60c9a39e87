"""Regional tasking for the demo region: a year of capacity from the capability register, bids from
all five forces against their assessed threats (some duplicated on purpose), an allocation with one
decision overridden by the TCG, and a regional TTCG with its decisions and actions, published.

Everything goes through the services, so it is audited like real work. Running it twice changes
nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from socmap.apps.assessment.models import Threat
from socmap.apps.core.models import Organisation, User
from socmap.apps.tasking import services
from socmap.apps.tasking.models import Bid, DecisionKind, MeetingLevel, TaskingPeriod
from socmap.apps.tasking.register import monday

# (force code, capability, weeks, effort, first week, window in weeks, impact, outcome)
BIDS = [
    (
        "GL",
        "covert_surveillance",
        6,
        1,
        3,
        10,
        "major",
        "Evidence of the line holder's supply runs to charge him",
    ),
    ("GL", "financial_investigation", 8, 40, 2, 14, "moderate", "Restrain the proceeds of the line"),
    ("GL", "prison_intelligence", 4, 20, 6, 8, "minor", "Intelligence on drones over HMP Eastwood Park"),
    ("AS", "covert_surveillance", 8, 2, 4, 12, "major", "Identify the armourer supplying Bristol"),
    ("AS", "technical_surveillance", 6, 1, 5, 10, "major", "Locate the firearms hide"),
    ("AS", "cyber", 10, 60, 2, 20, "moderate", "Trace the romance fraud accounts"),
    ("DC", "undercover", 8, 1, 8, 16, "moderate", "Infiltrate the gangmaster network on the farms"),
    ("DC", "analysts", 12, 40, 1, 20, "minor", "Map landings on the south Devon coast"),
    ("DC", "asset_recovery", 6, 30, 10, 12, "moderate", "Confiscate machinery theft proceeds"),
    ("DO", "covert_surveillance", 6, 1, 3, 8, "major", "Disrupt the Bournemouth line at the handover"),
    ("DO", "source_handling", 12, 1, 6, 20, "moderate", "Recruit a source inside the line"),
    ("DO", "cyber", 8, 40, 12, 16, "minor", "Attribute the ransomware campaign"),
    ("WI", "financial_investigation", 10, 60, 4, 16, "major", "Evidence laundering through the car washes"),
    ("WI", "technical_surveillance", 4, 1, 14, 8, "moderate", "Catalytic converter buyers"),
    ("WI", "analysts", 8, 30, 2, 12, "minor", "Network of the fraud call centre"),
    # The one undercover team, asked for by three forces in the same weeks: someone must wait.
    ("AS", "undercover", 6, 1, 8, 6, "major", "Test purchase from the armourer"),
    ("WI", "undercover", 4, 1, 10, 4, "moderate", "Undercover buyer at the car washes"),
    ("GL", "undercover", 6, 1, 9, 7, "moderate", "Online undercover against the CSE network"),
]
# Bids made on purpose against another force's threat (shared with the bidder): flagged as duplicates.
DUPLICATES = [
    ("AS", "GL", "covert_surveillance", "major", "Bristol end of the Birmingham line into Gloucester"),
    ("WI", "AS", "technical_surveillance", "major", "Wiltshire buyers of the Bristol firearms"),
]


def _bidder(org: Organisation) -> User | None:
    if org.code == "GL":
        return User.objects.filter(username="analyst").first()
    return User.objects.filter(username=f"analyst.{org.code.lower()}").first()


def _threats(org: Organisation, *, shared_only: bool = False) -> list[Threat]:
    """The organisation's scored threats, those in no compartment (shared between forces) first."""
    qs = Threat.objects.filter(owner=org, score__isnull=False)
    if shared_only:
        qs = qs.filter(compartment__isnull=True)
    return list(qs.order_by(F("compartment").asc(nulls_first=True), "-score", "id"))


def _demo_meeting(tasking: User, period: TaskingPeriod, first_run: Any) -> None:
    """The regional TTCG on the first allocation: a bid funded over the model, a note, an action."""
    meeting = services.meeting_create(
        actor=tasking,
        level=MeetingLevel.REGIONAL,
        title=f"Regional TTCG, {timezone.localdate():%B %Y}",
        held_on=timezone.localdate(),
        period=period,
        chair="Helen Moore, regional tasking manager",
        attendees="SOC leads of Avon and Somerset, Devon and Cornwall, Dorset, Gloucestershire and Wiltshire",
    )
    unfunded = [
        d.bid for d in first_run.decisions.filter(funded=False).select_related("bid").order_by("-value")
    ]
    if unfunded:
        services.decision_record(
            actor=tasking,
            meeting=meeting,
            kind=DecisionKind.FUND,
            bid=unfunded[0],
            text="Fund: risk to life identified since the bid was made; the TCG accepts the displacement",
            owner="ROCU detective inspector",
        )
    services.decision_record(
        actor=tasking,
        meeting=meeting,
        kind=DecisionKind.NOTE,
        text="Forces bidding against the same group agree one lead force before the next TTCG",
        owner="Force SOC leads",
    )
    services.action_record(
        actor=tasking,
        meeting=meeting,
        text="Deconflict the two bids against the Birmingham line into Gloucester",
        owner="Gloucestershire and Avon and Somerset SOC leads",
        due_on=timezone.localdate() + timedelta(days=14),
    )


@transaction.atomic
def build_demo_tasking() -> int:
    """Create the demo's tasking; returns how many bids there are afterwards."""
    tasking = User.objects.filter(username="tasking").first()
    if tasking is None or Bid.objects.exists():
        return Bid.objects.count()
    start = monday(timezone.localdate())
    name = f"{start.year}-{(start.year + 1) % 100:02d}"
    period = TaskingPeriod.objects.filter(name=name).first() or services.period_create(
        actor=tasking, name=name, starts_on=start, weeks=52
    )
    forces = {o.code: o for o in services.region_forces()}
    services.fairness_set(
        actor=tasking, period=period, mode="min_share", min_shares=dict.fromkeys(forces, 10)
    )
    made: list[Bid] = []
    used: dict[str, int] = {}
    for code, capability, weeks, effort, first, window, impact, outcome in BIDS:
        org = forces.get(code)
        user = _bidder(org) if org else None
        threats = _threats(org) if org else []
        if user is None or not threats:
            continue
        threat = threats[used.get(code, 0) % len(threats)]
        used[code] = used.get(code, 0) + 1
        made.append(
            services.bid_submit(
                actor=user,
                period=period,
                data=services.BidInput(
                    threat_id=threat.pk,
                    capability=capability,
                    first_week=start + timedelta(weeks=first),
                    last_week=start + timedelta(weeks=first + window - 1),
                    weeks=weeks,
                    effort=effort,
                    outcome=outcome,
                    impact=impact,
                ),
                confirmed=True,
            )
        )
    for bidder_code, owner_code, capability, impact, outcome in DUPLICATES:
        bidder, owner = forces.get(bidder_code), forces.get(owner_code)
        user = _bidder(bidder) if bidder else None
        theirs = _threats(owner, shared_only=True)[:1] if owner else []
        if user is None or not theirs:
            continue
        made.append(
            services.bid_submit(
                actor=user,
                period=period,
                data=services.BidInput(
                    threat_id=theirs[0].pk,
                    capability=capability,
                    first_week=start + timedelta(weeks=3),
                    last_week=start + timedelta(weeks=14),
                    weeks=6,
                    effort=1,
                    outcome=outcome,
                    impact=impact,
                ),
                confirmed=True,
            )
        )
    first_run = services.allocation_run(actor=tasking, period=period, time_limit=5)
    _demo_meeting(tasking, period, first_run)
    run = services.allocation_run(actor=tasking, period=period, time_limit=5)
    if run.status == "done":
        services.run_publish(actor=tasking, run=run)
    return Bid.objects.count()
