"""A viewer's canonical keys, read on demand for the entities a page draws, are the keys a read of the
whole region gives: resolution's clusters, and addresses joined by postcode, flat, number and street
among the addresses the viewer may see."""

from __future__ import annotations

from collections import defaultdict

import pytest

from socmap.apps.core.models import User
from socmap.apps.intel import reads
from socmap.apps.network.graph import Canon, address_key
from socmap.apps.network.models import AnalysisRun
from socmap.apps.resolution import selectors as resolution


def _whole(viewer: User) -> dict[str, set[str]]:
    """Entity -> every entity of its key, read the way the whole-region Canon reads them."""
    of = resolution.canonical_map(viewer=viewer)
    by_key: dict[str, list[str]] = defaultdict(list)
    for row in reads.entity_rows(viewer=viewer, schemas={"Address"}):
        key = address_key(row.caption, row.postcode or "")
        if key:
            by_key[key].append(row.id)
    for ids in by_key.values():
        if len(ids) > 1:
            of.update(dict.fromkeys(ids, min(ids)))
    groups: dict[str, set[str]] = defaultdict(set)
    for entity_id, key in of.items():
        groups[key].add(entity_id)
    return {entity_id: groups[key] for entity_id, key in of.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["analyst", "partner"])
def test_a_viewers_keys_read_on_demand_are_the_whole_regions(analysed: AnalysisRun, username: str) -> None:
    viewer = User.objects.get(username=username)
    whole = _whole(viewer)
    joined = sorted(whole)
    # Entities of every kind, joined and alone: every tenth joined one, and as many that stand alone.
    alone = [
        row.id
        for row in reads.entity_rows(viewer=viewer, schemas={"Person", "Address", "Phone", "Vehicle"})
        if row.id not in whole
    ]
    sample = joined[::10] + alone[::50]
    assert any(e in whole for e in sample) and any(e not in whole for e in sample)
    addresses = {row.id for row in reads.entity_rows(viewer=viewer, ids=sample, schemas={"Address"})}
    assert addresses & set(whole), "some joined addresses are asked for"
    for order in (sample, sample[::-1]):
        canon = Canon(viewer)
        canon.load(order[: len(order) // 2])
        for entity_id in order:
            expected = whole.get(entity_id, {entity_id})
            assert set(canon.members(canon(entity_id))) == expected, entity_id
            assert canon(entity_id) == min(expected)
