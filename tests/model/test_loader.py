"""The vocabulary loads whole, and each kind of mistake in it is named with its file and key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from socmap.errors import InvalidModel
from socmap.model.loader import MODEL_DIR, load_model, load_model_from


def test_the_whole_model_loads_with_every_pole_schema() -> None:
    model = load_model()
    for name in ("Person", "Address", "Phone", "Vehicle", "BankAccount", "Company", "Event", "Arrest",
                 "StopSearch", "AnprSighting", "Call", "Payment", "SafeguardingReferral", "Custody",
                 "IntelligenceReport", "Tenancy", "PrisonReport"):  # fmt: skip
        assert name in model.schemata
        assert not model.schemata[name].is_link
    assert model.schemata["Thing"].abstract


def test_every_link_has_an_edge_between_entity_properties() -> None:
    model = load_model()
    links = ("LivesAt", "UsesPhone", "UsesVehicle", "HoldsAccount", "AssociateOf", "CoArrestedWith",
             "Paid", "Referred", "Called", "SubjectOf", "SeenAt", "Family")  # fmt: skip
    for name in links:
        edge = model.schemata[name].edge
        assert edge is not None, name
        assert model.schemata[name].properties[edge.source].type == "entity"
        assert model.schemata[name].properties[edge.target].type == "entity"
    assert model.schemata["HoldsAccount"].properties["holder"].range == ("Person", "Company")


def test_children_inherit_properties_and_ftm_names() -> None:
    model = load_model()
    arrest = model.schemata["Arrest"]
    assert {"date", "time", "location", "description", "theme", "offence"} <= set(arrest.properties)
    assert arrest.is_a("Event", model)
    assert model.schemata["Person"].properties["birth_date"].ftm == "birthDate"


def test_gradings_hold_3x5x2_labels_and_the_5x5x5_table() -> None:
    g = load_model().gradings
    assert list(g.source) == ["1", "2", "3"]
    assert list(g.intelligence) == ["A", "B", "C", "D", "E"]
    assert g.handling["C"] == "Lawful sharing permitted with conditions"
    assert g.from5_source["A"] == "1"
    assert g.from5_handling["1"].code == "P"
    assert g.from5_handling["4"].code == "C" and g.from5_handling["4"].conditions


def test_the_model_is_loaded_once() -> None:
    assert load_model() is load_model()


def _broken(tmp_path: Path, file: str, text: str) -> Path:
    target = tmp_path / "model"
    shutil.copytree(MODEL_DIR / "schema", target / "schema")
    shutil.copy(MODEL_DIR / "gradings.yaml", target / "gradings.yaml")
    (target / file).write_text(text, encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("file", "text", "expected"),
    [
        ("schema/zz.yaml", "Gun:\n  extends: Weapon\n  caption: [name]\n",
         "zz.yaml: Gun.extends: unknown parent 'Weapon'"),
        ("schema/zz.yaml", "Gun:\n  abstract: false\n  properties:\n    calibre: {type: text}\n",
         "zz.yaml: Gun.caption: missing caption"),
        ("schema/zz.yaml", "Gun:\n  extends: Thing\n  required: [calibre]\n",
         "zz.yaml: Gun.required: required property 'calibre' is not a property"),
        ("schema/zz.yaml", "Owns:\n  extends: Link\n  edge: {source: owner}\n  properties:\n"
         "    owner: {type: entity, range: Person}\n", "zz.yaml: Owns.edge.target: edge without target"),
        ("schema/zz.yaml", "Gun:\n  extends: Thing\n  properties:\n    calibre: {type: calibre}\n",
         "zz.yaml: Gun.properties.calibre.type: unknown value type 'calibre'"),
        ("gradings.yaml", "source: {'1': Reliable}\nintelligence: {A: x}\nhandling: {P: x}\n",
         "gradings.yaml: from_5x5x5: missing the 5x5x5 mapping table"),
    ],
)  # fmt: skip
def test_a_broken_model_names_file_and_key(tmp_path: Path, file: str, text: str, expected: str) -> None:
    with pytest.raises(InvalidModel) as caught:
        load_model_from(_broken(tmp_path, file, text))
    assert caught.value.message == expected
