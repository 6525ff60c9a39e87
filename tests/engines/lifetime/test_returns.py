"""The disruption return: a complete table whose every total is the count of what was given."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from socmap.engines.lifetime import IMPACTS, PS, DisruptionFact, disruption_return, periods
from socmap.errors import InvalidInput


def _facts(n: int, seed: int) -> list[DisruptionFact]:
    rng = random.Random(seed)
    start = date(2024, 1, 1)
    return [
        DisruptionFact(
            i,
            rng.choice(["Gloucestershire", "Dorset", "Wiltshire"]),
            start + timedelta(days=rng.randrange(500)),
            rng.choice(PS)[0],
            rng.choice(IMPACTS)[0],
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("period", ["whole", "quarter", "month"])
def test_every_total_equals_the_disruptions_inside_the_dates(seed: int, period: str) -> None:
    facts = _facts(300, seed)
    lo, hi = date(2024, 4, 1), date(2025, 3, 31)
    result = disruption_return(facts, date_from=lo, date_to=hi, period=period)
    inside = [f for f in facts if lo <= f.on <= hi]
    assert result.total == len(inside)
    region = [c for c in result.cells if c.organisation == ""]
    assert sum(c.count for c in region) == len(inside)
    for org in ("Gloucestershire", "Dorset", "Wiltshire"):
        cells = [c for c in result.cells if c.organisation == org]
        assert sum(c.count for c in cells) == sum(1 for f in inside if f.organisation == org)
        for p, _ in PS:
            for impact, _ in IMPACTS:
                got = sum(c.count for c in cells if c.p == p and c.impact == impact)
                assert got == sum(
                    1 for f in inside if f.organisation == org and f.p == p and f.impact == impact
                )


def test_a_force_with_nothing_still_makes_a_return_of_zeros() -> None:
    result = disruption_return(
        [], date_from=date(2025, 1, 1), date_to=date(2025, 3, 31), organisations=["Dorset"]
    )
    assert result.total == 0
    assert {c.organisation for c in result.cells} == {"Dorset", ""}
    assert len(result.cells) == 2 * len(PS) * len(IMPACTS)


def test_financial_quarters_and_months_are_clipped_to_the_dates() -> None:
    assert periods(date(2024, 5, 15), date(2024, 10, 2), "quarter") == [
        (date(2024, 5, 15), date(2024, 6, 30)),
        (date(2024, 7, 1), date(2024, 9, 30)),
        (date(2024, 10, 1), date(2024, 10, 2)),
    ]
    assert periods(date(2025, 1, 20), date(2025, 3, 5), "month")[1] == (date(2025, 2, 1), date(2025, 2, 28))
    assert periods(date(2025, 2, 1), date(2025, 2, 10), "quarter") == [(date(2025, 2, 1), date(2025, 2, 10))]


def test_dates_the_wrong_way_round_and_an_unknown_period_are_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        disruption_return([], date_from=date(2025, 3, 1), date_to=date(2025, 1, 1), period="fortnight")
    assert set(caught.value.fields) == {"date_to", "period"}
