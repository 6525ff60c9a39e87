"""The timeline chart: the same spec in the page and, drawn on the server, as SVG for reports."""

from __future__ import annotations

from socmap.engines.lifetime import render_svg, return_spec, timeline_spec


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
    svg = render_svg(spec)
    assert svg.startswith("<svg") and "Threat score" in svg and "Moderate" in svg


def test_the_return_chart_stacks_impacts_per_p() -> None:
    spec = return_spec([{"p": "Pursue", "impact": "Major", "count": 2, "order": 0}])
    assert spec["encoding"]["color"]["field"] == "impact"
    assert "<svg" in render_svg(spec)
