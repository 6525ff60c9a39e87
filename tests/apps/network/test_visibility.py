"""A partner sees only what is shared with it, through pages, API and exports; bad input is explained."""

from __future__ import annotations

import io
import json
import re
import zipfile
from html import unescape

import pytest
from ninja.testing import TestClient

from socmap.apps.core.models import AuditAction, AuditEvent, Compartment, Organisation, User
from socmap.apps.core.visibility import visible_filter
from socmap.apps.intel.models import RecordEntity
from socmap.apps.intel.reads import system_job
from socmap.apps.network import graph as netgraph
from socmap.apps.network import services
from socmap.apps.network.models import OCG, AnalysisRun
from socmap.errors import InvalidInput
from tests.conftest import signed_in


def _visible_ids(user: User) -> set[str]:
    return set(RecordEntity.objects.filter(visible_filter(user)).values_list("id", flat=True))


def _graph_ids(html: str, element: str) -> tuple[set[str], set[int]]:
    """The drawing's node ids: from its JSON script, or its element's data-json (what HTMX adds)."""
    script = re.search(rf'<script id="{element}" type="application/json">(.*?)</script>', html, re.S)
    found = script.group(1) if script else None
    if found is None:
        attribute = re.search(rf'id="{element}" data-json="([^"]*)"', html)
        assert attribute is not None, f"no drawing data {element}"
        found = unescape(attribute.group(1))
    data = json.loads(found)
    return {n["data"]["id"] for n in data["nodes"]}, set()


def _partner_person(partner: User) -> RecordEntity:
    """A council person record linked to something, ideally also known to the police."""
    canon = netgraph.Canon(system_job("test"))
    theirs = RecordEntity.objects.filter(schema="Person", owner=partner.organisation)
    for entity in theirs:
        if len(canon.members(canon(entity.id))) > 1:
            return entity
    found = theirs.first()
    assert found is not None
    return found


@pytest.mark.django_db
def test_a_partners_explorer_shows_only_shared_nodes_and_no_hidden_id(analysed: AnalysisRun) -> None:
    partner = User.objects.get(username="partner")
    person = _partner_person(partner)
    hidden = set(RecordEntity.objects.values_list("id", flat=True)) - _visible_ids(partner)
    response = signed_in(partner).get(f"/network/entities/{person.id}/?hops=2")
    assert response.status_code == 200
    html = response.content.decode()
    nodes, _ = _graph_ids(html, "explorer-network-data")
    assert nodes and nodes <= _visible_ids(partner)
    assert not any(h in html for h in hidden), "a hidden record's id leaked into the page"


@pytest.mark.django_db
def test_a_partner_cannot_open_the_network_around_a_police_record(analysed: AnalysisRun) -> None:
    police = RecordEntity.objects.filter(schema="Person", owner__slug="gloucestershire-constabulary").first()
    assert police is not None
    partner = User.objects.get(username="partner")
    assert signed_in(partner).get(f"/network/entities/{police.id}/").status_code == 404
    api = TestClient(__import__("socmap.api", fromlist=["api"]).api)
    assert api.get(f"/network/entities/{police.id}?purpose=test", user=partner).status_code == 404


@pytest.mark.django_db
def test_a_partner_sees_no_proposed_group_in_list_page_or_api(analysed: AnalysisRun) -> None:
    partner = User.objects.get(username="partner")
    ocg = OCG.objects.order_by("id").first()
    assert ocg is not None
    client = signed_in(partner)
    listing = client.get("/groups/").content.decode()
    assert ocg.name not in listing and "0 groups" in listing
    assert client.get(f"/groups/{ocg.pk}/").status_code == 404
    assert client.get(f"/groups/{ocg.pk}/export/graphml/").status_code == 404
    assert client.get(f"/groups/{ocg.pk}/network/", HTTP_HX_REQUEST="true").status_code == 404
    # A group that does not exist is answered the same way, and the refusal is audited.
    refusals = AuditEvent.objects.filter(action=AuditAction.PERMISSION_DENIED, actor=partner)
    before = refusals.count()
    assert client.get("/groups/987654/network/", HTTP_HX_REQUEST="true").status_code == 404
    assert refusals.count() == before + 1
    from socmap.api import api

    assert TestClient(api).get("/network/groups", user=partner).json() == []
    assert TestClient(api).get(f"/network/groups/{ocg.pk}/network", user=partner).status_code == 404


@pytest.mark.django_db
def test_a_shared_group_shows_a_partner_only_its_visible_members_and_links(analysed: AnalysisRun) -> None:
    analyst, partner = User.objects.get(username="analyst"), User.objects.get(username="partner")
    ocg = OCG.objects.order_by("id").first()
    assert ocg is not None
    services.ocg_adopt(
        actor=analyst,
        ocg=ocg,
        lead_force=Organisation.objects.get(slug="gloucestershire-constabulary"),
        lro=User.objects.get(username="lro"),
        compartment=Compartment.objects.get(name="Operation Endeavour"),
    )
    visible = _visible_ids(partner)
    hidden = set(RecordEntity.objects.values_list("id", flat=True)) - visible
    client = signed_in(partner)
    html = client.get(f"/groups/{ocg.pk}/").content.decode()
    assert ocg.reference in html
    # The page loads its network after itself; the network holds only what the partner may see.
    assert f'hx-get="/groups/{ocg.pk}/network/"' in html and "ocg-network-data" not in html
    network = client.get(f"/groups/{ocg.pk}/network/", HTTP_HX_REQUEST="true").content.decode()
    nodes, _ = _graph_ids(network, "ocg-network-data")
    assert nodes <= visible
    assert not any(h in html or h in network for h in hidden)
    assert ocg.explanation not in html, "the analysis' explanation counts members the partner cannot see"
    from socmap.api import api

    body = TestClient(api).get(f"/network/groups/{ocg.pk}/network", user=partner).json()
    assert {n["id"] for n in body["nodes"]} <= visible
    # Export: the partner sees none of this group's members, so there is nothing to export.
    response = signed_in(partner).post(
        f"/groups/{ocg.pk}/export/graphml/", {"justification": "Partner review"}
    )
    if nodes:
        assert response.status_code == 200
        assert set(re.findall(r'<node id="([^"]+)"', response.content.decode())) <= visible
    else:
        assert response.status_code == 400 and "nothing to export" in response.content.decode().lower()
        assert not AuditEvent.objects.filter(action=AuditAction.DISCLOSURE, actor=partner).exists()


