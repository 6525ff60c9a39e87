"""The home page is a work list by role: each piece of work with a count and a link, read through
the viewer's visibility; a partner sees none of the police work."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from socmap.apps.assessment import services as assessment
from socmap.apps.assessment.models import Threat
from tests import factories
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def _items(html: str) -> set[str]:
    return {key for key in ("review", "threats-due", "groups", "records") if f'id="work-{key}"' in html}


def test_an_analyst_sees_each_piece_of_work_with_its_count_and_link(force: object, analyst: object) -> None:
    factories.ocg(force, name="Brook Street crew")  # type: ignore[arg-type]
    threat = assessment.threat_create(
        actor=analyst, kind="thematic", title="Cash couriers", theme="money_laundering"
    )
    Threat.objects.filter(pk=threat.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    html = signed_in(analyst).get("/").content.decode()
    assert _items(html) == {"review", "threats-due", "groups", "records"}
    assert 'href="/review/"' in html and "decisions about people waiting" in html
    assert 'href="/threats/overdue/"' in html and "Cash couriers, due" in html
    assert 'href="/groups/?status=proposed"' in html and "Brook Street crew (proposed)" in html
    assert 'href="/ingest/"' in html and "records you may see" in html


def test_work_is_shown_by_role_and_through_the_viewers_visibility(force: object, council: object) -> None:
    other = factories.organisation("force", name="Dorset Police")
    factories.ocg(other, name="Not shared with anyone")  # type: ignore[arg-type]
    lro = factories.user(force, "lro", username="lro")  # type: ignore[arg-type]
    partner = factories.user(council, "partner", username="partner")  # type: ignore[arg-type]
    lro_home = signed_in(lro).get("/").content.decode()
    assert _items(lro_home) == {"threats-due", "groups"}
    assert "Not shared with anyone" not in lro_home
    assert '<span class="socmap-worklist__count">0</span> proposed groups' in lro_home
    assert _items(signed_in(partner).get("/").content.decode()) == set()
