"""Every write of the local profile, each in a transaction with its audit event: create a profile,
write and sign off sections, comment, build a draft, issue (full and partner versions, superseding
the last), withdraw, and the disclosure of a version viewed or downloaded.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from socmap.apps.core import clock
from socmap.apps.core.audit import audit_record
from socmap.apps.core.models import AuditAction, Organisation, OrganisationKind, Role, User
from socmap.apps.core.refusal import refuse
from socmap.apps.core.visibility import organisation_sees
from socmap.apps.profile.gather import audience_viewer, facts_gather
from socmap.apps.profile.models import (
    Audience,
    Profile,
    ProfileVersion,
    SectionAssignment,
    SectionComment,
    SectionText,
    SignOff,
    VersionStatus,
)
from socmap.engines import render
from socmap.engines.render.narrative import narrative_html
from socmap.engines.render.profile_content import content_build, content_diff, trends_mark
from socmap.engines.render.profile_docx import profile_docx
from socmap.engines.render.profile_template import ProfileTemplate, template_load, template_read
from socmap.errors import Conflict, InvalidInput

DEFAULT_TEMPLATE = Path(__file__).with_name("template.yaml")
WRITERS = (Role.ANALYST, Role.SUPERVISOR)
MAX_TEXT = 20_000


def template_current() -> ProfileTemplate:
    """The template new profiles use (``SOCMAP_PROFILE_TEMPLATE``, else the one shipped)."""
    return template_read(Path(getattr(settings, "SOCMAP_PROFILE_TEMPLATE", "") or DEFAULT_TEMPLATE))


def profile_template(profile: Profile) -> ProfileTemplate:
    """The template the profile was made from, as it was read then."""
    return template_load(profile.template_text, file=f"{profile.template_name} v{profile.template_version}")


def _is_police(user: User) -> bool:
    org = user.organisation
    return org is not None and org.kind != OrganisationKind.PARTNER


def may_start(user: User) -> bool:
    """A force's analyst or supervisor may start a profile of their force."""
    return _is_police(user) and user.has_role(*WRITERS)


def may_issue(user: User, profile: Profile) -> bool:
    return user.organisation_id == profile.force_id and user.has_role(*WRITERS)


def _writer_of(profile: Profile, section: str) -> int:
    found = profile.assignments.filter(section=section).values_list("organisation_id", flat=True).first()
    return int(found) if found is not None else profile.force_id


def profile_create(
    *,
    actor: User,
    title: str,
    as_of: date,
    partners: list[Organisation],
    template: ProfileTemplate | None = None,
) -> Profile:
    """A new profile of the actor's force, each section assigned to the force or a named partner of
    the kind the template names (the force writes it when no such partner is named)."""
    if not (_is_police(actor) and actor.has_role(*WRITERS)):
        raise refuse(
            actor,
            "Only a force's analysts start a local profile",
            hidden=False,
            object_type="profile.profile",
        )
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Enter a title"]
    if as_of > clock.today():
        errors["as_of"] = ["The profile's date cannot be in the future"]
    if any(not p.is_partner for p in partners):
        errors["partners"] = ["Only partner agencies can be named as partners"]
    if errors:
        raise InvalidInput("The profile cannot be started", fields=errors)
    template = template or template_current()
    force = actor.organisation
    assert force is not None
    with transaction.atomic():
        profile = Profile.objects.create(
            owner=force,
            force=force,
            title=title.strip(),
            as_of=as_of,
            template_name=template.name,
            template_version=template.version,
            template_text=template.text,
            created_by=actor,
        )
        profile.partners.set(partners)
        for spec in template.sections:
            writer = next((p for p in partners if p.partner_type == spec.owner), force)
            SectionAssignment.objects.create(profile=profile, section=spec.key, organisation=writer)
        audit_record(AuditAction.COLLECTION, actor=actor, obj=profile, detail={"as_of": as_of.isoformat()})
    return profile


def _section_or_refuse(actor: User, profile: Profile, section: str) -> None:
    if profile_template(profile).section(section) is None:
        raise InvalidInput(f"The profile has no section {section!r}", fields={"section": ["No such section"]})


