"""Noise that entity resolution must beat, and the date and name conventions of each source.

``Mentions`` renders one person as one record would show them, drawing each record-level noise
kind once per eligible mention and saying which kinds it drew for (``eligible``) and which it
applied (``noise``), so that the rates can be measured back from the ground truth.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from socmap.engines.synth import gazetteer as gz
from socmap.engines.synth.types import NoiseRates
from socmap.engines.synth.world import Person, World

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_LONG = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Keys next to each other on a UK keyboard: the typos fingers make.
_NEIGHBOURS = {
    "a": "qsz",
    "b": "vn",
    "c": "xv",
    "d": "sf",
    "e": "wr",
    "f": "dg",
    "g": "fh",
    "h": "gj",
    "i": "uo",
    "j": "hk",
    "k": "jl",
    "l": "k",
    "m": "n",
    "n": "bm",
    "o": "ip",
    "p": "o",
    "q": "w",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "u": "yi",
    "v": "cb",
    "w": "qe",
    "x": "zc",
    "y": "tu",
    "z": "x",
}
# Spelling rules for names not in a phonetic family: the sound stays, the letters change.
_SOUND_RULES = (
    ("ph", "f"),
    ("ck", "k"),
    ("ey", "ie"),
    ("ie", "y"),
    ("y", "i"),
    ("ll", "l"),
    ("nn", "n"),
    ("tt", "t"),
    ("ss", "s"),
    ("rr", "r"),
    ("mm", "m"),
    ("ou", "ow"),
    ("ee", "ea"),
    ("c", "k"),
    ("s", "z"),
    ("th", "t"),
    ("ai", "ay"),
    ("ei", "ie"),
)
_PHONETIC = {name: group for group in gz.PHONETIC_GROUPS for name in group}

DateStyle = str  # one of the keys of ``format_date``


def format_date(value: date, style: DateStyle) -> str:
    """A date as a given source writes it."""
    d, m, y = value.day, value.month, value.year
    match style:
        case "dmy_slash":
            return f"{d:02d}/{m:02d}/{y:04d}"
        case "iso":
            return f"{y:04d}-{m:02d}-{d:02d}"
        case "d_mon_yy":
            return f"{d} {MONTHS[m - 1]} {y % 100:02d}"
        case "dmy_dash":
            return f"{d:02d}-{m:02d}-{y:04d}"
        case "dd_mon_yyyy":
            return f"{d:02d}-{MONTHS[m - 1].upper()}-{y:04d}"
        case "dmy_short":
            return f"{d:02d}/{m:02d}/{y % 100:02d}"
        case "ymd_compact":
            return f"{y:04d}{m:02d}{d:02d}"
        case "d_month_yyyy":
            return f"{d} {MONTHS_LONG[m - 1]} {y:04d}"
        case "ymd_slash":
            return f"{y:04d}/{m:02d}/{d:02d}"
    raise ValueError(style)


def impossible_date(style: DateStyle, rng: random.Random) -> str:
    """A date that cannot exist (31 February, 31 April, month 13) written in a source's style."""
    y = rng.randint(1965, 2006)
    d, m = rng.choice(((31, 2), (30, 2), (31, 4), (31, 6), (31, 9), (31, 11), (12, 13), (0, 5)))
    match style:
        case "dmy_slash":
            return f"{d:02d}/{m:02d}/{y:04d}"
        case "iso":
            return f"{y:04d}-{m:02d}-{d:02d}"
        case "d_mon_yy" | "dd_mon_yyyy" | "d_month_yyyy":
            if m > 12:
                d, m = 31, 2
            month = (
                MONTHS[m - 1]
                if style == "d_mon_yy"
                else MONTHS[m - 1].upper()
                if style == "dd_mon_yyyy"
                else MONTHS_LONG[m - 1]
            )
            if style == "d_mon_yy":
                return f"{d} {month} {y % 100:02d}"
            return f"{d:02d}-{month}-{y:04d}" if style == "dd_mon_yyyy" else f"{d} {month} {y:04d}"
        case "dmy_dash":
            return f"{d:02d}-{m:02d}-{y:04d}"
        case "dmy_short":
            return f"{d:02d}/{m:02d}/{y % 100:02d}"
        case "ymd_compact":
            return f"{y:04d}{m:02d}{d:02d}"
        case "ymd_slash":
            return f"{y:04d}/{m:02d}/{d:02d}"
    raise ValueError(style)


def fold_ascii(text: str) -> str:
    """What an old system that only takes plain letters stores: accents and curly apostrophes gone."""
    text = text.replace("’", "'")
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def typo(word: str, rng: random.Random) -> str:
    """One slip of the keyboard: a neighbouring key, two letters swapped, one dropped or doubled."""
    if len(word) < 3:
        return word + word[-1:]
    for _ in range(6):
        position = rng.randrange(1, len(word))
        kind = rng.randrange(4)
        char = word[position]
        if kind == 0 and char.lower() in _NEIGHBOURS:
            swap = rng.choice(_NEIGHBOURS[char.lower()])
            new = word[:position] + (swap.upper() if char.isupper() else swap) + word[position + 1 :]
        elif kind == 1 and position < len(word) - 1:
            new = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
        elif kind == 2 and len(word) > 3:
            new = word[:position] + word[position + 1 :]
        else:
            new = word[:position] + char + word[position:]
        if new != word:
            return new
    return word + word[-1]


