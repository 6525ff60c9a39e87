"""Force intelligence reports: one CSV per force, each with its own columns and date format.

Reports about true associations (seen together, exploitation) come first so that every such link
is on record; reports that put each offender's phones and vehicles on record come next; the rest
of the file is everyday intelligence about whoever comes to notice in that force.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from socmap.engines.synth import gazetteer as gz
from socmap.engines.synth.common import (
    Context,
    PersonPool,
    clock,
    force_of,
    grading_3x5x2,
    phone_international,
    phone_national,
    span_day,
    vehicle_at,
)
from socmap.engines.synth.narrative import report_text
from socmap.engines.synth.noise import Mention, Mentions, format_date
from socmap.engines.synth.world import LAST, Person, World, day_to_date

#: Share of the intelligence budget each force's file takes (roughly by population).
FORCE_SHARES = {
    "avon_and_somerset": 0.32,
    "devon_and_cornwall": 0.27,
    "dorset": 0.12,
    "gloucestershire": 0.14,
    "wiltshire": 0.15,
}
_YOUNGEST = date(2008, 1, 1)
THEME_CODES = {
    "county_lines": "CL",
    "modern_slavery": "MSHT",
    "cse": "CSE",
    "oic": "OIC",
    "fraud": "FRD",
    "firearms": "FA",
    "acquisitive": "OAC",
    "": "GEN",
}


@dataclass(slots=True)
class Report:
    """One report to write: when, where, about whom, and why it exists."""

    day: int
    force: str
    subjects: list[int]
    theme: str
    organised: bool


@dataclass(slots=True)
class Rendered:
    """A report with its subjects rendered through the noise."""

    report: Report
    rid: str
    hour: int
    minute: int
    grading: tuple[str, str, str, str]
    mentions: list[Mention]
    people: list[Person]
    vehicle: int
    text: str
    town: str
    place: str
    officer: str


Layout = tuple[list[str], Callable[[Rendered, World], list[str]], str, int, int, str]


def _name_parts(m: Mention) -> tuple[str, str]:
    """Forename and surname columns; "surname first" noise puts each in the other's column."""
    if "surname_first" in m.noise:
        return m.surname, m.forename
    return m.forename, m.surname


def _address(world: World, m: Mention | None, *, postcode: bool) -> tuple[str, str]:
    if m is None or m.address < 0:
        return "", ""
    address = world.addresses[m.address]
    town = gz.TOWNS[address.town].name
    if postcode:
        return f"{address.line()}, {town}", address.postcode
    return f"{address.line()}, {town}, {address.postcode}", address.postcode


def _phone(world: World, m: Mention | None) -> str:
    return world.phones[m.phone].number if m is not None and m.phone >= 0 else ""


def _vrm(world: World, r: Rendered, *, spaced: bool = True) -> str:
    if r.vehicle < 0:
        return ""
    vrm = world.vehicles[r.vehicle].vrm
    return vrm if spaced else vrm.replace(" ", "")


def _second(r: Rendered) -> Mention | None:
    return r.mentions[1] if len(r.mentions) > 1 else None


def _avon(r: Rendered, world: World) -> list[str]:
    m1, m2 = r.mentions[0], _second(r)
    f1, s1 = _name_parts(m1)
    f2, s2 = _name_parts(m2) if m2 else ("", "")
    address, postcode = _address(world, m1, postcode=True)
    phone = _phone(world, m1)
    return [
        r.rid,
        format_date(day_to_date(r.report.day), "dmy_slash"),
        f"{r.hour:02d}:{r.minute:02d}",
        r.officer,
        r.grading[0],
        r.grading[1],
        r.grading[2],
        r.grading[3],
        s1,
        f1,
        m1.dob,
        address,
        postcode,
        s2,
        f2,
        m2.dob if m2 else "",
        phone_national(phone) if phone else "",
        _vrm(world, r),
        r.place + ", " + r.town,
        gz.THEME_LABELS.get(r.report.theme, "General") if r.report.organised else "General",
        r.text,
    ]


