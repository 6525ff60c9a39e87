"""Custody, prison intelligence, partner sources (safeguarding, housing) and the legacy 5x5x5 system."""

from __future__ import annotations

from datetime import date
from typing import Any

from socmap.engines.synth import gazetteer as gz
from socmap.engines.synth.common import (
    Context,
    PersonPool,
    age_on,
    clock,
    force_of,
    grading_3x5x2,
    span_day,
    vehicle_at,
)
from socmap.engines.synth.narrative import SAFEGUARDING_NOTES, report_text
from socmap.engines.synth.noise import Mention, fold_ascii, format_date, impossible_date
from socmap.engines.synth.output import FileInfo, plan_malformed, write_xlsx
from socmap.engines.synth.world import LAST, Person, World, day_to_date

_SUITE_PREFIX = {
    "avon_and_somerset": "AS",
    "devon_and_cornwall": "DC",
    "dorset": "DO",
    "gloucestershire": "GC",
    "wiltshire": "WP",
}


def _address_parts(world: World, m: Mention) -> tuple[str, str, str]:
    if m.address < 0:
        return "", "", ""
    address = world.addresses[m.address]
    return address.line(), gz.TOWNS[address.town].name, address.postcode


def write_custody(ctx: Context, total: int) -> None:
    """Custody records (XLSX): every co-arrest on record with its co-accused, then everyday arrests."""
    rel = "custody.xlsx"
    world = ctx.world
    rng = ctx.rng(rel)
    mentions = ctx.mentions(rng)
    ocgs = {ocg.id: ocg for ocg in world.ocgs}
    # Detentions: (day, force, people arrested together, offence)
    events: list[tuple[int, str, list[int], str]] = []
    count = 0
    for number in ctx.by_kind.get("co_arrest", []):
        if count + 2 > total * 0.6:
            break
        link = world.links[number]
        ocg = ocgs.get(link.ocg)
        theme = ocg.theme if ocg else world.people[link.a].theme or "county_lines"
        force = force_of(world.people[link.a])
        events.append((link.start, force, [link.a, link.b], rng.choice(gz.THEME_OFFENCES[theme])))
        count += 2
    pool = PersonPool([p for p in world.people if p.dob < date(2005, 1, 1)], rng)
    while count < total:
        person = pool.draw()
        day = span_day(rng, person.start, LAST)
        organised = person.role == "offender" and rng.random() < 0.7
        offence = rng.choice(gz.THEME_OFFENCES[person.theme] if organised else gz.BACKGROUND_OFFENCES)
        events.append((day, force_of(person), [person.idx], offence))
        count += 1
    events.sort(key=lambda e: (e[0], e[1]))
    plan = plan_malformed(rng, count, ctx.rates.malformed, ["impossible_date"], ["impossible_date"])
    header = [
        "Custody Number",
        "Force",
        "Custody Suite",
        "Arrest Date",
        "Arrest Time",
        "Surname",
        "Forename(s)",
        "Date of Birth",
        "Gender",
        "Address",
        "Town",
        "Postcode",
        "Telephone",
        "Offence",
        "Co-accused",
        "Arresting Officer",
        "Outcome",
        "Vehicle Seized",
    ]
    sequence: dict[str, int] = {}
    rows: list[list[Any]] = []
    for day, force, arrested, offence in events:
        when = day_to_date(day)
        suite = rng.choice(gz.CUSTODY_SUITES[force])
        numbers = []
        for _ in arrested:
            sequence[force] = sequence.get(force, 0) + 1
            numbers.append(f"{_SUITE_PREFIX[force]}/{sequence[force]:06d}/{when.year % 100:02d}")
        hour, minute = clock(rng)
        officer = f"PC {rng.randint(100, 9999)}"
        for position, index in enumerate(arrested):
            person = world.people[index]
            m = mentions.person(person, day, date_style="dmy_slash", with_phone=True)
            rid = numbers[position]
            kind = plan.get(len(rows), "")
            dob: Any = m.dob_value
            if kind:
                dob = impossible_date("dmy_slash", rng)  # typed into a free-text cell by hand
                ctx.malformed.add(
                    rel, len(rows) + 1, len(rows) + 2, rid, kind, f"Date of Birth holds {dob!r}"
                )
            line, town, postcode = _address_parts(world, m)
            phone = world.phones[m.phone].number if m.phone >= 0 else ""
            vehicle = vehicle_at(world, person, day) if rng.random() < 0.15 else -1
            surname, forename = (
                (m.forename, m.surname) if "surname_first" in m.noise else (m.surname, m.forename)
            )
            rows.append(
                [
                    rid,
                    gz.FORCE_BY_SLUG[force].name,
                    suite,
                    when,
                    f"{hour:02d}:{minute:02d}",
                    surname.upper(),
                    forename,
                    dob,
                    person.sex,
                    line,
                    town,
                    postcode,
                    int(phone) if phone else None,  # the custody system stores numbers: the leading 0 is lost
                    offence,
                    "; ".join(n for n in numbers if n != rid),
                    officer,
                    rng.choice(
                        (
                            "Charged",
                            "Released under investigation",
                            "No further action",
                            "Bailed",
                            "Remanded in custody",
                            "Cautioned",
                        )
                    ),
                    world.vehicles[vehicle].vrm if vehicle >= 0 else None,
                ]
            )
            ctx.add_person(rel, rid, "detainee", person, m, ["malformed"] if kind else [])
            if vehicle >= 0:
                ctx.truth.add(rel, rid, "vehicle", "vehicle", world.vehicles[vehicle].id)
    if ctx.progress:
        ctx.progress(rel, 0, len(rows))
    written = write_xlsx(ctx.root / rel, "Custody", header, rows)
    ctx.files.append(
        FileInfo(
            rel, written, "xlsx", "xlsx", "Custody extract", extra={"sheet": "Custody", "columns": header}
        )
    )


