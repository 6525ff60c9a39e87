"""The capability view: counts from the register against demand, on a date, and their trend.

Counts only, never names: any signed-in user may read an organisation's figures (the region and
partners see counts; names are read only by the organisation's own managers, in ``selectors``). A
count is worked out from the register's dates (started, qualified, left, accreditation expiry), so
the figure for any past date is what the register said then and a trend needs no snapshots.

Demand is the adopted groups the viewer may see with the organisation as lead force: investigators
needed per group by band (``SOCMAP_WORKFORCE_INVESTIGATORS_PER_GROUP``), and financial investigators
against the groups whose theme is money laundering or fraud.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings

from socmap.apps.core import clock
from socmap.apps.core.models import Organisation, User
from socmap.apps.workforce.models import Course, Member, PipLevel, Post, SocRole, TrainingRecord

FINANCIAL_THEMES = ("money_laundering", "fraud")
BAND_ORDER = ("high", "medium", "low", "")
DEFAULT_PER_GROUP = {"high": 4, "medium": 2, "low": 1, "": 1}


def per_group() -> dict[str, float]:
    return {**DEFAULT_PER_GROUP, **getattr(settings, "SOCMAP_WORKFORCE_INVESTIGATORS_PER_GROUP", {})}


@dataclass(frozen=True)
class RoleCount:
    role: str
    label: str
    in_post: int
    in_training: int
    vacancies: int
    establishment: int


@dataclass(frozen=True)
class BandDemand:
    band: str
    label: str
    groups: int
    per_group: float
    needed: float


@dataclass
class Capability:
    organisation: Organisation
    on: date
    roles: list[RoleCount]
    pip: list[tuple[str, int]]  # (PIP level label, investigators in post)
    fi_accredited: int
    fi_establishment: int
    fi_groups: int  # adopted groups with a money-laundering or fraud theme
    apprentices: int  # analysts recruited through the apprenticeship, still in the role
    demand: list[BandDemand] = field(default_factory=list)

    def count(self, role: str) -> RoleCount:
        return next(r for r in self.roles if r.role == role)

    @property
    def investigators(self) -> int:
        return self.count(SocRole.INVESTIGATOR).in_post

    @property
    def analysts(self) -> int:
        return self.count(SocRole.ANALYST).in_post

    @property
    def in_training_total(self) -> int:
        return sum(r.in_training for r in self.roles)

    @property
    def vacancies_total(self) -> int:
        return sum(r.vacancies for r in self.roles)

    @property
    def groups(self) -> int:
        return sum(d.groups for d in self.demand)

    @property
    def investigators_needed(self) -> float:
        return sum(d.needed for d in self.demand)

    @property
    def investigator_shortfall(self) -> float:
        return max(0.0, self.investigators_needed - self.investigators)

    @property
    def investigators_per_group(self) -> float | None:
        return round(self.investigators / self.groups, 1) if self.groups else None

    @property
    def fi_shortfall(self) -> int:
        return max(0, self.fi_establishment - self.fi_accredited)


def _active(members: list[Member], on: date) -> list[Member]:
    return [m for m in members if m.started_on <= on and (m.left_on is None or m.left_on > on)]


def _qualified(m: Member, on: date) -> bool:
    return m.qualified_on is not None and m.qualified_on <= on


def accredited_ids(member_ids: list[int], on: date) -> set[int]:
    """Members whose latest financial investigator accreditation passed by ``on`` is in date."""
    latest: dict[int, TrainingRecord] = {}
    for r in TrainingRecord.objects.filter(
        member_id__in=member_ids, course=Course.FINANCIAL_INVESTIGATOR, passed_on__lte=on
    ).order_by("member_id", "-passed_on", "-id"):
        assert r.member_id is not None
        latest.setdefault(r.member_id, r)
    return {mid for mid, r in latest.items() if r.expires_on is None or r.expires_on >= on}


def _open_posts(organisation_id: int, on: date) -> list[Post]:
    return [
        p
        for p in Post.objects.filter(owner_id=organisation_id, opened_on__lte=on)
        if p.closed_on is None or p.closed_on > on
    ]


def figures(organisation: Organisation, on: date) -> Capability:
    """The register's counts for one organisation on a date (no demand: see ``capability_get``)."""
    members = _active(list(Member.objects.filter(owner=organisation)), on)
    posts = _open_posts(organisation.pk, on)
    filled = {m.post_id for m in members if m.post_id is not None}
    roles = []
    for role, label in SocRole.choices:
        mine = [m for m in members if m.role == role]
        open_posts = [p for p in posts if p.role == role]
        roles.append(
            RoleCount(
                role=role,
                label=label,
                in_post=sum(1 for m in mine if _qualified(m, on)),
                in_training=sum(1 for m in mine if not _qualified(m, on)),
                vacancies=sum(1 for p in open_posts if p.pk not in filled),
                establishment=len(open_posts),
            )
        )
    investigators = [m for m in members if m.role == SocRole.INVESTIGATOR and _qualified(m, on)]
    pip = [
        (label, sum(1 for m in investigators if m.pip_level == level)) for level, label in PipLevel.choices
    ]
    fis = [m.pk for m in members if m.role == SocRole.FINANCIAL_INVESTIGATOR]
    return Capability(
        organisation=organisation,
        on=on,
        roles=roles,
        pip=pip,
        fi_accredited=len(accredited_ids(fis, on)),
        fi_establishment=sum(1 for p in posts if p.role == SocRole.FINANCIAL_INVESTIGATOR),
        fi_groups=0,
        apprentices=sum(1 for m in members if m.role == SocRole.ANALYST and m.apprentice),
    )


