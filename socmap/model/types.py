"""Value types of the vocabulary: one ``clean()`` and one ``validate()`` each.

``clean(raw)`` turns a value as received into its normal form or raises ``ValueError`` with a
message a person can act on. ``validate(value)`` checks a cleaned value and returns the problem, or
``None`` when it is acceptable. The cleaned value is always stored next to the original, never in
place of it, so a cleaning rule can be improved and re-run later.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import phonenumbers

# How far in the future a date may be before it is refused (clock skew, time zones, typing ahead).
FUTURE_TOLERANCE = timedelta(days=1)

# Month names and their usual abbreviations as people write them in dates (any case once lowered).
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}


def collapse(text: str) -> str:
    """Trim and collapse runs of whitespace to one space."""
    # str.split splits on the characters ``\s`` matches; a third of the time of a regex on the
    # short values of a source row, and ingest cleans a dozen of them a row.
    return " ".join(text.split())


def _title_word(word: str) -> str:
    out = []
    upper_next = True
    for ch in word:
        out.append(ch.upper() if upper_next else ch.lower())
        upper_next = ch in "-'’ "
    return "".join(out)


def clean_name(raw: str) -> str:
    """Collapse whitespace; re-case names typed all upper or all lower (``O'BRIEN`` -> ``O'Brien``)."""
    text = collapse(raw)
    if not text:
        raise ValueError("empty name")
    if text.isupper() or text.islower():
        text = " ".join(_title_word(w) for w in text.split(" "))
    return text


def validate_name(value: str) -> str | None:
    if not any(ch.isalpha() for ch in value):
        return f"{value!r} has no letters"
    return None


_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def clean_date(raw: str) -> str:
    """Full (``YYYY-MM-DD``) or partial (``YYYY``, ``YYYY-MM``) ISO dates; a time part is dropped."""
    text = collapse(raw)
    if "T" in text:
        text = text.split("T", 1)[0]
    elif " " in text:
        text = text.split(" ", 1)[0]
    m = _ISO_DATE.match(text)
    if not m:
        raise ValueError(f"{raw!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = m.group(1), m.group(2), m.group(3)
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError(f"{raw!r} is not a real date") from None
    return text


def validate_date(value: str, *, today: date | None = None) -> str | None:
    m = _ISO_DATE.match(value)
    if not m:
        return f"{value!r} is not an ISO date"
    try:
        first = date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return f"{value!r} is not a real date"
    if first.year < 1850:
        return f"{value!r} is before 1850"
    limit = (today or date.today()) + FUTURE_TOLERANCE
    if first > limit:
        return f"{value!r} is in the future"
    return None


# How far ahead a date that is expected (a release, an expiry) may lie before it is thought a typo.
DUE_HORIZON_YEARS = 100


def validate_due_date(value: str, *, today: date | None = None) -> str | None:
    """A date that may lie ahead (an expected release, an order's end): real, after 1850, not absurd."""
    m = _ISO_DATE.match(value)
    if not m:
        return f"{value!r} is not an ISO date"
    try:
        first = date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return f"{value!r} is not a real date"
    if first.year < 1850:
        return f"{value!r} is before 1850"
    if first.year > (today or date.today()).year + DUE_HORIZON_YEARS:
        return f"{value!r} is more than {DUE_HORIZON_YEARS} years ahead"
    return None


_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def clean_time(raw: str) -> str:
    text = collapse(raw)
    m = _TIME.match(text)
    if not m:
        raise ValueError(f"{raw!r} is not a time (HH:MM or HH:MM:SS)")
    hh, mm, ss = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if hh > 23 or mm > 59 or ss > 59:
        raise ValueError(f"{raw!r} is not a real time")
    return f"{hh:02d}:{mm:02d}:{ss:02d}" if m.group(3) else f"{hh:02d}:{mm:02d}"


def validate_time(value: str) -> str | None:
    try:
        clean_time(value)
    except ValueError as exc:
        return str(exc)
    return None


def clean_phone(raw: str, region: str = "GB") -> str:
    """E.164 (``+447700900123``). Numbers that lost their leading 0 or start ``44`` are repaired."""
    text = re.sub(r"[^\d+]", "", raw)
    if not text:
        raise ValueError(f"{raw!r} has no digits")
    if text.startswith("00"):
        text = "+" + text[2:]
    elif text.startswith("44") and len(text) >= 12:
        text = "+" + text
    elif not text.startswith(("+", "0")) and len(text) == 10:
        text = "0" + text  # stored as a number somewhere, leading 0 lost
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValueError(f"{raw!r} is not a phone number") from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"{raw!r} is not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> str | None:
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return f"{value!r} is not a phone number"
    if not phonenumbers.is_possible_number(number):
        return f"{value!r} is not a possible phone number"
    return None


_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b", re.IGNORECASE)


def clean_postcode(raw: str) -> str:
    """UK postcode, upper case with one space before the inward code (``GL50 3PP``)."""
    text = re.sub(r"\s+", "", raw).upper()
    m = _POSTCODE.match(text)
    if not m:
        raise ValueError(f"{raw!r} is not a UK postcode")
    return f"{m.group(1)} {m.group(2)}"


def validate_postcode(value: str) -> str | None:
    if not _POSTCODE.match(value) or " " not in value:
        return f"{value!r} is not a UK postcode in normal form"
    return None


_VRM_FORMATS = (
    re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z]{3}$"),  # current: AB12CDE
    re.compile(r"^[A-Z][0-9]{1,3}[A-Z]{3}$"),  # prefix: A123BCD
    re.compile(r"^[A-Z]{3}[0-9]{1,3}[A-Z]$"),  # suffix: ABC123D
    re.compile(r"^[A-Z]{1,3}[0-9]{1,4}$"),  # dateless: ABC1234
    re.compile(r"^[0-9]{1,4}[A-Z]{1,3}$"),  # dateless reversed: 1234ABC
)