def _devon(r: Rendered, world: World) -> list[str]:
    m1, m2 = r.mentions[0], _second(r)
    address, _ = _address(world, m1, postcode=False)
    phone = _phone(world, m1)
    day = day_to_date(r.report.day)
    # Narratives in this system are typed in paragraphs.
    text = r.text.replace(". ", ".\n", 1) if len(r.text) > 90 else r.text
    return [
        r.rid,
        f"{day.isoformat()}T{r.hour:02d}:{r.minute:02d}:00",
        "/".join(r.grading[:3]),
        r.grading[3],
        m1.full_name(),
        m1.dob,
        address,
        m2.full_name() if m2 else "",
        m2.dob if m2 else "",
        phone_international(phone) if phone else "",
        _vrm(world, r, spaced=False),
        f"{r.place}, {r.town}",
        THEME_CODES[r.report.theme if r.report.organised else ""],
        text,
    ]


def _dorset(r: Rendered, world: World) -> list[str]:
    m1, m2 = r.mentions[0], _second(r)
    address, postcode = _address(world, m1, postcode=True)
    alias = r.people[0].alias if r.people[0].alias and r.report.day % 2 == 0 else ""
    return [
        r.rid,
        format_date(day_to_date(r.report.day), "d_mon_yy"),
        r.grading[0],
        r.grading[1],
        r.grading[2],
        r.grading[3],
        m1.full_name(),
        alias,
        m1.dob,
        address,
        postcode,
        _phone(world, m1),
        _vrm(world, r),
        m2.full_name() if m2 else "",
        r.town,
        gz.THEME_LABELS.get(r.report.theme, "General") if r.report.organised else "General",
        r.text,
    ]


def _gloucestershire(r: Rendered, world: World) -> list[str]:
    m1, m2 = r.mentions[0], _second(r)
    f1, s1 = _name_parts(m1)
    f2, s2 = _name_parts(m2) if m2 else ("", "")
    address, postcode = _address(world, m1, postcode=True)
    line = address.rsplit(", ", 1)[0] if address else ""
    nickname = r.people[0].alias if r.people[0].alias and r.report.day % 3 else ""
    return [
        r.rid,
        format_date(day_to_date(r.report.day), "dmy_dash"),
        r.grading[0],
        r.grading[1],
        r.grading[2],
        r.grading[3],
        f1,
        s1,
        m1.dob,
        nickname,
        line,
        postcode,
        _phone(world, m1),
        f2,
        s2,
        m2.dob if m2 else "",
        _vrm(world, r),
        r.text,
    ]


def _wiltshire(r: Rendered, world: World) -> list[str]:
    m1, m2 = r.mentions[0], _second(r)
    address, _ = _address(world, m1, postcode=False)
    phone = _phone(world, m1)
    beat = f"{r.town.upper()[:4]}{r.report.day % 7 + 1:02d}"
    return [
        r.rid,
        format_date(day_to_date(r.report.day), "dd_mon_yyyy"),
        r.grading[0],
        r.grading[1],
        r.grading[2],
        r.grading[3],
        m1.full_name().upper(),
        m1.dob,
        address.upper(),
        m2.full_name().upper() if m2 else "",
        m2.dob if m2 else "",
        phone_national(phone) if phone else "",
        _vrm(world, r, spaced=False),
        beat,
        THEME_CODES[r.report.theme if r.report.organised else ""],
        r.text.upper(),
    ]


