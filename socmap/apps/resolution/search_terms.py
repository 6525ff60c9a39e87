"""What a person types into the people search, understood: dates of birth as UK users write them,
and names as keys (sound codes, with the typos and nicknames people make) and as a score.

Pure functions, no database: the search (``search.py``) asks the store with the keys and ranks
what comes back with ``name_score``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import jellyfish
from rapidfuzz.distance import JaroWinkler

from socmap.engines.resolve.nicknames import nickname_groups
from socmap.model.types import MONTHS

_NUMERIC = re.compile(r"(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{2}|\d{4})")
_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_MONTH_YEAR = re.compile(r"(\d{1,2})[/.\-](\d{4})")
_WORDS = re.compile(r"(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([a-z]+)\.?,?\s+(\d{2}|\d{4})")
DATE_HINT = "Enter a date of birth like 15/09/1957, 15 Sep 1957, Sept 1957 or 1957"


@dataclass(frozen=True)
class DateQuery:
    """A date of birth as far as it was given: a year, a month of a year, or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def prefix(self) -> str:
        """As stored dates begin (``1957``, ``1957-09``, ``1957-09-15``): a search by prefix."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def words(self) -> str:
        """As people write it: 15 September 1957, September 1957, 1957."""
        if self.month is None:
            return str(self.year)
        month = date(2000, self.month, 1).strftime("%B")
        return f"{self.day} {month} {self.year}" if self.day else f"{month} {self.year}"


def _year(text: str, today: date) -> int:
    """A two-digit year is a date of birth's: the latest year ending so that is not in the future."""
    if len(text) == 4:
        return int(text)
    century = today.year // 100 * 100
    year = century + int(text)
    return year if year <= today.year else year - 100


def parse_birth_date(text: str, *, today: date | None = None) -> DateQuery:
    """A date of birth as a UK user types it: 15/09/1957, 15-09-1957, 15.09.1957, 15/9/57,
    15 Sep 1957, 15 September 1957, Sept 1957, 09/1957, 1957 or 1957-09-15. Day first, always.
    Raises ValueError (with the hint) for anything else, or a day that does not exist."""
    today = today or date.today()
    s = " ".join(text.strip().lower().split())
    day: int | None = None
    month: int | None = None
    if m := _ISO.fullmatch(s):
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        day = int(m.group(3)) if m.group(3) else None
    elif m := _NUMERIC.fullmatch(s):
        day, month, year = int(m.group(1)), int(m.group(2)), _year(m.group(3), today)
    elif m := _MONTH_YEAR.fullmatch(s):
        month, year = int(m.group(1)), int(m.group(2))
    elif (m := _WORDS.fullmatch(s)) and m.group(2) in MONTHS:
        day = int(m.group(1)) if m.group(1) else None
        month, year = MONTHS[m.group(2)], _year(m.group(3), today)
    else:
        raise ValueError(DATE_HINT)
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        raise ValueError(f"{text.strip()} is not a real date. {DATE_HINT}") from None
    if year < 1850 or date(year, month or 1, day or 1) > today:
        raise ValueError(f"{text.strip()} cannot be a date of birth. {DATE_HINT}")
    return DateQuery(year, month, day)


def name_tokens(text: str) -> list[str]:
    """A name as lower-case words without accents or punctuation ("O'Neil, Séan" -> oneil, sean)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    cleaned = re.sub(r"[^a-z\s,-]", "", folded).replace(",", " ").replace("-", " ")
    return cleaned.split()


@lru_cache(maxsize=4096)
def _code(word: str) -> str:
    return str(jellyfish.metaphone(word))[:8] if word else ""


def _near(word: str) -> set[str]:
    """The word and what it was probably meant to be: each letter dropped, each pair of neighbours
    swapped (the commonest typing slips: "jonh", "smiht")."""
    out = {word}
    for i in range(len(word)):
        if len(word) > 2:
            out.add(word[:i] + word[i + 1 :])
        if i + 1 < len(word):
            out.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    return out


def _variants(word: str) -> set[str]:
    """The word, its near misses, and every name of its nickname groups (Bob -> Robert, Rob...)."""
    groups = nickname_groups()
    out = _near(word)
    for key in groups.get(word, ()):
        out.add(key)
        out.update(name for name, keys in groups.items() if key in keys)
    return out


def token_codes(word: str) -> frozenset[str]:
    """Sound codes a record's name word may have if the searcher meant it by ``word``."""
    if len(word) == 1:
        return frozenset()  # an initial has no sound code: the other name finds the record
    return frozenset(c for c in map(_code, _variants(word)) if c)


def _word_score(typed: str, stored: str) -> float:
    """How alike a typed name word is to a stored one, 0..1: Jaro-Winkler, raised for an initial
    that fits, a nickname of the same group, and the same letters in another order (a slip of the
    keys: "jonh" is nearer "john" than "jon")."""
    if not typed or not stored:
        return 0.0
    if typed == stored:
        return 1.0
    if len(typed) == 1:
        return 0.9 if stored.startswith(typed) else 0.0
    groups = nickname_groups()
    if set(groups.get(typed, ())) & set(groups.get(stored, ())):
        return 0.95
    score = float(JaroWinkler.similarity(typed, stored))
    if sorted(typed) == sorted(stored):
        score = max(score, 0.96)
    return score


def name_score(typed: list[str], stored: list[str]) -> float:
    """How alike a typed name is to a stored name, 0..1, whichever way round the forename and surname
    were given: the forename and surname compared as such (either order), other words ignored."""
    if not typed or not stored:
        return 0.0
    if len(typed) == 1:
        return max(_word_score(typed[0], word) for word in stored)
    first, last = typed[0], typed[-1]
    fore, sur = stored[0], stored[-1]
    straight = (_word_score(first, fore) + _word_score(last, sur)) / 2
    swapped = (_word_score(first, sur) + _word_score(last, fore)) / 2
    return max(straight, swapped * 0.99)  # as typed wins a tie (Thomas James v. James Thomas)