def text_save(
    *, actor: User, profile: Profile, section: str, text: str, audience: str = Audience.ALL
) -> SectionText:
    """Save the section's narrative (a new row; the old ones stay). Only the organisation the section
    is assigned to writes it. Markdown; any HTML in it is kept as text and never run."""
    _section_or_refuse(actor, profile, section)
    if actor.organisation_id != _writer_of(profile, section):
        raise refuse(actor, "This section is written by another organisation", hidden=False, obj=profile)
    if not text.strip():
        raise InvalidInput("Enter the section's text", fields={"text": ["Enter the section's text"]})
    if len(text) > MAX_TEXT:
        raise InvalidInput(
            "The text is too long", fields={"text": [f"Keep it under {MAX_TEXT:,} characters"]}
        )
    if audience not in Audience.values:
        raise InvalidInput(
            "Choose who may read it", fields={"audience": ["Choose every version or the full version only"]}
        )
    with transaction.atomic():
        saved = SectionText.objects.create(
            profile=profile,
            section=section,
            organisation_id=actor.organisation_id,
            author=actor,
            text=text,
            audience=audience,
            written_at=clock.now(),
        )
        audit_record(
            AuditAction.ALTERATION, actor=actor, obj=profile, detail={"section": section, "text": saved.pk}
        )
    return saved


def signoff(*, actor: User, profile: Profile, section: str) -> SignOff:
    """Sign off the section's current text: only a user of the organisation that writes it may."""
    _section_or_refuse(actor, profile, section)
    writer = _writer_of(profile, section)
    if actor.organisation_id != writer:
        name = Organisation.objects.filter(pk=writer).values_list("name", flat=True).first()
        raise refuse(
            actor,
            f"Only {name} signs off this section",
            hidden=False,
            obj=profile,
            reason=f"sign-off of section {section} by another organisation",
        )
    latest = profile.texts.filter(section=section).order_by("-written_at", "-id").first()
    if latest is None:
        raise Conflict("There is no text to sign off yet", fields={"section": ["Write the section first"]})
    with transaction.atomic():
        done = SignOff.objects.create(
            profile=profile, section=section, text=latest, organisation_id=writer, by=actor, at=clock.now()
        )
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=profile,
            detail={"section": section, "signed_off": latest.pk},
        )
    return done


def comment_add(*, actor: User, profile: Profile, section: str, text: str) -> SectionComment:
    _section_or_refuse(actor, profile, section)
    if actor.organisation_id is None:
        raise refuse(actor, "Only a member of an organisation comments", hidden=False, obj=profile)
    if not text.strip():
        raise InvalidInput("Enter a comment", fields={"comment": ["Enter a comment"]})
    with transaction.atomic():
        comment = SectionComment.objects.create(
            profile=profile,
            section=section,
            organisation_id=actor.organisation_id,
            author=actor,
            text=text.strip()[:MAX_TEXT],
            at=clock.now(),
        )
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=profile,
            detail={"section": section, "comment": comment.pk},
        )
    return comment


# ----------------------------------------------------------------------------------------- versions


class _Shared:
    """A section's text as the visibility rule sees it: owned by the organisation that wrote it."""

    def __init__(self, owner_id: int) -> None:
        self.owner_id = owner_id
        self.handling = "P"
        self.compartment_id: int | None = None


def section_states(profile: Profile) -> dict[str, dict[str, Any]]:
    """Per section: who writes it, its current text and whether that text is signed off."""
    writers = {a.section: a.organisation for a in profile.assignments.select_related("organisation")}
    latest: dict[str, SectionText] = {}
    for t in profile.texts.select_related("organisation", "author").order_by("written_at", "id"):
        latest[t.section] = t
    signed = {s.text_id: s for s in profile.signoffs.select_related("by").order_by("at", "id")}
    out = {}
    for spec in profile_template(profile).sections:
        text = latest.get(spec.key)
        out[spec.key] = {
            "writer": writers.get(spec.key, profile.force),
            "text": text,
            "signoff": signed.get(text.pk) if text else None,
        }
    return out


def _narrative(profile: Profile, audience: Organisation | None) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for key, state in section_states(profile).items():
        text: SectionText | None = state["text"]
        if text is None:
            continue
        if audience is not None:
            if text.audience != Audience.ALL:
                continue
            own = text.organisation_id == audience.pk
            if not own and not organisation_sees(audience.pk, _Shared(text.organisation_id)).visible:
                continue
        sign = state["signoff"]
        out[key] = [
            {
                "text": text.text,
                "html": narrative_html(text.text),
                "organisation": text.organisation.name,
                "author": text.author.get_full_name() or text.author.username if audience is None else "",
                "written_at": text.written_at.isoformat(),
                "signed_off": {"organisation": sign.organisation.name, "at": sign.at.isoformat()}
                if sign
                else None,
            }
        ]
    return out


