"""Lineage: numbers of an issued version lead back to their exact inputs, and a re-issue after new data
shows the diff against the last version."""

from __future__ import annotations

from typing import Any

from django.test import Client

from socmap.apps.profile import services
from socmap.apps.profile.documents import document_html
from socmap.apps.profile.models import VersionStatus
from tests.apps.profile.conftest import Partners, World, as_of, threat


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


def test_record_counts_lead_to_the_exact_records_and_their_page_lists_every_one(
    world: World, partners: Partners, settings: Any
) -> None:
    profile = services.profile_create(actor=world.analyst, title="Profile", as_of=as_of(), partners=[])
    version = services.profile_issue(actor=world.analyst, profile=profile)[0]
    figures = version.content["figures"]
    every = set(partners.records_seen) | set(partners.records_hidden)  # the force sees its CSE records
    assert set(figures["sources_used.total"]["records"]) == every
    assert figures["sources_used.total"]["value"] == 3
    assert set(figures["sources_used.glos_cse"]["records"]) == set(partners.records_hidden)
    gl50 = figures["threats_by_area.gl50"]
    assert gl50["value"] == 2 and set(gl50["records"]) < every  # the two reports that mention GL50
    op = partners.operation_seen.pk
    since = figures[f"vulnerable_places.{op}.since"]  # the two reports in GL50 4, last month
    assert set(since["records"]) == {partners.records_seen[0], *partners.records_hidden}
    assert figures[f"vulnerable_places.{op}.before"]["value"] == 0
    referrals = figures["safeguarding_referrals.concern.total"]["inputs"]
    assert {i["id"] for i in referrals} == {partners.referral_seen.pk, partners.referral_hidden.pk}
    assert all(i["link"] == f"/partnership/referrals/{i['id']}/" for i in referrals)
    html = document_html(version, links=True)
    for record in every:
        assert f'href="/records/{record}/"' in html
    client = Client()
    client.force_login(world.analyst)
    session = client.session
    session["socmap_purpose"] = "Profile tests"
    session.save()
    page = client.get(f"/profile/versions/{version.pk}/figures/sources_used.total/")
    body = page.content.decode()
    assert page.status_code == 200 and "3 inputs" in body
    assert all(f'href="/records/{r}/"' in body for r in every)
    assert client.get(f"/profile/versions/{version.pk}/figures/no.such.figure/").status_code == 404


def test_a_figure_with_more_inputs_than_the_document_lists_links_to_its_paginated_page(
    world: World, partners: Partners
) -> None:
    from socmap.apps.profile import documents

    profile = services.profile_create(actor=world.analyst, title="Profile", as_of=as_of(), partners=[])
    version = services.profile_issue(actor=world.analyst, profile=profile)[0]
    fig = version.content["figures"]["sources_used.total"]
    entry = documents.lineage_entry("sources_used.total", {**fig, "records": list(range(1, 251))})
    assert len(entry["records"]) == documents.INLINE and entry["records_more"] == 250 - documents.INLINE
    version.content["figures"]["sources_used.total"]["records"] = list(range(1, 251))
    version.save(update_fields=["content"])
    html = document_html(version, links=True)
    assert f"/profile/versions/{version.pk}/figures/sources_used.total/" in html
    assert f"and {250 - documents.INLINE} more" in html
    client = Client()
    client.force_login(world.analyst)
    session = client.session
    session["socmap_purpose"] = "Profile tests"
    session.save()
    second = client.get(f"/profile/versions/{version.pk}/figures/sources_used.total/?page=3").content.decode()
    assert "showing 201 to 250" in second and 'href="/records/250/"' in second
    assert 'href="/records/200/"' not in second
