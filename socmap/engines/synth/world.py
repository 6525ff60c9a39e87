"""The true world behind the synthetic sources: people, objects, groups and the links between them.

Dates are held as whole days since ``PERIOD_START`` (ints) so the sources can sample them fast.
Nothing here writes a file; ``sources`` render this world as each system would export it and
``truth`` writes it down as the ground truth.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker.providers.person.en_GB import Provider as EnGbNames

from socmap.engines.synth import gazetteer as gz
from socmap.engines.synth.types import NoiseRates

PERIOD_START = date(2019, 1, 1)
PERIOD_END = date(2024, 12, 31)
DAYS = (PERIOD_END - PERIOD_START).days + 1
LAST = DAYS - 1


def day_to_date(day: int) -> date:
    """The calendar date of a day number."""
    return PERIOD_START + timedelta(days=day)


@dataclass(slots=True)
class Address:
    """A residential or business address."""

    id: str
    flat: str
    number: int
    street: str
    town: int
    postcode: str

    def line(self) -> str:
        """The first line as people write it: "Flat 2, 14 Church Road"."""
        house = f"{self.number} {self.street}"
        return f"{self.flat}, {house}" if self.flat else house


@dataclass(slots=True)
class Phone:
    """A mobile number; holders change when the network recycles it."""

    id: str
    number: str  # national format, 11 digits: 07xxxxxxxxx
    holders: list[tuple[int, int, int]] = field(default_factory=list)  # person, first day, last day


@dataclass(slots=True)
class Vehicle:
    """A vehicle with its registration mark; users drive it over spans of days."""

    id: str
    vrm: str
    make: str
    model: str
    colour: str
    town: int
    activity: float
    users: list[tuple[int, int, int]] = field(default_factory=list)


@dataclass(slots=True)
class Account:
    """A bank account held by a person or a company."""

    id: str
    sort_code: str
    number: str
    bank: str
    holder_kind: str  # person | company
    holder: int


@dataclass(slots=True)
class Company:
    """A business; front businesses launder money or employ exploited workers for a group."""

    id: str
    name: str
    number: str
    kind: str
    address: int
    ocg: str
    directors: list[int] = field(default_factory=list)
    accounts: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Person:
    """One true person of the world, whatever the sources later call them."""

    idx: int
    id: str
    sex: str
    forename: str
    middle: str
    surname: str
    dob: date
    role: str  # offender | vulnerable | bystander | public
    town: int
    start: int = 0
    end: int = LAST
    alias: str = ""
    ocg: str = ""
    ocg_role: str = ""
    crew: str = ""  # the crew within a family group, when it works in crews
    detail: str = ""  # enabler kind, vulnerability, or why a bystander is one
    linked_ocg: str = ""
    theme: str = ""
    pi: bool = False
    household: int = -1
    twin: int = -1
    weight: float = 1.0
    addresses: list[tuple[int, int, int]] = field(default_factory=list)  # address, first day, last day
    phones: list[int] = field(default_factory=list)
    vehicles: list[int] = field(default_factory=list)
    accounts: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The canonical name: forename, middle name, surname."""
        return " ".join(part for part in (self.forename, self.middle, self.surname) if part)

    def address_at(self, day: int) -> int:
        """The address someone was living at on a day: the latest to start (a trap house over home), or -1."""
        found, since = -1, -1
        for address, start, end in self.addresses:
            if start <= day <= end and start > since:
                found, since = address, start
        return found


@dataclass(slots=True)
class Link:
    """A true link between two people (or a person and a company), with its kind and dates."""

    kind: str  # call | co_arrest | payment | seen_together | exploits | family | twin | employed_by
    a: int
    b: int
    start: int
    end: int
    ocg: str = ""  # the group whose business this was, if any


@dataclass(slots=True)
class Ocg:
    """An organised crime group as it truly was: members with roles, spanned forces and lifecycle."""

    id: str
    name: str
    theme: str
    home_force: str
    forces: list[str]
    town: int
    start: int
    end: int
    status: str = "active"  # active | split | merged | dismantled
    parents: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    members: list[tuple[int, str, int, int]] = field(default_factory=list)  # person, role, first, last day
    companies: list[int] = field(default_factory=list)
    vulnerable: list[int] = field(default_factory=list)
    crews: dict[int, int] = field(default_factory=dict)  # person -> crew number, for a family of crews


