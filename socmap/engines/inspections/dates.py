"""Dates as the inspectorate and forces write them: "2nd March 2017", "Tuesday 3 April 2018",
"March 2, 2017", "02/03/2017" (day first, as in the UK) and "2017-03-02"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")  # fmt: skip
_MONTHS = {name: n for n, name in enumerate(_MONTH_NAMES, start=1)}
_MONTHS |= {name[:3]: n for n, name in enumerate(_MONTH_NAMES, start=1)} | {"sept": 9}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAY = (
    r"(?:(?<![^\W\d_])(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)\b\.?,?[^\S\n]+)?"
)
_SP = r"[^\S\n]+"  # horizontal whitespace only: a date never spans lines
_DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    # 2nd March 2017, 2 March 2017, Tuesday 3 April 2018, 2 Mar. 2017
    re.compile(
        rf"(?<![\d/]){_WEEKDAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?{_SP}(?:of{_SP})?"
        rf"(?P<m>{_MONTH})\b\.?,?{_SP}(?P<y>\d{{4}})(?!\d)",
        re.I,
    ),
    # March 2, 2017
    re.compile(
        rf"(?<![\w/]){_WEEKDAY}(?P<m>{_MONTH})\b\.?{_SP}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?{_SP}(?P<y>\d{{4}})(?!\d)",
        re.I,
    ),
    # 02/03/2017 (UK: day first), 2.3.2017, 02-03-2017
    re.compile(r"(?<![\d/.-])(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?!\d)"),
    # 2017-03-02
    re.compile(r"(?<![\d/.-])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\w/])"),
)


@dataclass(frozen=True)
class DateHit:
    start: int
    end: int
    raw: str
    value: date | None  # None when the pattern matched but the date does not exist (31/02/2017)


def _hit(m: re.Match[str], shift: int = 0) -> DateHit:
    month = m.group("m")
    month_no = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
    try:
        value: date | None = date(int(m.group("y")), month_no, int(m.group("d")))
    except ValueError:
        value = None
    return DateHit(m.start() + shift, m.end() + shift, m.group(0), value)


def date_at(text: str, pos: int) -> DateHit | None:
    """A date starting exactly at ``pos`` (the longest if several patterns match)."""
    best: re.Match[str] | None = None
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text, pos)
        if m and (best is None or m.end() > best.end()):
            best = m
    return _hit(best) if best else None


def date_search(text: str) -> DateHit | None:
    """The first date anywhere in ``text``."""
    best: re.Match[str] | None = None
    for pattern in _DATE_PATTERNS:
        m = pattern.search(text)
        if m and (best is None or (m.start(), -m.end()) < (best.start(), -best.end())):
            best = m
    return _hit(best) if best else None


def line_start_dates(text: str) -> list[DateHit]:
    """Dates that begin a line of ``text`` (after indentation); the start of ``text`` counts."""
    hits = []
    for m in re.finditer(r"(?:^|(?<=\n))[^\S\n]*", text):
        h = date_at(text, m.end())
        if h:
            hits.append(h)
    return hits
