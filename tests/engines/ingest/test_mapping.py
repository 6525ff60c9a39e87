"""Mappings are data: every shipped one loads, and each mistake names the file, the line and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from socmap.engines.ingest import load_mapping, read_source
from socmap.errors import InvalidInput, InvalidMapping
from tests.engines.ingest.conftest import SOURCES, mapping_path

GOOD = """\
source: test
format: csv
record_id: ID
grading:
  default: "3x5x2: 2 B P"
entities:
  - key: subject
    schema: Person
    properties:
      full_name: Name
      birth_date: {column: DOB, transforms: [{date: [dd/mm/yyyy]}]}
  - key: phone
    schema: Phone
    properties:
      number: Phone
links:
  - {schema: UsesPhone, source: subject, target: phone}
"""


def _load(tmp_path: Path, text: str) -> InvalidMapping:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidMapping) as caught:
        load_mapping(path)
    return caught.value


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_shipped_mapping_loads(name: str) -> None:
    mapping = load_mapping(mapping_path(name))
    assert mapping.name == name
    assert mapping.format in {"csv", "xlsx", "jsonl"}


def test_a_good_mapping_loads(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    mapping = load_mapping(path)
    assert [e.key for e in mapping.entities] == ["subject", "phone"]
    assert mapping.columns == {"ID", "Name", "DOB", "Phone"}
    assert mapping.grading.default is not None and mapping.grading.default.code == "2B P"


def test_an_unknown_schema_names_file_line_and_key(tmp_path: Path) -> None:
    error = _load(tmp_path, GOOD.replace("schema: Person", "schema: Persn"))
    assert error.message == "broken.yaml, line 8, entities[0].schema: unknown schema 'Persn'"


def test_an_unknown_property_names_file_line_and_key(tmp_path: Path) -> None:
    error = _load(tmp_path, GOOD.replace("full_name: Name", "fullname: Name"))
    assert error.message == (
        "broken.yaml, line 10, entities[0].properties.fullname: unknown property 'fullname' for schema Person"
    )


def test_an_unknown_transform_names_file_line_and_key(tmp_path: Path) -> None:
    error = _load(tmp_path, GOOD.replace("{date: [dd/mm/yyyy]}", "soundex"))
    assert error.message == (
        "broken.yaml, line 11, entities[0].properties.birth_date.transforms[0]: unknown transform 'soundex'"
    )


def test_an_unknown_key_names_file_line_and_key(tmp_path: Path) -> None:
    error = _load(tmp_path, GOOD.replace("format: csv", "format: csv\nsheeet: Custody"))
    assert error.message == "broken.yaml, line 3, sheeet: unknown key 'sheeet'"


def test_a_missing_record_id_is_refused(tmp_path: Path) -> None:
    error = _load(tmp_path, GOOD.replace("record_id: ID\n", ""))
    assert "record_id: missing record id" in error.message


def test_a_link_to_an_entity_of_the_wrong_schema_is_refused(tmp_path: Path) -> None:
    error = _load(tmp_path, GOOD.replace("{schema: UsesPhone,", "{schema: LivesAt,"))
    assert error.message == "broken.yaml, line 17, links[0].target: LivesAt target must be Address, not Phone"


def test_several_mistakes_are_reported_together(tmp_path: Path) -> None:
    error = _load(tmp_path, GOOD.replace("schema: Phone", "schema: Fone").replace("full_name", "fullname"))
    assert "2 problems" in error.message
    assert len(error.fields) == 2


def test_a_bad_default_grading_is_refused(tmp_path: Path) -> None:
    error = _load(tmp_path, GOOD.replace("3x5x2: 2 B P", "3x5x2: 4 B P"))
    assert error.message.startswith("broken.yaml, line 5, grading.default: source evaluation '4'")


def test_an_unknown_column_is_reported_at_run_time_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    data = tmp_path / "people.csv"
    data.write_text("ID,Name,DOB\n1,Jo Bloggs,01/01/1990\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        read_source(data, load_mapping(path))
    assert caught.value.message.startswith("people.csv: no header with the mapped columns (missing 'Phone')")
