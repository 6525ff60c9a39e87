"""The ground truth written beside the sources, so resolution and group finding can be scored."""

from __future__ import annotations

import csv
import pathlib
from collections.abc import Iterable, Sequence

from socmap.engines.synth import gazetteer as gz
from socmap.engines.synth.output import FileInfo, MalformedLog
from socmap.engines.synth.world import LAST, World, day_to_date


def _iso(day: int) -> str:
    return day_to_date(day).isoformat()


def _write(root: pathlib.Path, rel: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_truth(world: World, root: pathlib.Path, malformed: MalformedLog) -> list[FileInfo]:
    """Write every truth file except ``records.csv`` (written while the sources are)."""
    files: list[FileInfo] = []

    def add(rel: str, description: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        files.append(FileInfo(rel, _write(root, rel, header, rows), "csv", "utf-8", description))

    people = world.people
    add(
        "truth/people.csv",
        "Every true person",
        (
            "person_id",
            "forename",
            "middle_names",
            "surname",
            "canonical_name",
            "sex",
            "dob",
            "home_force",
            "home_town",
            "role",
            "detail",
            "ocg_id",
            "ocg_role",
            "linked_ocg_id",
            "theme",
            "priority_individual",
            "alias",
            "span_start",
            "span_end",
            "household_id",
            "twin_of",
            "crew_id",
        ),
        (
            (
                p.id,
                p.forename,
                p.middle,
                p.surname,
                p.name,
                p.sex,
                p.dob.isoformat(),
                gz.TOWNS[p.town].force,
                gz.TOWNS[p.town].name,
                p.role,
                p.detail,
                p.ocg,
                p.ocg_role,
                p.linked_ocg,
                p.theme,
                "true" if p.pi else "false",
                p.alias,
                _iso(p.start),
                _iso(p.end),
                f"H{p.household:07d}" if p.household >= 0 else "",
                people[p.twin].id if p.twin >= 0 else "",
                p.crew,
            )
            for p in people
        ),
    )
    add(
        "truth/ocgs.csv",
        "Every organised crime group with its lifecycle",
        (
            "ocg_id",
            "name",
            "theme",
            "home_force",
            "forces",
            "status",
            "start",
            "end",
            "parent_ids",
            "child_ids",
            "members",
            "principal_id",
            "vulnerable_ids",
            "company_ids",
        ),
        (
            (
                o.id,
                o.name,
                o.theme,
                o.home_force,
                ";".join(o.forces),
                o.status,
                _iso(o.start),
                _iso(o.end),
                ";".join(o.parents),
                ";".join(o.children),
                len(o.members),
                next((people[m[0]].id for m in o.members if m[1] == "principal"), ""),
                ";".join(people[v].id for v in o.vulnerable),
                ";".join(world.companies[c].id for c in o.companies),
            )
            for o in world.ocgs
        ),
    )
    add(
        "truth/memberships.csv",
        "Who was in which group, in what role, when",
        (
            "ocg_id",
            "person_id",
            "role",
            "role_detail",
            "start",
            "end",
        ),
        (
            (
                o.id,
                people[m[0]].id,
                m[1],
                people[m[0]].detail if m[1] == "enabler" else "",
                _iso(m[2]),
                _iso(m[3]),
            )
            for o in world.ocgs
            for m in o.members
        ),
    )
    add(
        "truth/links.csv",
        "True links between people and objects",
        (
            "link_id",
            "link_type",
            "from_id",
            "to_id",
            "start",
            "end",
            "ocg_id",
        ),
        _links(world),
    )
    add(
        "truth/objects.csv",
        "Every true object: addresses, phones, vehicles, accounts, companies",
        (
            "object_id",
            "kind",
            "value",
            "detail",
            "town",
            "force",
        ),
        _objects(world),
    )
    add(
        "truth/priority_individuals.csv",
        "Priority Individuals: serious offenders outside any group",
        (
            "person_id",
            "canonical_name",
            "theme",
            "home_force",
            "start",
            "alias",
        ),
        ((p.id, p.name, p.theme, gz.TOWNS[p.town].force, _iso(p.start), p.alias) for p in people if p.pi),
    )
    add("truth/malformed.csv", "Every planted malformed row", MalformedLog.header, malformed.rows)
    return files


def _links(world: World) -> Iterable[Sequence[object]]:
    people, number = world.people, 0

    def row(kind: str, a: str, b: str, start: int, end: int, ocg: str = "") -> tuple[str, ...]:
        nonlocal number
        number += 1
        return (f"L{number:08d}", kind, a, b, _iso(start), _iso(min(end, LAST)), ocg)

    for link in world.links:
        target = world.companies[link.b].id if link.kind == "employed_by" else people[link.b].id
        yield row(link.kind, people[link.a].id, target, link.start, link.end, link.ocg)
    for person in people:
        for address, start, end in person.addresses:
            yield row("resides_at", person.id, world.addresses[address].id, start, end)
    for phone in world.phones:
        for holder, start, end in phone.holders:
            yield row("uses_phone", people[holder].id, phone.id, start, end)
    for vehicle in world.vehicles:
        for user, start, end in vehicle.users:
            yield row("uses_vehicle", people[user].id, vehicle.id, start, end)
    for account in world.accounts:
        owner = (
            people[account.holder].id
            if account.holder_kind == "person"
            else world.companies[account.holder].id
        )
        yield row("holds_account", owner, account.id, 0, LAST)
    for company in world.companies:
        yield row("located_at", company.id, world.addresses[company.address].id, 0, LAST, company.ocg)
        for director in company.directors:
            yield row("director_of", people[director].id, company.id, 0, LAST, company.ocg)


def _objects(world: World) -> Iterable[Sequence[object]]:
    for a in world.addresses:
        town = gz.TOWNS[a.town]
        yield (a.id, "address", f"{a.line()}, {town.name}, {a.postcode}", "", town.name, town.force)
    for p in world.phones:
        town = gz.TOWNS[world.people[p.holders[0][0]].town]
        yield (p.id, "phone", p.number, f"{len(p.holders)} holder(s)", town.name, town.force)
    for v in world.vehicles:
        town = gz.TOWNS[v.town]
        yield (v.id, "vehicle", v.vrm, f"{v.colour} {v.make} {v.model}", town.name, town.force)
    for c in world.accounts:
        yield (c.id, "account", f"{c.sort_code} {c.number}", c.bank, "", "")
    for co in world.companies:
        town = gz.TOWNS[world.addresses[co.address].town]
        yield (co.id, "company", co.name, f"company number {co.number}", town.name, town.force)
