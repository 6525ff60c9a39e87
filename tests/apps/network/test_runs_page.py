"""The analysis runs page shows region-wide totals only to an organisation that sees the region."""

from __future__ import annotations

import pytest

from socmap.apps.network.models import AnalysisRun
from tests import factories
from tests.conftest import signed_in


@pytest.mark.django_db
def test_a_force_analyst_does_not_see_region_wide_link_totals(analyst: object) -> None:
    AnalysisRun.objects.create(status="done", links_read=987654, nodes=4321, groups_proposed=17)
    force_page = signed_in(analyst).get("/network/runs/").content.decode()
    assert "987654" not in force_page and "17 groups proposed" not in force_page
    rocu_analyst = factories.user(factories.organisation("rocu"), "analyst")
    rocu_page = signed_in(rocu_analyst).get("/network/runs/").content.decode()
    assert "987654 links read" in rocu_page
