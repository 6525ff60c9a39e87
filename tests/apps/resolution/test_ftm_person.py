"""A person as FollowTheMoney: each record as it came, what it links to, the canonical entity when
asked; only what the viewer may see; every export audited, every refusal logged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model as ftm_model
from ninja.testing import TestClient

from socmap.apps.core.models import AuditAction, AuditEvent
from socmap.apps.resolution import ftm
from socmap.errors import InvalidInput, NotVisible
from tests.apps.ftm_world import FtmWorld, build
from tests.conftest import signed_in


@pytest.fixture
def world(db: None, tmp_path: Path) -> FtmWorld:
    return build(tmp_path)


def _export(world: FtmWorld, user: Any, entity_id: str, **kw: Any) -> dict[str, dict[str, Any]]:
    lines = ftm.person_export(viewer=user, entity_id=entity_id, justification="Case 7", **kw)
    items = [json.loads(line) for line in lines]
    for item in items:  # FtM reads every one, every value valid for its property
        proxy = ftm_model.get_proxy(item, cleaned=False)
        for prop, values in item["properties"].items():
            kind = proxy.schema.properties[prop].type
            assert all(kind.clean(v) is not None for v in values), (item["id"], prop, values)
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids)), "an entity went out twice"
    return {i["id"]: i for i in items}


def _native(world: FtmWorld, items: dict[str, dict[str, Any]], key: str) -> dict[str, Any]:
    """The council record's entity of this key (socmap-native: exported under a socmap id)."""
    found = [i for i in items.values() if i.get("socmap", {}).get("id", "").endswith(f".{key}")]
    assert len(found) == 1, key
    return found[0]


@pytest.mark.django_db
def test_a_person_goes_out_as_each_record_came_with_its_links_and_what_they_name(world: FtmWorld) -> None:
    items = _export(world, world.analyst, world.jo_council.id)
    jo = items["p-jo"]  # the FtM id it came with
    assert jo["schema"] == "Person"
    assert jo["properties"]["name"] == ["JO BLOGGS"]  # as received, not title-cased
    assert jo["properties"]["notes"] == ['Zoë\'s <b>friend</b>, =HYPERLINK("x")']
    assert jo["properties"]["addressEntity"] == ["a-1"] and items["a-1"]["schema"] == "Address"
    assert items["o-1"]["properties"] == {
        "owner": ["p-jo"], "asset": ["c-1"], "percentage": ["51"], "startDate": ["2019"],
    }  # fmt: skip
    assert items["d-1"]["properties"]["role"] == ["Geschäftsführer"]
    assert items["f-1"]["schema"] == "Family" and items["f-1"]["properties"]["relationship"] == ["brother"]
    assert items["pay-1"]["schema"] == "Payment" and items["pay-1"]["properties"]["amountEur"] == ["1000.50"]
    assert items["san-1"]["schema"] == "Sanction"
    assert items["c-1"]["properties"]["name"] == ["E.ON AG"] and items["p-sam"]["schema"] == "Person"
    assert "p-other" not in items  # unrelated to Jo
    council_jo = _native(world, items, "subject")
    assert council_jo["id"] == world.jo_council.id  # socmap's own id, which FtM accepts
    assert council_jo["properties"]["name"] == ["Jo Bloggs"]
    assert council_jo["properties"]["phone"] == ["+447911123456"]  # on the person, as FtM keeps phones
    address = _native(world, items, "address")
    lives = [
        i
        for i in items.values()
        if i["schema"] == "UnknownLink" and i["properties"]["object"] == [address["id"]]
    ]
    assert lives and lives[0]["properties"]["subject"] == [council_jo["id"]]
    assert lives[0]["properties"]["role"] == ["LivesAt"]
    referral = _native(world, items, "referral")
    assert referral["schema"] == "Event"
    named = {v for i in items.values() for p, vs in i["properties"].items() for v in vs
             if ftm_model.get(i["schema"]).properties[p].type.name == "entity"}  # fmt: skip
    assert named <= set(items), "the stream names an entity it does not hold"
    assert not any(i["schema"] == "Person" and i.get("referents") for i in items.values())  # not asked


@pytest.mark.django_db
def test_the_canonical_person_merges_the_records_and_names_them_as_referents(world: FtmWorld) -> None:
    items = _export(world, world.analyst, world.jo_police.id, canonical=True)
    council_id = _native(world, items, "subject")["id"]
    canonical = [i for i in items.values() if i.get("referents")]
    assert len(canonical) == 1
    person = canonical[0]
    assert sorted(person["referents"]) == sorted(["p-jo", council_id])
    assert person["schema"] == "Person" and person["id"].startswith("socmap-")
    assert set(person["properties"]["name"]) == {"JO BLOGGS", "Jo Bloggs"}  # the union, as given
    assert person["properties"]["birthDate"] == ["1976-08-01"]
    assert person["properties"]["phone"] == ["+447911123456"] and person["properties"]["addressEntity"] == [
        "a-1"
    ]
    assert person["caption"] in ("JO BLOGGS", "Jo Bloggs")
    assert items["p-jo"]["properties"]["name"] == ["JO BLOGGS"]  # the records still go out as they came
    again = _export(world, world.analyst, world.jo_council.id, canonical=True)
    assert person["id"] in again, "the canonical id changed between exports of the same person"


