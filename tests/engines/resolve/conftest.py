"""A seeded synthetic person set with planted noise and its ground truth."""

from __future__ import annotations

import random
from typing import Any

import pandas as pd
import pytest

from socmap.engines.resolve import ResolveConfig, ResolverModel, train

FIRST = [
    ("robert", "bob"),
    ("william", "bill"),
    ("elizabeth", "liz"),
    ("margaret", "peggy"),
    ("stephen", "steve"),
    ("catherine", "kate"),
    ("james", "jim"),
    ("richard", "dick"),
    ("thomas", "tom"),
    ("michael", "mick"),
    ("david", "dave"),
    ("susan", "sue"),
    ("jennifer", "jenny"),
    ("patricia", "trish"),
    ("anthony", "tony"),
    ("daniel", "danny"),
    ("samuel", "sam"),
    ("rebecca", "becky"),
    ("victoria", "vicky"),
    ("edward", "ted"),
    ("sarah", None),
    ("gary", None),
    ("kevin", None),
    ("leanne", None),
    ("wayne", None),
    ("dean", None),
    ("kelly", None),
    ("jason", None),
    ("lee", None),
    ("craig", None),
]
LAST = [
    "smith",
    "jones",
    "taylor",
    "brown",
    "williams",
    "wilson",
    "johnson",
    "davies",
    "robinson",
    "wright",
    "thompson",
    "evans",
    "walker",
    "white",
    "roberts",
    "green",
    "hall",
    "wood",
    "jackson",
    "clarke",
    "patel",
    "khan",
    "lewis",
    "james",
    "phillips",
    "mason",
    "mitchell",
    "rose",
    "davis",
    "rodriguez",
    "cox",
    "alexander",
    "morgan",
    "hughes",
    "edwards",
    "hill",
    "moore",
    "clark",
    "harrison",
    "scott",
    "young",
    "morris",
    "harris",
    "turner",
    "cooper",
    "ward",
    "baker",
    "king",
    "price",
    "bennett",
    "gray",
    "ellis",
    "russell",
    "murphy",
    "bell",
]
STREETS = [
    "high street",
    "church road",
    "station road",
    "mill lane",
    "park avenue",
    "victoria road",
    "london road",
    "north street",
    "grove road",
    "queens road",
    "kings drive",
    "the crescent",
]
DISTRICTS = ["GL50", "GL51", "GL52", "BS1", "BS5", "BA1", "EX4", "SN1", "TR1", "DT1"]


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(["swap", "drop", "sub"])
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + rng.choice("aeioulnrst") + word[i + 1 :]


def _address(rng: random.Random) -> tuple[str, str]:
    district = rng.choice(DISTRICTS)
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    postcode = f"{district} {rng.randrange(1, 10)}{rng.choice(letters)}{rng.choice(letters)}"
    return f"{rng.randrange(1, 200)} {rng.choice(STREETS)}", postcode


def make_people(n_people: int = 600, seed: int = 7) -> tuple[pd.DataFrame, dict[str, str]]:
    """Records and truth (record id -> person id). Families share surnames and addresses; some
    people are twins (same surname, birth date, address; different forename)."""
    rng = random.Random(seed)
    people: list[dict[str, Any]] = []
    while len(people) < n_people:
        last = rng.choice(LAST)
        street, postcode = _address(rng)
        year = rng.randrange(1950, 2005)
        dob = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        size = rng.choice([1, 1, 1, 2, 3])
        twins = rng.random() < 0.15 and size >= 2
        used: set[str] = set()
        for k in range(size):
            first, nick = rng.choice(FIRST)
            while first in used:
                first, nick = rng.choice(FIRST)
            used.add(first)
            own_dob = (
                dob
                if (twins and k < 2)
                else (f"{rng.randrange(1950, 2005)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}")
            )
            people.append(
                {
                    "pid": f"P{len(people):04d}",
                    "first": first,
                    "nick": nick,
                    "last": last,
                    "dob": own_dob,
                    "street": street,
                    "postcode": postcode,
                    "phone": f"+447700{rng.randrange(100000, 999999)}" if rng.random() < 0.6 else None,
                    "pnc": f"{rng.randrange(70, 99)}/{rng.randrange(100000, 999999)}X"
                    if rng.random() < 0.4
                    else None,
                }
            )
    people = people[:n_people]
    rows: list[dict[str, Any]] = []
    truth: dict[str, str] = {}
    for p in people:
        for j in range(rng.choice([1, 2, 2, 3, 4])):
            first, last, dob = p["first"], p["last"], p["dob"]
            street, postcode = p["street"], p["postcode"]
            row: dict[str, Any] = {"source": rng.choice(["intel", "custody", "housing"])}
            if j > 0:
                r = rng.random()
                if r < 0.15:
                    first = _typo(rng, first)
                elif r < 0.3 and p["nick"]:
                    first = p["nick"]
                if rng.random() < 0.12:
                    last = _typo(rng, last)
                r = rng.random()
                if r < 0.08 and int(dob[8:10]) <= 12:
                    dob = f"{dob[:4]}-{dob[8:10]}-{dob[5:7]}"
                elif r < 0.14:
                    dob = dob[:7] if rng.random() < 0.5 else dob[:4]
                elif r < 0.2:
                    dob = None
                if rng.random() < 0.2:
                    street, postcode = _address(rng)  # moved house
                elif rng.random() < 0.1:
                    postcode = None
            if rng.random() < 0.15:
                row["full_name"] = f"{last.upper()} {first.title()}"
            elif rng.random() < 0.05:
                row["first_name"], row["last_name"] = last.title(), first.title()  # surname first
            else:
                row["first_name"] = f"  {first.upper() if rng.random() < 0.2 else first.title()} "
                row["last_name"] = last.title()
            row.update(
                {
                    "birth_date": dob,
                    "postcode": postcode
                    if rng.random() < 0.9
                    else (postcode or "").replace(" ", "").lower() or None,
                    "address": street,
                    "phone": p["phone"] if rng.random() < 0.5 else None,
                    "pnc_id": p["pnc"] if rng.random() < 0.5 else None,
                }
            )
            rid = f"R{len(rows):05d}"
            row["record_id"] = rid
            rows.append(row)
            truth[rid] = p["pid"]
    return pd.DataFrame(rows), truth


@pytest.fixture(scope="session")
def people() -> tuple[pd.DataFrame, dict[str, str]]:
    return make_people()


@pytest.fixture(scope="session")
def config() -> ResolveConfig:
    return ResolveConfig()


@pytest.fixture(scope="session")
def model(people: tuple[pd.DataFrame, dict[str, str]], config: ResolveConfig) -> ResolverModel:
    return train(people[0], config)
