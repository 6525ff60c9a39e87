"""Bulk machine feeds: ANPR sightings, call data records and the financial intelligence feed."""

from __future__ import annotations

import bisect
import itertools
import json
import random
from typing import Any

from socmap.engines.synth import gazetteer as gz
from socmap.engines.synth.common import Context, clock, span_day
from socmap.engines.synth.noise import format_date
from socmap.engines.synth.output import FileInfo, JsonLinesSink
from socmap.engines.synth.world import DAYS, LAST, Link, Person, World, day_to_date

_CONFUSABLE = {
    "0": "O",
    "O": "0",
    "1": "I",
    "8": "B",
    "B": "8",
    "5": "S",
    "S": "5",
    "D": "0",
    "G": "6",
    "6": "G",
    "Z": "2",
    "2": "Z",
}
_FORCE_PREFIX = {
    "avon_and_somerset": "AS",
    "devon_and_cornwall": "DC",
    "dorset": "DO",
    "gloucestershire": "GL",
    "wiltshire": "WI",
}


def misread(vrm: str, rng: random.Random) -> str:
    """What the camera read: one character confused with a look-alike, or the last one lost."""
    spots = [i for i, char in enumerate(vrm) if char in _CONFUSABLE]
    if spots:
        at = rng.choice(spots)
        return vrm[:at] + _CONFUSABLE[vrm[at]] + vrm[at + 1 :]
    return vrm[:-1]


def _cameras(rng: random.Random) -> tuple[list[tuple[str, str, float, float, str]], list[list[int]]]:
    """Fixed ANPR cameras per town: id, site, latitude, longitude, direction."""
    cameras: list[tuple[str, str, float, float, str]] = []
    by_town: list[list[int]] = []
    counters: dict[str, int] = {}
    for town in gz.TOWNS:
        mine = []
        for _ in range(2 + int(town.weight / 3)):
            prefix = _FORCE_PREFIX[town.force]
            counters[prefix] = counters.get(prefix, 0) + rng.randint(1, 9)
            road = rng.choice(("A", "A", "A", "B", "M")) + str(
                rng.randint(3, 499) if rng.random() < 0.8 else 5
            )
            site = f"{road} {rng.choice(gz.STREET_STEMS)} {rng.choice(gz.STREET_SUFFIXES)}, {town.name}"
            mine.append(len(cameras))
            cameras.append(
                (
                    f"{prefix}{counters[prefix]:04d}",
                    site,
                    round(town.lat + rng.uniform(-0.04, 0.04), 5),
                    round(town.lon + rng.uniform(-0.06, 0.06), 5),
                    rng.choice(("N", "S", "E", "W")) + "B",
                )
            )
        by_town.append(mine)
    return cameras, by_town


