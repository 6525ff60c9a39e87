"""The demo's local profiles: an issued Gloucestershire profile with the council's version, and a draft
whose council sections await sign-off."""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from socmap.apps.core.demo import build_demo_organisations
from socmap.apps.profile import services
from socmap.apps.profile.demo import DRAFT, ISSUED, build_demo_profile
from socmap.apps.profile.models import Profile, VersionStatus


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_the_demo_has_an_issued_profile_a_partner_version_and_a_draft_awaiting_the_council(db: Any) -> None:
    build_demo_organisations()
    assert build_demo_profile() == 2
    issued = Profile.objects.get(title=ISSUED)
    versions = {
        (v.audience.name if v.audience else "full", v.status)
        for v in issued.versions.select_related("audience")
    }
    assert versions == {("full", VersionStatus.ISSUED), ("Cheltenham Borough Council", VersionStatus.ISSUED)}
    council = issued.versions.get(audience__isnull=False)
    assert council.content["figures"]["vulnerabilities.total"]["value"] == 1  # the Operation Endeavour one
    draft = Profile.objects.get(title=DRAFT)
    assert draft.versions.get().status == VersionStatus.DRAFT
    assert len(services.awaiting_signoff(draft)) == 2
    assert build_demo_profile() == 2  # run again: nothing added
