"""A group and a network view as FollowTheMoney: every record of every entity drawn as it came, the
links as FtM link schemata, the resolved entities when asked, the group and its memberships; only
what the viewer may see; every export audited, every refusal logged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from followthemoney import model as ftm_model
from ninja.testing import TestClient

from socmap.api import api
from socmap.apps.core.models import AuditAction, AuditEvent
from socmap.apps.network.models import OCG, OCGMember
from tests import factories
from tests.apps.ftm_world import FtmWorld, build
from tests.conftest import signed_in


@pytest.fixture
def world(db: None, tmp_path: Path) -> FtmWorld:
    return build(tmp_path)


@pytest.fixture
def group(world: FtmWorld) -> OCG:
    ocg = factories.ocg(world.force, name="Bloggs family")
    OCGMember.objects.create(
        ocg=ocg, entity_id=world.jo_police.id, role="principal", joined_on=timezone.localdate()
    )
    return ocg


def _items(content: bytes) -> dict[str, dict[str, Any]]:
    items = [json.loads(line) for line in content.decode().splitlines()]
    for item in items:  # FtM reads every one, every value valid for its property
        proxy = ftm_model.get_proxy(item, cleaned=False)
        for prop, values in item["properties"].items():
            kind = proxy.schema.properties[prop].type
            assert all(kind.clean(v) is not None for v in values), (item["id"], prop, values)
    by_id = {i["id"]: i for i in items}
    assert len(by_id) == len(items), "an entity went out twice"
    named = {v for i in items for p, vs in i["properties"].items() for v in vs
             if ftm_model.get(i["schema"]).properties[p].type.name == "entity"}  # fmt: skip
    assert named <= set(by_id), f"the stream names entities it does not hold: {named - set(by_id)}"
    return by_id


def _subject(items: dict[str, dict[str, Any]], key: str) -> dict[str, Any]:
    found = [i for i in items.values() if i.get("socmap", {}).get("id", "").endswith(f".{key}")]
    assert len(found) == 1, key
    return found[0]


@pytest.mark.django_db
def test_the_explorers_network_goes_out_as_each_record_came_with_the_resolved_person(world: FtmWorld) -> None:
    client = signed_in(world.analyst)
    url = f"/network/entities/{world.jo_council.id}/export/ftm/"
    form = client.get(url)
    assert form.status_code == 200 and b'name="canonical"' in form.content
    response = client.post(url, {"justification": "Case 7", "canonical": "on"})
    assert response.status_code == 200, response.content[:500]
    items = _items(response.content)
    assert items["p-jo"]["properties"]["name"] == ["JO BLOGGS"]  # the FtM id and value it came with
    assert items["a-1"]["schema"] == "Address"  # the address entity the FtM person named
    jo = _subject(items, "subject")
    assert jo["properties"]["phone"] == ["+447911123456"]
    associated = _subject(items, "associated")
    referred = [i for i in items.values() if i["properties"].get("role") == ["Referred"]]
    assert referred and referred[0]["properties"]["subject"] == [jo["id"]]
    assert referred[0]["properties"]["object"] == [associated["id"]]
    canonical = [i for i in items.values() if i.get("referents") and "p-jo" in i["referents"]]
    assert len(canonical) == 1 and sorted(canonical[0]["referents"]) == sorted(["p-jo", jo["id"]])
    event = AuditEvent.objects.get(actor=world.analyst, action=AuditAction.DISCLOSURE)
    assert event.justification == "Case 7" and event.detail["canonical"] is True


@pytest.mark.django_db
def test_a_partners_network_export_holds_nothing_of_the_police_record(world: FtmWorld) -> None:
    client = signed_in(world.partner)
    response = client.post(
        f"/network/entities/{world.jo_council.id}/export/ftm/", {"justification": "Review", "canonical": "on"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    for hidden in ("p-jo", "JO BLOGGS", "a-1", "Flat 2, 5 LANE, BATH", world.jo_police.id):
        assert hidden not in text, hidden
    items = _items(response.content)
    jo = [i["referents"] for i in items.values() if world.jo_council.id in i.get("referents", ())]
    assert jo == [[world.jo_council.id]]  # the resolved Jo merges only the record the partner may see
    police = client.post(f"/network/entities/{world.jo_police.id}/export/ftm/", {"justification": "Fishing"})
    assert police.status_code == 404
    answer = TestClient(api).post(
        f"/network/entities/{world.jo_police.id}/export/ftm", json={"justification": "x"}, user=world.partner
    )
    assert answer.status_code == 404
    assert AuditEvent.objects.filter(actor=world.partner, action=AuditAction.PERMISSION_DENIED).count() == 2
    assert AuditEvent.objects.filter(actor=world.partner, action=AuditAction.DISCLOSURE).count() == 1


@pytest.mark.django_db
def test_a_group_goes_out_with_its_members_records_and_their_memberships(world: FtmWorld, group: OCG) -> None:
    client = signed_in(world.analyst)
    plain = _items(client.post(f"/groups/{group.pk}/export/ftm/", {"justification": "Case 7"}).content)
    assert plain[f"ocg-{group.pk}"]["schema"] == "Organization"
    memberships = [i for i in plain.values() if i["schema"] == "Membership"]
    assert [m["properties"]["role"] for m in memberships] == [["principal"]]
    member = memberships[0]["properties"]["member"][0]
    assert plain[member]["schema"] == "Person" and not plain[member].get("referents")
    assert {"p-jo", "a-1"} <= set(plain)
    resolved = TestClient(api).post(
        f"/network/groups/{group.pk}/export/ftm",
        json={"justification": "Case 7", "canonical": True},
        user=world.analyst,
    )
    assert resolved.status_code == 200
    items = _items(resolved.content)
    member = next(i for i in items.values() if i["schema"] == "Membership")["properties"]["member"][0]
    assert "p-jo" in items[member]["referents"]  # the membership names the resolved person
    assert AuditEvent.objects.filter(actor=world.analyst, action=AuditAction.DISCLOSURE).count() == 2
    partner = signed_in(world.partner).post(f"/groups/{group.pk}/export/ftm/", {"justification": "x"})
    assert partner.status_code == 404
    assert AuditEvent.objects.filter(actor=world.partner, action=AuditAction.PERMISSION_DENIED).exists()
    assert not AuditEvent.objects.filter(actor=world.partner, action=AuditAction.DISCLOSURE).exists()
