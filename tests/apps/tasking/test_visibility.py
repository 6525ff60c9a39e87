"""A force or a partner sees only its own bids and the decisions about them, never another force's
threat details: through pages, the API and exports."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from ninja.testing import TestClient

from socmap.apps.tasking import selectors, services
from socmap.errors import NotAllowed, NotVisible
from tests.apps.tasking.conftest import Region, make_bid, scored
from tests.conftest import signed_in

SECRET = "Operation Nightjar: firearms supply in Gloucester"


@pytest.fixture
def published(region: Region) -> dict[str, Any]:
    """Each force bids; the ROCU allocates and publishes. Avon's bid overlaps Gloucestershire's."""
    glos_threat = scored(region.glos_analyst, SECRET, level=4)
    glos_bid = make_bid(region.glos_analyst, glos_threat, region.period, capability="undercover", weeks=4)
    avon_threat = scored(region.avon_analyst, "Avon cash-intensive businesses", level=2)
    avon_bid = make_bid(region.avon_analyst, avon_threat, region.period, capability="undercover", weeks=4)
    same = make_bid(region.avon_analyst, glos_threat, region.period, capability="technical_surveillance")
    run = services.allocation_run(actor=region.tasking, period=region.period, time_limit=3)
    services.run_publish(actor=region.tasking, run=run)
    return {"glos": glos_bid, "avon": avon_bid, "same": same, "run": run}


def api() -> TestClient:
    from socmap.api import api as ninja_api

    return TestClient(ninja_api)


def test_selectors_give_a_force_only_its_own_bids(region: Region, published: dict[str, Any]) -> None:
    avon = selectors.bid_list(viewer=region.avon_analyst, period=region.period).items
    assert {b.pk for b in avon} == {published["avon"].pk, published["same"].pk}
    with pytest.raises(NotVisible):
        selectors.bid_get(viewer=region.avon_analyst, bid_id=published["glos"].pk)
    assert selectors.bid_list(viewer=region.partner, period=region.period).total == 0
    rocu = selectors.bid_list(viewer=region.tasking, period=region.period).items
    assert len(rocu) == 3
    with pytest.raises(NotAllowed):
        selectors.board_get(viewer=region.avon_analyst, period=region.period)


def test_the_avon_bid_lost_to_gloucestershire_never_names_gloucestershire_s_threat(
    region: Region, published: dict[str, Any]
) -> None:
    view = selectors.bid_get(viewer=region.avon_analyst, bid_id=published["avon"].pk)
    assert view.decision is not None and not view.decision.funded
    assert published["glos"].reference in view.decision.reason  # what holds the capacity, by reference
    text = " ".join([view.decision.reason, view.decision.change, *(w["words"] for w in view.overlaps)])
    assert SECRET not in text and "Nightjar" not in text


def test_pages_show_a_force_its_own_bids_and_outcomes_only(region: Region, published: dict[str, Any]) -> None:
    avon = signed_in(region.avon_analyst)
    outcome = avon.get("/tasking/").content.decode()
    assert (
        published["avon"].reference in outcome
        and published["glos"].reference not in outcome.split("Reason")[0]
    )
    assert SECRET not in outcome
    assert avon.get(f"/tasking/bids/{published['glos'].pk}/").status_code == 404
    from socmap.apps.core.models import AuditAction, AuditEvent

    refusals = AuditEvent.objects.filter(
        action=AuditAction.PERMISSION_DENIED, actor=region.avon_analyst, object_id=str(published["glos"].pk)
    )
    assert refusals.count() == 1  # logged once, by kind, id and owner, never by what it holds
    assert SECRET not in str(refusals.get().detail) and refusals.get().object_repr == ""
    assert avon.get("/tasking/board/").status_code == 403
    assert avon.get(f"/tasking/runs/{published['run'].pk}/").status_code == 404
    page = avon.get(f"/tasking/bids/{published['avon'].pk}/").content.decode()
    assert "Not funded" in page and SECRET not in page
    listing = avon.get("/tasking/bids/").content.decode()
    assert published["glos"].reference not in listing and SECRET not in listing
    partner = signed_in(region.partner)
    assert published["avon"].reference not in partner.get("/tasking/").content.decode()
    assert partner.get(f"/tasking/bids/{published['avon'].pk}/").status_code == 404
    glos = signed_in(region.glos_analyst).get(f"/tasking/bids/{published['glos'].pk}/").content.decode()
    assert SECRET in glos


def test_the_api_shows_a_force_its_own_bids_only(region: Region, published: dict[str, Any]) -> None:
    client = api()
    mine = client.get(f"/tasking/bids?period={region.period.name}", user=region.avon_analyst).json()
    assert {b["reference"] for b in mine} == {published["avon"].reference, published["same"].reference}
    same = next(b for b in mine if b["reference"] == published["same"].reference)
    # Avon bid against Gloucestershire's threat under their agreement: it sees the title it chose.
    assert same["threat"] == SECRET
    avon_own = next(b for b in mine if b["reference"] == published["avon"].reference)
    assert SECRET not in str(avon_own)
    assert client.get(f"/tasking/bids/{published['glos'].pk}", user=region.avon_analyst).status_code == 404
    assert client.get(f"/tasking/bids/{published['glos'].pk}", user=region.partner).status_code == 404
    assert client.get(f"/tasking/runs/{published['run'].pk}", user=region.avon_analyst).status_code == 404
    assert client.get(f"/tasking/bids?period={region.period.name}", user=region.partner).json() == []


def test_exports_hold_only_the_viewer_s_bids(region: Region, published: dict[str, Any]) -> None:
    body = "".join(
        selectors.bid_export(viewer=region.avon_analyst, period=region.period, justification="Return")
    )
    rows = {r[0]: r for r in csv.reader(io.StringIO(body))}
    assert set(rows) == {"reference", published["avon"].reference, published["same"].reference}
    # The threat column names only the threat Avon itself bid against (shared with it); a reason may
    # name the bid holding the capacity, by reference, never the threat behind it.
    assert rows[published["avon"].reference][3] == "Avon cash-intensive businesses"
    assert SECRET not in ",".join(rows[published["avon"].reference])
    partner = "".join(
        selectors.bid_export(viewer=region.partner, period=region.period, justification="Audit")
    )
    assert partner.count("\n") == 1  # the header alone
    page = signed_in(region.avon_analyst).post("/tasking/bids/export/", {"justification": "Force return"})
    text = b"".join(page.streaming_content).decode()  # type: ignore[attr-defined]
    assert {r[0] for r in csv.reader(io.StringIO(text))} == set(rows)


def test_a_partner_and_a_force_cannot_run_or_override(region: Region, published: dict[str, Any]) -> None:
    client = api()
    response = client.post("/tasking/allocate", json={"period": region.period.name}, user=region.glos_analyst)
    assert response.status_code == 403
    response = client.post(
        f"/tasking/bids/{published['glos'].pk}/override",
        json={"fund": True, "reason": "x"},
        user=region.glos_analyst,
    )
    assert response.status_code == 403
    response = client.post(
        f"/tasking/bids/{published['glos'].pk}/override",
        json={"fund": True, "reason": "x"},
        user=region.partner,
    )
    assert response.status_code == 404


def test_the_threat_page_shows_its_tasking_history_to_those_who_may_see_it(
    region: Region, published: dict[str, Any]
) -> None:
    threat_id = published["glos"].threat_id
    glos = signed_in(region.glos_analyst).get(f"/threats/{threat_id}/").content.decode()
    assert "Tasking history" in glos and published["glos"].reference in glos
    # Avon sees the threat (shared) but only its own bid against it, not Gloucestershire's.
    avon = signed_in(region.avon_analyst).get(f"/threats/{threat_id}/").content.decode()
    assert published["same"].reference in avon and published["glos"].reference not in avon
