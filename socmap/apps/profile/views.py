"""Pages of the local profile: the list, a new profile, one profile with its sections (partners see
only theirs), a section's writing, comments and sign-off, building a draft, issuing, and each version
as a page, as a document and as PDF (every view and download logged as a disclosure)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from socmap.apps.core.auth import viewer
from socmap.apps.core.models import OrganisationKind
from socmap.apps.core.pagination import paginate
from socmap.apps.core.refusal import refusal_settle
from socmap.apps.core.selectors import organisation_list
from socmap.apps.core.web import apply_errors, page_number
from socmap.apps.profile import selectors, services
from socmap.apps.profile.documents import document_html, figure_inputs, prepared
from socmap.apps.profile.forms import CommentForm, ProfileForm, TextForm, WithdrawForm
from socmap.errors import SocmapError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def profile_list(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    return render(
        request,
        "profile/profile_list.html",
        {
            "page": selectors.profile_list(viewer=user, page=page_number(request)),
            "can_start": services.may_start(user),
        },
    )


def _partner_choices(request: HttpRequest) -> list[tuple[str, str]]:
    partners = (
        organisation_list(viewer=viewer(request)).filter(kind=OrganisationKind.PARTNER).order_by("name")
    )
    return [(str(o.pk), o.name) for o in partners]


@login_required
@require_http_methods(["GET", "POST"])
def profile_new(request: HttpRequest) -> HttpResponseBase:
    user = viewer(request)
    choices = _partner_choices(request)
    form = ProfileForm(request.POST or None, partners=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = {int(pk) for pk in data["partners"]}
        partners = list(organisation_list(viewer=user).filter(pk__in=chosen))
        try:
            profile = services.profile_create(
                actor=user, title=data["title"], as_of=data["as_of"], partners=partners
            )
            messages.success(request, "Profile started")
            return redirect("profile:detail", profile_id=profile.pk)
        except SocmapError as exc:
            apply_errors(form, exc)
    return render(request, "profile/profile_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def profile_detail(request: HttpRequest, profile_id: int) -> HttpResponse:
    user = viewer(request)
    access = selectors.profile_access(viewer=user, profile_id=profile_id)
    return render(
        request,
        "profile/profile_detail.html",
        {
            "profile": access.profile,
            "access": access,
            "sections": selectors.sections_for(access=access),
            "versions": selectors.versions_for(viewer=user, access=access),
            "awaiting": services.awaiting_signoff(access.profile) if access.full else [],
            "can_issue": access.full and services.may_issue(user, access.profile),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def section(request: HttpRequest, profile_id: int, key: str) -> HttpResponseBase:
    """One section: its text, the history of texts, comments, and (for its writer) write and sign off."""
    user = viewer(request)
    access = selectors.profile_access(viewer=user, profile_id=profile_id)
    found = next((s for s in selectors.sections_for(access=access) if s.key == key), None)
    if found is None:
        raise selectors.section_refused(user, access.profile, key)
    action = request.POST.get("action", "")
    text_form = TextForm(
        request.POST if action == "text" else None, initial={"text": found.text.text if found.text else ""}
    )
    comment_form = CommentForm(request.POST if action == "comment" else None)
    if request.method == "POST":
        try:
            if action == "text" and text_form.is_valid():
                services.text_save(actor=user, profile=access.profile, section=key, **text_form.cleaned_data)
                messages.success(request, "Text saved")
                return redirect("profile:section", profile_id=profile_id, key=key)
            if action == "comment" and comment_form.is_valid():
                services.comment_add(
                    actor=user, profile=access.profile, section=key, text=comment_form.cleaned_data["comment"]
                )
                messages.success(request, "Comment added")
                return redirect("profile:section", profile_id=profile_id, key=key)
            if action == "signoff":
                services.signoff(actor=user, profile=access.profile, section=key)
                messages.success(request, "Section signed off")
                return redirect("profile:section", profile_id=profile_id, key=key)
        except SocmapError as exc:
            apply_errors(comment_form if action == "comment" else text_form, exc)
    failed = bool(text_form.errors or comment_form.errors)
    return render(
        request,
        "profile/section_detail.html",
        {
            "profile": access.profile,
            "access": access,
            "section": found,
            "text_form": text_form,
            "comment_form": comment_form,
        },
        status=400 if failed else 200,
    )


@login_required
@require_POST
def build(request: HttpRequest, profile_id: int) -> HttpResponseBase:
    user = viewer(request)
    access = selectors.profile_access(viewer=user, profile_id=profile_id)
    draft = services.draft_build(actor=user, profile=access.profile)
    messages.success(request, "Draft built from the data as of " + access.profile.as_of.strftime("%-d %B %Y"))
    return redirect("profile:version", version_id=draft.pk)


@login_required
@require_POST
def issue(request: HttpRequest, profile_id: int) -> HttpResponseBase:
    user = viewer(request)
    access = selectors.profile_access(viewer=user, profile_id=profile_id)
    try:
        issued = services.profile_issue(actor=user, profile=access.profile)
    except SocmapError as exc:
        refusal_settle(exc)
        messages.error(request, exc.message)
        return redirect("profile:detail", profile_id=profile_id)
    messages.success(
        request,
        f"Version {issued[0].number} issued: the full version and {len(issued) - 1} partner version(s)",
    )
    return redirect("profile:detail", profile_id=profile_id)


@login_required
def version_detail(request: HttpRequest, version_id: int) -> HttpResponse:
    user = viewer(request)
    version = selectors.version_get(viewer=user, version_id=version_id)
    services.version_disclosed(actor=user, version=version, form="page")
    access = selectors.profile_access(viewer=user, profile_id=version.profile_id)
    return render(
        request,
        "profile/version_detail.html",
        {
            "version": version,
            "content": prepared(version),
            "links": True,
            "access": access,
            "withdraw": WithdrawForm(),
            "can_issue": access.full and services.may_issue(user, version.profile),
        },
    )


@login_required
def figure_detail(request: HttpRequest, version_id: int, key: str) -> HttpResponse:
    """Every input of one figure of a version, a page at a time: the records and items behind it."""
    user = viewer(request)
    version = selectors.version_get(viewer=user, version_id=version_id)
    inputs = figure_inputs(version, key)
    if inputs is None:
        raise selectors.section_refused(user, version.profile, f"figure {key}")
    services.version_disclosed(actor=user, version=version, form=f"lineage of {key}")
    figure = version.content["figures"][key]
    return render(
        request,
        "profile/figure_detail.html",
        {
            "version": version,
            "key": key,
            "figure": figure,
            "page": paginate(inputs, page=page_number(request), per_page=100),
        },
    )


@login_required
def version_document(request: HttpRequest, version_id: int) -> HttpResponse:
    user = viewer(request)
    version = selectors.version_get(viewer=user, version_id=version_id)
    services.version_disclosed(actor=user, version=version, form="html")
    return HttpResponse(document_html(version, links=False))


@login_required
def version_pdf(request: HttpRequest, version_id: int) -> HttpResponse:
    user = viewer(request)
    version = selectors.version_get(viewer=user, version_id=version_id)
    pdf = services.version_pdf(actor=user, version=version, html=document_html(version, links=False))
    response = HttpResponse(pdf, content_type="application/pdf")
    who = version.audience.slug if version.audience else "full"
    response["Content-Disposition"] = (
        f'attachment; filename="socmap-profile-{version.profile_id}-v{version.number}-{who}.pdf"'
    )
    return response


@login_required
def version_docx(request: HttpRequest, version_id: int) -> HttpResponse:
    user = viewer(request)
    version = selectors.version_get(viewer=user, version_id=version_id)
    data = services.version_docx(actor=user, version=version)
    response = HttpResponse(data, content_type=DOCX)
    who = version.audience.slug if version.audience else "full"
    response["Content-Disposition"] = (
        f'attachment; filename="socmap-profile-{version.profile_id}-v{version.number}-{who}.docx"'
    )
    return response


@login_required
@require_POST
def version_withdraw(request: HttpRequest, version_id: int) -> HttpResponseBase:
    user = viewer(request)
    version = selectors.version_get(viewer=user, version_id=version_id)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.version_withdraw(actor=user, version=version, reason=form.cleaned_data["reason"])
            messages.success(request, "Version withdrawn")
        except SocmapError as exc:
            refusal_settle(exc)
            messages.error(request, exc.message)
    else:
        messages.error(request, "Say why it is withdrawn")
    return redirect("profile:version", version_id=version_id)