def write_anpr(ctx: Context, total: int) -> None:
    """ANPR reads, time-ordered: busy public vehicles near home, group vehicles across force borders."""
    rel = "anpr.csv"
    world = ctx.world
    rng = ctx.rng(rel)
    cameras, by_town = _cameras(ctx.rng("anpr-cameras"))
    vehicles = world.vehicles
    cum = list(itertools.accumulate(v.activity for v in vehicles))
    ocgs = {ocg.id: ocg for ocg in world.ocgs}
    roaming: list[list[int]] = []
    for vehicle in vehicles:
        user = world.people[vehicle.users[0][0]]
        ocg = ocgs.get(user.ocg)
        towns = [t for t, town in enumerate(gz.TOWNS) if ocg and town.force in ocg.forces] if ocg else []
        roaming.append(towns)
    starts = [max(v.users[0][1], world.people[v.users[0][0]].start) for v in vehicles]
    all_cameras = len(cameras)
    packed: list[int] = []
    rate = ctx.rates.vrm_misread
    hours = list(
        itertools.accumulate((2, 1, 1, 1, 1, 1, 2, 4, 6, 5, 5, 5, 6, 6, 5, 6, 7, 8, 7, 5, 4, 3, 3, 2))
    )
    for _ in range(total):
        index = bisect.bisect_left(cum, rng.random() * cum[-1])
        vehicle = vehicles[index]
        draw = rng.random()
        if draw < 0.8:
            camera = rng.choice(by_town[vehicle.town])
        elif draw < 0.95 and roaming[index]:
            camera = rng.choice(by_town[rng.choice(roaming[index])])
        else:
            camera = rng.randrange(all_cameras)
        day = rng.randint(starts[index], LAST)
        hour = bisect.bisect_left(hours, rng.random() * hours[-1])
        second = day * 86400 + hour * 3600 + rng.randrange(3600)
        wrong = 1 if rng.random() < rate else 0
        packed.append((second << 36) | (index << 13) | (camera << 1) | wrong)
    packed.sort()
    if ctx.progress:
        ctx.progress(rel, 0, total)
    day_text = [format_date(day_to_date(d), "iso") for d in range(DAYS)]
    sink = ctx.sink(
        rel,
        [
            "read_id",
            "vrm",
            "camera_id",
            "camera_site",
            "latitude",
            "longitude",
            "read_at",
            "direction",
            "confidence",
        ],
        total,
        rng,
        date_col=6,
        date_style="iso",
        text_col=3,
        forced=("impossible_date",),
    )
    truth = ctx.truth
    eligible = ("vrm_misread",)
    noisy = ("vrm_misread",)
    for seq, value in enumerate(packed, start=1):
        second = value >> 36
        index = (value >> 13) & 0x7FFFFF
        site = cameras[(value >> 1) & 0xFFF]
        vehicle = vehicles[index]
        wrong = value & 1
        vrm = misread(vehicle.vrm, rng) if wrong else vehicle.vrm
        day, rest = divmod(second, 86400)
        stamp = f"{day_text[day]}T{rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}Z"
        confidence = rng.randint(52, 79) if wrong else rng.randint(86, 99)
        rid = str(70_000_000 + seq)
        kind = sink.write(
            [
                rid,
                vrm,
                site[0],
                site[1],
                str(site[2]),
                str(site[3]),
                stamp,
                site[4],
                str(confidence),
            ],
            rid,
        )
        noise = (
            (*noisy, "malformed") if wrong and kind else noisy if wrong else ("malformed",) if kind else ()
        )
        truth.add(rel, rid, "vrm", "vehicle", vehicle.id, noise, eligible)
    ctx.finish_csv(rel, sink, "ANPR vehicle sightings", "iso datetime UTC")


def _phone_at(world: World, person: Person, day: int) -> int:
    found = -1
    for index in person.phones:
        for holder, start, end in world.phones[index].holders:
            if holder == person.idx and start <= day <= end:
                found = index
    return found


def _weighted(links: list[int], world: World, heavy: float) -> list[float]:
    return list(itertools.accumulate(heavy if world.links[n].ocg else 1.0 for n in links))


