"""Free text of intelligence reports and referrals, in the words officers and partners use."""

from __future__ import annotations

import random

_FINDS = (
    "Nothing found.",
    "Two wraps of suspected crack cocaine found.",
    "£840 in cash found, no explanation given.",
    "Two mobile phones found, one a basic handset.",
    "A lock knife found in the waistband.",
    "Suspected cannabis found, seized.",
    "Nothing found; subject evasive about reasons for being in the area.",
)

_THEMED: dict[str, tuple[str, ...]] = {
    "county_lines": (
        "Intelligence indicates that {a} is running the '{line}' line into {town}, supplying crack cocaine "
        "and "
        "heroin. Local users are texted bulk messages from {phone}.",
        "{a} is believed to be using {place} as a base to deal Class A drugs in {town}. Young people seen "
        "visiting at all hours.",
        "{a} seen with {b} near {place}, {town}. Both believed to be involved in Class A supply on the "
        "'{line}' line. {vehicle}",
        "Stop and search of {a} at {place}, {town} under s23 Misuse of Drugs Act 1971. {find}",
        "{a} is travelling between Bristol and {town} by train and car to restock runners. {vehicle}",
    ),
    "modern_slavery": (
        "Workers at a hand car wash in {town} are believed to be living at {place} and handing their wages "
        "to {a}.",
        "{a} is believed to control the bank cards of several workers housed at {place}, {town}.",
        "{a} and {b} seen transporting workers in a van early in the morning from {place}. {vehicle}",
        "Nail bar staff in {town} appear to be under the control of {a}; they are collected and dropped off "
        "daily.",
    ),
    "cse": (
        "{a} is believed to be giving alcohol and lifts to girls aged 13 to 15 in {town}. {vehicle}",
        "Concerns that {a} is associating with a child reported missing from home, seen at {place}.",
        "{a} and {b} seen with young females at {place}, {town} late at night.",
    ),
    "oic": (
        "{a} is believed to be arranging onward travel for migrants arriving in {town} and supplying false "
        "identity documents.",
        "{a} and {b} are believed to be facilitating illegal working at premises in {town}.",
    ),
    "fraud": (
        "{a} is believed to be recruiting young people in {town} to let their bank accounts be used to move "
        "money (money mules).",
        "{a} is linked to a courier fraud in which elderly victims in {town} handed cash to a 'police "
        "officer'.",
        "{a} and {b} believed to be running a rogue trader operation targeting older residents of {town}.",
    ),
    "firearms": (
        "{a} is believed to have access to a handgun stored at {place}, {town}.",
        "{a} is reported to be trying to buy ammunition; associates include {b}.",
        "Information that {a} has converted blank-firing pistols for sale in {town}.",
    ),
    "acquisitive": (
        "{a} is believed to be responsible for a series of high-value car thefts by keyless relay in {town}. "
        "{vehicle}",
        "{a} and {b} seen acting suspiciously around vans in {town}; tools stolen in the area that night.",
        "{a} is believed to be selling stolen catalytic converters through a scrap yard near {town}.",
    ),
}

_BACKGROUND = (
    "{a} reported to be involved in a disturbance at {place}, {town}.",
    "{a} seen in the company of known drug users near {place}, {town}.",
    "Neighbour reports {a} receiving frequent short visits at {place}.",
    "{a} stopped while driving in {town}. No offences disclosed. {vehicle}",
    "{a} believed to be in debt to local dealers in {town}.",
    "Stop and search of {a} at {place}, {town}. {find}",
)

_LINES = ("Tony", "Bobby", "Dee", "AJ", "Kash", "Jay", "Milly", "Benz", "Tommy", "Cali", "Ricky", "Zee")


def report_text(
    rng: random.Random,
    theme: str,
    *,
    a: str,
    b: str,
    town: str,
    place: str,
    vehicle: str,
    phone: str,
    organised: bool,
) -> str:
    """One intelligence report's narrative for a theme; ``organised`` picks the threat's words."""
    templates = _THEMED.get(theme, _BACKGROUND) if organised else _BACKGROUND
    if not b:
        templates = tuple(t for t in templates if "{b}" not in t) or _BACKGROUND
    template = rng.choice(templates)
    return template.format(
        a=a,
        b=b,
        town=town,
        place=place,
        vehicle=f"Using vehicle {vehicle}." if vehicle else "",
        phone=phone or "an unknown number",
        line=rng.choice(_LINES),
        find=rng.choice(_FINDS),
    ).strip()


SAFEGUARDING_NOTES: dict[str, tuple[str, ...]] = {
    "exploited_child": (
        "Repeated missing episodes; found in another town with unexplained cash and phone.",
        "School report child has new clothes and a second phone; older males collecting him.",
    ),
    "cse_victim": (
        "Child seen getting into cars with older males; gifts of alcohol and vapes.",
        "Child disclosed to teacher she has an older 'boyfriend' who drives her around.",
    ),
    "cuckooed": (
        "Tenant reports people staying at the property against his wishes; drug paraphernalia seen.",
        "Housing officer concerned the flat has been taken over; tenant frightened to speak.",
    ),
    "trafficked_worker": (
        "Worker has no access to own passport or wages; lives at place of work.",
        "Several adults living in one room above the business; appear controlled.",
    ),
    "money_mule": ("Young adult allowed account to be used by others for payment; scared of consequences.",),
    "": (
        "Concerns about neglect raised by school.",
        "Domestic abuse incident; children present.",
        "Self-neglect and hoarding; adult declined support.",
        "Missing from home overnight; returned safe.",
    ),
}
