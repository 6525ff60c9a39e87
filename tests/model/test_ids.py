"""Entity ids as people read them."""

from __future__ import annotations

from socmap.model.ids import short_entity_id


def test_a_numbered_id_reads_as_its_record_number_and_key() -> None:
    assert short_entity_id("000000000063.subject1") == "63.subject1"
    assert short_entity_id("000000000000.person") == "0.person"


def test_a_hashed_id_reads_as_its_first_ten_characters() -> None:
    assert short_entity_id("09911f7c0e0f8e3f472d908de0beba0d936ab070") == "09911f7c0e"
    assert short_entity_id("") == "" and short_entity_id(None) == ""