def write_prison(ctx: Context, total: int) -> None:
    """Prison intelligence: dismantled groups' members and Priority Individuals inside, with contacts out."""
    rel = "prison.csv"
    world = ctx.world
    rng = ctx.rng(rel)
    mentions = ctx.mentions(rng)
    # Prisoners: (person, reception day, establishment, prison number)
    prisoners: list[tuple[int, int, str, str]] = []

    def receive(person: int, day: int) -> None:
        force = force_of(world.people[person])
        # Women go to the region's women's prison; men to a men's prison near home.
        women = gz.WOMENS_PRISONS
        if world.people[person].sex == "F":
            local = list(women)
        else:
            local = [name for name, f in gz.PRISONS if f == force and name not in women] or ["HMP Bristol"]
        letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
        number = f"A{rng.randint(1000, 9999)}{rng.choice(letters)}{rng.choice(letters)}"
        prisoners.append((person, day, rng.choice(local), number))

    for ocg in world.ocgs:
        if ocg.status == "dismantled" and ocg.end < LAST - 30:
            for member, role, _, _ in ocg.members:
                if role != "runner" or rng.random() < 0.3:
                    receive(member, rng.randint(ocg.end, min(LAST - 20, ocg.end + 40)))
    for individual in world.people:
        if individual.pi and rng.random() < 0.4:
            receive(individual.idx, rng.randint(individual.start, LAST - 20))
    adults = [p for p in world.people if p.role == "public" and p.dob < date(2000, 1, 1)]
    for adult in rng.sample(adults, min(len(adults), max(5, total // 20))):
        receive(adult.idx, rng.randint(0, LAST - 20))
    # Expected release: half the sentence served (automatic release on licence), from a stream of
    # its own so that adding it changed nothing else in the file. Groups' members get longer terms.
    terms = ctx.rng(f"{rel}:release")
    members = {m for o in world.ocgs for m, _, _, _ in o.members}
    releases: list[int] = []
    for who, day, _, _ in prisoners:
        offender = who in members or world.people[who].pi
        months = terms.randint(24, 168) if offender else terms.randint(6, 48)
        releases.append(day + months * 365 // 24)
    entries: list[tuple[int, int]] = []  # (report day, prisoner number)
    for number, (_, day, _, _) in enumerate(prisoners[:total]):
        entries.append((rng.randint(day, LAST), number))
    while len(entries) < total and prisoners:
        number = rng.randrange(len(prisoners))
        entries.append((rng.randint(prisoners[number][1], LAST), number))
    entries.sort()
    header = [
        "IR_NUMBER",
        "ESTABLISHMENT",
        "PRISON_NUMBER",
        "SURNAME",
        "FORENAMES",
        "DOB",
        "RECEPTION_DATE",
        "REPORT_DATE",
        "CATEGORY",
        "SOURCE_EVAL",
        "INTEL_EVAL",
        "HANDLING_CODE",
        "HANDLING_CONDITIONS",
        "ASSOCIATE_NAME",
        "ASSOCIATE_PHONE",
        "DETAIL",
        "EXPECTED_RELEASE",
    ]
    sink = ctx.sink(
        rel,
        header,
        len(entries),
        rng,
        date_col=7,
        date_style="dmy_short",
        text_col=15,
        forced=("wrong_column_count",),
    )
    for seq, (day, number) in enumerate(entries, start=1):
        index, received, establishment, prison_number = prisoners[number]
        person = world.people[index]
        m = mentions.person(person, day, date_style="dmy_short", with_address=False)
        rid = f"PIR{seq:07d}"
        links = ctx.adjacency[index]
        associate: Person | None = None
        am: Mention | None = None
        if links and rng.random() < 0.6:
            associate = world.people[ctx.other(world.links[rng.choice(links)], index)]
            am = mentions.person(
                associate, day, date_style="dmy_short", with_dob=False, with_address=False, with_phone=True
            )
        category = rng.choice(
            ("Associations", "Mobile phone", "Drugs", "Threats and intimidation", "Finance", "Visits")
        )
        detail = {
            "Associations": "Prisoner in regular contact with associates outside; appears to direct them.",
            "Mobile phone": "Illicit mobile phone found in cell; numbers called include the associate below.",
            "Drugs": "Prisoner believed to be arranging drone drops of spice and phones.",
            "Threats and intimidation": "Prisoner heard threatening to have a witness dealt with on release.",
            "Finance": "Family members believed to be paying debts into accounts on the prisoner's behalf.",
            "Visits": "Visitor passed an item during social visit; associate named below attended.",
        }[category]
        source, intel, handling, conditions = grading_3x5x2(rng)
        kind = sink.write(
            [
                rid,
                establishment,
                prison_number,
                m.surname.upper(),
                m.forename.upper(),
                m.dob,
                format_date(day_to_date(received), "dmy_short"),
                format_date(day_to_date(day), "dmy_short"),
                category,
                source,
                intel,
                handling,
                conditions,
                am.full_name() if am else "",
                (world.phones[am.phone].number if am and am.phone >= 0 else ""),
                detail,
                format_date(day_to_date(releases[number]), "dmy_slash"),
            ],
            rid,
        )
        extra = ["malformed"] if kind else []
        ctx.add_person(rel, rid, "prisoner", person, m, extra)
        if associate is not None and am is not None:
            ctx.add_person(rel, rid, "associate", associate, am, extra)
    ctx.finish_csv(rel, sink, "Prison intelligence", "dd/mm/yy")


def write_safeguarding(ctx: Context, total: int) -> None:
    """Council safeguarding referrals: every exploited person, with who exploits them; then everyday ones."""
    rel = "safeguarding.csv"
    world = ctx.world
    rng = ctx.rng(rel)
    mentions = ctx.mentions(rng)
    referrals: list[tuple[int, int, int]] = []  # day, subject, associated offender (or -1)
    for number in ctx.by_kind.get("exploits", []):
        link = world.links[number]
        referrals.append((span_day(rng, link.start, link.end), link.b, link.a))
    referrals = referrals[: int(total * 0.7)]
    pool = PersonPool([p for p in world.people if p.role in ("public", "vulnerable", "bystander")], rng)
    while len(referrals) < total:
        person = pool.draw()
        day = rng.randint(0, LAST)
        associate = -1
        if person.role == "vulnerable":
            offenders = [
                ctx.other(world.links[n], person.idx)
                for n in ctx.adjacency[person.idx]
                if world.links[n].kind == "exploits"
            ]
            associate = rng.choice(offenders) if offenders else -1
        referrals.append((day, person.idx, associate))
    referrals.sort()
    header = [
        "Referral ID",
        "Council",
        "Date Received",
        "Referrer",
        "Subject Type",
        "Subject Forename",
        "Subject Surname",
        "Subject DOB",
        "Address",
        "Postcode",
        "Contact Number",
        "Concern",
        "Associated Person",
        "Associated Person Details",
        "Outcome",
        "Notes",
    ]
    sink = ctx.sink(
        rel,
        header,
        len(referrals),
        rng,
        date_col=2,
        date_style="dmy_slash",
        text_col=15,
        forced=("impossible_date",),
    )
    concerns = {
        "exploited_child": "Child criminal exploitation",
        "cse_victim": "Child sexual exploitation",
        "cuckooed": "Cuckooing",
        "trafficked_worker": "Modern slavery",
        "money_mule": "Financial exploitation",
    }
    for seq, (day, subject, associate) in enumerate(referrals, start=1):
        person = world.people[subject]
        m = mentions.person(person, day, date_style="dmy_slash", with_phone=True)
        rid = f"SR-{seq:06d}"
        town = gz.TOWNS[world.addresses[m.address].town] if m.address >= 0 else gz.TOWNS[person.town]
        child = age_on(person, day_to_date(day)) < 18
        if person.role == "vulnerable":
            concern = concerns.get(person.detail, "Exploitation")
        else:
            concern = rng.choice(
                ("Neglect", "Domestic abuse", "Missing from home", "Self-neglect", "Mental health")
            )
        am: Mention | None = None
        details = ""
        if associate >= 0:
            offender = world.people[associate]
            am = mentions.person(offender, day, date_style="dmy_slash", with_dob=False, with_address=False)
            parts = []
            if offender.alias:
                parts.append(f"known as '{offender.alias}'")
            vehicle = vehicle_at(world, offender, day)
            if vehicle >= 0:
                v = world.vehicles[vehicle]
                parts.append(f"drives a {v.colour.lower()} {v.make} {v.vrm}")
            details = ", ".join(parts)
        address = world.addresses[m.address] if m.address >= 0 else None
        kind = sink.write(
            [
                rid,
                town.council,
                format_date(day_to_date(day), "dmy_slash"),
                rng.choice(
                    ("School", "Police", "NHS", "Housing", "Youth Justice Service", "Family member", "GP")
                ),
                "Child" if child else "Adult",
                m.forename,
                m.surname,
                m.dob,
                f"{address.line()}, {town.name}" if address else "",
                address.postcode if address else "",
                world.phones[m.phone].number if m.phone >= 0 else "",
                concern,
                am.full_name() if am else "",
                details,
                rng.choice(
                    (
                        "Section 47 enquiry",
                        "Early Help",
                        "No further action",
                        "MASH strategy discussion",
                        "NRM referral",
                        "Section 42 enquiry",
                    )
                ),
                rng.choice(
                    SAFEGUARDING_NOTES.get(
                        person.detail if person.role == "vulnerable" else "", SAFEGUARDING_NOTES[""]
                    )
                ),
            ],
            rid,
        )
        extra = ["malformed"] if kind else []
        ctx.add_person(rel, rid, "subject", person, m, extra)
        if am is not None:
            ctx.add_person(rel, rid, "associated_person", world.people[associate], am, extra)
    ctx.finish_csv(rel, sink, "Council safeguarding referrals (partner)", "dd/mm/yyyy")


def write_housing(ctx: Context, total: int) -> None:
    """Housing tenancies (partner): lead and joint tenants per home; cuckooed homes always on record."""
    rel = "housing.csv"
    world = ctx.world
    rng = ctx.rng(rel)
    mentions = ctx.mentions(rng)
    # One candidate tenancy per (home, period): the first adult living there, and a second as joint tenant.
    occupants: dict[int, list[tuple[int, int, int]]] = {}
    for resident in world.people:
        for home, start, end in resident.addresses:
            if age_on(resident, day_to_date(start)) >= 18:
                occupants.setdefault(home, []).append((resident.idx, start, end))
    first: list[tuple[int, int, int, int, int]] = []  # start, end, lead, joint, address
    rest: list[tuple[int, int, int, int, int]] = []
    for address_index, address_people in occupants.items():
        lead, start, end = address_people[0]
        # A joint tenant moved in with the lead tenant (partners, family), not later (lodgers, runners).
        joint = next((p for p, s, _ in address_people[1:] if s == start and p != lead), -1)
        entry = (start, end, lead, joint, address_index)
        if world.people[lead].role == "vulnerable" or (joint >= 0 and world.people[joint].role != "public"):
            first.append(entry)
        else:
            rest.append(entry)
    rng.shuffle(rest)
    chosen = first[:total] + rest[: max(0, total - len(first))]
    while len(chosen) < total and (first or rest):
        chosen.append(rng.choice(first + rest))  # renewals: the same tenancy let again
    chosen.sort(key=lambda e: (e[0], e[2]))
    header = [
        "tenancy_ref",
        "landlord",
        "tenant_title",
        "tenant_forename",
        "tenant_surname",
        "tenant_dob",
        "joint_tenant_name",
        "joint_tenant_dob",
        "property_address",
        "town",
        "postcode",
        "tenancy_start",
        "tenancy_end",
        "tenancy_type",
        "contact_phone",
        "notes",
    ]
    sink = ctx.sink(
        rel,
        header,
        len(chosen),
        rng,
        date_col=11,
        date_style="iso",
        text_col=15,
        forced=("wrong_column_count",),
    )
    for seq, (start, end, lead, joint, address_index) in enumerate(chosen, start=1):
        person = world.people[lead]
        since = max(start, rng.randint(0, 400) if start == 0 else start)
        m = mentions.person(person, since, date_style="iso", with_phone=True, with_address=False)
        address = world.addresses[address_index]
        town = gz.TOWNS[address.town]
        rid = f"T{town.name[:3].upper()}{seq:06d}"
        jm = (
            mentions.person(world.people[joint], since, date_style="iso", with_address=False)
            if joint >= 0
            else None
        )
        title = "Mr" if person.sex == "M" else rng.choice(("Mrs", "Ms", "Miss"))
        notes = ""
        if person.role == "vulnerable" and person.detail == "cuckooed":
            notes = "ASB complaints: visitors at all hours; tenant appears intimidated."
        elif rng.random() < 0.05:
            notes = rng.choice(
                ("Rent arrears", "Repairs outstanding", "Request to transfer", "Noise complaint")
            )
        first_name, surname = (
            (m.surname, m.forename) if "surname_first" in m.noise else (m.forename, m.surname)
        )
        kind = sink.write(
            [
                rid,
                rng.choice(gz.HOUSING_LANDLORDS[town.force]),
                title,
                first_name,
                surname,
                m.dob,
                jm.full_name() if jm else "",
                jm.dob if jm else "",
                address.line(),
                town.name,
                address.postcode,
                format_date(day_to_date(since), "iso"),
                format_date(day_to_date(end), "iso") if end < LAST else "",
                rng.choice(("Assured", "Assured shorthold", "Starter", "Secure")),
                world.phones[m.phone].number if m.phone >= 0 else "",
                notes,
            ],
            rid,
        )
        extra = ["malformed"] if kind else []
        ctx.add_person(rel, rid, "tenant", person, m, extra)
        ctx.truth.add(rel, rid, "property", "address", address.id)
        if jm is not None:
            ctx.add_person(rel, rid, "joint_tenant", world.people[joint], jm, extra)
    ctx.finish_csv(rel, sink, "Housing tenancy records (partner)", "yyyy-mm-dd")


def write_legacy(ctx: Context, total: int) -> None:
    """The pre-2021 intelligence system, graded 5x5x5, upper case and plain letters only."""
    rel = "legacy.csv"
    world = ctx.world
    rng = ctx.rng(rel)
    mentions = ctx.mentions(rng)
    cutoff = (date(2021, 1, 1) - day_to_date(0)).days - 1
    pool = PersonPool(world.people, rng)
    entries: list[tuple[int, int, int]] = []  # day, subject, associate (or -1)
    while len(entries) < total:
        person = pool.draw()
        if person.start > cutoff:
            continue
        day = rng.randint(person.start, cutoff)
        associate = -1
        links = [n for n in ctx.adjacency[person.idx] if world.links[n].start <= cutoff]
        if links and rng.random() < 0.3:
            associate = ctx.other(world.links[rng.choice(links)], person.idx)
        entries.append((day, person.idx, associate))
    entries.sort()
    header = [
        "LEGACY_ID",
        "FORCE_CODE",
        "ENTRY_DATE",
        "SOURCE_EVAL",
        "INTEL_EVAL",
        "HANDLING",
        "SUBJECT",
        "DOB",
        "ADDRESS",
        "ASSOCIATE",
        "VRM",
        "TEXT",
    ]
    sink = ctx.sink(
        rel,
        header,
        len(entries),
        rng,
        date_col=2,
        date_style="ymd_compact",
        text_col=11,
        forced=("impossible_date",),
    )
    for seq, (day, subject, associate) in enumerate(entries, start=1):
        person = world.people[subject]
        m = mentions.person(person, day, date_style="dmy_short")
        rid = f"L{seq:08d}"
        am = (
            mentions.person(
                world.people[associate], day, date_style="dmy_short", with_address=False, with_dob=False
            )
            if associate >= 0
            else None
        )

        def slashed(mention: Mention) -> str:
            parts = (
                (mention.forename, mention.surname)
                if "surname_first" in mention.noise
                else (mention.surname, mention.forename)
            )
            return fold_ascii(f"{parts[0]}/{parts[1]}").upper()

        line, town, postcode = _address_parts(world, m)
        vehicle = vehicle_at(world, person, day) if rng.random() < 0.4 else -1
        text = report_text(
            rng,
            person.theme,
            a=slashed(m),
            b=slashed(am) if am else "",
            town=town or "the area",
            place=line or "an address",
            vehicle="",
            phone="",
            organised=person.role == "offender",
        )
        kind = sink.write(
            [
                rid,
                str(gz.FORCE_BY_SLUG[force_of(person)].code),
                format_date(day_to_date(day), "ymd_compact"),
                rng.choices("ABCDE", weights=(0.1, 0.4, 0.3, 0.1, 0.1))[0],
                rng.choices("12345", weights=(0.15, 0.35, 0.3, 0.15, 0.05))[0],
                rng.choices("12345", weights=(0.6, 0.1, 0.1, 0.15, 0.05))[0],
                slashed(m),
                m.dob,
                fold_ascii(f"{line} {town} {postcode}".strip()).upper() if line else "",
                slashed(am) if am else "",
                world.vehicles[vehicle].vrm.replace(" ", "") if vehicle >= 0 else "",
                fold_ascii(text).upper(),
            ],
            rid,
        )
        extra = ["malformed"] if kind else []
        ctx.add_person(rel, rid, "subject", person, m, extra)
        if am is not None:
            ctx.add_person(rel, rid, "associate", world.people[associate], am, extra)
        if vehicle >= 0:
            ctx.truth.add(rel, rid, "vehicle", "vehicle", world.vehicles[vehicle].id)
    ctx.finish_csv(rel, sink, "Legacy intelligence system (5x5x5)", "yyyymmdd (DOB dd/mm/yy)")