def write_cdr(ctx: Context, total: int) -> None:
    """Call data records: every true call link at least once, more calls inside groups."""
    rel = "cdr.csv"
    world = ctx.world
    rng = ctx.rng(rel)
    links = list(ctx.by_kind.get("call", []))
    links.sort(key=lambda n: 0 if world.links[n].ocg else 1)  # group calls are on record first
    cum = _weighted(links, world, 6.0)
    calls: list[tuple[int, int, int, int, int, int]] = []
    attempts = 0
    position = 0
    while len(calls) < total and attempts < total * 4 and links:
        attempts += 1
        if position < len(links):
            number = links[position]
            position += 1
        else:
            number = links[bisect.bisect_left(cum, rng.random() * cum[-1])]
        link = world.links[number]
        a, b = (link.a, link.b) if rng.random() < 0.6 else (link.b, link.a)
        for _ in range(3):
            day = span_day(rng, link.start, link.end)
            pa, pb = _phone_at(world, world.people[a], day), _phone_at(world, world.people[b], day)
            if pa >= 0 and pb >= 0:
                hour, minute = clock(rng)
                second = day * 86400 + hour * 3600 + minute * 60 + rng.randrange(60)
                calls.append((second, pa, pb, a, b, number))
                break
    calls.sort()
    sink = ctx.sink(
        rel,
        ["call_id", "a_number", "b_number", "call_start", "duration_seconds", "call_type", "cell_id"],
        len(calls),
        rng,
        date_col=3,
        date_style="dmy_slash",
    )
    day_text = [format_date(day_to_date(d), "dmy_slash") for d in range(DAYS)]
    truth = ctx.truth
    for seq, (second, pa, pb, a, b, _) in enumerate(calls, start=1):
        rid = f"C{seq:09d}"
        day, rest = divmod(second, 86400)
        sms = rng.random() < 0.35
        home = world.people[a].address_at(day)
        district = world.addresses[home].postcode.split()[0] if home >= 0 else "XX"
        phone_a, phone_b = world.phones[pa], world.phones[pb]
        kind = sink.write(
            [
                rid,
                "44" + phone_a.number[1:],
                "44" + phone_b.number[1:],
                f"{day_text[day]} {rest // 3600:02d}:{rest // 60 % 60:02d}:{rest % 60:02d}",
                "0" if sms else str(int(rng.expovariate(1 / 95)) + 3),
                "SMS" if sms else "VOICE",
                f"{district}-{rng.randint(1, 400):04d}",
            ],
            rid,
        )
        extra = ["malformed"] if kind else []
        truth.add(rel, rid, "a_number", "phone", phone_a.id, extra)
        truth.add(
            rel,
            rid,
            "a_party",
            "person",
            world.people[a].id,
            extra + (["recycled_phone"] if phone_a.holders[0][0] != a else []),
        )
        truth.add(rel, rid, "b_number", "phone", phone_b.id, extra)
        truth.add(
            rel,
            rid,
            "b_party",
            "person",
            world.people[b].id,
            extra + (["recycled_phone"] if phone_b.holders[0][0] != b else []),
        )
    ctx.finish_csv(rel, sink, "Call data records", "dd/mm/yyyy HH:MM:SS")


