"""FollowTheMoney in and out: entity streams map to our schemata; canonical entities export to FtM."""

from __future__ import annotations

import json
from pathlib import Path

from socmap.engines.ingest import (
    CanonicalEntity,
    FtmStatement,
    MappedRecord,
    QuarantinedRow,
    export_ftm,
    load_mapping,
    read_source,
)

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


def test_an_ftm_stream_maps_entities_links_and_bad_lines(tmp_path: Path) -> None:
    mapping_path = tmp_path / "ftm.yaml"
    mapping_path.write_text(MAPPING, encoding="utf-8")
    lines = [
        {"id": "p1", "schema": "Person", "properties": {"name": ["JO BLOGGS"], "birthDate": ["1990-01-01"]}},
        {"id": "v1", "schema": "Vehicle", "properties": {"registrationNumber": ["ab12 cde"]}},
        {"id": "f1", "schema": "Family", "properties": {"person": ["p1"], "relative": ["p2"]}},
        {"id": "p3", "schema": "Person", "properties": {"birthDate": ["2999-01-01"]}},
    ]
    data = tmp_path / "entities.ftm.json"
    data.write_text("\n".join(json.dumps(x) for x in lines) + '\n{"id": "cut', encoding="utf-8")
    results = list(read_source(data, load_mapping(mapping_path)))
    assert [type(r).__name__ for r in results] == ["MappedRecord"] * 3 + ["QuarantinedRow"] * 2
    person, vehicle, family = (r for r in results if isinstance(r, MappedRecord))
    assert person.entities[0].schema == "Person"
    assert person.entities[0].properties["full_name"][0].value == "Jo Bloggs"
    assert vehicle.entities[0].properties["registration"][0].value == "AB12CDE"
    assert family.links[0].schema == "Family" and (family.links[0].source, family.links[0].target) == (
        "p1",
        "p2",
    )
    future, cut = (r for r in results if isinstance(r, QuarantinedRow))
    assert "in the future" in future.errors[0].message
    assert "invalid JSON" in cut.errors[0].message
