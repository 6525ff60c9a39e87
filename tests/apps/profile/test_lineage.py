"""Lineage: numbers of an issued version lead back to their exact inputs, and a re-issue after new data
shows the diff against the last version."""

from __future__ import annotations

from socmap.apps.profile import services
from socmap.apps.profile.documents import document_html
from socmap.apps.profile.models import VersionStatus
from tests.apps.profile.conftest import World, as_of, threat


def test_numbers_lead_back_to_the_exact_inputs_that_made_them(world: World) -> None:
    profile = services.profile_create(actor=world.analyst, title="Profile", as_of=as_of(), partners=[])
    version = services.profile_issue(actor=world.analyst, profile=profile)[0]
    figures = version.content["figures"]
    assert {i["id"] for i in figures["threats_by_theme.total"]["inputs"]} == {
        t.pk for t in world.threats.values()
    }
    high = figures["groups_by_band.high"]
    assert {i["id"] for i in high["inputs"]} == {world.groups["g1"].pk, world.groups["g3"].pk}
    assert {i["kind"] for i in high["inputs"]} == {"group"}
    firearms = figures["threats_by_theme.firearms"]
    assert [i["ref"] for i in firearms["inputs"]] == [f"T{world.threats['g2'].pk}"]
    html = document_html(version, links=True)
    assert 'href="#fig-threats_by_theme.firearms"' in html
    assert 'id="fig-threats_by_theme.firearms"' in html and f"/threats/{world.threats['g2'].pk}/" in html


def test_a_reissue_after_new_data_shows_the_diff_against_the_last_version(world: World) -> None:
    profile = services.profile_create(actor=world.analyst, title="Profile", as_of=as_of(), partners=[])
    first = services.profile_issue(actor=world.analyst, profile=profile)[0]
    threat(world.force, world.analyst, "Drones over HMP Gloucester", kind="vulnerability", theme="other")
    services.text_save(
        actor=world.analyst, profile=profile, section="recommendations", text="Watch the prison."
    )
    second = services.profile_issue(actor=world.analyst, profile=profile)[0]
    first.refresh_from_db()
    assert (first.status, second.status, second.number, second.previous_id) == (
        VersionStatus.SUPERSEDED, VersionStatus.ISSUED, 2, first.pk,
    )  # fmt: skip
    changes = {d["key"]: d for d in second.diff}
    assert (changes["threats_by_theme.total"]["before"], changes["threats_by_theme.total"]["after"]) == (5, 6)
    assert (changes["vulnerabilities.total"]["before"], changes["vulnerabilities.total"]["after"]) == (2, 3)
    assert changes["recommendations"]["after"] == "Watch the prison."
    assert second.content["figures"]["threats_by_theme.total"]["previous"] == 5
    html = document_html(second, links=False)
    assert "Changes since version 1" in html and "(was 5)" in html