def _content(profile: Profile, audience: Organisation | None) -> dict[str, Any]:
    """The content for one audience, from the facts that audience's organisation may see."""
    template = profile_template(profile)
    viewer = audience_viewer(audience or profile.force)
    facts = facts_gather(viewer=viewer, force=profile.force, as_of=profile.as_of)
    owners = {a.section: a.organisation.name for a in profile.assignments.select_related("organisation")}
    content = content_build(
        template, facts, named=audience is None, audience=audience.name if audience else "", owners=owners
    )
    narrative = _narrative(profile, audience)
    for section in content["sections"]:
        section["narrative"] = narrative.get(section["key"], [])
    return content


def _check_writer(actor: User, profile: Profile) -> None:
    if not may_issue(actor, profile):
        raise refuse(
            actor, "Only the force's analysts build and issue its profile", hidden=False, obj=profile
        )


def _next_number(profile: Profile) -> int:
    top = profile.versions.exclude(status=VersionStatus.DRAFT).aggregate(n=Max("number"))["n"]
    return int(top or 0) + 1


def draft_build(*, actor: User, profile: Profile) -> ProfileVersion:
    """Build (or rebuild) the draft of the full version from the data as of the profile's date."""
    _check_writer(actor, profile)
    content = _content(profile, None)
    number = _next_number(profile)
    with transaction.atomic():
        draft, _ = ProfileVersion.objects.update_or_create(
            profile=profile,
            number=number,
            audience=None,
            status=VersionStatus.DRAFT,
            defaults={"as_of": profile.as_of, "content": content, "built_by": actor, "built_at": clock.now()},
        )
        audit_record(
            AuditAction.COMBINATION,
            actor=actor,
            obj=profile,
            detail={"draft": number, "as_of": profile.as_of.isoformat()},
        )
    return draft


def awaiting_signoff(profile: Profile) -> list[str]:
    """Titles of the sections partners write that are not signed off as they now stand."""
    template = profile_template(profile)
    missing = []
    for key, state in section_states(profile).items():
        if state["writer"].pk != profile.force_id and state["signoff"] is None:
            spec = template.section(key)
            missing.append(f"{spec.title if spec else key} ({state['writer'].name})")
    return missing


def _issue_one(actor: User, profile: Profile, number: int, audience: Organisation | None) -> ProfileVersion:
    content = _content(profile, audience)
    previous = (
        profile.versions.filter(audience=audience, status=VersionStatus.ISSUED).order_by("-number").first()
    )
    before = previous.content if previous else None
    trends_mark(content, before)
    now = clock.now()
    version = ProfileVersion.objects.create(
        profile=profile,
        number=number,
        audience=audience,
        status=VersionStatus.ISSUED,
        as_of=profile.as_of,
        content=content,
        diff=content_diff(before, content),
        previous=previous,
        built_by=actor,
        built_at=now,
        issued_at=now,
    )
    if previous is not None:
        ProfileVersion.objects.filter(pk=previous.pk).update(status=VersionStatus.SUPERSEDED)
    return version


def profile_issue(*, actor: User, profile: Profile, as_of: date | None = None) -> list[ProfileVersion]:
    """Issue the full version and one version for each partner, frozen as of the profile's date (or a
    new date: a re-issue after new data), each superseding the last one issued to the same audience."""
    _check_writer(actor, profile)
    missing = awaiting_signoff(profile)
    if missing:
        raise Conflict("Sections awaiting sign-off: " + "; ".join(missing), fields={"signoff": missing})
    if as_of is not None:
        if as_of > clock.today():
            raise InvalidInput(
                "The profile's date cannot be in the future", fields={"as_of": ["Not in the future"]}
            )
        profile.as_of = as_of
        profile.save(update_fields=["as_of"])
    number = _next_number(profile)
    with transaction.atomic():
        profile.versions.filter(status=VersionStatus.DRAFT).delete()
        issued = [_issue_one(actor, profile, number, None)]
        issued += [_issue_one(actor, profile, number, p) for p in profile.partners.order_by("name")]
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=profile,
            detail={"issued": number, "as_of": profile.as_of.isoformat(), "versions": [v.pk for v in issued]},
        )
    return issued


