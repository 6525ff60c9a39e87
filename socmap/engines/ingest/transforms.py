"""Value transforms a mapping can apply before the value type cleans a value.

Every transform takes one string and returns a list of strings (usually one; ``split`` may return
many, and an empty list means "no value"). A transform that cannot make sense of its input raises
``ValueError`` with a message naming the value.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from socmap.model.types import (
    MONTHS,
    POSTCODE_IN_TEXT,
    clean_phone,
    clean_postcode,
    clean_vrm,
    collapse,
)

# Tokens of a date format, longest first. `MM` is the month unless it follows `HH:` (then minutes).
_TOKENS = (
    ("yyyy", r"(?P<year>\d{4})"),
    ("YYYY", r"(?P<year>\d{4})"),
    ("MMMM", r"(?P<monthname>[A-Za-z]{3,9})"),
    ("MMM", r"(?P<monthname>[A-Za-z]{3,4})"),
    ("MON", r"(?P<monthname>[A-Za-z]{3,4})"),
    ("mon", r"(?P<monthname>[A-Za-z]{3,4})"),
    ("yy", r"(?P<yy>\d{2})"),
    ("YY", r"(?P<yy>\d{2})"),
    ("mm", r"(?P<month>\d{1,2})"),
    ("MM", r"(?P<month>\d{1,2})"),
    ("dd", r"(?P<day>\d{1,2})"),
    ("DD", r"(?P<day>\d{1,2})"),
    ("d", r"(?P<day>\d{1,2})"),
    ("m", r"(?P<month>\d{1,2})"),
    ("HH", r"(?P<hour>\d{1,2})"),
    ("SS", r"(?P<second>\d{2})"),
    ("ss", r"(?P<second>\d{2})"),
)

ISO = "iso"  # yyyy-mm-dd with an optional time, fraction and zone (Z or +hh:mm)
EXCEL = "excel"  # a date cell read from a workbook (ISO) or an Excel serial day number
_ISO_RE = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_EXCEL_EPOCH = date(1899, 12, 30)


@functools.cache
def _compile(fmt: str) -> re.Pattern[str]:
    if fmt == ISO:
        return _ISO_RE
    out = []
    i = 0
    after_hour = False
    while i < len(fmt):
        for token, pattern in _TOKENS:
            if fmt.startswith(token, i):
                if token == "MM" and after_hour:  # noqa: S105 - a date token, not a secret  # nosec B105
                    pattern = r"(?P<minute>\d{2})"
                if token == "HH":  # noqa: S105 - a date token, not a secret  # nosec B105
                    after_hour = True
                out.append(pattern)
                i += len(token)
                break
        else:
            ch = fmt[i]
            out.append(r"\s+" if ch == " " else re.escape(ch))
            i += 1
    return re.compile("^" + "".join(out) + "$")


def known_date_format(fmt: str) -> bool:
    """True if ``fmt`` names a day, a month and a year, each once (or is ``iso``/``excel``)."""
    if fmt in (ISO, EXCEL):
        return True
    try:
        groups = _compile(fmt).groupindex
    except re.error:  # a part named twice ("dd/dd/yyyy")
        return False
    return (
        "day" in groups
        and ("month" in groups or "monthname" in groups)
        and ("year" in groups or "yy" in groups)
    )


def _century(yy: int, pivot: int | None) -> int:
    """Two-digit year: ``yy <= pivot`` is 20yy, else 19yy. Default pivot: this year (no future years)."""
    if pivot is None:
        pivot = date.today().year % 100
    return 2000 + yy if yy <= pivot else 1900 + yy


def parse_datetime(text: str, formats: Sequence[str], *, pivot: int | None = None) -> tuple[date, str]:
    """The date and time (``HH:MM[:SS]`` or ``""``) of ``text`` under the first format that fits."""
    return _parse_datetime(text, tuple(formats), pivot)


# Sources repeat their dates and times (every sighting of a day, a date and a time read from one
# timestamp column): parsing was a sixth of the mapping process's time on the synthetic region.
@functools.lru_cache(maxsize=1 << 16)
def _parse_datetime(text: str, formats: tuple[str, ...], pivot: int | None) -> tuple[date, str]:
    value = collapse(text)
    for fmt in formats:
        if fmt == EXCEL and re.fullmatch(r"\d{3,5}(\.\d+)?", value):
            serial = float(value)
            day = _EXCEL_EPOCH + timedelta(days=int(serial))
            seconds = round((serial - int(serial)) * 86400)
            clock = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}" if seconds else ""
            return day, clock
        m = _compile(ISO if fmt == EXCEL else fmt).match(value)
        if not m:
            continue
        g = m.groupdict()
        year = int(g["year"]) if g.get("year") else _century(int(g["yy"]), pivot)
        if g.get("monthname"):
            month = MONTHS.get(g["monthname"].lower(), 0)
            if not month:
                raise ValueError(f"{text!r} has an unknown month {g['monthname']!r}")
        else:
            month = int(g["month"])
        try:
            day = date(year, month, int(g["day"]))
        except ValueError:
            raise ValueError(f"{text!r} is not a real date") from None
        clock = ""
        if g.get("hour") is not None and g.get("minute") is not None:
            hh, mi = int(g["hour"]), int(g["minute"])
            ss = g.get("second")
            if hh > 23 or mi > 59 or (ss is not None and int(ss) > 59):
                raise ValueError(f"{text!r} is not a real time")
            clock = f"{hh:02d}:{mi:02d}" + (f":{int(ss):02d}" if ss is not None else "")
        return day, clock
    raise ValueError(f"{text!r} matches none of the date formats {', '.join(formats)}")


def to_date(text: str, formats: Sequence[str], *, pivot: int | None = None) -> str:
    """ISO date (``YYYY-MM-DD``) from a source date in one of ``formats``."""
    return parse_datetime(text, formats, pivot=pivot)[0].isoformat()


def to_time(text: str, formats: Sequence[str]) -> str:
    """The time part (``HH:MM[:SS]``) of a source date-time, ``""`` if it has none."""
    return parse_datetime(text, formats)[1]


# ---- names ----

_TITLES = {"MR", "MRS", "MISS", "MS", "MX", "DR", "SIR", "LADY", "REV", "PROF", "MASTER"}


def split_name(text: str) -> tuple[str, str, str]:
    """(first, middle names, last) of a name written in any of the usual police forms.

    ``SURNAME/FORENAME`` and ``SURNAME, Forename`` put the surname first; ``Forename SURNAME`` last.
    Without punctuation, a name whose leading words alone are upper case (``SMITH John``) is read
    surname first. Titles (Mr, Mrs, Dr …) are dropped.
    """
    value = collapse(text)
    if not value:
        return "", "", ""
    if "/" in value or "," in value:
        sep = "/" if "/" in value else ","
        last, _, rest = value.partition(sep)
        words = [w for w in rest.replace(sep, " ").split() if w.upper().strip(".") not in _TITLES]
        last = collapse(last)
    else:
        words = [w for w in value.split() if w.upper().strip(".") not in _TITLES]
        if not words:
            return "", "", ""
        upper = [w.isupper() and any(c.isalpha() for c in w) for w in words]
        lead = 0
        while lead < len(words) and upper[lead]:
            lead += 1
        if 0 < lead < len(words) and not any(upper[lead:]):
            last = " ".join(words[:lead])
            words = words[lead:]
        else:
            last = words[-1] if len(words) > 1 else ""
            words = words[:-1] if len(words) > 1 else words
    first = words[0] if words else ""
    middle = " ".join(words[1:])
    return first, middle, last


def name_part(text: str, part: str) -> list[str]:
    first, middle, last = split_name(text)
    value = {
        "first": first,
        "middle": middle,
        "last": last,
        "forenames": collapse(f"{first} {middle}"),
        "full": collapse(f"{first} {middle} {last}"),
    }[part]
    return [value] if value else []


NAME_PARTS = ("first", "middle", "last", "forenames", "full")

# ---- the transform table ----


def _one(fn: Callable[[str], str]) -> Callable[[str, object], list[str]]:
    def run(text: str, arg: object) -> list[str]:
        out = fn(text)
        return [out] if out else []

    return run


def _date(text: str, arg: object) -> list[str]:
    formats, pivot = date_args(arg)
    return [to_date(text, formats, pivot=pivot)]


def _time(text: str, arg: object) -> list[str]:
    formats, _ = date_args(arg)
    clock = to_time(text, formats)
    return [clock] if clock else []


def date_args(arg: object) -> tuple[list[str], int | None]:
    """``[formats]`` or ``{formats: [...], pivot: yy}``; ``ValueError`` for a pivot that is not 0-99."""
    if isinstance(arg, str):
        return [arg], None
    if isinstance(arg, list):
        return [str(a) for a in arg], None
    if isinstance(arg, dict):
        fmts = arg.get("formats") or []
        pivot = arg.get("pivot")
        if pivot is not None and (
            isinstance(pivot, bool) or not isinstance(pivot, int) or not 0 <= pivot <= 99
        ):
            raise ValueError(f"the pivot is a two-digit year (0 to 99), not {pivot!r}")
        return [str(f) for f in (fmts if isinstance(fmts, list) else [fmts])], pivot
    return [ISO], None


def _split(text: str, arg: object) -> list[str]:
    sep = str(arg) if arg else ";"
    return [p.strip() for p in text.split(sep) if p.strip()]


def _name(text: str, arg: object) -> list[str]:
    return name_part(text, str(arg))


def _map(text: str, arg: object) -> list[str]:
    table = arg if isinstance(arg, dict) else {}
    key = text.strip()
    out = table.get(key, table.get(key.upper(), key))
    return [str(out)] if out not in (None, "") else []


def _regex(text: str, arg: object) -> list[str]:
    m = re.search(str(arg), text)
    if not m:
        return []
    return [m.group(1) if m.groups() else m.group(0)]


def _extract_postcode(text: str) -> str:
    matches = POSTCODE_IN_TEXT.findall(text)
    if not matches:
        return ""
    out, inward = matches[-1]
    return f"{out.upper()} {inward.upper()}"


def _strip_postcode(text: str) -> str:
    """The address without a trailing postcode (and its separating comma)."""
    return collapse(POSTCODE_IN_TEXT.sub("", text)).strip(" ,")


def _prefix(text: str, arg: object) -> list[str]:
    return [f"{arg}{text}"]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


TRANSFORMS: dict[str, Callable[[str, object], list[str]]] = {
    "trim": _one(collapse),
    "upper": _one(lambda s: s.upper()),
    "lower": _one(lambda s: s.lower()),
    "title": _one(lambda s: s.title()),
    "postcode": _one(clean_postcode),
    "extract_postcode": _one(_extract_postcode),
    "strip_postcode": _one(_strip_postcode),
    "phone": _one(clean_phone),
    "vrm": _one(clean_vrm),
    "digits": _one(_digits),
    "date": _date,
    "time": _time,
    "split": _split,
    "name": _name,
    "map": _map,
    "regex": _regex,
    "prefix": _prefix,
}
# Transforms that need an argument, and what it must look like.
NEEDS_ARG = {
    "date": "formats",
    "split": "separator",
    "name": "part",
    "map": "table",
    "regex": "pattern",
    "prefix": "text",
}


def apply(name: str, arg: object, values: list[str]) -> list[str]:
    fn = TRANSFORMS[name]
    out: list[str] = []
    for v in values:
        out.extend(fn(v, arg))
    return out