# Per force: columns, row builder, date style, date column, narrative column, id format.
LAYOUTS: dict[str, Layout] = {
    "avon_and_somerset": (
        [
            "URN",
            "Report Date",
            "Report Time",
            "Reporting Officer",
            "Source Evaluation",
            "Intelligence Assessment",
            "Handling Code",
            "Handling Conditions",
            "Subject 1 Surname",
            "Subject 1 Forenames",
            "Subject 1 DOB",
            "Subject 1 Address",
            "Subject 1 Postcode",
            "Subject 2 Surname",
            "Subject 2 Forenames",
            "Subject 2 DOB",
            "Telephone",
            "VRM",
            "Location",
            "Crime Theme",
            "Report Text",
        ],
        _avon,
        "dmy_slash",
        10,
        20,
        "AS-IR-{yy}-{seq:06d}",
    ),
    "devon_and_cornwall": (
        [
            "report_id",
            "created_at",
            "grading",
            "handling_conditions",
            "subject_name",
            "subject_dob",
            "subject_address",
            "associate_name",
            "associate_dob",
            "phone_number",
            "vehicle_vrm",
            "location_text",
            "crime_theme",
            "narrative",
        ],
        _devon,
        "iso",
        5,
        13,
        "DC-{yyyy}-{seq:07d}",
    ),
    "dorset": (
        [
            "Ref",
            "Date Recorded",
            "Source",
            "Intelligence",
            "Handling",
            "Conditions",
            "Name",
            "Alias",
            "Date of Birth",
            "Address",
            "Postcode",
            "Telephone",
            "Vehicle",
            "Linked Name",
            "Area",
            "Category",
            "Summary",
        ],
        _dorset,
        "d_mon_yy",
        8,
        16,
        "DOR{seq:06d}",
    ),
    "gloucestershire": (
        [
            "IntelRef",
            "DateOfReport",
            "SourceGrade",
            "IntelGrade",
            "HandlingCode",
            "HandlingConditions",
            "SubjectForename",
            "SubjectSurname",
            "SubjectDOB",
            "SubjectNickname",
            "SubjectAddressLine",
            "SubjectPostcode",
            "SubjectMobile",
            "LinkedSubjectForename",
            "LinkedSubjectSurname",
            "LinkedSubjectDOB",
            "LinkedVRM",
            "Details",
        ],
        _gloucestershire,
        "dmy_dash",
        8,
        17,
        "G/{seq:06d}/{yy}",
    ),
    "wiltshire": (
        [
            "ENTRY_NO",
            "ENTRY_DATE",
            "GRADE_SRC",
            "GRADE_INT",
            "GRADE_HND",
            "HND_CONDITIONS",
            "NOMINAL_1",
            "NOMINAL_1_DOB",
            "NOMINAL_1_ADDR",
            "NOMINAL_2",
            "NOMINAL_2_DOB",
            "TEL_NO",
            "VRM",
            "BEAT",
            "TOPIC",
            "FREE_TEXT",
        ],
        _wiltshire,
        "dd_mon_yyyy",
        7,
        15,
        "{seq}",
    ),
}
#: Where planted malformed rows must show at least once, so a small dataset has every kind.
FORCED = {"devon_and_cornwall": ("broken_quote",), "avon_and_somerset": ("wrong_column_count",)}


def plan_reports(ctx: Context, rng: random.Random, budgets: dict[str, int]) -> dict[str, list[Report]]:
    """Decide every report of every force: true associations first, then exposures, then the rest."""
    world = ctx.world
    ocgs = {ocg.id: ocg for ocg in world.ocgs}
    plans: dict[str, list[Report]] = {force: [] for force in budgets}

    def place(force: str, report: Report, limit: float, *, anywhere: bool = False) -> None:
        """File the report in its force, or (for a true link) wherever there is still room."""
        if len(plans[force]) < budgets[force] * limit:
            plans[force].append(report)
            return
        if anywhere:
            roomiest = max(plans, key=lambda f: budgets[f] * limit - len(plans[f]))
            if len(plans[roomiest]) < budgets[roomiest] * limit:
                plans[roomiest].append(report)

    def force_for(person: Person, ocg_id: str) -> str:
        own = force_of(person)
        ocg = ocgs.get(ocg_id)
        if ocg is None or own in ocg.forces:
            return own
        return rng.choice(ocg.forces)

    for kind in ("seen_together", "exploits"):
        for number in ctx.by_kind.get(kind, []):
            link = world.links[number]
            a, b = world.people[link.a], world.people[link.b]
            subjects = [link.a, link.b] if kind == "seen_together" else [link.b, link.a]
            day = link.start if kind == "seen_together" else span_day(rng, link.start, link.end)
            theme = ocgs[link.ocg].theme if link.ocg in ocgs else a.theme or b.theme
            place(force_for(a, link.ocg), Report(day, "", subjects, theme, True), 0.6, anywhere=True)
    # Put each offender's phones and vehicles on record at least once.
    for person in world.people:
        if person.role != "offender":
            continue
        for index in person.phones:
            phone = world.phones[index]
            _, start, end = phone.holders[0]
            day = span_day(rng, max(start, person.start), end)
            place(force_for(person, person.ocg), Report(day, "", [person.idx], person.theme, True), 0.7)
        for _ in person.vehicles:
            day = span_day(rng, person.start, LAST)
            place(force_for(person, person.ocg), Report(day, "", [person.idx], person.theme, True), 0.75)
    pools: dict[str, PersonPool] = {}
    residents: dict[str, list[Person]] = {force: [] for force in budgets}
    for person in world.people:
        # Young children come to notice through safeguarding, not intelligence reports.
        if person.role != "public" or person.dob < _YOUNGEST:
            residents[force_of(person)].append(person)
    for ocg in world.ocgs:
        for member, _, _, _ in ocg.members:
            for force in ocg.forces:
                if force != force_of(world.people[member]):
                    residents[force].append(world.people[member])
    for force, people in residents.items():
        pools[force] = PersonPool(people, rng)
    for force, plan in plans.items():
        while len(plan) < budgets[force]:
            person = pools[force].draw()
            day = span_day(rng, person.start, LAST)
            subjects = [person.idx]
            links = ctx.adjacency[person.idx]
            if links and rng.random() < 0.3:
                link = world.links[rng.choice(links)]
                subjects.append(ctx.other(link, person.idx))
                day = span_day(rng, link.start, link.end)
            organised = person.role == "offender" and rng.random() < 0.8
            plan.append(Report(day, force, subjects, person.theme, organised))
        plan.sort(key=lambda report: report.day)
        for report in plan:
            report.force = force
    return plans