def phonetic(word: str, rng: random.Random) -> str:
    """The same name spelt as heard: a known spelling family first, else a sound-alike rule."""
    group = _PHONETIC.get(word)
    if group:
        return rng.choice([name for name in group if name != word])
    lower = word.lower()
    rules = [(a, b) for a, b in _SOUND_RULES if a in lower[1:]]
    if rules:
        a, b = rng.choice(rules)
        at = lower.index(a, 1)
        return word[:at] + b + word[at + len(a) :]
    return word[:-1] if word.endswith("e") and len(word) > 3 else word + "e"


def nickname(person: Person, rng: random.Random) -> str:
    """What someone is called instead of their forename: a short form, or their street name."""
    if person.alias and rng.random() < 0.5:
        return person.alias
    forms = gz.NICKNAMES.get(person.forename)
    if forms:
        return rng.choice(forms)
    base = person.forename
    return base[: max(3, min(4, len(base) - 1))] if len(base) > 4 else base + "y"


def stray(text: str, rng: random.Random) -> str:
    """Stray whitespace or mixed case, as typed in a hurry."""
    kind = rng.randrange(5)
    if kind == 0:
        return f" {text}"
    if kind == 1:
        return f"{text}  "
    if kind == 2:
        return text.lower() if text != text.lower() else text.upper()
    if kind == 3:
        return text.upper() if text != text.upper() else text.lower()
    return text.replace(" ", "  ") if " " in text else f"{text} "


@dataclass(slots=True)
class Mention:
    """One person as one record shows them, with the noise drawn for and applied."""

    forename: str
    surname: str
    dob: str
    dob_value: date | None
    address: int  # address index, or -1 when missing
    phone: int  # phone index, or -1 when missing
    noise: list[str] = field(default_factory=list)
    eligible: list[str] = field(default_factory=list)

    def full_name(self) -> str:
        """ "Forename Surname", or "SURNAME, Forename" when that noise was drawn."""
        if "surname_first" in self.noise:
            return f"{self.surname.upper()}, {self.forename}"
        return f"{self.forename} {self.surname}"


class Mentions:
    """Renders people into records with the configured noise rates."""

    def __init__(self, world: World, rates: NoiseRates, rng: random.Random) -> None:
        self.world = world
        self.rates = rates
        self.rng = rng
        # Its own stream, seeded from the source's without drawing from it: a region of a given
        # seed keeps every other value it had before this rate existed.
        self.bare_rng = random.Random(hash(tuple(rng.getstate()[1][:8])) ^ 0x1D)  # nosec B311 # seeded for repeatable synthetic data, not secrecy

    def person(
        self,
        person: Person,
        day: int,
        *,
        date_style: DateStyle,
        with_dob: bool = True,
        with_address: bool = True,
        with_phone: bool = False,
    ) -> Mention:
        """Render ``person`` as of ``day``; optional fields may go missing, names get noisy."""
        rng = self.rng
        rates = self.rates
        noise: list[str] = []
        eligible = ["typo", "phonetic", "nickname", "surname_first", "whitespace_case"]
        forename, surname = person.forename, person.surname
        if rng.random() < rates.nickname:
            forename = nickname(person, rng)
            noise.append("nickname")
        if rng.random() < rates.phonetic:
            if rng.random() < 0.5:
                forename = phonetic(forename, rng)
            else:
                surname = phonetic(surname, rng)
            noise.append("phonetic")
        if rng.random() < rates.typo:
            if rng.random() < 0.5:
                forename = typo(forename, rng)
            else:
                surname = typo(surname, rng)
            noise.append("typo")
        if rng.random() < rates.surname_first:
            noise.append("surname_first")
        if rng.random() < rates.whitespace_case:
            if rng.random() < 0.5:
                forename = stray(forename, rng)
            else:
                surname = stray(surname, rng)
            noise.append("whitespace_case")
        address = person.address_at(day) if with_address else -1
        phone = self.phone_at(person, day) if with_phone else -1
        dob_value = person.dob if with_dob else None
        optional = [
            name
            for name, present in (("dob", with_dob), ("address", address >= 0), ("phone", phone >= 0))
            if present
        ]
        if optional:
            eligible.append("missing_field")
            if rng.random() < rates.missing_field:
                dropped = rng.choice(optional)
                noise.append("missing_field")
                if dropped == "dob":
                    dob_value = None
                elif dropped == "address":
                    address = -1
                else:
                    phone = -1
        dob_text = ""
        if dob_value is not None:
            if dob_value.day <= 12 and dob_value.day != dob_value.month:
                eligible.append("dob_swap")
                if rng.random() < rates.dob_swap:
                    dob_value = date(dob_value.year, dob_value.day, dob_value.month)
                    noise.append("dob_swap")
            dob_text = format_date(dob_value, date_style)
        if dob_value is not None or phone >= 0:
            eligible.append("no_identifier")
            if self.bare_rng.random() < rates.no_identifier:
                # As an informant gives someone: a name and where they live, nothing to look up.
                dob_text, dob_value, phone = "", None, -1
                noise.append("no_identifier")
        if person.twin >= 0:
            noise.append("twin")
        if address >= 0 and person.addresses and address != person.addresses[0][0]:
            noise.append("address_changed")
        if phone >= 0 and self.world.phones[phone].holders[0][0] != person.idx:
            noise.append("recycled_phone")
        return Mention(forename, surname, dob_text, dob_value, address, phone, noise, eligible)

    def phone_at(self, person: Person, day: int) -> int:
        """The number the person used on a day (their latest that covers it), or -1."""
        found = -1
        for index in person.phones:
            phone = self.world.phones[index]
            for holder, start, end in phone.holders:
                if holder == person.idx and start <= day <= end:
                    found = index
        return found
