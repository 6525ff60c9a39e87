"""Dataclasses of lifetime management: the catalogue of orders and powers, the facts of an order to
check, alerts, workload figures and the disruption return. Plain data in and out; no Django."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Span:
    """A length of time as the law states it: years, months and days."""

    years: int = 0
    months: int = 0
    days: int = 0

    @property
    def words(self) -> str:
        parts = []
        for n, unit in ((self.years, "year"), (self.months, "month"), (self.days, "day")):
            if n:
                parts.append(f"{n} {unit}{'s' if n != 1 else ''}")
        return " and ".join(parts) or "no time"


@dataclass(frozen=True)
class DurationRule:
    """How long an order may last, counted from its start (or from release from custody)."""

    minimum: Span | None = None
    maximum: Span | None = None
    open_ended: bool = False  # "or until further order"
    from_release: bool = False  # counted from the subject's release, e.g. a Travel Restriction Order
    set_by_court: bool = False  # no statutory length: the court decides


@dataclass(frozen=True)
class AmountRule:
    """A money threshold: the value of property (UWO) or the sum in an account (AFO)."""

    label: str
    more_than: Decimal | None = None
    at_least: Decimal | None = None


@dataclass(frozen=True)
class OrderRule:
    """An ancillary or preventative order and the legal rules an order of its kind must meet."""

    key: str
    name: str
    short: str
    act: str
    section: str
    summary: str  # the key rule in words, as the catalogue states it
    applicants: tuple[str, ...]
    courts: tuple[str, ...]
    duration: DurationRule | None
    youth_duration: DurationRule | None  # for subjects under 18 when the order is made, if it differs
    amount: AmountRule | None
    line: int = 0

    @property
    def title(self) -> str:
        return f"{self.name} ({self.short})" if self.short and self.short != self.name else self.name

    @property
    def law(self) -> str:
        return f"{self.act}, {self.section}" if self.section else self.act


@dataclass(frozen=True)
class PartnerPower:
    """An enforcement power of a partner agency (licensing, tenancy, benefits, tax, immigration...)."""

    key: str
    name: str
    owner_type: str  # the partner type that holds the power (council, housing, dwp, hmrc...)
    owner_label: str
    law: str
    description: str
    line: int = 0


@dataclass(frozen=True)
class Catalogue:
    """The orders and powers a plan must consider, and the policy numbers of lifetime management."""

    orders: Mapping[str, OrderRule]
    powers: Mapping[str, PartnerPower]
    review_months: Mapping[str, int]  # threat band key -> months between plan reviews ("default")
    workload_weights: Mapping[str, int]  # threat band key -> weight ("default")
    alert_days: Mapping[str, int]  # "order_expiry", "release", "training" -> lead time in days
    release_window_days: int
    file: str
    sha256: str

    def review_months_for(self, band: str) -> int:
        return self.review_months.get(band, self.review_months["default"])

    def weight_for(self, band: str) -> int:
        return self.workload_weights.get(band, self.workload_weights["default"])

    @property
    def keys(self) -> tuple[str, ...]:
        """Every item a plan must consider: orders first, then powers, in the catalogue's order."""
        return (*self.orders, *self.powers)

    def label(self, key: str) -> str:
        if key in self.orders:
            return self.orders[key].title
        if key in self.powers:
            return self.powers[key].name
        return key


@dataclass(frozen=True)
class OrderFacts:
    """What is recorded of one order, to check against its rule. Dates are days in force: an order
    that starts on 1 March 2024 and ends on 1 March 2029 lasts five years."""

    kind: str
    status: str  # considered, applied, granted, refused, varied, breached, expired
    applicant: str = ""
    court: str = ""
    applied_on: date | None = None
    decided_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    amount: Decimal | None = None
    under_18: bool = False
    release_on: date | None = None  # the subject's release from custody, where the rule counts from it


@dataclass(frozen=True)
class Violation:
    """One rule an order breaks, on one field, in words that name the rule and the Act."""

    field: str
    message: str
    rule: str  # "duration.minimum", "amount.more_than", "applicant"...


# --------------------------------------------------------------------------------------- alerts


@dataclass(frozen=True)
class SubjectFacts:
    """A managed group or individual as the alerts see it: who leads it and when it is reviewed."""

    plan_id: int
    label: str
    lro_id: int | None
    deputy_id: int | None
    next_review_on: date | None


@dataclass(frozen=True)
class OrderDates:
    order_id: int
    plan_id: int
    label: str  # "Serious Crime Prevention Order against Jay Smith"
    ends_on: date | None
    breaches: tuple[tuple[int, date], ...] = ()  # (event id, date of the breach)


@dataclass(frozen=True)
class ReleaseDate:
    period_id: int
    plan_ids: tuple[int, ...]  # the plans the person is managed under
    label: str
    release_on: date


@dataclass(frozen=True)
class TrainingDate:
    person_id: int
    label: str
    expires_on: date


@dataclass(frozen=True)
class Alert:
    """Something an officer must be told once: ``key`` identifies it, so it is never told twice."""

    key: str
    kind: str  # order_expiry, breach, release, review, training
    plan_id: int | None
    recipients: tuple[int, ...]
    due_on: date
    title: str


# ------------------------------------------------------------------------------------- workload


@dataclass(frozen=True)
class HeldSubject:
    """One managed subject for the workload: its kind, band, officers and outstanding work."""

    plan_id: int
    kind: str  # "group" or "individual"
    band: str
    lro_id: int | None
    deputy_id: int | None
    open_actions: int
    overdue_actions: int
    review_overdue: bool


@dataclass(frozen=True)
class WorkloadRow:
    """One officer's figures: counts, and the same counts weighted by each subject's threat band."""

    officer_id: int
    groups: int = 0
    individuals: int = 0
    deputy_for: int = 0
    open_actions: int = 0
    overdue_actions: int = 0
    overdue_reviews: int = 0
    weighted_subjects: int = 0
    weighted_actions: int = 0
    weighted_overdue_reviews: int = 0
    by_band: Mapping[str, int] = field(default_factory=dict)

    @property
    def held(self) -> int:
        return self.groups + self.individuals


# ---------------------------------------------------------------------------------------- return


@dataclass(frozen=True)
class DisruptionFact:
    """A validated disruption as the return counts it."""

    disruption_id: int
    organisation: str  # the force (or unit) whose group or individual it disrupted
    on: date
    p: str
    impact: str


@dataclass(frozen=True)
class ReturnCell:
    period_start: date
    period_end: date
    organisation: str  # a force, or "" for the region's total
    p: str
    impact: str
    count: int


@dataclass(frozen=True)
class DisruptionReturn:
    """Validated disruptions counted by period, organisation, P and impact, with the region's total."""

    date_from: date
    date_to: date
    period: str  # "whole", "quarter" or "month"
    cells: tuple[ReturnCell, ...]
    total: int
    explanation: str
