"""Sharing grants are read once per web request, and a change of agreement within it is seen at once."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from socmap.apps.core import services
from socmap.apps.core.visibility import grants_for, grants_remembered
from tests import factories


def test_grants_are_read_once_within_a_request_and_every_time_outside(db: None) -> None:
    glos, avon = factories.organisation("force"), factories.organisation("force")
    factories.agreement(glos, avon)
    with CaptureQueriesContext(connection) as outside:
        grants_for(avon.pk)
        grants_for(avon.pk)
    with grants_remembered(), CaptureQueriesContext(connection) as inside:
        first = grants_for(avon.pk)
        assert grants_for(avon.pk) == first and len(first) == 1
    assert len(inside.captured_queries) == len(outside.captured_queries) // 2 > 0


def test_an_agreement_revoked_within_the_request_is_forgotten_at_once(db: None) -> None:
    glos, avon = factories.organisation("force"), factories.organisation("force")
    agreement = factories.agreement(glos, avon)
    admin = factories.user(glos, "administrator")
    with grants_remembered():
        assert len(grants_for(avon.pk)) == 1
        services.agreement_revoke(actor=admin, agreement=agreement, justification="Ended")
        assert grants_for(avon.pk) == ()


def test_a_page_request_reads_the_grants_once(db: None) -> None:
    from django.urls import reverse

    from tests.conftest import signed_in

    glos, avon = factories.organisation("force"), factories.organisation("force")
    factories.agreement(glos, avon)
    client = signed_in(factories.user(avon, "analyst"))
    with CaptureQueriesContext(connection) as page:
        assert client.get(reverse("core:document_list")).status_code == 200
    agreements = [q for q in page.captured_queries if 'FROM "core_sharingagreement"' in q["sql"]]
    assert len(agreements) == 1
