"""The profile's measures of partnership work: places under Clear, Hold, Build, partners' contributions
by organisation and kind, information-sharing agreements, and safeguarding referrals with their trend.

Pure: no Django. Like every measure, each is computed from facts gathered as the audience sees them,
so a partner version counts only what the partner may see; every number keeps its lineage (the
operations, activities, referrals, agreements, board actions or records that fed it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from socmap.engines.render.profile_content import NOT_RECORDED, Item, _by, _chart, _slug

if TYPE_CHECKING:
    from socmap.engines.render.profile_content import _Builder
    from socmap.engines.render.profile_template import SectionSpec

PHASES = ("Clear", "Hold", "Build", "Not started", "Finished")
BEFORE_MONTHS = 6  # an area's intelligence reports are compared over this many months before and since


def _not_recorded(label: str) -> list[dict[str, Any]]:
    return [{"type": "not_recorded", "text": f"{label}: {NOT_RECORDED}"}]


def _operation_row(b: _Builder, op: Item) -> list[dict[str, Any]]:
    records = b.facts.place_records.get(op.id, {})
    activities = [a for a in b.facts.activities if a.attrs.get("operation") == op.id]
    name = f"{op.ref} {op.name}" if b.named else op.ref
    return [
        {"text": name},
        {"text": "; ".join(op.attrs.get("areas") or [])},
        {"text": str(op.attrs.get("phase") or "")},
        {"text": "; ".join(op.attrs.get("phases") or [])},
        b.figure(f"vulnerable_places.{op.id}.activities", f"Activities of partners in {op.ref}", activities),
        b.figure(
            f"vulnerable_places.{op.id}.before",
            f"Intelligence reports in the area of {op.ref}, {BEFORE_MONTHS} months before it began",
            records=records.get("before", []),
            query=f"intelligence reports visible to the audience mentioning a postcode in {op.ref}'s area",
        ),
        b.figure(
            f"vulnerable_places.{op.id}.since",
            f"Intelligence reports in the area of {op.ref}, the last {BEFORE_MONTHS} months",
            records=records.get("since", []),
            query=f"intelligence reports visible to the audience mentioning a postcode in {op.ref}'s area",
        ),
    ]


def vulnerable_places(b: _Builder, spec: SectionSpec) -> list[dict[str, Any]]:
    """Which areas are in which phase of Clear, Hold, Build on the profile's date, and what changed:
    the intelligence reports in each area before the operation began against the latest months."""
    ops = b.facts.places
    if ops is None:
        return _not_recorded("Places under Clear, Hold, Build")
    when = b.facts.as_of.isoformat()
    if not ops:
        return [{"type": "text", "text": f"No place-based operation of {b.facts.force} as of {when}."}]
    groups = _by(ops, "phase", "Not started")
    blocks = [
        b.count_table("vulnerable_places.phase", f"Places by phase on {when}", "Phase", groups, list(PHASES))
    ]
    blocks.append(
        {
            "type": "table",
            "caption": "Places under Clear, Hold, Build: the area, its phase, and what changed",
            "head": [
                "Operation",
                "Area",
                "Phase now",
                "Phases",
                "Activities",
                f"Intelligence reports, {BEFORE_MONTHS} months before",
                f"Intelligence reports, last {BEFORE_MONTHS} months",
            ],
            "rows": [_operation_row(b, op) for op in sorted(ops, key=lambda o: o.id)],
        }
    )
    return blocks


KINDS: tuple[tuple[str, str, Callable[[Item, str], bool]], ...] = (
    ("referrals_received", "Safeguarding referrals received", lambda i, org: i.attrs.get("made_to") == org),
    ("referrals_made", "Safeguarding referrals made", lambda i, org: i.attrs.get("made_by") == org),
    (
        "actions_done",
        "Board actions completed",
        lambda i, org: i.attrs.get("organisation") == org and i.attrs.get("state") == "Completed",
    ),
    (
        "actions_open",
        "Board actions open",
        lambda i, org: i.attrs.get("organisation") == org and i.attrs.get("state") != "Completed",
    ),
    ("activities", "Place-based activities", lambda i, org: i.attrs.get("organisation") == org),
)


def _inputs_of(b: _Builder, kind: str) -> list[Item]:
    f = b.facts
    if kind.startswith("referrals"):
        return f.referrals or []
    if kind.startswith("actions"):
        return f.board_actions
    return f.activities


def partner_contributions(b: _Builder, spec: SectionSpec) -> list[dict[str, Any]]:
    """Each partner agency's part in the work, by kind: referrals, board actions, place activities."""
    f = b.facts
    if f.referrals is None and f.places is None and not f.board_actions:
        return _not_recorded("Partners' contributions")
    rows = []
    for org in sorted(f.partners):
        found = {kind: [i for i in _inputs_of(b, kind) if test(i, org)] for kind, _label, test in KINDS}
        if not any(found.values()):
            continue  # an organisation with nothing the audience sees has no row (nor figures)
        rows.append(
            [
                {"text": org},
                *[b.figure(f"partner_contributions.{_slug(org)}.{kind}", f"{label}: {org}", found[kind])
                  for kind, label, _test in KINDS],
            ]
        )  # fmt: skip
    rows.append(
        [
            {"text": "Total", "strong": True},
            *[
                b.figure(
                    f"partner_contributions.total.{kind}",
                    f"{label}: every partner",
                    [i for i in _inputs_of(b, kind) if any(test(i, org) for org in f.partners)],
                )
                for kind, label, test in KINDS
            ],
        ]
    )
    return [
        {
            "type": "table",
            "caption": f"Partners' contributions by organisation and kind, {_window(b)}",
            "head": ["Partner", *[label for _k, label, _t in KINDS]],
            "rows": rows,
        }
    ]


