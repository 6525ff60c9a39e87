"""What every source writer shares: the run context, sampling of people, and how values are written."""

from __future__ import annotations

import bisect
import itertools
import pathlib
import random
from dataclasses import dataclass, field
from datetime import date

from socmap.engines.synth import gazetteer as gz
from socmap.engines.synth.noise import Mention, Mentions
from socmap.engines.synth.output import CsvSink, FileInfo, MalformedLog, RecordsTruth
from socmap.engines.synth.types import NoiseRates, Progress, SynthConfig
from socmap.engines.synth.world import LAST, Link, Person, World

#: Person-to-person link kinds (the others tie a person to a company).
PERSON_LINKS = ("call", "co_arrest", "payment", "seen_together", "exploits", "family", "twin")

#: Sources in the order a real estate would be most likely to export them as Windows-1252:
#: the ``cp1252`` rate picks that share of them, from the top.
CP1252_ORDER = (
    "legacy.csv",
    "housing.csv",
    "intel/dorset.csv",
    "prison.csv",
    "intel/wiltshire.csv",
    "safeguarding.csv",
    "intel/gloucestershire.csv",
    "cdr.csv",
    "anpr.csv",
    "intel/avon_and_somerset.csv",
    "intel/devon_and_cornwall.csv",
)

HANDLING_CONDITIONS = (
    "Not to be disseminated outside the SOC unit without reference to the originator.",
    "Do not action without consulting the Dedicated Source Unit.",
    "Disclosure to partners only through the MASH, sanitised.",
    "Not for disclosure to the subject or their representatives.",
    "May be shared with SW ROCU; no onward dissemination.",
    "Intelligence only: not to be used as evidence.",
)


def encodings_for(rate: float) -> dict[str, str]:
    """Which text sources are written as Windows-1252 for a ``cp1252`` rate."""
    take = round(rate * len(CP1252_ORDER))
    return {rel: ("cp1252" if position < take else "utf-8") for position, rel in enumerate(CP1252_ORDER)}


@dataclass
class Context:
    """One generation run as the source writers see it."""

    world: World
    config: SynthConfig
    root: pathlib.Path
    truth: RecordsTruth
    malformed: MalformedLog
    progress: Progress | None
    encodings: dict[str, str]
    files: list[FileInfo] = field(default_factory=list)
    adjacency: list[list[int]] = field(default_factory=list)
    by_kind: dict[str, list[int]] = field(default_factory=dict)

    @property
    def rates(self) -> NoiseRates:
        return self.config.noise

    def finish_csv(self, rel: str, sink: CsvSink, description: str, date_format: str, **more: object) -> None:
        """Close a CSV source and record it for the manifest with its conventions."""
        rows = sink.close()
        extra = {
            "delimiter": sink.delimiter,
            "date_format": date_format,
            **more,
            "line_ending": "CRLF" if sink.crlf else "LF",
        }
        self.files.append(FileInfo(rel, rows, "csv", sink.encoding, description, extra=extra))

    def rng(self, name: str) -> random.Random:
        """An independent generator per source, so one source's size never shifts another's."""
        return random.Random(f"socmap-synth:{self.config.seed}:source:{name}")  # nosec B311 # seeded for repeatable synthetic data, not secrecy

    def mentions(self, rng: random.Random) -> Mentions:
        return Mentions(self.world, self.rates, rng)

    def sink(self, rel: str, header: list[str], rows: int, rng: random.Random, **options: object) -> CsvSink:
        forced = options.pop("forced", ())
        return CsvSink(
            self.root,
            rel,
            header,
            encoding=self.encodings.get(rel, "utf-8"),
            rows=rows,
            rng=rng,
            rate=self.rates.malformed,
            malformed=self.malformed,
            progress=self.progress,
            forced=forced,  # type: ignore[arg-type]
            **options,  # type: ignore[arg-type]
        )

    def index_links(self) -> None:
        """Who is linked to whom (person-to-person), and links by kind, for the writers to sample."""
        self.adjacency = [[] for _ in self.world.people]
        for number, link in enumerate(self.world.links):
            self.by_kind.setdefault(link.kind, []).append(number)
            if link.kind in PERSON_LINKS:
                self.adjacency[link.a].append(number)
                self.adjacency[link.b].append(number)

    def other(self, link: Link, person: int) -> int:
        return link.b if link.a == person else link.a

    def add_person(
        self, rel: str, rid: str, field_name: str, person: Person, mention: Mention, extra: list[str]
    ) -> None:
        """Truth rows for one person mention and the address and phone it showed."""
        self.truth.add(rel, rid, field_name, "person", person.id, mention.noise + extra, mention.eligible)
        if mention.address >= 0:
            self.truth.add(
                rel, rid, f"{field_name}_address", "address", self.world.addresses[mention.address].id
            )
        if mention.phone >= 0:
            self.truth.add(rel, rid, f"{field_name}_phone", "phone", self.world.phones[mention.phone].id)


class PersonPool:
    """Draws people in proportion to how often they come to official notice (``Person.weight``)."""

    def __init__(self, people: list[Person], rng: random.Random) -> None:
        self.people = people
        self.cum = list(itertools.accumulate(p.weight for p in people))
        self.rng = rng

    def draw(self) -> Person:
        return self.people[bisect.bisect_left(self.cum, self.rng.random() * self.cum[-1])]

    def __len__(self) -> int:
        return len(self.people)


def force_of(person: Person) -> str:
    return gz.TOWNS[person.town].force


def age_on(person: Person, on: date) -> int:
    """A person's age in whole years on a date."""
    years = on.year - person.dob.year
    if (on.month, on.day) < (person.dob.month, person.dob.day):
        years -= 1
    return years


def vehicle_at(world: World, person: Person, day: int) -> int:
    """The vehicle a person was using on a day, or -1."""
    for index in person.vehicles:
        for user, start, end in world.vehicles[index].users:
            if user == person.idx and start <= day <= end:
                return index
    return -1


def phone_national(number: str) -> str:
    """07700 900123."""
    return f"{number[:5]} {number[5:]}"


def phone_international(number: str) -> str:
    """+447700900123."""
    return f"+44{number[1:]}"


def grading_3x5x2(rng: random.Random) -> tuple[str, str, str, str]:
    """Source evaluation, intelligence assessment, handling code and (for C) the conditions."""
    source = rng.choices(("1", "2", "3"), weights=(0.35, 0.55, 0.10))[0]
    intel = rng.choices(("A", "B", "C", "D", "E"), weights=(0.2, 0.35, 0.3, 0.1, 0.05))[0]
    handling = "C" if rng.random() < 0.2 else "P"
    return source, intel, handling, rng.choice(HANDLING_CONDITIONS) if handling == "C" else ""


def clock(rng: random.Random) -> tuple[int, int]:
    """An hour and minute, busier in the afternoon and evening."""
    hour = rng.choices(
        range(24), weights=(2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 6, 6, 5, 4, 3)
    )[0]
    return hour, rng.randrange(60)


def span_day(rng: random.Random, start: int, end: int) -> int:
    start, end = max(0, start), min(LAST, end)
    return rng.randint(start, end) if end >= start else start
