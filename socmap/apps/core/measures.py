"""Live measures: named figures computed from socmap's own data, used as improvement evidence.

Each app registers the measures whose data it owns (in its AppConfig.ready). A measure computes its
value for an organisation as of a moment, so its trend is worked out from the data itself rather than
from snapshots someone had to remember to take.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from socmap.errors import InvalidInput

MeasureValue = float | int | datetime | None


@dataclass(frozen=True)
class Measure:
    name: str  # stable slug, stored on evidence
    label: str  # what the user reads
    description: str
    unit: str  # "count", "date", "days", "percent"
    compute: Callable[[int, datetime], MeasureValue]  # (organisation id, as of) -> value
    higher_is_better: bool = True


@dataclass(frozen=True)
class MeasureReading:
    measure: Measure
    value: MeasureValue
    as_of: datetime
    trend: tuple[tuple[datetime, MeasureValue], ...]  # oldest first, ending with the current value

    @property
    def display(self) -> str:
        return format_value(self.measure, self.value)

    @property
    def direction(self) -> str:
        """'up', 'down' or 'flat' against the earliest point of the trend."""
        numbers = [v for _, v in self.trend if isinstance(v, int | float)]
        if len(numbers) < 2 or numbers[0] == numbers[-1]:
            return "flat"
        return "up" if numbers[-1] > numbers[0] else "down"

    @property
    def judgement(self) -> str:
        """The direction in words that say whether it is good news."""
        if self.direction == "flat":
            return "no change"
        better = (self.direction == "up") == self.measure.higher_is_better
        return f"{self.direction}, {'better' if better else 'worse'}"


_REGISTRY: dict[str, Measure] = {}


def register_measure(measure: Measure) -> None:
    _REGISTRY[measure.name] = measure


def measure_list() -> list[Measure]:
    return sorted(_REGISTRY.values(), key=lambda m: m.label)


def measure_get(name: str) -> Measure:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise InvalidInput(
            f"No measure called {name!r}",
            fields={"measure": [f"Choose one of {', '.join(sorted(_REGISTRY))}"]},
        ) from None


def measure_read(name: str, *, organisation_id: int, points: int = 4, step_days: int = 30) -> MeasureReading:
    """The measure's value now, and at ``points - 1`` earlier moments ``step_days`` apart."""
    measure = measure_get(name)
    now = timezone.now()
    moments = [now - timedelta(days=step_days * i) for i in range(points - 1, -1, -1)]
    trend = tuple((m, measure.compute(organisation_id, m)) for m in moments)
    return MeasureReading(measure=measure, value=trend[-1][1], as_of=now, trend=trend)


def format_value(measure: Measure, value: MeasureValue) -> str:
    if value is None:
        return "None yet"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%-d %B %Y")
    if measure.unit == "percent":
        return f"{value:.0f}%"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return f"{int(value):,}"
