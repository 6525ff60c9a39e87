"""The ground truth is consistent with itself and with the sources, and the noise is as asked."""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Callable

import pytest

from socmap.engines.synth import NoiseRates, SynthResult

Truth = Callable[[str], list[dict[str, str]]]
RECORD_LEVEL = (
    "typo",
    "phonetic",
    "nickname",
    "surname_first",
    "whitespace_case",
    "missing_field",
    "dob_swap",
    "no_identifier",
    "vrm_misread",
)
PERSON_TO_PERSON = ("call", "co_arrest", "payment", "seen_together", "exploits", "family", "twin")
OBJECT_LINKS = ("resides_at", "uses_phone", "uses_vehicle", "holds_account")


def _within(measured: float, expected: float, n: int, floor: float = 0.01) -> bool:
    return abs(measured - expected) <= max(floor, 4 * math.sqrt(expected * (1 - expected) / max(n, 1)))


def test_every_true_id_in_records_exists(truth: Truth) -> None:
    known = {row["person_id"] for row in truth("people.csv")} | {
        row["object_id"] for row in truth("objects.csv")
    }
    missing = {row["true_id"] for row in truth("records.csv")} - known
    assert not missing


def test_every_ocg_member_exists(truth: Truth) -> None:
    people = {row["person_id"]: row for row in truth("people.csv")}
    ocgs = {row["ocg_id"] for row in truth("ocgs.csv")}
    for membership in truth("memberships.csv"):
        assert membership["person_id"] in people
        assert membership["ocg_id"] in ocgs
    for person in people.values():
        assert not person["ocg_id"] or person["ocg_id"] in ocgs
        assert not person["linked_ocg_id"] or person["linked_ocg_id"] in ocgs


def test_group_lineage_is_consistent(truth: Truth) -> None:
    ocgs = {row["ocg_id"]: row for row in truth("ocgs.csv")}
    statuses = {row["status"] for row in ocgs.values()}
    assert {"active", "split", "merged", "dismantled"} <= statuses
    assert any(";" in row["forces"] for row in ocgs.values())
    for row in ocgs.values():
        for child in filter(None, row["child_ids"].split(";")):
            assert row["ocg_id"] in ocgs[child]["parent_ids"].split(";")
        if row["status"] == "split":
            assert len(row["child_ids"].split(";")) == 2


@pytest.mark.parametrize("kind", RECORD_LEVEL)
def test_record_level_noise_rate_matches_its_parameter(truth: Truth, kind: str) -> None:
    eligible = [row for row in truth("records.csv") if kind in row["eligible"].split(";")]
    applied = sum(1 for row in eligible if kind in row["noise"].split(";"))
    expected = getattr(NoiseRates(), kind)
    assert eligible, f"no mention was eligible for {kind}"
    assert _within(applied / len(eligible), expected, len(eligible)), (kind, applied, len(eligible))


def test_twins_share_surname_dob_and_home_but_not_forename(truth: Truth) -> None:
    people = {row["person_id"]: row for row in truth("people.csv")}
    twins = [row for row in people.values() if row["twin_of"]]
    assert twins
    for row in twins:
        other = people[row["twin_of"]]
        assert (row["surname"], row["dob"], row["household_id"]) == (
            other["surname"],
            other["dob"],
            other["household_id"],
        )
        assert row["forename"] != other["forename"]
    assert _within(len(twins) / len(people), NoiseRates().twins, len(people), floor=0.006)


def test_recycled_phones_and_house_moves_match_their_rates(truth: Truth) -> None:
    holders: dict[str, int] = defaultdict(int)
    homes: dict[str, int] = defaultdict(int)
    for link in truth("links.csv"):
        if link["link_type"] == "uses_phone":
            holders[link["to_id"]] += 1
        elif link["link_type"] == "resides_at":
            homes[link["from_id"]] += 1
    recycled = sum(1 for count in holders.values() if count > 1)
    assert _within(recycled / len(holders), NoiseRates().recycled_phone, len(holders))
    public = [p["person_id"] for p in truth("people.csv") if p["role"] == "public" and not p["twin_of"]]
    moved = sum(1 for person in public if homes[person] > 1)
    assert _within(moved / len(public), NoiseRates().address_change, len(public))