def write_financial(ctx: Context, total: int) -> None:
    """Suspicious-activity-style reports of payments between accounts, one JSON object a line."""
    rel = "financial.jsonl"
    world = ctx.world
    rng = ctx.rng(rel)
    mentions = ctx.mentions(rng)
    ocgs = {ocg.id: ocg for ocg in world.ocgs}
    # Events: (payer kind, payer, payee kind, payee, link) from payments, wages and directors' drawings.
    events: list[tuple[str, int, str, int, Link]] = []
    for number in ctx.by_kind.get("payment", []):
        link = world.links[number]
        if world.people[link.a].accounts and world.people[link.b].accounts:
            events.append(("person", link.a, "person", link.b, link))
    for number in ctx.by_kind.get("employed_by", []):
        link = world.links[number]
        if world.people[link.a].accounts:
            events.append(("company", link.b, "person", link.a, link))
    for index, company in enumerate(world.companies):
        for director in company.directors:
            if world.people[director].accounts:
                events.append(
                    (
                        "company",
                        index,
                        "person",
                        director,
                        Link("director_of", director, index, 0, LAST, company.ocg),
                    )
                )
    if not events:
        return
    events.sort(key=lambda e: 0 if e[4].ocg else 1)
    cum = list(itertools.accumulate(5.0 if e[4].ocg else 1.0 for e in events))
    chosen: list[tuple[int, int]] = []
    for position in range(total):
        number = position if position < len(events) else bisect.bisect_left(cum, rng.random() * cum[-1])
        event = events[number]
        chosen.append((span_day(rng, event[4].start, event[4].end), number))
    chosen.sort()
    sink_rng = ctx.rng(rel + ":malformed")
    sink = JsonLinesSink(
        ctx.root,
        rel,
        rows=len(chosen),
        rng=sink_rng,
        rate=ctx.rates.malformed,
        malformed=ctx.malformed,
        progress=ctx.progress,
    )
    truth = ctx.truth
    for seq, (day, number) in enumerate(chosen, start=1):
        payer_kind, payer, payee_kind, payee, link = events[number]
        when = day_to_date(day)
        rid = f"SAR-{when.year}-{seq:08d}"
        parties: list[dict[str, Any]] = []
        truth_rows: list[tuple[str, str, str, list[str], list[str]]] = []
        for role, kind, index in (("payer", payer_kind, payer), ("payee", payee_kind, payee)):
            if kind == "company":
                company = world.companies[index]
                account = world.accounts[company.accounts[0]]
                address = world.addresses[company.address]
                parties.append(
                    {
                        "name": company.name.upper(),
                        "company_number": company.number,
                        "address": f"{address.line()}, {gz.TOWNS[address.town].name} {address.postcode}",
                        "sort_code": account.sort_code,
                        "account_number": account.number,
                    }
                )
                truth_rows.append((role, "company", company.id, [], []))
            else:
                person = world.people[index]
                account = world.accounts[person.accounts[0]]
                m = mentions.person(person, day, date_style="iso")
                title = "MR" if person.sex == "M" else rng.choice(("MS", "MRS", "MISS"))
                party: dict[str, Any] = {
                    "name": f"{title} {m.forename} {m.surname}".upper(),
                    "dob": m.dob or None,
                }
                if m.address >= 0:
                    address = world.addresses[m.address]
                    party["address"] = f"{address.line()}, {gz.TOWNS[address.town].name} {address.postcode}"
                party.update({"sort_code": account.sort_code, "account_number": account.number})
                parties.append(party)
                truth_rows.append((role, "person", person.id, m.noise, m.eligible))
                if m.address >= 0:
                    truth_rows.append((f"{role}_address", "address", world.addresses[m.address].id, [], []))
            truth_rows.append((f"{role}_account", "account", account.id, [], []))
        ocg = ocgs.get(link.ocg)
        theme = ocg.theme if ocg else "none"
        amount = round(rng.lognormvariate(7.2, 1.1) if ocg else rng.lognormvariate(4.5, 1.0), 2)
        record = {
            "sar_ref": rid,
            "submitted": format_date(day_to_date(min(LAST, day + rng.randint(1, 30))), "iso"),
            "reporter": world.accounts[
                world.companies[payer].accounts[0]
                if payer_kind == "company"
                else world.people[payer].accounts[0]
            ].bank,
            "glossary_codes": list(rng.sample(gz.SAR_CODES[theme], min(2, len(gz.SAR_CODES[theme])))),
            "transaction_date": format_date(when, "iso"),
            "amount": amount,
            "currency": "GBP",
            "payer": parties[0],
            "payee": parties[1],
            "reference": rng.choice(
                (
                    "wages",
                    "rent",
                    "loan",
                    "car",
                    "cash",
                    "thanks",
                    "invoice",
                    "",
                    "food",
                    "consultancy",
                    "gift",
                )
            ),
            "reason": "Cash deposits inconsistent with customer profile"
            if ocg
            else rng.choice(
                ("Unusual pattern of transfers", "Third-party payments", "Customer unable to explain funds")
            ),
        }
        kind = sink.write(json.dumps(record, ensure_ascii=False), rid)
        for field_name, entity_kind, true_id, noise, eligible in truth_rows:
            truth.add(
                rel, rid, field_name, entity_kind, true_id, noise + (["malformed"] if kind else []), eligible
            )
    rows = sink.close()
    ctx.files.append(
        FileInfo(
            rel,
            rows,
            "jsonl",
            "utf-8",
            "Financial intelligence feed (SAR-like)",
            extra={
                "date_format": "iso",
                "columns": [
                    "sar_ref",
                    "submitted",
                    "reporter",
                    "glossary_codes",
                    "transaction_date",
                    "amount",
                    "currency",
                    "payer",
                    "payee",
                    "reference",
                    "reason",
                ],
            },
        )
    )
