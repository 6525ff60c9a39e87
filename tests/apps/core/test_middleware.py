"""The middleware's own answers: a NUL character in an address is bad input, on every page and API
operation, before any view asks the database about it (PostgreSQL refuses NUL in text)."""

from __future__ import annotations

import pytest

from socmap.apps.core.middleware import NUL_REFUSED
from tests.conftest import signed_in


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address",
    [
        "/entities/%00/",
        "/entities/ab%00cd/links/",
        "/api/v1/resolution/entities/%00",
        "/network/entities/%00/",
    ],
)
def test_a_nul_character_in_an_address_is_answered_as_bad_input(address: str, analyst: object) -> None:
    client = signed_in(analyst)
    answer = client.get(address)
    assert answer.status_code == 400
    assert answer.content.decode() == NUL_REFUSED
    assert client.get("/entities/no-such-record/").status_code == 404  # without it: absent, as ever


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["/search/?name=smi%00th", "/groups/?status=%00", "/threats/?q=%00"])
def test_a_nul_character_in_a_search_or_filter_is_never_a_server_error(address: str, analyst: object) -> None:
    # Searches and filters refuse it themselves, naming the field, or ignore the value.
    assert signed_in(analyst).get(address).status_code in (200, 400)