@dataclass
class World:
    """Everything true about the synthetic region, in id order (lists only, for determinism)."""

    people: list[Person] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    vehicles: list[Vehicle] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    companies: list[Company] = field(default_factory=list)
    ocgs: list[Ocg] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many of each kind of true thing the world holds."""
        roles: dict[str, int] = {"offender": 0, "vulnerable": 0, "bystander": 0, "public": 0}
        for person in self.people:
            roles[person.role] += 1
        return {
            "people": len(self.people),
            **{f"people_{role}": n for role, n in roles.items()},
            "priority_individuals": sum(1 for p in self.people if p.pi),
            "ocgs": len(self.ocgs),
            "addresses": len(self.addresses),
            "phones": len(self.phones),
            "vehicles": len(self.vehicles),
            "accounts": len(self.accounts),
            "companies": len(self.companies),
            "links": len(self.links),
        }


class _Names:
    """Samples names from Faker's en_GB lists with our own seeded generator (fast, reproducible)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        male = list(EnGbNames.first_names_male)
        female = list(EnGbNames.first_names_female)
        # Popular names come first in Faker's lists: a Zipf-like weight makes common names collide.
        # Our extra names weigh as a name ranked 40th, so accented names reach the cp1252 files.
        self.male = male + list(gz.EXTRA_FORENAMES_M)
        self.female = female + list(gz.EXTRA_FORENAMES_F)
        self.male_cum = list(
            itertools.accumulate(
                [1.0 / (rank + 8) for rank in range(len(male))] + [1.0 / 48] * len(gz.EXTRA_FORENAMES_M)
            )
        )
        self.female_cum = list(
            itertools.accumulate(
                [1.0 / (rank + 8) for rank in range(len(female))] + [1.0 / 48] * len(gz.EXTRA_FORENAMES_F)
            )
        )
        surnames = list(EnGbNames.last_names.items()) + [
            (name, 0.15 if name.isascii() else 0.12) for name in gz.EXTRA_SURNAMES
        ]
        self.surnames = [name for name, _ in surnames]
        self.surname_cum = list(itertools.accumulate(weight for _, weight in surnames))

    def forename(self, sex: str) -> str:
        if sex == "M":
            return self.rng.choices(self.male, cum_weights=self.male_cum)[0]
        return self.rng.choices(self.female, cum_weights=self.female_cum)[0]

    def surname(self) -> str:
        return self.rng.choices(self.surnames, cum_weights=self.surname_cum)[0]


