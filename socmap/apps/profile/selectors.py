"""Every read of the local profile, through the viewer's visibility.

The full version (and its drafts) is restricted: a user sees it when the one visibility rule lets
them see the profile and their organisation is police, never a partner. A partner named on a profile
sees the sections assigned to its organisation while they are drafted (not the others, not the
figures of the full version) and the versions issued to it. Anything else is "not found".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from socmap.apps.core.models import OrganisationKind, User
from socmap.apps.core.pagination import Page, paginate
from socmap.apps.core.refusal import refuse
from socmap.apps.core.visibility import decide, visible_filter
from socmap.apps.profile.models import Profile, ProfileVersion, VersionStatus
from socmap.apps.profile.services import profile_template, section_states


def _police(viewer: User) -> bool:
    org = getattr(viewer, "organisation", None)
    return org is not None and org.kind != OrganisationKind.PARTNER


def profile_list(*, viewer: User, page: int = 1) -> Page[Profile]:
    """Profiles whose full version the viewer may see, and those naming the viewer's organisation as
    a partner."""
    rule = visible_filter(viewer) if _police(viewer) else Q(pk__in=[])
    if viewer.organisation_id:
        rule |= Q(partners=viewer.organisation_id)
    qs = Profile.objects.filter(rule).select_related("force").distinct().order_by("-as_of", "-id")
    return paginate(qs, page=page, per_page=25)


@dataclass
class Access:
    profile: Profile
    full: bool  # sees the full version, its drafts and every section
    sections: set[str] = field(default_factory=set)  # sections the viewer's organisation writes

    def may_read(self, section: str) -> bool:
        return self.full or section in self.sections


def profile_access(*, viewer: User, profile_id: int) -> Access:
    """What the viewer may see of the profile; "not found" when nothing."""
    profile = Profile.objects.select_related("force", "owner").filter(pk=profile_id).first()
    if profile is None:
        raise refuse(viewer, "No such profile", object_type="profile.profile", object_id=str(profile_id))
    full = _police(viewer) and decide(viewer, profile).visible
    mine = (
        set(
            profile.assignments.filter(organisation_id=viewer.organisation_id).values_list(
                "section", flat=True
            )
        )
        if viewer.organisation_id
        else set()
    )
    if profile.force_id == viewer.organisation_id:
        mine |= set(
            profile.assignments.filter(organisation_id=profile.force_id).values_list("section", flat=True)
        )
    named = profile.partners.filter(pk=viewer.organisation_id).exists() if viewer.organisation_id else False
    if not full and not named:
        raise refuse(viewer, "No such profile", obj=profile)
    return Access(profile=profile, full=full, sections=mine)


@dataclass(frozen=True)
class SectionView:
    key: str
    title: str
    purpose: str
    writer: Any
    text: Any
    signoff: Any
    comments: list[Any]
    history: list[Any]
    mine: bool


def sections_for(*, access: Access) -> list[SectionView]:
    """The sections the viewer may read, with text, sign-off, comments and the history of texts."""
    states = section_states(access.profile)
    comments: dict[str, list[Any]] = {}
    for c in access.profile.comments.select_related("author", "organisation"):
        comments.setdefault(c.section, []).append(c)
    history: dict[str, list[Any]] = {}
    for t in access.profile.texts.select_related("author", "organisation").order_by("-written_at", "-id"):
        history.setdefault(t.section, []).append(t)
    return [
        SectionView(
            key=spec.key,
            title=spec.title,
            purpose=spec.purpose,
            writer=states[spec.key]["writer"],
            text=states[spec.key]["text"],
            signoff=states[spec.key]["signoff"],
            comments=comments.get(spec.key, []),
            history=history.get(spec.key, []),
            mine=spec.key in access.sections,
        )
        for spec in profile_template(access.profile).sections
        if access.may_read(spec.key)
    ]


def versions_for(*, viewer: User, access: Access) -> QuerySet[ProfileVersion]:
    """The versions the viewer may open: all of them with the full version, else those issued to the
    viewer's organisation (drafts are never a partner's)."""
    qs = access.profile.versions.select_related("audience", "built_by").order_by("-number", "audience__name")
    if access.full:
        return qs
    return qs.filter(audience_id=viewer.organisation_id).exclude(status=VersionStatus.DRAFT)


def version_get(*, viewer: User, version_id: int) -> ProfileVersion:
    """One version the viewer may open (opening it is logged by the caller as a disclosure)."""
    version = ProfileVersion.objects.select_related("profile", "audience").filter(pk=version_id).first()
    if version is None:
        raise refuse(
            viewer, "No such version", object_type="profile.profileversion", object_id=str(version_id)
        )
    access = profile_access(viewer=viewer, profile_id=version.profile_id)
    if not versions_for(viewer=viewer, access=access).filter(pk=version.pk).exists():
        raise refuse(viewer, "No such version", obj=version.profile)
    return version


def section_refused(viewer: User, profile: Profile, key: str) -> Exception:
    """A section the viewer may not read (or that does not exist): refused as "not found"."""
    return refuse(viewer, "No such section", obj=profile, reason=f"section {key}")