def _demand(viewer: User, organisation: Organisation, cap: Capability) -> None:
    from socmap.apps.assessment import selectors as assessment
    from socmap.apps.network import selectors as network

    groups = list(network.adopted_ocgs(viewer=viewer).filter(lead_force=organisation))
    bands = assessment.subject_bands(viewer=viewer, ocg_ids=[g.pk for g in groups])
    need = per_group()
    by_band: dict[str, int] = {}
    labels = {"": "Not yet scored"}
    for g in groups:
        b = bands.get(("group", g.pk))
        key = b.band if b is not None else ""
        by_band[key] = by_band.get(key, 0) + 1
        if b is not None and b.band_label:
            labels[key] = b.band_label
    order = [b for b in BAND_ORDER if b in by_band] + sorted(set(by_band) - set(BAND_ORDER))
    cap.demand = [
        BandDemand(
            band=b,
            label=labels.get(b, b.title()),
            groups=by_band[b],
            per_group=float(need.get(b, 1)),
            needed=by_band[b] * float(need.get(b, 1)),
        )
        for b in order
    ]
    cap.fi_groups = sum(1 for g in groups if g.theme in FINANCIAL_THEMES)


def capability_get(*, viewer: User, organisation: Organisation, on: date | None = None) -> Capability:
    """An organisation's capability against the demand the viewer can see: counts, never names."""
    cap = figures(organisation, on or clock.today())
    _demand(viewer, organisation, cap)
    return cap


@dataclass(frozen=True)
class TrendPoint:
    on: date
    investigators: int
    financial_investigators: int
    analysts: int
    apprentices: int
    in_training: int


def trend(organisation: Organisation, *, end: date | None = None, quarters: int = 8) -> list[TrendPoint]:
    """The register's counts at the end of each of the last ``quarters`` quarters, oldest first."""
    end = end or clock.today()
    points = []
    for i in range(quarters - 1, -1, -1):
        on = end - timedelta(days=91 * i)
        cap = figures(organisation, on)
        points.append(
            TrendPoint(
                on=on,
                investigators=cap.investigators,
                financial_investigators=cap.fi_accredited,
                analysts=cap.analysts,
                apprentices=cap.apprentices,
                in_training=sum(r.in_training for r in cap.roles),
            )
        )
    return points


def region(*, on: date | None = None) -> list[Capability]:
    """Every force's and ROCU's figures (no demand): the regional table of counts."""
    from socmap.apps.core.selectors import police_organisation_list

    day = on or clock.today()
    return [
        figures(org, day) for org in police_organisation_list(coded=True) if org.kind in ("force", "rocu")
    ]