def test_family_households_match_their_rate(truth: Truth) -> None:
    sizes: dict[str, int] = defaultdict(int)
    for person in truth("people.csv"):
        if person["role"] == "public" and not person["twin_of"]:
            sizes[person["household_id"]] += 1
    families = sum(1 for size in sizes.values() if size > 1)
    assert _within(families / len(sizes), NoiseRates().family, len(sizes))


def test_every_malformed_kind_appears_in_small(truth: Truth) -> None:
    kinds = {row["kind"] for row in truth("malformed.csv")}
    assert kinds == {"wrong_column_count", "impossible_date", "broken_quote", "invalid_json"}


def test_malformed_rows_are_tagged_in_the_record_truth(truth: Truth) -> None:
    tagged = {
        (r["file"], r["record_id"]) for r in truth("records.csv") if "malformed" in r["noise"].split(";")
    }
    planted = {(r["file"], r["record_id"]) for r in truth("malformed.csv")}
    assert planted == tagged


def _members(truth: Truth) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    for membership in truth("memberships.csv"):
        groups[membership["ocg_id"]].add(membership["person_id"])
    return groups


def test_every_ocg_is_connected_through_true_links(truth: Truth) -> None:
    neighbours: dict[str, set[str]] = defaultdict(set)
    users: dict[str, set[str]] = defaultdict(set)
    for link in truth("links.csv"):
        if link["link_type"] in PERSON_TO_PERSON:
            neighbours[link["from_id"]].add(link["to_id"])
            neighbours[link["to_id"]].add(link["from_id"])
        elif link["link_type"] in OBJECT_LINKS:
            users[link["to_id"]].add(link["from_id"])
    for sharers in users.values():  # people who share a home, phone, vehicle or account
        for person in sharers:
            neighbours[person] |= sharers - {person}
    for ocg, members in _members(truth).items():
        start = min(members)
        seen, queue = {start}, deque([start])
        while queue:
            for other in neighbours[queue.popleft()] & members:
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
        assert seen == members, f"{ocg}: {sorted(members - seen)} cut off"


def test_group_links_are_on_record_in_the_sources(truth: Truth) -> None:
    people_in: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in truth("records.csv"):
        if row["entity_kind"] == "person":
            people_in[(row["file"], row["record_id"])].add(row["true_id"])
    together: set[frozenset[str]] = set()
    for mentioned in people_in.values():
        for a in mentioned:
            for b in mentioned - {a}:
                together.add(frozenset((a, b)))
    custody = {
        person for (file, _), mentioned in people_in.items() if file == "custody.xlsx" for person in mentioned
    }
    missing = []
    for link in truth("links.csv"):
        if not link["ocg_id"] or link["link_type"] not in (
            "call",
            "payment",
            "seen_together",
            "exploits",
            "co_arrest",
        ):
            continue
        pair = frozenset((link["from_id"], link["to_id"]))
        if link["link_type"] == "co_arrest":
            if not pair <= custody:
                missing.append(link["link_id"])
        elif pair not in together:
            missing.append(link["link_id"])
    assert not missing


def test_bystanders_are_linked_to_no_more_offenders_than_the_cap(small: SynthResult, truth: Truth) -> None:
    cap = 2
    roles = {p["person_id"]: p["role"] for p in truth("people.csv")}
    users: dict[str, set[str]] = defaultdict(set)
    direct: dict[str, set[str]] = defaultdict(set)
    for link in truth("links.csv"):
        if link["link_type"] in ("resides_at", "uses_phone"):
            users[link["to_id"]].add(link["from_id"])
        elif link["link_type"] in PERSON_TO_PERSON:
            direct[link["from_id"]].add(link["to_id"])
            direct[link["to_id"]].add(link["from_id"])
    offenders_of: dict[str, set[str]] = defaultdict(set)
    for sharers in users.values():
        for person in sharers:
            offenders_of[person] |= {o for o in sharers if roles[o] == "offender"}
    bystanders = [p for p, role in roles.items() if role == "bystander"]
    assert bystanders
    for person in bystanders:
        linked = offenders_of[person] | {o for o in direct[person] if roles[o] == "offender"}
        assert 1 <= len(linked) <= cap, (person, linked)