def information_sharing(b: _Builder, spec: SectionSpec) -> list[dict[str, Any]]:
    """The force's information-sharing agreements with each organisation, by stage on the date."""
    found = b.facts.agreements
    if found is None:
        return _not_recorded("Information-sharing agreements")
    stages = [s for s in ("In force", "Awaiting approval", "Approved, not yet started", "Ended", "Revoked")
              if any(a.attrs.get("stage") == s for a in found)]  # fmt: skip
    rows = []
    for party in sorted({str(a.attrs.get("party")) for a in found}):
        mine = [a for a in found if a.attrs.get("party") == party]
        rows.append(
            [
                {"text": party},
                *[
                    b.figure(
                        f"information_sharing.{_slug(party)}.{_slug(s)}",
                        f"Agreements with {party}: {s.lower()}",
                        [a for a in mine if a.attrs.get("stage") == s],
                    )
                    for s in stages
                ],
                b.figure(f"information_sharing.{_slug(party)}", f"Agreements with {party}", mine),
            ]
        )
    rows.append(
        [
            {"text": "Total", "strong": True},
            *[
                b.figure(
                    f"information_sharing.total.{_slug(s)}",
                    f"Agreements {s.lower()}",
                    [a for a in found if a.attrs.get("stage") == s],
                )
                for s in stages
            ],
            b.figure("information_sharing.total", "Information-sharing agreements", found),
        ]
    )
    return [
        {
            "type": "table",
            "caption": f"Information-sharing agreements by organisation and stage on {b.facts.as_of}",
            "head": ["Organisation", *stages, "All"],
            "rows": rows,
        }
    ]


def quarter_of(day: date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def _quarters(b: _Builder) -> list[str]:
    start, end = b.facts.window or (b.facts.as_of, b.facts.as_of)
    out, day = [], date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    while day <= end:
        out.append(quarter_of(day))
        day = date(day.year + (day.month + 3 > 12), (day.month + 2) % 12 + 1, 1)
    return out


def safeguarding_referrals(b: _Builder, spec: SectionSpec) -> list[dict[str, Any]]:
    """Safeguarding referrals made by or to the force: by concern, by outcome, and quarter by quarter."""
    found = b.facts.referrals
    if found is None:
        return _not_recorded("Safeguarding referrals")
    key, what = "safeguarding_referrals", "Safeguarding referrals"
    blocks = [
        b.count_table(f"{key}.concern", f"{what} by concern", "Concern", _by(found, "concern")),
        b.count_table(f"{key}.outcome", f"{what} by outcome", "Outcome", _by(found, "outcome")),
    ]
    quarters = _quarters(b)
    rows = [
        [
            {"text": q},
            b.figure(f"safeguarding_referrals.made.{_slug(q)}", f"Referrals made in {q}",
                     [r for r in found if r.attrs.get("quarter") == q]),
            b.figure(f"safeguarding_referrals.outcomes.{_slug(q)}", f"Outcomes received in {q}",
                     [r for r in found if r.attrs.get("outcome_quarter") == q]),
        ]
        for q in quarters
    ]  # fmt: skip
    blocks.append(
        {
            "type": "table",
            "caption": f"Safeguarding referrals quarter by quarter, {_window(b)}",
            "head": ["Quarter", "Referrals made", "Outcomes received"],
            "rows": rows,
        }
    )
    if "safeguarding_referrals" in spec.charts:
        chart_rows = [
            {"quarter": q, "referrals": sum(1 for r in found if r.attrs.get("quarter") == q)}
            for q in quarters
        ]
        blocks.append(
            _chart(
                "Safeguarding referrals made, quarter by quarter",
                chart_rows,
                "Bar chart of safeguarding referrals made each quarter. "
                + "; ".join(f"{r['quarter']}: {r['referrals']}" for r in chart_rows),
                x="quarter",
                y="referrals",
            )
        )
    return blocks


def _window(b: _Builder) -> str:
    w = b.facts.window
    return f"{w[0].isoformat()} to {w[1].isoformat()}" if w else f"to {b.facts.as_of.isoformat()}"


MEASURES: dict[str, Callable[[_Builder, SectionSpec], list[dict[str, Any]]]] = {
    "vulnerable_places": vulnerable_places,
    "partner_contributions": partner_contributions,
    "information_sharing": information_sharing,
    "safeguarding_referrals": safeguarding_referrals,
}
