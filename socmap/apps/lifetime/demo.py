"""Lifetime management for the demo region: an LRO per force, plans for adopted groups and a Priority
Individual, 4P actions (one owned by the council), orders (some expiring, one breached), people
coming out of prison, disruptions of every impact across the forces (some awaiting validation), LRO
training with one officer's lapsed, and the alerts that follow.

Everything goes through the services, as an officer would do it, so it is audited like real work;
dates are relative to the one clock's today. Only a few dates are moved into the past afterwards, as
synthetic history (a review overdue, the group's first assessment approved months ago). Running it
twice changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from socmap.apps.assessment import services as assessment
from socmap.apps.assessment.models import Assessment, Threat
from socmap.apps.core import clock
from socmap.apps.core import services as core
from socmap.apps.core.demo import DEMO_PASSWORD
from socmap.apps.core.models import Compartment, Organisation, Role, User
from socmap.apps.lifetime import selectors, services
from socmap.apps.lifetime.models import Disruption, Plan
from socmap.apps.network import services as network
from socmap.apps.network.models import OCG, OCGStatus, PriorityIndividual
from socmap.apps.workforce import services as workforce
from socmap.apps.workforce.models import TrainingRecord

# One more LRO per force (Gloucestershire's first is the demo login "lro"), and Gloucestershire's
# second, whose LRO training has lapsed.
LROS = {
    "GL": ("lro.gl2", "Tom", "Barker"),
    "AS": ("lro.as", "Amira", "Khan"),
    "DC": ("lro.dc", "Ben", "Pascoe"),
    "DO": ("lro.do", "Kate", "Stevens"),
    "WI": ("lro.wi", "Dan", "Whitfield"),
}
IMPACTS = ["major", "moderate", "minor", "none", "negative"]
PS = ["pursue", "prevent", "protect", "prepare"]


def _user(username: str, org: Organisation, role: str, first: str, last: str, title: str) -> User:
    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    return core.user_create(
        actor=None,
        username=username,
        password=DEMO_PASSWORD,
        organisation=org,
        roles=[role],
        first_name=first,
        last_name=last,
        job_title=title,
        check_password=False,
    )


def _supervisor(org: Organisation) -> User:
    if org.code == "GL":
        return User.objects.get(username="supervisor")
    found = User.objects.filter(organisation=org, role_grants__role=Role.SUPERVISOR).first()
    return found or _user(
        f"supervisor.{org.code.lower()}", org, Role.SUPERVISOR, "Chris", "Lewis", "Detective inspector"
    )


def _second_supervisor(org: Organisation) -> User:
    return _user(
        f"supervisor2.{org.code.lower()}",
        org,
        Role.SUPERVISOR,
        "Morgan",
        "Ellis",
        "Detective chief inspector",
    )


def _adopt_more(orgs: dict[str, Organisation], analyst_for: dict[str, User], lros: dict[str, User]) -> None:
    """One adopted group per force besides Gloucestershire's two, and one Priority Individual."""
    for code in ("AS", "DC", "DO", "WI"):
        org = orgs[code]
        if OCG.objects.filter(lead_force=org, status=OCGStatus.ADOPTED).exists():
            continue
        group = (
            OCG.objects.filter(owner=org, status__in=[OCGStatus.PROPOSED, OCGStatus.ASSESSED])
            .order_by("id")
            .first()
        )
        if group is None:
            continue
        analyst = analyst_for[code]
        if group.status == OCGStatus.PROPOSED:
            network.ocg_assess(
                actor=analyst, ocg=group, assessment="Demo: a continuing group; roles as suggested."
            )
        network.ocg_adopt(actor=analyst, ocg=group, lead_force=org, lro=lros[code])
    glos = orgs["GL"]
    if not PriorityIndividual.objects.filter(status="adopted").exists():
        person = PriorityIndividual.objects.filter(owner=glos).order_by("-score").first()
        if person is not None:
            network.individual_decide(
                actor=User.objects.get(username="analyst"),
                individual=person,
                status="adopted",
                reason="Demo: sustained serious offending outside any group",
            )


