"""The demo's register and Operation Endeavour: Gloucestershire short of accredited financial
investigators, tasking's capacity from the ROCU's teams unchanged, reports falling after the clear."""

from __future__ import annotations

import pytest

from socmap.apps.core.demo import build_demo_organisations
from socmap.apps.core.models import Organisation, User
from socmap.apps.places import selectors
from socmap.apps.places.demo import build_demo_places
from socmap.apps.tasking.register import register_current, register_file
from socmap.apps.workforce import capability
from socmap.apps.workforce.demo import build_demo_workforce
from socmap.apps.workforce.models import Alert


@pytest.mark.django_db
def test_the_demo_register_and_operation_endeavour() -> None:
    build_demo_organisations()
    assert build_demo_workforce() > 100
    glos = Organisation.objects.get(code="GL")
    cap = capability.figures(glos, capability.clock.today())
    assert cap.fi_establishment == 6 and cap.fi_accredited == 3 and cap.fi_shortfall == 3
    assert Alert.objects.filter(recipient__username="supervisor").count() == 2  # one lapsed, one lapsing
    file, current = register_file(), register_current()
    for key in ("financial_investigation", "covert_surveillance", "cyber", "analysts", "undercover"):
        assert current.get(key).per_week == file.get(key).per_week, key  # type: ignore[union-attr]
    op = build_demo_places()
    assert op is not None and build_demo_places() == op  # once
    inspector = User.objects.get(username="lro")
    result = selectors.measures(viewer=inspector, op=op)
    reports = result.series["Intelligence reports in the area"]
    clear = min(p.starts_on for p in result.phases).strftime("%Y-%m")
    before = [v for m, v in reports.items() if m < clear]
    after = [reports.get(m, 0) for m in result.months[-4:-1]]
    assert before and max(after) < min(before)
    assert len(op.activities.all()) >= 15
    assert "Anti-social behaviour reports (Cheltenham Borough Council)" in result.series
