"""Sub-groups (crews, cells): kept in step by each run, shown with their group, carried by exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from socmap.apps.core.models import Role
from socmap.apps.network import exports, selectors, services
from socmap.apps.network.models import OCG, AnalysisRun, ChangeKind, OCGChange
from socmap.apps.network.subgroups import subgroups_sync
from socmap.engines import network
from tests import factories
from tests.conftest import signed_in


def _proposal(*crews: set[str]) -> network.ProposedGroup:
    members = frozenset().union(*crews)
    return network.ProposedGroup(
        key="community-0",
        members=members,
        roles=[],
        link_counts={},
        themes={},
        explanation="",
        subgroups=tuple(
            network.ProposedSubgroup(
                f"community-0/{i + 1}", frozenset(c), f"Crew {i + 1}: tied to each other."
            )
            for i, c in enumerate(crews)
        ),
    )


def _sync(group: OCG, proposal: network.ProposedGroup) -> AnalysisRun:
    run = AnalysisRun.objects.create(status="done")
    subgroups_sync(
        run=run,
        ocg=group,
        proposal=proposal,
        canon=lambda key: key,
        config=network.load_config(),
        evidence=lambda items: [],
        today=dt.date(2025, 1, 6),
        now=timezone.now(),
    )
    return run


def _live(child: OCG) -> set[str]:
    return set(child.members.filter(left_on__isnull=True).values_list("entity_id", flat=True))


@pytest.mark.django_db
def test_a_run_proposes_a_groups_crews_and_the_next_run_updates_them() -> None:
    force = factories.organisation()
    family = factories.ocg(force, name="Alpha family")
    crew_a, crew_b = {f"a{i}" for i in range(6)}, {f"b{i}" for i in range(6)}
    _sync(family, _proposal(crew_a, crew_b))
    children = list(OCG.objects.filter(parent=family).order_by("pk"))
    assert [_live(c) for c in children] == [crew_a, crew_b]
    assert all(c.owner == family.owner and c.status == "proposed" for c in children)
    assert children[0].name == "Alpha family, sub-group 1"
    # Next run: a0 moved to the other crew, and a third crew appeared.
    crew_c = {f"c{i}" for i in range(5)}
    run = _sync(family, _proposal(crew_a - {"a0"}, crew_b | {"a0"}, crew_c))
    children = list(OCG.objects.filter(parent=family).order_by("pk"))
    assert len(children) == 3
    assert [_live(c) for c in children] == [crew_a - {"a0"}, crew_b | {"a0"}, crew_c]
    kinds = dict(OCGChange.objects.filter(run=run).values_list("ocg__name", "kind"))
    assert kinds == {
        "Alpha family, sub-group 1": ChangeKind.UPDATE,
        "Alpha family, sub-group 2": ChangeKind.UPDATE,
        "Alpha family, sub-group 3": ChangeKind.NEW,
    }
    # A crew the run no longer finds is recorded as not found, not deleted.
    run = _sync(family, _proposal(crew_b | {"a0"}, crew_c))
    assert OCGChange.objects.get(run=run, ocg=children[0]).kind == ChangeKind.GONE
    assert OCG.objects.filter(parent=family).count() == 3


@pytest.mark.django_db
def test_the_group_page_lists_its_subgroups_and_a_subgroup_names_its_group() -> None:
    force = factories.organisation()
    analyst = factories.user(force, Role.ANALYST)
    family = factories.ocg(force, name="Bravo family")
    _sync(family, _proposal({f"a{i}" for i in range(5)}, {f"b{i}" for i in range(5)}))
    child = OCG.objects.filter(parent=family).order_by("pk").first()
    assert child is not None
    client = signed_in(analyst)
    page = client.get(f"/groups/{family.pk}/").content.decode()
    assert "Sub-groups" in page and f"/groups/{child.pk}/" in page
    sub_page = client.get(f"/groups/{child.pk}/").content.decode()
    assert "A sub-group (crew or cell) of" in sub_page and f"/groups/{family.pk}/" in sub_page
    # The list shows the group; its sub-groups are on its page.
    listing = client.get("/groups/").content.decode()
    assert "Bravo family" in listing and "Bravo family, sub-group 1" not in listing


@pytest.mark.django_db
def test_a_viewer_who_may_not_see_the_group_sees_no_trace_of_it_from_a_subgroup() -> None:
    police, other = factories.organisation(), factories.organisation()
    viewer = factories.user(other, Role.ANALYST)
    family = factories.ocg(police, name="Hidden family")
    _sync(family, _proposal({f"a{i}" for i in range(5)}, {f"b{i}" for i in range(5)}))
    child = OCG.objects.filter(parent=family).order_by("pk").first()
    assert child is not None
    child.owner = other  # adopted by the other force later, say
    child.save(update_fields=["owner"])
    page = signed_in(viewer).get(f"/groups/{child.pk}/").content.decode()
    assert "Hidden family" not in page.replace(child.name, "") and "A sub-group (crew or cell) of" not in page
    assert selectors.ocg_card(viewer=viewer, ocg_id=child.pk).parent is None
    listed = selectors.ocg_list(viewer=viewer, filters=selectors.OCGFilter()).items
    assert [o.pk for o in listed] == [child.pk]  # its group is not visible, so it is listed itself


@pytest.mark.django_db
def test_the_national_return_and_the_ftm_export_carry_the_parent_group() -> None:
    force = factories.organisation()
    force.code = "GL"
    force.save(update_fields=["code"])
    analyst = factories.user(force, Role.ANALYST)
    lro = factories.user(force, Role.LRO)
    family = factories.ocg(force, name="Charlie family")
    _sync(family, _proposal({f"a{i}" for i in range(5)}, {f"b{i}" for i in range(5)}))
    services.ocg_adopt(actor=analyst, ocg=family, lead_force=force, lro=lro)
    child = OCG.objects.filter(parent=family).order_by("pk").first()
    assert child is not None
    services.ocg_adopt(actor=analyst, ocg=child, lead_force=force, lro=lro)
    family.refresh_from_db()
    child.refresh_from_db()
    text = "".join(exports.national_return(viewer=analyst, justification="Quarterly return"))
    rows = list(csv.DictReader(io.StringIO(text)))
    by_reference = {r["reference"]: r for r in rows}
    assert by_reference[child.reference]["parent_reference"] == family.reference
    assert by_reference[child.reference]["parent_name"] == "Charlie family"
    assert by_reference[family.reference]["parent_reference"] == ""
    card = selectors.ocg_card(viewer=analyst, ocg_id=child.pk)
    items = list(exports.ftm_group(card, selectors.ocg_graph(viewer=analyst, ocg_id=child.pk)))
    part_of = [i for i in items if i["schema"] == "Membership"]
    assert part_of == [
        {
            "id": f"ocg-{child.pk}-part-of-ocg-{family.pk}",
            "schema": "Membership",
            "properties": {
                "member": [f"ocg-{child.pk}"],
                "organization": [f"ocg-{family.pk}"],
                "role": ["sub-group"],
            },
        }
    ]
    names = {i["id"]: i["properties"]["name"] for i in items if i["schema"] == "Organization"}
    assert names == {f"ocg-{child.pk}": [child.name], f"ocg-{family.pk}": ["Charlie family"]}
