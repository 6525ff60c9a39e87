"""The demo's partnership: information-sharing leads, agreements at every stage (one awaiting its
second approval, one revoked, one due for renewal), the Gloucestershire SOC partnership board with
two meetings, and safeguarding referrals in every state. Built through the services, so audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction

from socmap.apps.core import clock
from socmap.apps.core import services as core
from socmap.apps.core.demo import DEMO_PASSWORD
from socmap.apps.core.models import Compartment, Organisation, SharingAgreement, User
from socmap.apps.partnership import services
from socmap.apps.partnership.models import Arrangement, ArrangementKind, Board, SharingLead

GLOS = "Gloucestershire Constabulary"
COUNCIL = "Cheltenham Borough Council"
BOARD = "Gloucestershire Serious and Organised Crime Partnership Board"


def _org(name: str) -> Organisation:
    return Organisation.objects.get(name=name)


def _lead(person: User) -> None:
    assert person.organisation_id is not None
    if not SharingLead.objects.filter(person=person, ended_at__isnull=True).exists():
        SharingLead.objects.create(
            organisation_id=person.organisation_id, person=person, named_at=clock.now()
        )


def _council_lead() -> User:
    found = User.objects.filter(username="council.lead").first()
    return found or core.user_create(
        actor=None,
        username="council.lead",
        password=DEMO_PASSWORD,
        organisation=_org(COUNCIL),
        roles=["partner"],
        first_name="Rachel",
        last_name="Green",
        job_title="Information governance lead",
        email="council.lead@example.org",
    )


def _agreements(police_lead: User, council_lead: User, council_other: User) -> None:
    glos, council = _org(GLOS), _org(COUNCIL)
    today = clock.today()
    cse = Compartment.objects.get(name="CSE safeguarding")
    endeavour = Compartment.objects.get(name="Operation Endeavour")

    def propose(
        title: str, comps: list[Compartment], start_days: int, end_days: int, codes: list[str]
    ) -> SharingAgreement:
        return services.agreement_propose(
            actor=council_lead,
            proposal=services.Proposal(
                provider=glos,
                recipient=council,
                title=title,
                purpose=f"{title}: safeguarding and disruption",
                legal_basis="Crime and Disorder Act 1998 s115; DPA 2018 Part 3",
                valid_from=today + timedelta(days=start_days),
                valid_to=today + timedelta(days=end_days),
                review_on=today + timedelta(days=start_days + 180),
                compartments=comps,
                handling_codes=codes,
                conditions="Safeguarding leads only; no onward disclosure" if "C" in codes else "",
            ),
        ).agreement

    awaiting = propose("CSE safeguarding case sharing", [cse], 0, 365, ["P", "C"])
    services.agreement_approve(actor=police_lead, agreement=awaiting)  # the council's approval is still due
    revoked = propose("Operation Endeavour licensing checks", [endeavour], -200, 165, ["P"])
    services.agreement_approve(actor=police_lead, agreement=revoked)
    services.agreement_approve(actor=council_other, agreement=revoked)
    services.agreement_revoke(actor=police_lead, agreement=revoked, reason="Licensing review finished early")
    renewal = propose("Operation Endeavour hot-spot patrol data", [endeavour], -330, 30, ["P"])
    services.agreement_approve(actor=police_lead, agreement=renewal)
    services.agreement_approve(actor=council_other, agreement=renewal)
    services.renewal_reminders()


def _board_meetings(earlier: Any, latest: Any, today: date) -> None:
    """Who attended the two meetings, what they decided and the actions they set (one done)."""
    people = [
        (earlier, GLOS, "Ch Supt Mark Davies", "chief_officer"),
        (earlier, COUNCIL, "Gareth Lloyd", "manager"),
        (earlier, "Cheltenham Borough Homes", "Jo Price", "senior"),
        (latest, GLOS, "Ch Supt Mark Davies", "chief_officer"),
        (latest, COUNCIL, "Rachel Green", "senior"),
        (latest, "Gloucestershire Hospitals NHS Foundation Trust", "Dr Amir Khan", "senior"),
        (latest, "Gloucestershire Fire and Rescue Service", "Sam Ellis", "manager"),
        (latest, "South West Regional Organised Crime Unit", "DI Helen Moore", "senior"),
    ]
    for meeting, org, name, level in people:
        services.attendance_record(
            actor=None, meeting=meeting, organisation=_org(org), name=name, seniority=level
        )
    services.decision_record(
        actor=None,
        meeting=earlier,
        information_sharing=True,
        text="Council and police to agree a CSE safeguarding sharing agreement",
    )
    services.decision_record(actor=None, meeting=latest, text="Adopt the cuckooing protocol across housing")
    done = services.action_record(
        actor=None,
        meeting=earlier,
        data=services.ActionInput(
            "Share the licensed premises list with the SOC unit", _org(COUNCIL), today - timedelta(days=60)
        ),
    )
    services.action_complete(actor=None, action=done, completed_on=today - timedelta(days=62), note="Sent")
    services.action_record(
        actor=None,
        meeting=earlier,
        data=services.ActionInput(
            "Brief housing officers on cuckooing indicators",
            _org("Cheltenham Borough Homes"),
            today - timedelta(days=20),
        ),
    )
    services.action_record(
        actor=None,
        meeting=latest,
        data=services.ActionInput(
            "Fire safety visits to addresses flagged for cuckooing",
            _org("Gloucestershire Fire and Rescue Service"),
            today + timedelta(days=45),
        ),
    )


def _board(chair: User) -> None:
    glos = _org(GLOS)
    board = services.board_create(
        actor=None,
        name=BOARD,
        chair=glos,
        purpose="Senior leaders of the partnership engage routinely on SOC",
        since=clock.today() - timedelta(days=365),
    )
    members = [
        "South West Regional Organised Crime Unit",
        COUNCIL,
        "Gloucestershire Hospitals NHS Foundation Trust",
        "Cheltenham Borough Homes",
        "Gloucestershire Fire and Rescue Service",
        "Office of the Police and Crime Commissioner for Gloucestershire",
    ]
    for name in members:
        services.member_add(
            actor=None, board=board, organisation=_org(name), since=clock.today() - timedelta(days=365)
        )
    today = clock.today()
    earlier = services.meeting_record(
        actor=None,
        board=board,
        held_on=today - timedelta(days=100),
        title="Quarterly board",
        agenda="1. Local profile\n2. County lines\n3. MASH",
    )
    latest = services.meeting_record(
        actor=None,
        board=board,
        held_on=today - timedelta(days=7),
        title="Quarterly board",
        agenda="1. Board pack\n2. Cuckooing\n3. Actions",
    )
    _board_meetings(earlier, latest, today)
    assert chair is not None


def _referrals(analyst: User, partner: User) -> None:
    glos, council = _org(GLOS), _org(COUNCIL)
    nhs = _org("Gloucestershire Hospitals NHS Foundation Trust")
    mash_c = Arrangement.objects.create(
        name="Gloucestershire MASH (children)", kind=ArrangementKind.MASH_CHILDREN
    )
    mash_a = Arrangement.objects.create(
        name="Gloucestershire MASH (adults)", kind=ArrangementKind.MASH_ADULTS
    )
    nrm = Arrangement.objects.create(name="National Referral Mechanism", kind=ArrangementKind.NRM)
    mash_c.members.add(glos, council, nhs)
    mash_a.members.add(glos, council, nhs)
    nrm.members.add(glos, council)
    today = clock.today()
    rows = [
        (mash_c, "cce", "Child A (15), running drugs on the Cheltenham line", 3, None),
        (mash_c, "cse", "Child B (14), seen with older men at a Hesters Way flat", 30, None),
        (
            mash_a,
            "cuckooing",
            "Adult C, flat taken over by dealers in St Paul's",
            40,
            ("strategy_meeting", 9),
        ),
        (nrm, "modern_slavery", "Worker D, car wash in Gloucester, no pay", 60, ("reasonable_grounds", 12)),
        (mash_c, "cce", "Child E (16), missing episodes to Bristol", 75, ("safeguarding_plan", 6)),
        (nrm, "trafficking", "Worker F, nail bar in Cheltenham", 50, ("conclusive_grounds", 40)),
        (mash_a, "adult_at_risk", "Adult G, debt bondage to a dealer", 20, ("no_further_action", 4)),
    ]
    for arrangement, concern, subject, ago, outcome in rows:
        referral = services.referral_make(
            actor=analyst,
            data=services.ReferralInput(
                arrangement=arrangement,
                to_organisation=council,
                concern=concern,
                subject=subject,
                summary=f"Found in intelligence: {subject}. Synthetic demo data.",
                referred_on=today - timedelta(days=ago),
            ),
        )
        if outcome:
            services.outcome_record(
                actor=partner,
                referral=referral,
                outcome=outcome[0],
                outcome_on=today - timedelta(days=ago - outcome[1]),
            )


@transaction.atomic
def build_demo_partnership() -> None:
    """Idempotent: a region that has its board already is left as it is."""
    if Board.objects.filter(name=BOARD).exists():
        return
    police_lead = User.objects.get(username="supervisor")
    council_lead = _council_lead()
    partner = User.objects.get(username="partner")
    for person in (police_lead, council_lead, partner):
        _lead(person)
    _agreements(police_lead, council_lead, partner)
    _board(police_lead)
    _referrals(User.objects.get(username="analyst"), partner)
