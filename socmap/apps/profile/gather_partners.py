"""The facts of partnership work a profile is computed from: places under Clear, Hold, Build with
their activities and the intelligence reports in their areas, safeguarding referrals, information-
sharing agreements and partnership board actions. Each read through the owning app's selectors with
the audience as the viewer (``gather``'s rule), so a partner version counts only what the partner may
see in the app; records are read through intel's read API, by id, so every count has its lineage."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.urls import reverse

from socmap.apps.core.models import Organisation, User
from socmap.apps.intel import reads
from socmap.apps.partnership.selectors import work
from socmap.apps.places import selectors as places
from socmap.engines.render.profile_content import Facts, Item
from socmap.engines.render.profile_partners import BEFORE_MONTHS, quarter_of

MONTH_DAYS = 30.44  # an average month, for windows counted in months


def _phase_on(op: Any, on: date) -> tuple[str, list[str]]:
    """The operation's phase on the date in words, and each phase with its dates."""
    phases = sorted(op.phases.all(), key=lambda p: p.starts_on)
    spans = [f"{p.get_kind_display()} {p.starts_on.isoformat()} to {p.ends_on.isoformat()}" for p in phases]
    if not phases or on < phases[0].starts_on:
        return "Not started", spans
    if on > max(p.ends_on for p in phases):
        return "Finished", spans
    started = [p for p in phases if p.starts_on <= on]
    return str(started[-1].get_kind_display()), spans


def _area_records(viewer: User, op: Any, start: date, end: date) -> list[int]:
    codes = [a.code for a in op.area.all()]
    if not codes or end < start:
        return []
    found = reads.record_ids(
        viewer=viewer,
        by=("owner",),
        source_kinds={"intelligence"},
        districts=[c for c in codes if " " not in c] or None,
        sectors=[c for c in codes if " " in c] or None,
        observed_from=start,
        observed_to=end,
    )
    return sorted({i for ids in found.values() for i in ids})


def _places(viewer: User, force: Organisation, as_of: date, facts: Facts) -> None:
    ops = [
        op
        for op in places.operation_list(viewer=viewer)
        if op.owner_id == force.pk and op.created_at.date() <= as_of
    ]
    span = timedelta(days=round(BEFORE_MONTHS * MONTH_DAYS))
    facts.places, facts.activities = [], []
    for op in ops:
        phase, spans = _phase_on(op, as_of)
        governance: dict[str, Any] = {
            "owner_id": op.owner_id,
            "handling": op.handling,
            "compartment_id": op.compartment_id,
        }
        link = reverse("places:operation", args=[op.pk])
        areas = [f"{a.code} {a.label}".strip() for a in op.area.all()]
        facts.places.append(
            Item("operation", op.pk, f"OP{op.pk}", op.name, **governance, link=link,
                 attrs={"phase": phase, "phases": spans, "areas": areas})
        )  # fmt: skip
        began = min((p.starts_on for p in op.phases.all()), default=as_of)
        facts.place_records[op.pk] = {
            "before": _area_records(viewer, op, began - span, min(began - timedelta(days=1), as_of)),
            "since": _area_records(viewer, op, max(began, as_of - span + timedelta(days=1)), as_of),
        }
        facts.activities += [
            Item("activity", a.pk, f"PA{a.pk}", f"{a.get_kind_display()}: {a.place}", **governance, link=link,
                 attrs={"operation": op.pk, "organisation": a.organisation.name,
                        "phase": a.phase.get_kind_display()})
            for a in places.activities(op=op)
            if a.on <= as_of
        ]  # fmt: skip


def _referrals(viewer: User, force: Organisation, window: tuple[date, date], facts: Facts) -> None:
    start, end = window
    items = []
    for r in work.referrals_between(viewer=viewer, organisation_id=force.pk, start=start, end=end):
        outcome = r.outcome and r.outcome_on is not None and r.outcome_on <= end
        items.append(
            Item(
                "referral", r.pk, f"SR{r.pk}", r.get_concern_display(),  # never the person referred
                owner_id=r.owner_id, handling=r.handling, compartment_id=r.compartment_id,
                link=reverse("partnership:referral", args=[r.pk]),
                attrs={
                    "concern": r.get_concern_display(),
                    "outcome": r.get_outcome_display() if outcome else "Awaiting an outcome",
                    "made_by": r.owner.name,
                    "made_to": r.to_organisation.name,
                    "quarter": quarter_of(r.referred_on),
                    "outcome_quarter": quarter_of(r.outcome_on) if outcome and r.outcome_on else "",
                },
            )
        )  # fmt: skip
    facts.referrals = items


def _agreements(viewer: User, force: Organisation, as_of: date, facts: Facts) -> None:
    facts.agreements = [
        Item("agreement", row.agreement.pk, f"SA{row.agreement.pk}", row.agreement.title,
             owner_id=row.agreement.provider_id, handling="P", compartment_id=None,
             link=reverse("partnership:agreement", args=[row.agreement.pk]),
             attrs={"stage": row.stage, "party": row.party})
        for row in work.agreements_on(viewer=viewer, organisation_id=force.pk, on=as_of)
    ]  # fmt: skip


def _board_actions(viewer: User, force: Organisation, as_of: date, facts: Facts) -> None:
    def state(a: Any) -> str:
        if a.completed_on is not None and a.completed_on <= as_of:
            return "Completed"
        return "Overdue" if a.due_on < as_of else "Open"

    facts.board_actions = [
        Item("action", a.pk, f"BA{a.pk}", a.description[:120],
             owner_id=a.owner_organisation_id, handling="P", compartment_id=None,
             link=reverse("partnership:meeting", args=[a.meeting_id]),
             attrs={"organisation": a.owner_organisation.name, "state": state(a)})
        for a in work.board_actions_on(viewer=viewer, organisation_id=force.pk, on=as_of)
    ]  # fmt: skip


def partnership_gather(
    *, viewer: User, force: Organisation, as_of: date, window: tuple[date, date], facts: Facts
) -> None:
    """Add the partnership and places facts of a profile of ``force`` to ``facts``, as ``viewer``."""
    _places(viewer, force, as_of, facts)
    _referrals(viewer, force, window, facts)
    _agreements(viewer, force, as_of, facts)
    _board_actions(viewer, force, as_of, facts)
