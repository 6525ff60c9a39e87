"""Search parameters reject control characters and malformed values, naming the field: a NUL in a
phone number once matched every person."""

from __future__ import annotations

import pytest

from tests.conftest import signed_in


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["phone", "vrm", "birth_date", "name", "postcode"])
@pytest.mark.parametrize("value", ["\x00", "07700\x00", "\x1b[2J", "GL1\u200b"])
def test_a_control_character_in_a_search_is_refused_naming_the_field(
    analyst: object, field: str, value: str
) -> None:
    response = signed_in(analyst).get("/api/v1/intel/people", {field: value})
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]


@pytest.mark.django_db
def test_a_malformed_date_of_birth_is_refused_by_the_api_as_by_the_page(analyst: object) -> None:
    response = signed_in(analyst).get("/api/v1/intel/people", {"birth_date": "1990%"})
    assert response.status_code == 400
    assert response.json()["fields"]["birth_date"] == [
        "Enter a date of birth like 1990-03-27, 1990-03 or 1990"
    ]
