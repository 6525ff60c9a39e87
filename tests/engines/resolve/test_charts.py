"""The match-weight waterfall: the prior, each comparison, then the total."""

from __future__ import annotations

from socmap.engines.resolve.charts import waterfall_spec


def test_the_waterfall_runs_from_the_prior_through_each_comparison_to_the_total() -> None:
    spec = waterfall_spec(
        {
            "prior_weight": -3.0,
            "steps": [
                {"name": "first_name", "level": "exact", "weight": 5.0},
                {"name": "birth_date", "level": "differs", "weight": -1.5},
            ],
        }
    )
    rows = spec["data"]["values"]
    assert [r["label"] for r in rows] == [
        "Prior (before comparing)",
        "first name: exact",
        "birth date: differs",
        "Match weight",
    ]
    assert [(r["start"], r["end"]) for r in rows] == [(0.0, -3.0), (-3.0, 2.0), (2.0, 0.5), (0.0, 0.5)]