def _people(lro: User, plan: Plan) -> list[str]:
    return [e for e, _, _ in selectors.people_of(lro, plan)]


def _actions(
    plan: Plan, lro: User, council: Organisation | None, endeavour: Compartment | None, today: date
) -> None:
    if plan.actions.exists():
        return
    specs: list[tuple[str, str, date, Organisation | None]] = [
        ("pursue", "Financial investigation of the principal's assets", today + timedelta(days=45), None),
        ("pursue", "Warrant at the group's main address", today - timedelta(days=10), None),
        ("protect", "Visit the vulnerable tenants used for cuckooing", today + timedelta(days=14), None),
        ("prepare", "Community impact assessment for the next warrant", today + timedelta(days=60), None),
    ]
    if council is not None and endeavour is not None and plan.compartment_id == endeavour.pk:
        specs.append(
            ("prevent", "School talks on county lines grooming", today + timedelta(days=30), council)
        )
    else:
        specs.append(
            ("prevent", "Referral of younger runners to youth diversion", today + timedelta(days=30), None)
        )
    for p, title, due, organisation in specs:
        services.action_create(
            actor=lro,
            plan=plan,
            data=services.ActionInput(
                p=p,
                title=title,
                due_on=due,
                owner_person=None if organisation else lro,
                owner_organisation=organisation,
            ),
        )


def _orders(plan: Plan, lro: User, people: list[str], today: date, breached: bool) -> None:
    if plan.orders.exists() or not people:
        return
    # An SCPO against the principal, expiring within the month.
    scpo = services.order_record(
        actor=lro,
        plan=plan,
        data=services.OrderInput(
            kind="scpo",
            entity_id=people[0],
            status="granted",
            applicant="Crown Prosecution Service",
            court="Crown Court",
            decided_on=today - timedelta(days=5 * 365 - 20),
            starts_on=today - timedelta(days=5 * 365 - 20),
            ends_on=today + timedelta(days=20),
            conditions_text="Not to hold more than one mobile phone; to declare vehicles.",
        ),
    )
    if breached and len(people) > 1:
        cbo = services.order_record(
            actor=lro,
            plan=plan,
            data=services.OrderInput(
                kind="cbo",
                entity_id=people[1],
                status="granted",
                applicant="Crown Prosecution Service",
                court="Magistrates' court",
                decided_on=today - timedelta(days=200),
                starts_on=today - timedelta(days=200),
                ends_on=today - timedelta(days=200) + timedelta(days=3 * 365),
                conditions_text="Not to enter the exclusion zone around Lower High Street.",
            ),
        )
        services.order_step(
            actor=lro,
            order=cbo,
            step=services.OrderStep(
                "breached", today - timedelta(days=3), "Seen inside the exclusion zone by a patrol"
            ),
        )
    if len(people) > 2:
        services.order_record(
            actor=lro,
            plan=plan,
            data=services.OrderInput(
                kind="afo",
                entity_id=people[2],
                status="applied",
                applicant="Police",
                applied_on=today - timedelta(days=7),
                amount=Decimal("18450.00"),
            ),
        )
    del scpo


def _custody(plan: Plan, lro: User, people: list[str], today: date) -> None:
    """Two members due out soon (the prison extract lags), so the coming-out list has them."""
    if len(people) < 4 or plan.events.filter(kind="custody").exists():
        return
    for entity_id, days, prison in ((people[3], 12, "HMP Bristol"), (people[-1], 55, "HMP Leyhill")):
        services.custody_enter(
            actor=lro,
            plan=plan,
            data=services.CustodyInput(
                entity_id=entity_id,
                expected_release_on=today + timedelta(days=days),
                received_on=today - timedelta(days=400),
                establishment=prison,
            ),
        )