def render(
    ctx: Context, mentions: Mentions, report: Report, rid: str, style: str, rng: random.Random
) -> Rendered:
    world = ctx.world
    people = [world.people[index] for index in report.subjects]
    rendered = [
        mentions.person(
            person, report.day, date_style=style, with_phone=position == 0, with_address=position == 0
        )
        for position, person in enumerate(people)
    ]
    vehicle = vehicle_at(world, people[0], report.day) if rng.random() < 0.7 else -1
    home = rendered[0].address
    town_index = world.addresses[home].town if home >= 0 else people[0].town
    town = gz.TOWNS[town_index].name
    if home >= 0 and rng.random() < 0.5:
        place = world.addresses[home].street
    else:
        place = f"{rng.choice(gz.STREET_STEMS)} {rng.choice(gz.STREET_SUFFIXES)}"
    phone = world.phones[rendered[0].phone].number if rendered[0].phone >= 0 else ""
    vrm = world.vehicles[vehicle].vrm if vehicle >= 0 else ""
    text = report_text(
        rng,
        report.theme,
        a=rendered[0].full_name(),
        b=rendered[1].full_name() if len(rendered) > 1 else "",
        town=town,
        place=place,
        vehicle=vrm,
        phone=phone,
        organised=report.organised,
    )
    hour, minute = clock(rng)
    officer = f"{rng.choice(('PC', 'PC', 'DC', 'PS', 'DS'))} {rng.randint(100, 9999)}"
    return Rendered(
        report, rid, hour, minute, grading_3x5x2(rng), rendered, people, vehicle, text, town, place, officer
    )


def write_intel(ctx: Context, total: int) -> None:
    """Write the five force intelligence files for a total budget of ``total`` reports."""
    rng = ctx.rng("intel-plan")
    budgets = {force: round(total * share) for force, share in FORCE_SHARES.items()}
    budgets["avon_and_somerset"] += total - sum(budgets.values())
    plans = plan_reports(ctx, rng, budgets)
    for force, plan in plans.items():
        rel = f"intel/{force}.csv"
        header, build, style, date_col, text_col, id_format = LAYOUTS[force]
        frng = ctx.rng(rel)
        mentions = ctx.mentions(frng)
        sink = ctx.sink(
            rel,
            header,
            len(plan),
            frng,
            date_col=date_col,
            date_style=style,
            text_col=text_col,
            forced=FORCED.get(force, ()),
            delimiter=";" if force == "dorset" else ",",
            bom=force == "devon_and_cornwall",
        )
        for seq, report in enumerate(plan, start=1):
            year = day_to_date(report.day).year
            rid = id_format.format(
                seq=seq if force != "wiltshire" else 400000 + seq, yy=f"{year % 100:02d}", yyyy=year
            )
            rendered = render(ctx, mentions, report, rid, style, frng)
            kind = sink.write(build(rendered, ctx.world), rid)
            extra = ["malformed"] if kind else []
            for position, (person, mention) in enumerate(
                zip(rendered.people, rendered.mentions, strict=True)
            ):
                ctx.add_person(rel, rid, f"subject_{position + 1}", person, mention, extra)
            if rendered.vehicle >= 0:
                ctx.truth.add(rel, rid, "vehicle", "vehicle", ctx.world.vehicles[rendered.vehicle].id)
        ctx.finish_csv(
            rel,
            sink,
            f"{gz.FORCE_BY_SLUG[force].name} intelligence reports",
            style,
            bom=force == "devon_and_cornwall",
        )
