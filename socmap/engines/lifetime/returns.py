"""The disruption return: validated disruptions counted by period, force, P and impact.

Pure: validated disruptions in, a complete table out (every period, organisation, P and impact,
zeros included, and the region's total as the organisation ""), so the CSV, the page and the API
all carry the same figures and each total is exactly the number of disruptions given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from socmap.engines.lifetime.dates import add_months, long_date
from socmap.engines.lifetime.types import DisruptionFact, DisruptionReturn, ReturnCell
from socmap.errors import InvalidInput

PS = (("pursue", "Pursue"), ("prevent", "Prevent"), ("protect", "Protect"), ("prepare", "Prepare"))
IMPACTS = (
    ("major", "Major"),
    ("moderate", "Moderate"),
    ("minor", "Minor"),
    ("none", "None"),
    ("negative", "Negative"),
)
PERIODS = ("whole", "quarter", "month")


def _quarter_start(day: date) -> date:
    """The start of the financial quarter (April, July, October, January) holding ``day``."""
    month = ((day.month - 4) % 12) // 3 * 3 + 4
    month = month - 12 if month > 12 else month
    year = day.year if month <= day.month else day.year - 1
    return date(year, month, 1)


def periods(date_from: date, date_to: date, period: str) -> list[tuple[date, date]]:
    """The periods of a return, clipped to its dates: the whole span, financial quarters or months."""
    if period == "whole":
        return [(date_from, date_to)]
    out = []
    start = _quarter_start(date_from) if period == "quarter" else date_from.replace(day=1)
    step = 3 if period == "quarter" else 1
    while start <= date_to:
        end = add_months(start, step) - timedelta(days=1)
        out.append((max(start, date_from), min(end, date_to)))
        start = add_months(start, step)
    return out


def disruption_return(
    facts: Iterable[DisruptionFact],
    *,
    date_from: date,
    date_to: date,
    period: str = "whole",
    organisations: Iterable[str] = (),
) -> DisruptionReturn:
    """Count validated disruptions dated within [date_from, date_to]; ``organisations`` are listed
    even when they have none (a force with no disruptions still makes a return)."""
    problems: dict[str, list[str]] = {}
    if date_to < date_from:
        problems["date_to"] = [
            f"The return ends on {long_date(date_to)}, before it starts on {long_date(date_from)}"
        ]
    if period not in PERIODS:
        problems["period"] = [f"Choose a period: {', '.join(PERIODS)}"]
    if problems:
        raise InvalidInput("The return cannot be made", fields=problems)
    spans = periods(date_from, date_to, period)
    counts: Counter[tuple[int, str, str, str]] = Counter()
    orgs = set(organisations)
    total = 0
    for fact in facts:
        if not date_from <= fact.on <= date_to:
            continue
        index = next(i for i, (a, b) in enumerate(spans) if a <= fact.on <= b)
        counts[(index, fact.organisation, fact.p, fact.impact)] += 1
        orgs.add(fact.organisation)
        total += 1
    cells = []
    for index, (start, end) in enumerate(spans):
        for org in [*sorted(orgs), ""]:
            for p, _ in PS:
                for impact, _ in IMPACTS:
                    if org:
                        n = counts[(index, org, p, impact)]
                    else:
                        n = sum(counts[(index, o, p, impact)] for o in orgs)
                    cells.append(ReturnCell(start, end, org, p, impact, n))
    explanation = (
        f"{total} validated disruption{'s' if total != 1 else ''} dated {long_date(date_from)} to "
        f"{long_date(date_to)}, counted by {'period, ' if period != 'whole' else ''}force, P and impact"
    )
    return DisruptionReturn(date_from, date_to, period, tuple(cells), total, explanation)