def _considerations(plan: Plan, lro: User, complete: bool) -> None:
    reasons = {
        "stpo": "No slavery or trafficking offences in the intelligence",
        "stro": "No slavery or trafficking risk identified",
        "tro": "No one convicted of drug trafficking with four years or more",
        "gang_injunction": "Violence is not gang-related; a CBO fits better",
        "uwo": "No property over £50,000 unexplained by income yet",
        "closure_order": "No premises used for disorder identified",
        "benefit_check": "Not claiming benefits",
        "tax_check": "No cash business",
        "immigration_status": "British citizens",
        "director_disqualification": "No company directorships",
        "fire_safety_enforcement": "No premises of concern",
        "tenancy_enforcement": "Owner-occupiers",
        "licensing_review": "No licensed premises involved",
        "scpo": "No conviction for a serious offence yet; revisit at sentencing",
        "cbo": "Behaviour is covered by the bail conditions for now",
        "afo": "No accounts identified yet; the financial investigator is looking",
    }
    todo = services.outstanding_items(plan)
    for key in todo if complete else todo[:3]:
        if key in reasons:
            services.consideration_record(actor=lro, plan=plan, item=key, reason=reasons[key])


def _disruptions(plan: Plan, lro: User, supervisors: tuple[User, User], today: date, seed: int) -> None:
    if plan.disruptions.exists():
        return
    activities = [
        ("pursue", "seizure_drugs", {"drugs": "Crack cocaine and heroin", "drugs_grams": Decimal("412.5")}),
        ("pursue", "arrest", {}),
        ("pursue", "seizure_cash", {"cash_pounds": Decimal("23800")}),
        ("protect", "safeguarding", {}),
        ("prevent", "partner_action", {}),
        ("pursue", "seizure_firearms", {"firearms": 1, "ammunition": 14}),
        ("prepare", "order", {}),
        ("pursue", "charge", {}),
    ]
    for i in range(5):
        p, activity, extra = activities[(seed + i) % len(activities)]
        impact = IMPACTS[(seed + i) % len(IMPACTS)]
        d = services.disruption_record(
            actor=lro,
            plan=plan,
            data=services.DisruptionInput(
                on=today - timedelta(days=20 + 60 * i + seed),
                p=p,
                activity=activity,
                impact=impact,
                description=f"Demo: {activity.replace('_', ' ')} against {plan.title}",
                evidence="Custody record, exhibit list and intelligence since",
                rationale=f"Demo: rated {impact} on the evidence",
                **extra,  # type: ignore[arg-type]
            ),
        )
        if i != 0:  # the latest awaits a supervisor's validation
            services.disruption_validate(
                actor=supervisors[0] if supervisors[0] != lro else supervisors[1], disruption=d, approve=True
            )


def _training(orgs: dict[str, Organisation], lros: dict[str, User], today: date) -> None:
    if TrainingRecord.objects.exists():
        return
    sarah = User.objects.get(username="lro")
    workforce.training_record(
        actor=None,
        person=sarah,
        course="lro",
        passed_on=today - timedelta(days=400),
        expires_on=today + timedelta(days=3 * 365 - 400),
    )
    for code, user in lros.items():
        if code == "GL":  # Tom Barker's lapsed two months ago
            workforce.training_record(
                actor=None,
                person=user,
                course="lro",
                passed_on=today - timedelta(days=3 * 365 + 60),
                expires_on=today - timedelta(days=60),
            )
        else:
            workforce.training_record(
                actor=None,
                person=user,
                course="lro",
                passed_on=today - timedelta(days=200),
                expires_on=today + timedelta(days=3 * 365 - 200),
            )


def _threat_history(plan: Plan, today: date) -> None:
    """The group's threat re-assessed lower after its disruptions: its first approval moved back eight
    months (synthetic history), then a second version approved today."""
    threat = Threat.objects.filter(ocg_id=plan.ocg_id).first() if plan.ocg_id else None
    if threat is None or threat.assessments.count() != 1 or threat.status != "approved":
        return
    first = threat.assessments.get()
    supervisor2 = _second_supervisor(threat.owner)
    Assessment.objects.filter(pk=first.pk).update(decided_at=clock.now() - timedelta(days=240))
    draft = assessment.assessment_start(
        actor=first.assessor, threat=threat, justification="Demo re-assessment"
    )
    values = {k: max(0, int(v) - 1) for k, v in first.values.items()}
    model = assessment.stored_model(draft.model)
    values = {k: max(model.dimensions[k].lowest, v) for k, v in values.items()}
    done = assessment.assessment_submit(
        actor=first.assessor,
        assessment=draft,
        data=assessment.AssessmentInput(
            values, dict.fromkeys(values, "Demo: lower after the year's disruptions"), "medium"
        ),
    )
    assessment.assessment_approve(
        actor=supervisor2, assessment=done, comment="Disruptions have reduced the threat"
    )
    del today


