"""FollowTheMoney in and out: every entity kept whole, schemata chosen by FtM's names; exports back."""

from __future__ import annotations

import json
from pathlib import Path

from followthemoney import model as ftm_model

from socmap.engines.ingest import (
    CanonicalEntity,
    FtmStatement,
    MappedRecord,
    QuarantinedRow,
    export_ftm,
    ftm,
    load_mapping,
    read_source,
)
from socmap.model.loader import load_model

MAPPING = 'source: ftm_test\nformat: ftm\ngrading:\n  default: "3x5x2: 2 C P"\n'


def test_export_uses_ftm_names_and_unknown_link_for_links_without_one() -> None:
    entities = [
        CanonicalEntity(
            "p1", "Person", (FtmStatement("full_name", "Jo Bloggs"), FtmStatement("birth_date", "1990-01-01"))
        ),
        CanonicalEntity("a1", "Address", (FtmStatement("postcode", "BA1 1AA"),)),
        CanonicalEntity("l1", "LivesAt", (FtmStatement("person", "p1"), FtmStatement("address", "a1"))),
        CanonicalEntity("o1", "HoldsAccount", (FtmStatement("holder", "p1"), FtmStatement("account", "b1"))),
        CanonicalEntity("ph", "Phone", (FtmStatement("number", "+447700900123"),)),
    ]
    out = {d["id"]: d for d in export_ftm(entities)}
    assert out["p1"] == {
        "id": "p1",
        "schema": "Person",
        "properties": {"name": ["Jo Bloggs"], "birthDate": ["1990-01-01"]},
    }
    assert out["l1"]["schema"] == "UnknownLink"
    assert out["l1"]["properties"]["subject"] == ["p1"] and out["l1"]["properties"]["object"] == ["a1"]
    assert out["o1"]["schema"] == "Ownership" and out["o1"]["properties"]["owner"] == ["p1"]
    assert "ph" not in out  # FtM has no phone entity


def test_the_schema_is_chosen_by_ftm_name_then_parents_never_by_declaration_order() -> None:
    model = load_model()
    chosen = {name: ftm.socmap_schema(model, ftm_model.get(name)).name for name in (
        "Payment", "Ownership", "Organization", "PublicBody", "Company", "Vessel", "Associate",
        "UnknownLink", "Sanction", "LegalEntity", "Family",
    )}  # fmt: skip
    assert chosen == {
        "Payment": "Payment",
        "Ownership": "Ownership",
        "Organization": "Organization",
        "PublicBody": "Organization",
        "Company": "Company",
        "Vessel": "Vehicle",
        "Associate": "Associate",
        "UnknownLink": "UnknownLink",
        "Sanction": "UnknownEntity",
        "LegalEntity": "LegalEntity",
        "Family": "Family",
    }


def test_an_ftm_stream_keeps_every_entity_and_value_as_received(tmp_path: Path) -> None:
    mapping_path = tmp_path / "ftm.yaml"
    mapping_path.write_text(MAPPING, encoding="utf-8")
    lines = [
        {"id": "p1", "schema": "Person", "properties": {"name": ["JO BLOGGS"], "country": ["gb"]}},
        {"id": "v1", "schema": "Vehicle", "properties": {"registrationNumber": ["ab12 cde"]}},
        {"id": "f1", "schema": "Family", "properties": {"person": ["p1"], "relative": ["p2"]}},
        {"id": "p3", "schema": "Person", "properties": {"birthDate": ["2999-01-01"]}},
        {
            "id": "o1",
            "schema": "Organization",
            "properties": {"name": ["NDR"], "sourceUrl": ["https://x.org"]},
        },
        {"id": "s1", "schema": "Sanction", "properties": {"entity": ["p1"], "program": ["EU 269/2014"]}},
        {"id": "w1", "schema": "Whatever", "properties": {}},
    ]
    data = tmp_path / "entities.ftm.json"
    data.write_text("\n".join(json.dumps(x) for x in lines) + '\n{"id": "cut', encoding="utf-8")
    results = list(read_source(data, load_mapping(mapping_path)))
    assert [type(r).__name__ for r in results] == ["MappedRecord"] * 6 + ["QuarantinedRow"] * 2
    person, vehicle, family, future, org, sanction = (r for r in results if isinstance(r, MappedRecord))
    assert all(r.exact for r in (person, vehicle, family, future, org, sanction))
    p = person.entities[0]
    assert (p.key, p.schema) == (ftm.FTM_KEY, "Person")
    assert [(v.value, v.original) for v in p.properties["full_name"]] == [("Jo Bloggs", "JO BLOGGS")]
    assert [v.original for v in p.properties["ftm:country"]] == ["gb"]
    assert vehicle.entities[0].properties["registration"][0].original == "ab12 cde"
    assert future.entities[0].properties["birth_date"][0].original == "2999-01-01"  # kept, not quarantined
    assert family.links[0].schema == "Family" and (family.links[0].source, family.links[0].target) == (
        "p1",
        "p2",
    )
    assert [v.original for v in family.entities[0].properties["person"]] == ["p1"]
    assert org.entities[0].schema == "Organization" and "ftm:sourceUrl" in org.entities[0].properties
    assert sanction.entities[0].schema == "UnknownEntity"
    assert sanction.entities[0].properties["ftm:schema"][0].original == "Sanction"
    whatever, cut = (r for r in results if isinstance(r, QuarantinedRow))
    assert "not a FollowTheMoney schema" in whatever.errors[0].message
    assert "invalid JSON" in cut.errors[0].message