def version_withdraw(*, actor: User, version: ProfileVersion, reason: str) -> ProfileVersion:
    """Withdraw an issued version (kept, with the reason): it is no longer to be relied on."""
    _check_writer(actor, version.profile)
    if not reason.strip():
        raise InvalidInput("Say why it is withdrawn", fields={"reason": ["Say why it is withdrawn"]})
    if version.status not in (VersionStatus.ISSUED, VersionStatus.SUPERSEDED):
        raise Conflict(f"A {version.get_status_display().lower()} version cannot be withdrawn")
    with transaction.atomic():
        version.status = VersionStatus.WITHDRAWN
        version.withdrawn_at = clock.now()
        version.withdrawn_reason = reason.strip()
        version.save(update_fields=["status", "withdrawn_at", "withdrawn_reason"])
        audit_record(
            AuditAction.ALTERATION,
            actor=actor,
            obj=version.profile,
            justification=reason.strip(),
            detail={"withdrawn": version.pk},
        )
    return version


def version_disclosed(*, actor: User, version: ProfileVersion, form: str, size: int = 0) -> None:
    """A version viewed or downloaded: a disclosure, logged with its audience and form."""
    audit_record(
        AuditAction.DISCLOSURE,
        actor=actor,
        obj=version.profile,
        detail={
            "version": version.pk,
            "number": version.number,
            "audience": version.audience.name if version.audience else "full",
            "format": form,
            "bytes": size,
        },
    )


def version_pdf(*, actor: User, version: ProfileVersion, html: str) -> bytes:
    """The version laid out as a tagged PDF, its download logged as a disclosure."""
    pdf = render.html_to_pdf(html, tagged=True)
    version_disclosed(actor=actor, version=version, form="pdf", size=len(pdf))
    return pdf


def version_docx(*, actor: User, version: ProfileVersion) -> bytes:
    """The version as a Word document, from its frozen content; its download logged as a disclosure."""
    content = version.content
    who = f"partner version for {version.audience.name}" if version.audience else "restricted full version"
    state = "" if version.status == VersionStatus.ISSUED else f" ({version.get_status_display().lower()})"
    meta = (
        f"{content.get('force', '')}. Version {version.number}{state}, figures as of "
        f"{version.as_of:%-d %B %Y}. Template {content.get('template', {}).get('name', '')} "
        f"version {content.get('template', {}).get('version', '')}."
    )
    data = profile_docx(
        content, heading=f"{content.get('marking', '')}: {who}", meta=meta, diff=version.diff or []
    )
    version_disclosed(actor=actor, version=version, form="docx", size=len(data))
    return data


def version_preview(
    *, actor: User, force: Organisation, as_of: date, partner: Organisation | None = None, title: str = ""
) -> ProfileVersion:
    """A version computed now and not kept (the command line's ``profile build``): the full version,
    or the version a partner would receive. Only the force's analysts may; logged as a combination."""
    if not (actor.organisation_id == force.pk and actor.has_role(*WRITERS)):
        raise refuse(
            actor, "Only the force's analysts build its profile", hidden=False, object_type="profile.profile"
        )
    if partner is not None and not partner.is_partner:
        raise InvalidInput(
            f"{partner.name} is not a partner agency", fields={"partner": ["Name a partner agency"]}
        )
    if as_of > clock.today():
        raise InvalidInput(
            "The profile's date cannot be in the future", fields={"as_of": ["Not in the future"]}
        )
    template = template_current()
    profile = Profile(
        owner=force, force=force, title=title or template.title, as_of=as_of, template_name=template.name,
        template_version=template.version, template_text=template.text, created_by=actor,
    )  # fmt: skip
    viewer = audience_viewer(partner or force)
    facts = facts_gather(viewer=viewer, force=force, as_of=as_of)
    owners = {s.key: force.name if s.owner == "force" else s.owner for s in template.sections}
    content = content_build(
        template, facts, named=partner is None, audience=partner.name if partner else "", owners=owners
    )
    detail = {
        "profile": "preview",
        "as_of": as_of.isoformat(),
        "audience": partner.name if partner else "full",
    }
    audit_record(AuditAction.COMBINATION, actor=actor, obj=force, detail=detail)
    return ProfileVersion(
        profile=profile, number=0, audience=partner, status=VersionStatus.DRAFT, as_of=as_of, content=content,
        built_by=actor, built_at=clock.now(),
    )  # fmt: skip