@transaction.atomic
def build_demo_lifetime() -> int:
    """Create the demo's lifetime management; returns how many plans there are afterwards."""
    today = clock.today()
    orgs = {o.code: o for o in Organisation.objects.exclude(code="")}
    if "GL" not in orgs:
        return 0
    council = Organisation.objects.filter(name="Cheltenham Borough Council").first()
    endeavour = Compartment.objects.filter(name="Operation Endeavour").first()
    lros = {
        code: _user(username, orgs[code], Role.LRO, first, last, "Neighbourhood inspector")
        for code, (username, first, last) in LROS.items()
        if code in orgs
    }
    analyst_for = {
        code: User.objects.filter(organisation=orgs[code], role_grants__role=Role.ANALYST).first()
        or User.objects.get(username="analyst")
        for code in orgs
    }
    _adopt_more(orgs, analyst_for, lros)
    services.custody_sync()
    sarah = User.objects.get(username="lro")
    for group in OCG.objects.filter(status=OCGStatus.ADOPTED).select_related("lro").order_by("id"):
        services.plan_open(actor=group.lro, ocg=group)
    for person in PriorityIndividual.objects.filter(status="adopted"):
        plan = services.plan_open(actor=_supervisor(person.owner), individual=person)
        if plan.lro_id is None:
            services.plan_assign(
                actor=_supervisor(person.owner),
                plan=plan,
                lro=lros.get("GL", sarah),
                deputy=sarah,
                reason="Demo: Priority Individual adopted; Tom Barker leads",
            )
    plans = list(Plan.objects.select_related("owner", "lro").order_by("id"))
    for index, plan in enumerate(plans):
        lro = plan.lro
        if lro is None:
            continue
        supervisors = (_supervisor(plan.owner), _second_supervisor(plan.owner))
        if plan.deputy_id is None:
            # Gloucestershire's two LROs deputise for each other; elsewhere a second supervisor does.
            glos_lros = [u for u in (sarah, lros.get("GL")) if u is not None and u != lro]
            deputy = glos_lros[0] if plan.owner.code == "GL" and glos_lros else supervisors[1]
            services.plan_assign(
                actor=supervisors[0], plan=plan, lro=lro, deputy=deputy, reason="Demo: deputy named"
            )
        people = _people(lro, plan)
        first_glos = plan.owner.code == "GL" and index == 0
        _actions(plan, lro, council, endeavour, today)
        _orders(plan, lro, people, today, breached=first_glos)
        _custody(plan, lro, people, today)
        _considerations(plan, lro, complete=index == 1)
        _disruptions(plan, lro, supervisors, today, seed=index)
        if index == 1 and not plan.reviews.exists():
            services.plan_review(
                actor=lro, plan=plan, summary="Demo: every order and power considered; continue."
            )
        if first_glos:
            _threat_history(plan, today)
    # Synthetic history: one plan's review overdue.
    if len(plans) > 2:
        Plan.objects.filter(pk=plans[2].pk, reviews__isnull=True).update(
            next_review_on=today - timedelta(days=9)
        )
    _training(orgs, lros, today)
    services.alerts_run()
    return Plan.objects.count()


def demo_summary() -> dict[str, int]:
    """Counts the demo prints."""
    return {
        "plans": Plan.objects.count(),
        "disruptions": Disruption.objects.count(),
        "awaiting validation": Disruption.objects.filter(status="awaiting").count(),
        "coming out (90 days)": len(
            selectors.coming_out(viewer=User.objects.get(username="supervisor"), everyone=True)
        ),
    }
