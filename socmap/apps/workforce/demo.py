"""The demo region's workforce register: the five forces and the ROCU, with two years of starters,
qualifiers and leavers so the trend moves, accreditations (one lapsed and one near its expiry in
Gloucestershire, whose accredited financial investigators fall short of its establishment), the LROs
of lifetime management linked to their one training record, and the ROCU's teams whose hours and
numbers give regional tasking its capacity (the same figures as the shipped capability file)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from socmap.apps.core import clock
from socmap.apps.core import services as core
from socmap.apps.core.demo import DEMO_PASSWORD
from socmap.apps.core.models import Organisation, Role, User
from socmap.apps.workforce import alerts, services
from socmap.apps.workforce.models import Member, TrainingRecord

FIRST = [
    "Alex",
    "Sam",
    "Jo",
    "Chris",
    "Ruth",
    "Ben",
    "Leah",
    "Owen",
    "Nia",
    "Dan",
    "Ella",
    "Raj",
    "Kate",
    "Tom",
]
LAST = [
    "Harris",
    "Price",
    "Evans",
    "Turner",
    "Khan",
    "Morgan",
    "Bell",
    "Reid",
    "Shaw",
    "Ward",
    "Lane",
    "Cole",
]
# code -> (investigators in post, in training, FI posts, FIs accredited, analysts, apprentices)
REGISTER = {
    "AS": (24, 3, 8, 7, 10, 3),
    "DC": (22, 2, 8, 7, 9, 2),
    "DO": (10, 1, 4, 4, 5, 1),
    "GL": (6, 3, 6, 2, 5, 3),
    "WI": (9, 1, 4, 3, 4, 1),
    "SW": (8, 0, 5, 5, 5, 1),
}
# The ROCU's teams for tasking: (capability, role, people, hours a week each, teams)
ROCU_TEAMS = [
    ("covert_surveillance", "covert", 9, 0, ("Alpha", "Bravo", "Charlie")),
    ("cyber", "specialist", 4, 37.5, ()),
    ("undercover", "covert", 2, 0, ("Delta",)),
]


def _name(n: int) -> tuple[str, str]:
    return FIRST[n % len(FIRST)], LAST[(n * 7 + n // len(FIRST)) % len(LAST)]


def _member(org: Organisation, n: int, role: str, today: date, **extra: object) -> Member:
    first, last = _name(n)
    started = today - timedelta(days=200 + (n * 53) % 1000)
    values: dict[str, object] = {"started_on": started, "qualified_on": started + timedelta(days=120)}
    values.update(extra)
    return services.member_create(
        actor=None,
        organisation=org,
        first_name=first,
        last_name=last,
        role=role,
        **values,
    )


def _organisation(org: Organisation, spec: tuple[int, ...], today: date, manager: User | None) -> None:
    investigators, training, fi_posts, fi_ok, analysts, apprentices = spec
    n = org.pk * 100
    for i in range(investigators):
        _member(org, n + i, "investigator", today, pip_level="2" if i % 4 else "3", manager=manager)
    for i in range(training):
        _member(org, n + 40 + i, "investigator", today, pip_level="1", qualified_on=None,
                started_on=today - timedelta(days=30 + 20 * i), manager=manager)  # fmt: skip
    posts = [
        services.post_create(
            actor=None,
            organisation=org,
            title=f"Financial investigator {i + 1}",
            role="financial_investigator",
            opened_on=today - timedelta(days=1200),
        )
        for i in range(fi_posts)
    ]
    capability = "financial_investigation" if org.code == "SW" else ""
    for i in range(min(fi_posts, fi_ok + (2 if org.code == "GL" else 0))):
        fi = _member(org, n + 60 + i, "financial_investigator", today, post=posts[i], manager=manager,
                     capability=capability, tasking_hours=Decimal(36) if capability else Decimal(0))  # fmt: skip
        # Gloucestershire: one accreditation lapsed last month, one lapses within the warning.
        expires = today + timedelta(days=400 + 30 * i)
        if org.code == "GL" and i == fi_ok:
            expires = today - timedelta(days=30)
        elif org.code == "GL" and i == fi_ok + 1:
            expires = today + timedelta(days=25)
        services.training_record(actor=None, member=fi, course="financial_investigator",
                                 passed_on=expires - timedelta(days=3 * 365), expires_on=expires)  # fmt: skip
    for i in range(analysts):
        apprentice = i < apprentices
        _member(org, n + 80 + i, "analyst", today, apprentice=apprentice, manager=manager,
                capability="analysts" if org.code == "SW" else "",
                tasking_hours=Decimal(30) if org.code == "SW" else Decimal(0))  # fmt: skip


def _rocu_teams(org: Organisation, today: date) -> None:
    n = org.pk * 100 + 200
    for capability, role, people, hours, teams in ROCU_TEAMS:
        for i in range(people):
            _member(org, n, role, today, capability=capability, tasking_hours=Decimal(str(hours)),
                    team=teams[i % len(teams)] if teams else "")  # fmt: skip
            n += 1


def _lros(today: date) -> None:
    """Each LRO of lifetime management in the register, their training records now naming them."""
    for user in User.objects.filter(role_grants__role=Role.LRO, is_active=True).exclude(organisation=None):
        assert user.organisation is not None
        if user.organisation.kind not in ("force", "rocu"):
            continue
        member = services.member_create(
            actor=None, organisation=user.organisation, first_name=user.first_name or user.username,
            last_name=user.last_name or "-", role="lro", user=user, pip_level="2",
            started_on=today - timedelta(days=900), qualified_on=today - timedelta(days=800),
        )  # fmt: skip
        TrainingRecord.objects.filter(person=user, member__isnull=True).update(member=member)


def head_of_crime(org: Organisation) -> User:
    found = User.objects.filter(username="head.of.crime").first()
    return found or core.user_create(
        actor=None, username="head.of.crime", password=DEMO_PASSWORD, organisation=org,
        roles=[Role.SUPERVISOR, Role.IMPROVEMENT_LEAD], first_name="Rachel", last_name="Bishop",
        job_title="Head of crime", check_password=False,
    )  # fmt: skip


@transaction.atomic
def build_demo_workforce() -> int:
    """Create the demo's register (once); returns how many people are in it."""
    if Member.objects.exists():
        return Member.objects.count()
    today = clock.today()
    orgs = {o.code: o for o in Organisation.objects.filter(kind__in=("force", "rocu")).exclude(code="")}
    for code, spec in REGISTER.items():
        if code not in orgs:
            continue
        manager = User.objects.filter(username="supervisor").first() if code == "GL" else None
        _organisation(orgs[code], spec, today, manager)
    if "SW" in orgs:
        _rocu_teams(orgs["SW"], today)
    if "GL" in orgs:
        head_of_crime(orgs["GL"])
    _lros(today)
    alerts.alerts_run(today=today)
    return Member.objects.count()
