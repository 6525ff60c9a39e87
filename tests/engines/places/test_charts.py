"""An operation's chart spec: one panel per measure with the phases shaded, the activities below."""

from __future__ import annotations

from socmap.engines.places import area_spec, measures_spec


def test_each_measure_is_a_panel_with_the_phases_and_the_activities_follow() -> None:
    rows = [
        {"measure": "Reports", "month": "2025-01", "value": 3},
        {"measure": "Reports", "month": "2025-02", "value": 1},
        {"measure": "Arrests", "month": "2025-01", "value": 2},
    ]
    phases = [{"phase": "Clear", "start": "2025-01-01", "end": "2025-01-31"}]
    spec = measures_spec(rows, phases, [{"date": "2025-01-10", "activity": "School talk"}])
    titles = [panel["title"] for panel in spec["vconcat"]]
    assert titles == ["Reports", "Arrests", "Activities"]
    first = spec["vconcat"][0]["layer"]
    assert first[0]["data"]["values"] == phases
    assert first[1]["data"]["values"] == [
        {"date": "2025-01-01", "value": 3},
        {"date": "2025-02-01", "value": 1},
    ]


def test_the_area_map_places_only_parts_with_a_centre() -> None:
    spec = area_spec(
        [{"code": "GL50 4", "latitude": 51.9, "longitude": -2.07}, {"code": "GL51", "latitude": None}]
    )
    assert [v["code"] for v in spec["layer"][0]["data"]["values"]] == ["GL50 4"]
    assert spec["projection"]["type"] == "mercator"
