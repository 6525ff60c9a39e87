"""The timeline chart: the same spec in the page and, drawn on the server, as SVG for reports."""

from __future__ import annotations

from socmap.engines.lifetime import return_spec, timeline_spec
from socmap.engines.render import chart_svg


def test_the_timeline_puts_scores_and_disruptions_on_one_time_axis_and_draws_to_svg() -> None:
    spec = timeline_spec(
        [
            {"date": "2024-03-01", "score": 120, "band": "Medium"},
            {"date": "2024-09-01", "score": 160, "band": "High"},
        ],
        [{"date": "2024-05-02", "p": "Pursue", "impact": "Moderate", "activity": "Seizure of drugs"}],
        date_from="2024-01-01",
        date_to="2024-12-31",
    )
    assert spec["resolve"] == {"scale": {"x": "shared"}}
    assert [len(v["data"]["values"]) for v in spec["vconcat"]] == [2, 1]
    svg = chart_svg(spec)
    assert svg.startswith("<svg") and "Threat score" in svg and "Moderate" in svg


def test_the_return_chart_stacks_impacts_per_p() -> None:
    spec = return_spec([{"p": "Pursue", "impact": "Major", "count": 2, "order": 0}])
    assert spec["encoding"]["color"]["field"] == "impact"
    assert "<svg" in chart_svg(spec)


def test_a_spec_drawn_again_is_the_same_picture_without_drawing_again() -> None:
    from socmap.engines.render.charts import _draw

    spec = return_spec([])
    first = chart_svg(spec)
    hits = _draw.cache_info().hits
    assert chart_svg(dict(reversed(list(spec.items())))) == first
    assert _draw.cache_info().hits == hits + 1
