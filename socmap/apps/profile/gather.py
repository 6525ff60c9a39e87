"""The facts a profile is computed from, read through each app's selectors as the audience may see
them: the full version as a user of the force, a partner version as the partner organisation.

Nothing here reads another app's models: assessment, network, lifetime, tasking and the statement
store (intel's read API) each answer through their own selectors, with the audience as the viewer, so
the one visibility rule decides what a version can count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any, TypeVar

from socmap.apps.assessment import selectors as assessment
from socmap.apps.core.models import Organisation, OrganisationKind, User
from socmap.apps.core.pagination import MAX_PER_PAGE, Page
from socmap.apps.core.selectors import organisation_ids, organisation_names
from socmap.apps.intel import reads
from socmap.apps.lifetime.selectors import disruptions as lifetime
from socmap.apps.network import selectors as network
from socmap.apps.profile.gather_partners import partnership_gather
from socmap.apps.tasking import selectors as tasking
from socmap.engines.render.profile_content import Facts, Item

T = TypeVar("T")
WINDOW_DAYS = 365  # figures over time cover the year to the profile's date


def audience_viewer(organisation: Organisation) -> User:
    """A reader that stands for an organisation (never saved, holds no role): what its users may see."""
    return User(username=f"audience:{organisation.slug}", organisation=organisation, is_active=True)


def _pages(read: Callable[[int], Page[T]]) -> Iterator[T]:
    page = 1
    while True:
        found = read(page)
        yield from found.items
        if not found.has_next:
            return
        page += 1


def _governance(obj: Any) -> dict[str, Any]:
    return {"owner_id": obj.owner_id, "handling": obj.handling, "compartment_id": obj.compartment_id}


def _threats(viewer: User, force: Organisation, as_of: date) -> list[Item]:
    filters = assessment.ThreatFilter(force=force.slug)
    items = []
    for t in _pages(
        lambda p: assessment.threat_list(viewer=viewer, filters=filters, page=p, per_page=MAX_PER_PAGE)
    ):
        if t.created_at.date() > as_of:
            continue
        items.append(
            Item(
                "threat",
                t.pk,
                f"T{t.pk}",
                t.title,
                **_governance(t),
                attrs={
                    "kind": t.kind,
                    "theme": t.get_theme_display(),
                    "band": t.band_label,
                    "tier": t.tier,
                    "score": float(t.score) if t.score is not None else None,
                    "scored": t.score is not None,
                    "overdue": bool(t.due_on and t.due_on < as_of),
                    "confidence": (t.scored.confidence if t.scored_id and t.scored else ""),
                },
            )
        )
    return items


def _groups(viewer: User, force: Organisation, as_of: date, status: str) -> list[Item]:
    filters = network.OCGFilter(force=force.slug, status=status)
    found = [
        g
        for g in _pages(
            lambda p: network.ocg_list(viewer=viewer, filters=filters, page=p, per_page=MAX_PER_PAGE)
        )
        if g.created_at.date() <= as_of
    ]
    bands = assessment.subject_bands(viewer=viewer, ocg_ids=[g.pk for g in found])
    members = network.ocg_members(ocg_ids=[g.pk for g in found])
    items = []
    for g in found:
        band = bands.get(("group", g.pk))
        items.append(
            Item(
                "group",
                g.pk,
                g.reference or f"OCG{g.pk}",
                g.name,
                **_governance(g),
                attrs={
                    "theme": g.get_theme_display(),
                    "band": band.band_label if band else "",
                    "tier": band.tier if band else None,
                    "score": float(band.score) if band and band.score else None,
                    "members": len(members.get(g.pk, [])),
                },
            )
        )
    return items


def _individuals(viewer: User, force: Organisation, as_of: date) -> list[Item]:
    found = [p for p in network.adopted_individuals(viewer=viewer) if p.owner_id == force.pk]
    bands = assessment.subject_bands(viewer=viewer, individual_ids=[p.pk for p in found])
    items = []
    for p in found:
        band = bands.get(("individual", p.pk))
        items.append(
            Item(
                "individual",
                p.pk,
                f"PI{p.pk}",
                f"Priority Individual {p.pk}",
                **_governance(p),
                attrs={"band": band.band_label if band else "", "tier": band.tier if band else None},
            )
        )
    return items


def _disruptions(viewer: User, force: Organisation, window: tuple[date, date]) -> list[Item]:
    filters = lifetime.DisruptionFilter(
        status="validated", force=force.slug, date_from=window[0], date_to=window[1]
    )
    return [
        Item(
            "disruption",
            d.pk,
            f"D{d.pk}",
            d.description[:120],
            **_governance(d),
            attrs={"p": d.get_p_display(), "impact": d.get_impact_display().lower(), "on": d.on.isoformat()},
        )
        for d in _pages(
            lambda p: lifetime.disruption_list(viewer=viewer, filters=filters, page=p, per_page=MAX_PER_PAGE)
        )
    ]


def _bids(viewer: User, force: Organisation) -> list[Item] | None:
    period = tasking.period_current()
    if period is None:
        return None
    return [
        Item(
            "bid", b.pk, b.reference, b.reference, **_governance(b), attrs={"status": b.get_status_display()}
        )
        for b in _pages(
            lambda p: tasking.bid_list(viewer=viewer, period=period, page=p, per_page=MAX_PER_PAGE, status="")
        )
        if b.owner_id == force.pk
    ]


def _records(viewer: User, force: Organisation, window: tuple[date, date], facts: Facts) -> None:
    """Records by district, source and partner, as the ids of the records: each count's lineage."""
    start, end = window
    dates: dict[str, Any] = {"observed_from": start, "observed_to": end}
    by_district = reads.record_ids(
        viewer=viewer, by=("owner", "postcode_district"), source_kinds={"intelligence"}, **dates
    )
    facts.intel_by_district = {g[1]: ids for g, ids in by_district.items() if g[0] == force.name}
    safeguarding = reads.record_ids(
        viewer=viewer, by=("postcode_district",), source_kinds={"safeguarding"}, **dates
    )
    facts.safeguarding_by_district = {g[0]: ids for g, ids in safeguarding.items()}
    by_source = reads.record_ids(viewer=viewer, by=("owner", "source"), **dates)
    facts.records_by_source = {g[1]: ids for g, ids in by_source.items() if g[0] == force.name}
    partners = set(organisation_names(ids=organisation_ids(kinds=[OrganisationKind.PARTNER])).values())
    facts.partners = sorted(partners)
    by_owner = reads.record_ids(viewer=viewer, by=("owner",), **dates)
    facts.partner_records = {g[0]: ids for g, ids in by_owner.items() if g[0] in partners}


def _centroids() -> dict[str, tuple[float, float]]:
    """Where each postcode district of the synthetic region lies (its town's centre). A real force
    would load its own district centroids here; no boundaries ship in an installed package."""
    from socmap.engines.synth import gazetteer

    return {d: (town.lat, town.lon) for town in gazetteer.TOWNS for d in town.districts}


def facts_gather(*, viewer: User, force: Organisation, as_of: date) -> Facts:
    """Every fact of a profile of ``force`` as of the date, as ``viewer`` may see it."""
    window = (as_of - timedelta(days=WINDOW_DAYS), as_of)
    facts = Facts(as_of=as_of, force=force.name, window=window, centroids=_centroids())
    facts.threats = _threats(viewer, force, as_of)
    facts.groups = _groups(viewer, force, as_of, "adopted")
    facts.proposed_groups = _groups(viewer, force, as_of, "proposed")
    facts.individuals = _individuals(viewer, force, as_of)
    facts.disruptions = _disruptions(viewer, force, window)
    facts.bids = _bids(viewer, force)
    _records(viewer, force, window, facts)
    partnership_gather(viewer=viewer, force=force, as_of=as_of, window=window, facts=facts)
    return facts
