from __future__ import annotations

from socmap.apps.profile import services
from tests.apps.profile.conftest import HIDDEN, World, as_of


def _profile(world: World):  # type: ignore[no-untyped-def]
    return services.profile_create(
        actor=world.analyst,
        title="Gloucestershire SOC local profile",
        as_of=as_of(),
        partners=[world.council],
    )


def test_a_draft_counts_every_threat_the_force_holds(world: World) -> None:
    profile = _profile(world)
    draft = services.draft_build(actor=world.analyst, profile=profile)
    figures = draft.content["figures"]
    assert figures["threats_by_theme.total"]["value"] == 5
    assert figures["groups_by_band.total"]["value"] == 3
    assert HIDDEN in str(draft.content)


def _signed(world: World, profile) -> None:  # type: ignore[no-untyped-def]
    for key in ("vulnerable_people_places", "partners_data"):
        services.text_save(
            actor=world.council_user, profile=profile, section=key, text=f"Council view of {key}."
        )
        services.signoff(actor=world.council_user, profile=profile, section=key)


def test_a_partner_version_counts_only_what_the_partner_may_see(world: World) -> None:
    profile = _profile(world)
    _signed(world, profile)
    full, council = services.profile_issue(actor=world.analyst, profile=profile)
    assert full.audience is None and council.audience == world.council
    assert HIDDEN in str(full.content)
    assert HIDDEN not in str(council.content)
    figures = council.content["figures"]
    assert figures["threats_by_theme.total"]["value"] == 3
    assert figures["groups_listed.total"]["value"] == 2
    assert not any("child_sexual" in key for key in figures)
    assert "Eastgate Crew" not in str(council.content)  # names become counts
