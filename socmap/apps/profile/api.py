"""The local profile over the API: profiles, their sections (write, sign off, comment), building a
draft, issuing, and each version's frozen content (opening one is a logged disclosure)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from socmap.apps.core.auth import viewer
from socmap.apps.core.schemas import ErrorOut
from socmap.apps.core.selectors import organisation_list
from socmap.apps.profile import selectors, services
from socmap.apps.profile.models import Profile, ProfileVersion
from socmap.apps.profile.schemas import (
    CommentIn,
    IssueIn,
    ProfileDetailOut,
    ProfileIn,
    ProfileOut,
    TextIn,
    VersionOut,
    VersionRef,
    WithdrawIn,
)
from socmap.errors import InvalidInput

router = Router(tags=["profile"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _profile(profile: Profile, full: bool) -> dict[str, Any]:
    return {
        "id": profile.pk, "title": profile.title, "force": profile.force.name, "as_of": profile.as_of,
        "partners": [p.slug for p in profile.partners.order_by("name")] if full else [], "full": full,
    }  # fmt: skip


def _version(v: ProfileVersion) -> dict[str, Any]:
    return {
        "id": v.pk, "profile_id": v.profile_id, "number": v.number,
        "audience": v.audience.slug if v.audience else None, "status": v.status, "as_of": v.as_of,
        "issued_at": v.issued_at, "content": v.content, "diff": v.diff,
    }  # fmt: skip


def _ref(v: ProfileVersion) -> dict[str, Any]:
    return {
        "id": v.pk,
        "number": v.number,
        "audience": v.audience.slug if v.audience else None,
        "status": v.status,
    }


@router.get("/profile/profiles", response={200: list[ProfileOut]}, operation_id="profile_profile_list")
def profile_list(request: HttpRequest, page: int = 1) -> list[dict[str, Any]]:
    """Profiles whose full version the caller sees, and those naming the caller's organisation."""
    user = viewer(request)
    found = selectors.profile_list(viewer=user, page=page).items
    return [_profile(p, selectors.profile_access(viewer=user, profile_id=p.pk).full) for p in found]


@router.post("/profile/profiles", response={201: ProfileOut, **ERRORS}, operation_id="profile_profile_create")
def profile_create(request: HttpRequest, payload: ProfileIn) -> Status[dict[str, Any]]:
    """Start a profile of the caller's force, naming the partners that write with it."""
    user = viewer(request)
    partners = list(organisation_list(viewer=user).filter(slug__in=payload.partners))
    unknown = sorted(set(payload.partners) - {p.slug for p in partners})
    if unknown:
        raise InvalidInput(
            "Unknown partners", fields={"partners": [f"No organisation {s!r}" for s in unknown]}
        )
    profile = services.profile_create(actor=user, title=payload.title, as_of=payload.as_of, partners=partners)
    return Status(201, _profile(profile, True))


@router.get(
    "/profile/profiles/{profile_id}",
    response={200: ProfileDetailOut, 404: ErrorOut},
    operation_id="profile_profile_get",
)
def profile_get(request: HttpRequest, profile_id: int) -> dict[str, Any]:
    """The profile with the sections the caller may read and the versions it may open."""
    user = viewer(request)
    access = selectors.profile_access(viewer=user, profile_id=profile_id)
    sections = [
        {"key": s.key, "title": s.title, "writer": s.writer.name, "text": s.text.text if s.text else None,
         "written_at": s.text.written_at if s.text else None, "signed_off": s.signoff is not None,
         "mine": s.mine}
        for s in selectors.sections_for(access=access)
    ]  # fmt: skip
    versions = [v.pk for v in selectors.versions_for(viewer=user, access=access)]
    return {**_profile(access.profile, access.full), "sections": sections, "versions": versions}