@pytest.mark.django_db
def test_a_partners_export_contains_only_shared_nodes_and_is_audited(analysed: AnalysisRun) -> None:
    partner = User.objects.get(username="partner")
    person = _partner_person(partner)
    visible = _visible_ids(partner)
    client = signed_in(partner)
    for fmt in ("graphml", "ftm", "i2"):
        response = client.post(
            f"/network/entities/{person.id}/export/{fmt}/?hops=2", {"justification": "Partner review"}
        )
        assert response.status_code == 200, fmt
        if fmt == "i2":
            with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
                assert set(bundle.namelist()) == {"network.csv", "network.ximp"}
                text = bundle.read("network.csv").decode()
        else:
            text = response.content.decode()
        ids = set(re.findall(r"\b\d{12}\.\w+", text))  # entity ids: record number, dot, key
        entity_ids = ids & set(RecordEntity.objects.values_list("id", flat=True))
        assert entity_ids and entity_ids <= visible, fmt
    assert AuditEvent.objects.filter(action=AuditAction.DISCLOSURE, actor=partner).count() == 3


@pytest.mark.django_db
def test_too_many_hops_are_refused_with_the_limit(analysed: AnalysisRun) -> None:
    analyst = User.objects.get(username="analyst")
    person = RecordEntity.objects.filter(schema="Person", owner=analyst.organisation).first()
    assert person is not None
    response = signed_in(analyst).get(f"/network/entities/{person.id}/?hops=9")
    assert response.status_code == 400 and "at most 4 hops" in response.content.decode()
    with pytest.raises(InvalidInput) as caught:
        netgraph.neighbourhood(analyst, person.id, netgraph.Filters(hops=4, max_nodes=1))
    assert caught.value.code == "limit" and "more than 1 nodes" in caught.value.message


@pytest.mark.django_db
def test_an_unknown_link_type_filter_is_named(analysed: AnalysisRun) -> None:
    from socmap.api import api

    analyst = User.objects.get(username="analyst")
    person = RecordEntity.objects.filter(schema="Person", owner=analyst.organisation).first()
    assert person is not None
    response = TestClient(api).get(
        f"/network/entities/{person.id}?purpose=test&link_types=telepathy", user=analyst
    )
    assert response.status_code == 400 and "telepathy" in response.json()["message"]


@pytest.mark.django_db
def test_an_empty_national_return_is_refused_and_nothing_is_written(analysed: AnalysisRun) -> None:
    analyst = User.objects.get(username="analyst")
    response = signed_in(analyst).post("/groups/return/", {"justification": "Quarterly return"})
    assert response.status_code == 400 and "nothing to export" in response.content.decode().lower()
    assert not AuditEvent.objects.filter(action=AuditAction.DISCLOSURE, actor=analyst).exists()
    ocg = OCG.objects.order_by("id").first()
    assert ocg is not None
    services.ocg_adopt(
        actor=analyst,
        ocg=ocg,
        lead_force=Organisation.objects.get(slug="gloucestershire-constabulary"),
        lro=User.objects.get(username="lro"),
    )
    response = signed_in(analyst).post("/groups/return/", {"justification": "Quarterly return"})
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert "GL-OCG-0001" in body.splitlines()[1]
    assert AuditEvent.objects.filter(action=AuditAction.DISCLOSURE, actor=analyst).count() == 1


@pytest.mark.django_db
def test_a_groups_page_loads_its_network_after_itself_the_same_network_and_a_logged_consultation(
    analysed: AnalysisRun,
) -> None:
    from socmap.apps.network import selectors

    analyst = User.objects.get(username="analyst")
    ocg = OCG.objects.order_by("id").first()
    assert ocg is not None
    client = signed_in(analyst)
    page = client.get(f"/groups/{ocg.pk}/").content.decode()
    assert f'hx-get="/groups/{ocg.pk}/network/"' in page and "network.mjs" in page
    before = AuditEvent.objects.filter(action=AuditAction.CONSULTATION, actor=analyst).count()
    fragment = client.get(f"/groups/{ocg.pk}/network/", HTTP_HX_REQUEST="true").content.decode()
    # A fragment for the page (no page around it, no script HTMX would not run); the drawing's
    # data are the group's network as the API gives it.
    assert "<html" not in fragment and "<script src" not in fragment
    nodes, _ = _graph_ids(fragment, "ocg-network-data")
    graph = selectors.ocg_graph(viewer=analyst, ocg_id=ocg.pk)
    assert nodes == {n.id for n in graph.nodes} and nodes
    assert 'id="network-links"' in fragment
    assert AuditEvent.objects.filter(action=AuditAction.CONSULTATION, actor=analyst).count() == before + 1
    # Without script, a page of its own: the same network, with the drawing's scripts.
    alone = client.get(f"/groups/{ocg.pk}/network/").content.decode()
    assert "<html" in alone and "network.mjs" in alone and _graph_ids(alone, "ocg-network-data")[0] == nodes