@pytest.mark.django_db
def test_a_partner_gets_only_the_councils_record_and_no_trace_of_the_police_one(world: FtmWorld) -> None:
    items = _export(world, world.partner, world.jo_council.id, canonical=True)
    text = json.dumps(items, ensure_ascii=False)
    for hidden in ("p-jo", "JO BLOGGS", "E.ON AG", "c-1", "o-1", "pay-1", "san-1", world.jo_police.id):
        assert hidden not in text, hidden
    canonical = [i for i in items.values() if i.get("referents")]
    assert [c["referents"] for c in canonical] == [[world.jo_council.id]]
    assert AuditEvent.objects.filter(actor=world.partner, action=AuditAction.DISCLOSURE).count() == 1


@pytest.mark.django_db
def test_a_partner_asking_for_the_police_record_is_refused_as_absent_and_the_refusal_logged(
    world: FtmWorld,
) -> None:
    with pytest.raises(NotVisible):
        ftm.person_export(viewer=world.partner, entity_id=world.jo_police.id, justification="Fishing")
    assert AuditEvent.objects.filter(actor=world.partner, action=AuditAction.PERMISSION_DENIED).count() == 1
    assert not AuditEvent.objects.filter(actor=world.partner, action=AuditAction.DISCLOSURE).exists()
    client = signed_in(world.partner)
    assert client.get(f"/entities/{world.jo_police.id}/export/ftm/").status_code == 404
    response = client.post(f"/entities/{world.jo_police.id}/export/ftm/", {"justification": "Fishing"})
    assert response.status_code == 404 and b"JO BLOGGS" not in response.content
    from socmap.api import api

    answer = TestClient(api).post(
        f"/resolution/entities/{world.jo_police.id}/export.ftm",
        json={"justification": "x"},
        user=world.partner,
    )
    assert answer.status_code == 404
    assert AuditEvent.objects.filter(actor=world.partner, action=AuditAction.PERMISSION_DENIED).count() == 4
    assert not AuditEvent.objects.filter(actor=world.partner, action=AuditAction.DISCLOSURE).exists()


@pytest.mark.django_db
def test_every_export_is_audited_with_its_justification_and_none_without_one(world: FtmWorld) -> None:
    _export(world, world.analyst, world.jo_council.id, canonical=True)
    event = AuditEvent.objects.get(actor=world.analyst, action=AuditAction.DISCLOSURE)
    assert event.justification == "Case 7" and event.object_id == f"ftm-person:{world.jo_police.id}"
    assert event.detail["records"] == 2 and event.detail["canonical"] is True
    with pytest.raises(InvalidInput):
        ftm.person_export(viewer=world.analyst, entity_id=world.jo_council.id, justification="  ")
    assert AuditEvent.objects.filter(actor=world.analyst, action=AuditAction.DISCLOSURE).count() == 1


@pytest.mark.django_db
def test_the_person_page_offers_the_download_and_the_form_exports_it(world: FtmWorld) -> None:
    client = signed_in(world.analyst)
    page = client.get(f"/entities/{world.jo_council.id}/").content.decode()
    assert f"/entities/{world.jo_police.id}/export/ftm/" in page
    form = client.get(f"/entities/{world.jo_police.id}/export/ftm/")
    assert form.status_code == 200 and b'name="canonical"' in form.content and b"checked" in form.content
    missing = client.post(f"/entities/{world.jo_police.id}/export/ftm/", {"canonical": "on"})
    assert missing.status_code == 400 and b"Enter a justification" in missing.content
    response = client.post(
        f"/entities/{world.jo_police.id}/export/ftm/", {"justification": "Case 7", "canonical": "on"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/x-ndjson"
    assert "attachment" in response["Content-Disposition"]
    items = [json.loads(line) for line in response.content.decode().splitlines()]
    assert any(i.get("referents") for i in items) and any(i["id"] == "p-jo" for i in items)
    from socmap.api import api

    answer = TestClient(api).post(
        f"/resolution/entities/{world.jo_council.id}/export.ftm",
        json={"justification": "Case 7", "cleaned": True},
        user=world.analyst,
    )
    assert answer.status_code == 200
    back = {i["id"]: i for i in map(json.loads, answer.content.decode().splitlines())}
    assert back["p-jo"]["properties"]["name"] == ["Jo Bloggs"]  # socmap's cleaned form, when asked
    assert not any(i.get("referents") for i in back.values())
    assert AuditEvent.objects.filter(actor=world.analyst, action=AuditAction.DISCLOSURE).count() == 2