class _Builder:
    """Builds a ``World`` for a target record count, drawing only from one seeded generator."""

    def __init__(
        self, seed: int, records: int, rates: NoiseRates, bystander_cap: int, group_sizes: str = "standard"
    ) -> None:
        self.rng = random.Random(f"socmap-synth:{seed}:world")  # nosec B311 # seeded for repeatable synthetic data, not secrecy
        self.group_sizes = group_sizes
        # Past this size the runners last in line drift away rather than join a merged group.
        self.max_group = 40 if group_sizes == "standard" else 150
        self.rates = rates
        self.cap = bystander_cap
        self.world = World()
        self.names = _Names(self.rng)
        self.town_cum = list(itertools.accumulate(town.weight for town in gz.TOWNS))
        self.towns_by_force: dict[str, list[int]] = {force.slug: [] for force in gz.FORCES}
        for index, town in enumerate(gz.TOWNS):
            self.towns_by_force[town.force].append(index)
        self.force_cum = list(
            itertools.accumulate(
                sum(gz.TOWNS[t].weight for t in self.towns_by_force[f.slug]) for f in gz.FORCES
            )
        )
        self.streets: list[list[list[object]]] = [[] for _ in gz.TOWNS]  # name, next number, postcodes
        self.used_numbers: set[str] = set()  # membership only, never iterated
        self.used_vrms: set[str] = set()
        self.used_postcodes: set[str] = set()
        # Scale: person-bearing records are about a third of all records; a few mentions per person.
        self.n_people = max(400, int(records**0.85 / 1.5))
        self.n_ocgs = max(4, round(self.n_people**0.75 / 30))
        self.household_seq = 0

    # -- objects ---------------------------------------------------------------------------------

    def town_in(self, force: str | None = None) -> int:
        if force is None:
            return bisect.bisect_left(self.town_cum, self.rng.random() * self.town_cum[-1])
        towns = self.towns_by_force[force]
        return self.rng.choices(towns, weights=[gz.TOWNS[t].weight for t in towns])[0]

    def force_pick(self) -> str:
        index = bisect.bisect_left(self.force_cum, self.rng.random() * self.force_cum[-1])
        return gz.FORCES[index].slug

    def postcode(self, town: int) -> str:
        rng = self.rng
        letters = gz.POSTCODE_UNIT_LETTERS
        while True:
            district = rng.choice(gz.TOWNS[town].districts)
            code = f"{district} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
            if code not in self.used_postcodes:
                self.used_postcodes.add(code)
                return code

    def new_address(self, town: int, *, flat_chance: float = 0.15) -> int:
        rng = self.rng
        streets = self.streets[town]
        target = 8 + int(gz.TOWNS[town].weight * 6)
        if len(streets) < target and (not streets or rng.random() < 0.3):
            name = f"{rng.choice(gz.STREET_STEMS)} {rng.choice(gz.STREET_SUFFIXES)}"
            streets.append([name, 1, [self.postcode(town)]])
        street = rng.choice(streets)
        number = int(street[1])  # type: ignore[call-overload]
        street[1] = number + rng.randint(1, 3)
        postcodes: list[str] = street[2]  # type: ignore[assignment]
        if number // 40 >= len(postcodes):  # roughly one postcode unit per forty houses
            postcodes.append(self.postcode(town))
        flat = f"{rng.choice(gz.FLAT_PREFIXES)} {rng.randint(1, 12)}" if rng.random() < flat_chance else ""
        index = len(self.world.addresses)
        self.world.addresses.append(
            Address(
                f"A{index + 1:07d}",
                flat,
                number,
                str(street[0]),
                town,
                postcodes[min(number // 40, len(postcodes) - 1)],
            )
        )
        return index

    def new_phone(self, person: int, start: int, end: int) -> int:
        rng = self.rng
        while True:
            number = f"07{rng.choice('4577899')}{rng.randint(0, 99_999_999):08d}"
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                break
        index = len(self.world.phones)
        self.world.phones.append(Phone(f"PH{index + 1:07d}", number, [(person, start, end)]))
        self.world.people[person].phones.append(index)
        return index

    def vrm(self) -> str:
        rng = self.rng
        while True:
            year = rng.randint(2003, 2024)
            age = year % 100 + (50 if rng.random() < 0.5 else 0)
            if year == 2024 and age > 50:
                age = 24
            letters = "".join(rng.choice(gz.VRM_LETTERS) for _ in range(3))
            mark = f"{rng.choice(gz.VRM_MEMORY_TAGS)}{age:02d} {letters}"
            if mark not in self.used_vrms:
                self.used_vrms.add(mark)
                return mark

    def new_vehicle(self, person: int, start: int, end: int, activity: float) -> int:
        rng = self.rng
        make, models = rng.choice(gz.VEHICLE_MAKES)
        index = len(self.world.vehicles)
        owner = self.world.people[person]
        vehicle = Vehicle(
            f"V{index + 1:07d}",
            self.vrm(),
            make,
            rng.choice(models),
            rng.choice(gz.VEHICLE_COLOURS),
            owner.town,
            activity,
            [(person, start, end)],
        )
        self.world.vehicles.append(vehicle)
        owner.vehicles.append(index)
        return index

    def new_account(self, holder_kind: str, holder: int) -> int:
        rng = self.rng
        prefix, bank = rng.choice(gz.BANKS)
        index = len(self.world.accounts)
        account = Account(
            f"AC{index + 1:07d}",
            f"{prefix}-{rng.randint(0, 99):02d}-{rng.randint(0, 99):02d}",
            f"{rng.randint(10_000_000, 99_999_999)}",
            bank,
            holder_kind,
            holder,
        )
        self.world.accounts.append(account)
        if holder_kind == "person":
            self.world.people[holder].accounts.append(index)
        else:
            self.world.companies[holder].accounts.append(index)
        return index

    def new_company(self, kind: str, town: int, ocg: str, directors: list[int]) -> int:
        rng = self.rng
        word = rng.choice(gz.BUSINESS_WORDS) if rng.random() < 0.7 else gz.TOWNS[town].name
        index = len(self.world.companies)
        company = Company(
            f"CO{index + 1:06d}",
            f"{word} {kind}",
            f"{rng.randint(6_000_000, 15_999_999):08d}",
            kind,
            self.new_address(town, flat_chance=0.0),
            ocg,
            list(directors),
        )
        self.world.companies.append(company)
        self.new_account("company", index)
        return index

    # -- people ----------------------------------------------------------------------------------

    def new_person(
        self,
        role: str,
        town: int,
        *,
        age: tuple[int, int],
        sex: str | None = None,
        surname: str | None = None,
        foreign: bool = False,
    ) -> Person:
        rng = self.rng
        if foreign:
            sex, forename, surname = rng.choice(gz.FOREIGN_NAMES)
        else:
            sex = sex or ("M" if rng.random() < 0.5 else "F")
            forename = self.names.forename(sex)
            surname = surname or self.names.surname()
        middle = self.names.forename(sex) if not foreign and rng.random() < 0.45 else ""
        if middle == forename:
            middle = ""
        years = rng.randint(age[0], age[1])
        dob = PERIOD_START - timedelta(days=years * 365 + rng.randint(0, 364))
        index = len(self.world.people)
        person = Person(index, f"P{index + 1:07d}", sex, forename, middle, surname, dob, role, town)
        self.world.people.append(person)
        return person

    def home(self, person: Person, start: int = 0, *, address: int | None = None) -> None:
        """Give a person a fresh home from ``start``; some move once or twice (address_change)."""
        rng = self.rng
        first = self.new_address(person.town) if address is None else address
        spans: list[tuple[int, int, int]] = []
        if rng.random() < self.rates.address_change:
            moves = 1 if rng.random() < 0.75 else 2
            cuts = sorted(rng.sample(range(start + 60, LAST - 30), moves)) if start + 60 < LAST - 90 else []
            current, since = first, start
            for cut in cuts:
                spans.append((current, since, cut - 1))
                town = person.town if rng.random() < 0.8 else self.town_in(gz.TOWNS[person.town].force)
                current, since = self.new_address(town), cut
            spans.append((current, since, LAST))
        else:
            spans.append((first, start, LAST))
        person.addresses.extend(spans)

    def link(self, kind: str, a: int, b: int, start: int, end: int, ocg: str = "") -> None:
        self.world.links.append(Link(kind, a, b, start, end, ocg))

    def build(self) -> World:
        self.build_ocgs()
        self.build_priority_individuals()
        self.build_vulnerable()
        self.build_group_links()
        self.build_bystanders()
        self.build_public()
        self.recycle_phones()
        self.build_public_links()
        return self.world

    # -- organised crime groups ------------------------------------------------------------------

    def build_ocgs(self) -> None:
        rng = self.rng
        base: list[Ocg] = []
        for number in range(self.n_ocgs):
            theme = rng.choices(gz.THEMES, weights=gz.THEME_WEIGHTS)[0]
            home = self.force_pick()
            forces = [home]
            spread = rng.random()
            others = [f.slug for f in gz.FORCES if f.slug != home]
            # The first group always crosses a force border, so every region has one that does.
            if number == 0 or spread < (0.55 if theme == "county_lines" else 0.25):
                forces.append(rng.choice(others))
            if spread < 0.08:
                forces.append(rng.choice([f for f in others if f not in forces]))
            start = rng.randint(0, int(DAYS * 0.55))
            ocg = Ocg(
                f"OCG{len(self.world.ocgs) + 1:04d}", "", theme, home, forces, self.town_in(home), start, LAST
            )
            self.world.ocgs.append(ocg)
            crews = 0
            if self.group_sizes == "standard":
                size = min(40, 5 + int(35 * rng.random() ** 2.2))
            else:
                # Heavy-tailed 3-150: half the groups have 12 or fewer people, one in six 60 or more.
                size = max(3, min(150, round(3 * 50 ** (rng.random() ** 1.5))))
                if self.group_sizes == "families":
                    if number == 0:
                        size, crews = 150, 3
                    elif size >= 40 and rng.random() < 0.5:
                        crews = rng.randint(2, min(4, size // 12))
            self.staff(ocg, size, start, crews=crews)
            base.append(ocg)
        # Lifecycle: some groups split, some pairs merge, some are dismantled; the rest stay active.
        merging: list[Ocg] = []
        for ocg in base:
            if ocg.crews:
                continue  # a family of crews stays whole and active: the case its crews are planted for
            draw = rng.random()
            if draw < 0.12 and len(ocg.members) >= 8 and LAST - ocg.start > 500:
                self.split(ocg)
            elif draw < 0.24 and LAST - ocg.start > 500:
                merging.append(ocg)
            elif draw < 0.40 and LAST - ocg.start > 400:
                self.dismantle(ocg, rng.randint(ocg.start + 300, LAST - 60))
        for first, second in zip(merging[0::2], merging[1::2], strict=False):
            if first.status == "active" and second.status == "active":
                self.merge(first, second)
        # Every region shows each lifecycle at least once, however few groups it has.
        statuses = [ocg.status for ocg in base]
        spare = [o for o in base if o.status == "active" and LAST - o.start > 500 and not o.crews]
        if "split" not in statuses:
            big = [o for o in spare if len(o.members) >= 8]
            if big:
                self.split(big[0])
                spare.remove(big[0])
        if "merged" not in statuses and len(spare) >= 2:
            self.merge(spare[0], spare[1])
            spare = spare[2:]
        if "dismantled" not in statuses and spare:
            self.dismantle(spare[0], rng.randint(spare[0].start + 300, LAST - 60))

    def staff(self, ocg: Ocg, size: int, start: int, *, crews: int = 0) -> None:
        """Recruit a group: one principal, lieutenants, enablers and runners.

        With ``crews`` the group is a family firm: the principal heads it, one lieutenant leads each
        crew, the other members are dealt out to the crews, and half of them are relatives.
        """
        rng = self.rng
        lieutenants = max(crews, max(1, size // 6))
        enablers = 1 if size < 10 else 2
        roles = ["principal"] + ["lieutenant"] * lieutenants + ["enabler"] * enablers
        roles += ["runner"] * (size - len(roles))
        family = self.names.surname()
        for role in roles:
            force = (
                ocg.home_force if rng.random() < 0.7 or len(ocg.forces) == 1 else rng.choice(ocg.forces[1:])
            )
            town = ocg.town if force == ocg.home_force and rng.random() < 0.6 else self.town_in(force)
            ages = {"principal": (28, 55), "lieutenant": (22, 45), "enabler": (25, 60), "runner": (17, 30)}[
                role
            ]
            foreign = ocg.theme in ("modern_slavery", "oic") and rng.random() < 0.5
            # Family firms: some members share the principal's surname.
            # A family of crews is headed by one of the family; half its members are relatives.
            related = rng.random() < (0.5 if crews else 0.15) and not foreign
            surname = family if related or (crews and role == "principal") else None
            person = self.new_person("offender", town, age=ages, surname=surname, foreign=foreign)
            person.theme = ocg.theme
            person.weight = {"principal": 12.0, "lieutenant": 10.0, "enabler": 6.0, "runner": 8.0}[role]
            if role == "enabler":
                person.detail = rng.choice(gz.ENABLER_KINDS[ocg.theme])
            if rng.random() < 0.5:
                person.alias = gz.SURNAME_STREET_NAMES.get(person.surname) or rng.choice(gz.STREET_NAMES)
            joined = (
                start if role in ("principal", "lieutenant") else rng.randint(start, max(start, LAST - 200))
            )
            left = LAST if role != "runner" or rng.random() < 0.8 else rng.randint(joined + 90, LAST)
            left = min(left, LAST)
            person.start = joined
            self.offender_kit(person, joined)
            ocg.members.append((person.idx, role, joined, left))
            person.ocg, person.ocg_role = ocg.id, role
        if crews:
            # Crew leaders first (the first lieutenants), then everyone else but the head in turn.
            for position, (member, _, _, _) in enumerate(ocg.members[1:]):
                ocg.crews[member] = position % crews
                self.world.people[member].crew = f"{ocg.id}-C{position % crews + 1}"
        principal = self.world.people[ocg.members[0][0]]
        ocg.name = f"{principal.surname} {rng.choice(('group', 'network', 'OCG', 'family', 'crew'))}"
        if ocg.theme in ("modern_slavery", "oic", "fraud") or rng.random() < 0.3:
            kind = rng.choice(gz.FRONT_BUSINESSES[ocg.theme])
            directors = [m[0] for m in ocg.members if m[1] in ("principal", "enabler")][:2]
            ocg.companies.append(self.new_company(kind, ocg.town, ocg.id, directors))

    def offender_kit(self, person: Person, start: int) -> None:
        """Home, burner phones covering the whole period, maybe a vehicle, and an account."""
        rng = self.rng
        self.home(person, 0)
        # Burners: the number changes every few months to a couple of years.
        day = 0
        while day <= LAST:
            end = min(LAST, day + rng.randint(240, 1100))
            if LAST - end < 60:
                end = LAST
            self.new_phone(person.idx, day, end)
            day = end + 1
        if rng.random() < 0.6:
            self.new_vehicle(person.idx, 0, LAST, 4.0 if person.theme != "county_lines" else 8.0)
        self.new_account("person", person.idx)

    def split(self, ocg: Ocg) -> None:
        """The group breaks in two: its principal keeps one half, a lieutenant leads the other."""
        rng = self.rng
        cut = rng.randint(ocg.start + 250, LAST - 250)
        ocg.status, ocg.end = "split", cut - 1
        current = [m for m in ocg.members if m[3] >= cut]
        leaders = [m for m in current if m[1] == "principal"] + [m for m in current if m[1] == "lieutenant"][
            :1
        ]
        rest = [m for m in current if m not in leaders]
        rng.shuffle(rest)
        while len(leaders) < 2 and rest:
            leaders.append(rest.pop())
        halves = [rest[::2], rest[1::2]]
        for number, (leader, half) in enumerate(zip(leaders, halves, strict=False)):
            child = Ocg(
                f"OCG{len(self.world.ocgs) + 1:04d}",
                f"{ocg.name} ({'AB'[number]})",
                ocg.theme,
                ocg.home_force,
                list(ocg.forces),
                ocg.town,
                cut,
                LAST,
                parents=[ocg.id],
            )
            child.members.append((leader[0], "principal", cut, leader[3]))
            child.members += [(m[0], m[1], max(cut, m[2]), m[3]) for m in half]
            self.staff_top_up(child, cut)
            ocg.children.append(child.id)
            self.world.ocgs.append(child)
        ocg.members = [(p, role, joined, min(left, cut - 1)) for p, role, joined, left in ocg.members]
        ocg.members = [m for m in ocg.members if m[2] <= m[3]]

    def merge(self, first: Ocg, second: Ocg) -> None:
        """Two groups join: the first's principal leads, the second's becomes a lieutenant."""
        rng = self.rng
        cut = rng.randint(max(first.start, second.start) + 250, LAST - 200)
        child = Ocg(
            f"OCG{len(self.world.ocgs) + 1:04d}",
            f"{first.name} / {second.name}",
            first.theme,
            first.home_force,
            sorted(set(first.forces) | set(second.forces), key=[f.slug for f in gz.FORCES].index),
            first.town,
            cut,
            LAST,
            parents=[first.id, second.id],
        )
        for parent in (first, second):
            parent.status, parent.end = "merged", cut - 1
            parent.children.append(child.id)
            for person, role, joined, left in parent.members:
                if left >= cut:
                    new_role = "lieutenant" if parent is second and role == "principal" else role
                    child.members.append((person, new_role, max(cut, joined), left))
            parent.members = [(p, role, j, min(left, cut - 1)) for p, role, j, left in parent.members]
            parent.members = [m for m in parent.members if m[2] <= m[3]]
        if not any(m[1] == "principal" for m in child.members):
            self.staff_top_up(child, cut)
        # Groups stay small: past the largest size, the runners last in line drift away rather than join.
        rank = ("principal", "lieutenant", "enabler", "runner")
        child.members = sorted(child.members, key=lambda m: rank.index(m[1]))[: self.max_group]
        self.world.ocgs.append(child)
        for person, role, _, _ in child.members:
            self.world.people[person].ocg, self.world.people[person].ocg_role = child.id, role

    def staff_top_up(self, ocg: Ocg, start: int) -> None:
        """A new group after a split recruits to at least five members."""
        rng = self.rng
        for member, role, _, _ in ocg.members:
            self.world.people[member].ocg, self.world.people[member].ocg_role = ocg.id, role
        while len(ocg.members) < 5:
            town = ocg.town if rng.random() < 0.6 else self.town_in(ocg.home_force)
            person = self.new_person("offender", town, age=(17, 30))
            person.theme, person.weight, person.start = ocg.theme, 8.0, start
            self.offender_kit(person, start)
            role = "principal" if not ocg.members else "runner"
            ocg.members.append((person.idx, role, start, LAST))
            person.ocg, person.ocg_role = ocg.id, role

    def dismantle(self, ocg: Ocg, day: int) -> None:
        """Enforcement ends the group; its members' span in it ends that day."""
        ocg.status, ocg.end = "dismantled", day
        ocg.members = [(p, role, min(joined, day), min(left, day)) for p, role, joined, left in ocg.members]

    # -- individuals -----------------------------------------------------------------------------

    def build_priority_individuals(self) -> None:
        rng = self.rng
        for _ in range(max(3, self.n_ocgs // 2)):
            force = self.force_pick()
            person = self.new_person("offender", self.town_in(force), age=(20, 50))
            person.pi, person.weight = True, 14.0
            person.theme = rng.choices(gz.THEMES, weights=gz.THEME_WEIGHTS)[0]
            person.start = rng.randint(0, DAYS // 2)
            if rng.random() < 0.6:
                person.alias = gz.SURNAME_STREET_NAMES.get(person.surname) or rng.choice(gz.STREET_NAMES)
            self.offender_kit(person, person.start)

    def build_vulnerable(self) -> None:
        """Exploited children, cuckooed tenants, trafficked workers: each linked to a group."""
        rng = self.rng
        kinds = {
            "county_lines": ("exploited_child", "cuckooed"),
            "modern_slavery": ("trafficked_worker",),
            "cse": ("cse_victim",),
            "oic": ("trafficked_worker",),
            "fraud": ("money_mule",),
            "firearms": ("exploited_child",),
            "acquisitive": ("exploited_child",),
        }
        for ocg in list(self.world.ocgs):
            if ocg.parents:
                continue  # children inherit the vulnerable people of their parents' business
            for _ in range(rng.randint(1, 3 if ocg.theme not in ("modern_slavery", "cse") else 6)):
                kind = rng.choice(kinds[ocg.theme])
                age = (
                    (13, 17)
                    if kind in ("exploited_child", "cse_victim")
                    else (35, 70)
                    if kind == "cuckooed"
                    else (19, 45)
                )
                person = self.new_person(
                    "vulnerable",
                    ocg.town if rng.random() < 0.7 else self.town_in(rng.choice(ocg.forces)),
                    age=age,
                    foreign=kind == "trafficked_worker" and rng.random() < 0.8,
                )
                person.detail, person.linked_ocg, person.theme, person.weight = kind, ocg.id, ocg.theme, 4.0
                person.start = ocg.start
                self.home(person, 0)
                self.new_phone(person.idx, 0, LAST)
                if kind in ("money_mule", "trafficked_worker"):
                    self.new_account("person", person.idx)
                ocg.vulnerable.append(person.idx)

    def build_group_links(self) -> None:
        """Dense true links inside each group, exploitation links, and a few links between groups."""
        rng = self.rng
        world = self.world
        kinds = ("call", "call", "call", "co_arrest", "payment", "seen_together", "seen_together")
        for ocg in world.ocgs:
            members = sorted(
                ocg.members, key=lambda m: ("principal", "lieutenant", "enabler", "runner").index(m[1])
            )
            spans = {m[0]: (m[2], m[3]) for m in members}
            order = [m[0] for m in members]

            def add(
                a: int,
                b: int,
                kind: str | None = None,
                ocg: Ocg = ocg,
                spans: dict[int, tuple[int, int]] = spans,
            ) -> None:
                lo = max(spans[a][0], spans[b][0], ocg.start)
                hi = min(spans[a][1], spans[b][1], ocg.end)
                if hi < lo:
                    lo, hi = min(spans[a][0], spans[b][0]), max(spans[a][1], spans[b][1])
                kind = kind or rng.choice(kinds)
                start = rng.randint(lo, lo + (hi - lo) // 2)
                end = (
                    start if kind in ("co_arrest", "seen_together") else min(hi, start + rng.randint(30, 720))
                )
                self.link(kind, a, b, start, end, ocg.id)

            if ocg.crews:
                self.crew_links(ocg, order, add)
            else:
                # A spanning tree first, so the group is always connected; runners report to the top.
                for position in range(1, len(order)):
                    top = max(1, min(position, 1 + len(order) // 6))
                    add(order[position], order[rng.randrange(top)])
                for _ in range(len(order)):
                    a, b = rng.sample(order, 2)
                    add(a, b)
            # Shared homes inside the group: a principal and partner, runners in a trap house.
            if len(order) >= 6 and rng.random() < 0.5:
                a, b = order[0], order[1]
                self.share_address(a, b, spans[b][0])
            # Vehicle use: members borrow a group car for a while (it shows in their reports and ANPR).
            drivers = [m for m in order if world.people[m].vehicles]
            if drivers and len(order) >= 3 and rng.random() < 0.7:
                shared = world.people[drivers[0]].vehicles[0]
                for borrower in rng.sample([m for m in order if m != drivers[0]], min(2, len(order) - 1)):
                    lo = max(spans[borrower][0], ocg.start)
                    hi = min(spans[borrower][1], ocg.end)
                    start = rng.randint(lo, max(lo, hi - 30))
                    world.vehicles[shared].users.append(
                        (borrower, start, min(hi, start + rng.randint(30, 300)))
                    )
                    world.people[borrower].vehicles.append(shared)
            for vulnerable in ocg.vulnerable:
                handler = rng.choice(order)
                lo = max(spans[handler][0], ocg.start)
                hi = min(spans[handler][1], ocg.end)
                start = rng.randint(lo, max(lo, hi - 30))
                self.link(
                    "exploits", handler, vulnerable, start, min(hi, start + rng.randint(60, 540)), ocg.id
                )
                victim = world.people[vulnerable]
                if victim.detail == "cuckooed":
                    # Runners take over the tenant's home for a few months.
                    home = victim.addresses[0][0]
                    until = min(LAST, start + rng.randint(40, 200))
                    for runner in rng.sample(order, min(2, len(order))):
                        world.people[runner].addresses.append((home, start, until))
                if victim.detail == "trafficked_worker" and ocg.companies:
                    self.link("employed_by", vulnerable, ocg.companies[0], start, LAST, ocg.id)
        # Few links between groups: suppliers, rivals, old cellmates.
        groups = [o for o in world.ocgs if o.members]
        for _ in range(max(1, len(groups) // 4)):
            first, second = rng.sample(groups, 2)
            one, two = rng.choice(first.members), rng.choice(second.members)
            lo, hi = max(one[2], two[2]), min(one[3], two[3])
            if lo <= hi:
                self.link("call", one[0], two[0], lo, min(hi, lo + rng.randint(10, 90)))

    def crew_links(self, ocg: Ocg, order: list[int], add: Callable[..., None]) -> None:
        """A family of crews: each crew as tight as a group of its own, tied to the others at the top.

        Within a crew, a spanning tree to its leader and three times as many links again at random. The head
        deals with every crew leader (several links each); members know people in the other crews;
        relatives (the head's surname) are linked to the head as family.
        """
        rng = self.rng
        head = order[0]
        crews: dict[int, list[int]] = {}
        for member in order[1:]:
            crews.setdefault(ocg.crews[member], []).append(member)
        for crew in crews.values():
            leader = crew[0]
            for position in range(1, len(crew)):
                top = max(1, min(position, 1 + len(crew) // 6))
                add(crew[position], crew[rng.randrange(top)])
            # A crew works together every day: each member is tied to about eight others in it.
            for _ in range(3 * len(crew)):
                a, b = rng.sample(crew, 2)
                add(a, b)
            for _ in range(3):
                add(head, leader)
        numbers = sorted(crews)
        # About one link in six of a member leads into another crew: they share suppliers, cars and
        # relatives, which is what makes the crews one group rather than neighbours.
        for _ in range(max(2 * len(numbers), 3 * len(order) // 4)):
            first, second = rng.sample(numbers, 2)
            add(rng.choice(crews[first]), rng.choice(crews[second]))
        people = self.world.people
        for member in order[1:]:
            if people[member].surname == people[head].surname:
                self.link("family", head, member, 0, LAST)

    def share_address(self, a: int, b: int, since: int) -> None:
        """``b`` moves in with ``a`` from ``since``: both now live at ``a``'s address."""
        world = self.world
        person = world.people[b]
        home = world.people[a].address_at(since)
        if home < 0:
            return
        person.addresses = [(ad, s, min(e, since - 1)) for ad, s, e in person.addresses if s < since]
        person.addresses.append((home, since, LAST))

    def build_bystanders(self) -> None:
        """Innocent people who live with an offender or inherit an offender's old phone number.

        Each is tied to at most ``cap`` offenders: only homes and phones that exactly one offender
        ever used are eligible, and each such offender gets at most a few bystanders.
        """
        rng = self.rng
        world = self.world
        occupants: dict[int, list[int]] = {}
        for person in world.people:
            for address, _, _ in person.addresses:
                occupants.setdefault(address, []).append(person.idx)
        solo_homes = [
            (address, people[0])
            for address, people in occupants.items()
            if len(set(people)) == 1 and world.people[people[0]].role == "offender"
        ]
        dropped = [
            index
            for index, phone in enumerate(world.phones)
            if len(phone.holders) == 1
            and world.people[phone.holders[0][0]].role == "offender"
            and phone.holders[0][2] < LAST - 60
        ]
        rng.shuffle(solo_homes)
        rng.shuffle(dropped)
        wanted = max(4, self.n_ocgs * 2)
        for address, offender in solo_homes[: wanted // 2 + 1]:
            criminal = world.people[offender]
            since = next(s for ad, s, _ in criminal.addresses if ad == address)
            until = next(e for ad, _, e in criminal.addresses if ad == address)
            person = self.new_person(
                "bystander",
                criminal.town,
                age=(18, 75),
                surname=criminal.surname if rng.random() < 0.6 else None,
            )
            person.detail, person.weight = "lives_with_offender", 1.5
            person.addresses.append((address, since, until))
            if until < LAST:
                person.addresses.append((self.new_address(person.town), until + 1, LAST))
            self.new_phone(person.idx, 0, LAST)
            self.link("family", offender, person.idx, since, until)
            linked = 1
            # Up to the cap, the same bystander may also pick up another offender's dropped number.
            while linked < self.cap and dropped and rng.random() < 0.35:
                phone_index = dropped.pop()
                phone = world.phones[phone_index]
                if phone.holders[0][0] == offender:
                    continue
                last = phone.holders[0][2]
                phone.holders.append((person.idx, last + rng.randint(30, 60), LAST))
                person.phones.append(phone_index)
                linked += 1
        for phone_index in dropped[: wanted // 2]:
            phone = world.phones[phone_index]
            previous = world.people[phone.holders[0][0]]
            person = self.new_person("bystander", previous.town, age=(18, 80))
            person.detail, person.weight = "recycled_phone", 1.0
            self.home(person, 0)
            last = phone.holders[0][2]
            phone.holders.append((person.idx, last + rng.randint(30, 90), LAST))
            person.phones.append(phone_index)

    def build_public(self) -> None:
        """The general population in households: families share surnames and homes; a few twins."""
        rng = self.rng
        rates = self.rates
        children: list[Person] = []
        while len(self.world.people) < self.n_people:
            town = self.town_in()
            self.household_seq += 1
            household = self.household_seq
            if rng.random() < rates.family:
                surname = self.names.surname()
                size = rng.choice((2, 2, 3, 3, 4, 5))
                address = self.new_address(town)
                members = []
                for position in range(size):
                    age = (30, 65) if position < 2 else (0, 25)
                    same = position == 0 or rng.random() < 0.85
                    sex = ("M", "F")[position] if position < 2 else None
                    person = self.new_person(
                        "public", town, age=age, sex=sex, surname=surname if same else None
                    )
                    members.append(person)
                    if position >= 2:
                        children.append(person)
                for person in members:
                    person.household = household
                    self.home(person, 0, address=address)
                for a, b in itertools.combinations(members, 2):
                    if a.twin != b.idx:
                        self.link("family", a.idx, b.idx, 0, LAST)
            else:
                person = self.new_person("public", town, age=(16, 85))
                person.household = household
                self.home(person, 0)
                members = [person]
            for person in members:
                if rng.random() < 0.85:
                    self.new_phone(person.idx, 0, LAST)
                if rng.random() < 0.4 and person.dob < date(2002, 1, 1):
                    self.new_vehicle(person.idx, 0, LAST, rng.uniform(0.3, 2.0))
                if rng.random() < 0.25:
                    self.new_account("person", person.idx)
        self.build_twins(children)
        # Ordinary businesses with ordinary directors, so that not every company is a front.
        public = [p.idx for p in self.world.people if p.role == "public" and p.dob < date(1998, 1, 1)]
        for _ in range(max(5, self.n_people // 60)):
            director = rng.choice(public)
            self.new_company(
                rng.choice(gz.LEGIT_BUSINESSES), self.world.people[director].town, "", [director]
            )

    def build_twins(self, children: list[Person]) -> None:
        """Twins: same surname, date of birth and home, different forenames (a twins-rate share of people)."""
        rng = self.rng
        pairs = min(len(children), round(self.rates.twins * len(self.world.people) / 2))
        for sibling in rng.sample(children, pairs):
            twin = self.new_person(
                "public", sibling.town, age=(0, 1), surname=sibling.surname, sex=sibling.sex
            )
            while twin.forename == sibling.forename:
                twin.forename = self.names.forename(twin.sex)
            twin.dob, twin.twin, sibling.twin, twin.household = (
                sibling.dob,
                sibling.idx,
                twin.idx,
                sibling.household,
            )
            twin.addresses = list(sibling.addresses)
            self.link("twin", sibling.idx, twin.idx, 0, LAST)
            if rng.random() < 0.85:
                self.new_phone(twin.idx, 0, LAST)

    def recycle_phones(self) -> None:
        """Networks reassign numbers: a public number passes to another member of the public."""
        rng = self.rng
        world = self.world
        target = round(self.rates.recycled_phone * len(world.phones))
        already = sum(1 for phone in world.phones if len(phone.holders) > 1)
        candidates = [
            index
            for index, phone in enumerate(world.phones)
            if len(phone.holders) == 1 and world.people[phone.holders[0][0]].role == "public"
        ]
        takers = [p.idx for p in world.people if p.role == "public"]
        rng.shuffle(candidates)
        for index in candidates[: max(0, target - already)]:
            phone = world.phones[index]
            first, start, _ = phone.holders[0]
            cut = rng.randint(start + 200, LAST - 200)
            phone.holders[0] = (first, start, cut)
            taker = rng.choice(takers)
            while taker == first:
                taker = rng.choice(takers)
            phone.holders.append((taker, cut + rng.randint(30, 120), LAST))
            world.people[taker].phones.append(index)
            # The first holder moves to a new number.
            self.new_phone(first, cut + 1, LAST)

    def build_public_links(self) -> None:
        """Background associations of the general population: friends who call and pay each other."""
        rng = self.rng
        world = self.world
        by_town: list[list[int]] = [[] for _ in gz.TOWNS]
        for person in world.people:
            if person.role == "public" and person.phones:
                by_town[person.town].append(person.idx)
        for town_people in by_town:
            if len(town_people) < 2:
                continue
            for _ in range(int(len(town_people) * 0.6)):
                a, b = rng.sample(town_people, 2)
                start = rng.randint(0, LAST - 30)
                self.link("call", a, b, start, min(LAST, start + rng.randint(30, 900)))
            for _ in range(int(len(town_people) * 0.1)):
                a, b = rng.sample(town_people, 2)
                if world.people[a].accounts and world.people[b].accounts:
                    start = rng.randint(0, LAST - 30)
                    self.link("payment", a, b, start, min(LAST, start + rng.randint(0, 365)))
        # Priority Individuals deal with the public, not with a group.
        public = [p.idx for p in world.people if p.role == "public" and p.dob < date(2003, 1, 1)]
        for person in world.people:
            if person.pi:
                for _ in range(rng.randint(1, 3)):
                    day = rng.randint(person.start, LAST)
                    self.link(
                        rng.choice(("co_arrest", "seen_together")), person.idx, rng.choice(public), day, day
                    )


def build_world(
    seed: int, records: int, rates: NoiseRates, bystander_cap: int, *, group_sizes: str = "standard"
) -> World:
    """Build the true world for a seed, a target count of source records and a group-size distribution."""
    return _Builder(seed, records, rates, bystander_cap, group_sizes).build()