def clean_vrm(raw: str) -> str:
    """Vehicle registration mark: upper case, no spaces or punctuation."""
    text = re.sub(r"[^A-Za-z0-9]", "", raw).upper()
    if not text:
        raise ValueError(f"{raw!r} is not a registration mark")
    return text


def validate_vrm(value: str) -> str | None:
    if not any(p.match(value) for p in _VRM_FORMATS):
        return f"{value!r} is not a UK registration mark"
    return None


def clean_identifier(raw: str) -> str:
    text = collapse(raw)
    if not text:
        raise ValueError("empty identifier")
    return text.upper()


def validate_identifier(value: str) -> str | None:
    return None if value else "empty identifier"


def clean_text(raw: str) -> str:
    text = raw.strip()
    if not text:
        raise ValueError("empty text")
    return text


def validate_text(value: str) -> str | None:
    return None


def clean_amount(raw: str) -> str:
    text = re.sub(r"[£$€,\s]", "", raw)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{raw!r} is not a number")
    return format(number.normalize(), "f") if number != number.to_integral() else str(int(number))


def validate_amount(value: str) -> str | None:
    try:
        Decimal(value)
    except InvalidOperation:
        return f"{value!r} is not a number"
    return None


_COUNTRIES = {
    "UK": "gb",
    "UNITED KINGDOM": "gb",
    "GREAT BRITAIN": "gb",
    "ENGLAND": "gb-eng",
    "WALES": "gb-wls",
    "SCOTLAND": "gb-sct",
    "NORTHERN IRELAND": "gb-nir",
    "BRITISH": "gb",
    "IRELAND": "ie",
    "IRISH": "ie",
}


def clean_country(raw: str) -> str:
    """ISO 3166 alpha-2 code in lower case, as FollowTheMoney writes it."""
    text = collapse(raw).upper()
    if text in _COUNTRIES:
        return _COUNTRIES[text]
    if re.fullmatch(r"[A-Z]{2}", text):
        return text.lower()
    raise ValueError(f"{raw!r} is not a country")


def validate_country(value: str) -> str | None:
    return None if re.fullmatch(r"[a-z]{2}(-[a-z]{3})?", value) else f"{value!r} is not a country code"


def clean_entity(raw: str) -> str:
    return clean_text(raw)


@dataclass(frozen=True)
class ValueType:
    """A named value type with its cleaning and validation rule."""

    name: str
    clean: Callable[[str], str]
    validate: Callable[[str], str | None]


# Value types that are dates: a value that is not a real date is an error (quarantined), not a warning.
DATE_TYPES = frozenset({"date", "due_date"})

VALUE_TYPES: dict[str, ValueType] = {
    t.name: t
    for t in (
        ValueType("name", clean_name, validate_name),
        ValueType("date", clean_date, validate_date),
        ValueType("due_date", clean_date, validate_due_date),
        ValueType("time", clean_time, validate_time),
        ValueType("phone", clean_phone, validate_phone),
        ValueType("postcode", clean_postcode, validate_postcode),
        ValueType("vrm", clean_vrm, validate_vrm),
        ValueType("identifier", clean_identifier, validate_identifier),
        ValueType("text", clean_text, validate_text),
        ValueType("amount", clean_amount, validate_amount),
        ValueType("country", clean_country, validate_country),
        ValueType("entity", clean_entity, validate_text),
    )
}