@router.put(
    "/profile/profiles/{profile_id}/sections/{key}/text", response={200: dict[str, Any], **ERRORS},
    operation_id="profile_text_save",
)  # fmt: skip
def text_save(request: HttpRequest, profile_id: int, key: str, payload: TextIn) -> dict[str, Any]:
    """Save a section's narrative (Markdown; HTML in it is kept as text). Only its writer may."""
    user = viewer(request)
    access = selectors.profile_access(viewer=user, profile_id=profile_id)
    saved = services.text_save(
        actor=user, profile=access.profile, section=key, text=payload.text, audience=payload.audience
    )
    return {"id": saved.pk, "written_at": saved.written_at.isoformat()}


@router.post(
    "/profile/profiles/{profile_id}/sections/{key}/signoff", response={201: dict[str, Any], **ERRORS},
    operation_id="profile_signoff",
)  # fmt: skip
def signoff(request: HttpRequest, profile_id: int, key: str) -> Status[dict[str, Any]]:
    """Sign off the section's current text: only a user of the organisation that writes it may."""
    user = viewer(request)
    access = selectors.profile_access(viewer=user, profile_id=profile_id)
    done = services.signoff(actor=user, profile=access.profile, section=key)
    return Status(201, {"id": done.pk, "text": done.text_id})


@router.post(
    "/profile/profiles/{profile_id}/sections/{key}/comments", response={201: dict[str, Any], **ERRORS},
    operation_id="profile_comment_add",
)  # fmt: skip
def comment_add(
    request: HttpRequest, profile_id: int, key: str, payload: CommentIn
) -> Status[dict[str, Any]]:
    user = viewer(request)
    access = selectors.profile_access(viewer=user, profile_id=profile_id)
    if not access.may_read(key):
        raise selectors.section_refused(user, access.profile, key)
    done = services.comment_add(actor=user, profile=access.profile, section=key, text=payload.text)
    return Status(201, {"id": done.pk})


@router.post(
    "/profile/profiles/{profile_id}/draft",
    response={201: VersionRef, **ERRORS},
    operation_id="profile_draft_build",
)
def draft_build(request: HttpRequest, profile_id: int) -> Status[dict[str, Any]]:
    """Build (or rebuild) the draft of the full version from the data as of the profile's date."""
    user = viewer(request)
    access = selectors.profile_access(viewer=user, profile_id=profile_id)
    return Status(201, _ref(services.draft_build(actor=user, profile=access.profile)))


@router.post(
    "/profile/profiles/{profile_id}/issue",
    response={201: list[VersionRef], **ERRORS},
    operation_id="profile_issue",
)
def issue(request: HttpRequest, profile_id: int, payload: IssueIn) -> Status[list[dict[str, Any]]]:
    """Issue the full version and a version for each partner (409 while a section awaits sign-off)."""
    user = viewer(request)
    access = selectors.profile_access(viewer=user, profile_id=profile_id)
    issued = services.profile_issue(actor=user, profile=access.profile, as_of=payload.as_of)
    return Status(201, [_ref(v) for v in issued])


@router.get(
    "/profile/versions/{version_id}",
    response={200: VersionOut, 404: ErrorOut},
    operation_id="profile_version_get",
)
def version_get(request: HttpRequest, version_id: int) -> dict[str, Any]:
    """A version's frozen content with the lineage of every figure (a logged disclosure)."""
    user = viewer(request)
    version = selectors.version_get(viewer=user, version_id=version_id)
    services.version_disclosed(actor=user, version=version, form="json")
    return _version(version)


@router.post(
    "/profile/versions/{version_id}/withdraw",
    response={200: VersionRef, **ERRORS},
    operation_id="profile_version_withdraw",
)
def version_withdraw(request: HttpRequest, version_id: int, payload: WithdrawIn) -> dict[str, Any]:
    user = viewer(request)
    version = selectors.version_get(viewer=user, version_id=version_id)
    v = services.version_withdraw(actor=user, version=version, reason=payload.reason)
    return {
        "id": v.pk,
        "number": v.number,
        "audience": v.audience.slug if v.audience else None,
        "status": v.status,
    }
