"""Calendar arithmetic the law uses: "5 years beginning with" a date, month ends, quarters."""

from __future__ import annotations

import calendar
from datetime import date

from socmap.engines.lifetime.types import Span


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later; a day the month lacks becomes its last (31 Jan + 1 = 28/29 Feb)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


def add_span(start: date, span: Span) -> date:
    """``start`` moved on by years and months (calendar), then days."""
    from datetime import timedelta

    return add_months(start, span.years * 12 + span.months) + timedelta(days=span.days)


def long_date(day: date) -> str:
    """A date as people write it: 3 March 2024."""
    return f"{day.day} {day:%B %Y}"