def test_an_entity_goes_back_with_its_id_schema_and_values_as_received() -> None:
    model = load_model()
    statements = [
        FtmStatement("name", "E.on Ag", "E.ON AG"),
        FtmStatement("ftm:schema", "PublicBody", "PublicBody"),
        FtmStatement("ftm:sourceUrl", "https://x.org", "https://x.org"),
        FtmStatement("ftm:inventedHere", "kept", "kept"),
    ]
    out = ftm.entity_to_ftm(model, "abc", "Organization", statements, socmap={"id": "000000000001.$ftm"})
    assert out == {
        "id": "abc",
        "schema": "PublicBody",
        "properties": {"name": ["E.ON AG"], "sourceUrl": ["https://x.org"], "inventedHere": ["kept"]},
        "socmap": {"id": "000000000001.$ftm"},
    }
    cleaned = ftm.entity_to_ftm(model, "abc", "Organization", statements, cleaned=True)
    assert cleaned is not None and cleaned["properties"]["name"] == ["E.on Ag"]
    assert ftm_model.get_proxy(out).schema.name == "PublicBody"


def test_an_address_entity_becomes_a_link_to_the_address() -> None:
    model = load_model()
    obj = {"id": "p1", "schema": "Person", "properties": {"name": ["Jo"], "addressEntity": ["addr1"]}}
    entities, links, _ = ftm.map_entity(model, ftm_model.get("Person"), obj)
    assert [(e.key, e.schema) for e in entities] == [(ftm.FTM_KEY, "Person"), ("addr1", "Address")]
    assert [(link.schema, link.source, link.target) for link in links] == [("LivesAt", ftm.FTM_KEY, "addr1")]
    assert entities[0].properties["ftm:addressEntity"][0].original == "addr1"  # and kept as received


def test_every_entity_reference_gets_a_stub_but_an_id_too_long_to_key_one_stays_a_statement() -> None:
    model = load_model()
    aleph = "a" * 40 + "." + "b" * 40  # Aleph's namespaced ids: 81 characters
    obj = {"id": "pay1", "schema": "Payment", "properties": {"payer": ["c1", aleph], "beneficiary": ["p1"]}}
    entities, links, _ = ftm.map_entity(model, ftm_model.get("Payment"), obj)
    assert {(e.key, e.schema) for e in entities[1:]} == {("c1", "LegalEntity"), ("p1", "LegalEntity")}
    assert {v.original for v in entities[0].properties["payer"]} == {"c1", aleph}  # kept as received
    owned = {"id": "o1", "schema": "Ownership", "properties": {"owner": ["p1", "p2", aleph], "asset": ["c1"]}}
    _, links, _ = ftm.map_entity(model, ftm_model.get("Ownership"), owned)
    assert sorted((link.source, link.target) for link in links) == [("p1", "c1"), ("p2", "c1")]


def test_top_level_keys_become_statements_named_by_their_shape_and_come_back_exactly() -> None:
    model = load_model()
    obj = {
        "id": "p1", "schema": "Person", "properties": {"name": ["Jo"]},
        "datasets": ["b", "a"], "last_seen": "2024-01-01", "target": False, "context": {"n": [1, "x"]},
        "socmap": {"id": "not kept"},
    }  # fmt: skip
    entities, _, _ = ftm.map_entity(model, ftm_model.get("Person"), obj)
    props = entities[0].properties
    assert [v.original for v in props["ftm:@datasets[]"]] == ["b", "a"]
    assert props["ftm:@target="][0].original == "false" and "ftm:@socmap=" not in props
    said = [FtmStatement(p, v.value, v.original) for p, vs in props.items() for v in vs]
    out = ftm.entity_to_ftm(model, "p1", "Person", said)
    assert out is not None
    assert {k: v for k, v in out.items() if k != "datasets"} == {
        k: v for k, v in obj.items() if k not in ("socmap", "datasets")
    }
    assert sorted(out["datasets"]) == ["a", "b"]
    assert ftm.canonical_raw(obj) == ftm.canonical_raw(out)  # read back, the same record
