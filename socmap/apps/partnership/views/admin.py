"""Administration pages: users (roles, deactivation, two-factor reset, sharing lead), organisations,
compartments and API tokens. Administrators administer; they see no intelligence by it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from socmap.apps.core import administration as admin
from socmap.apps.core import services as core
from socmap.apps.core.auth import viewer
from socmap.apps.core.models import Compartment, Organisation, Role
from socmap.apps.core.refusal import refuse
from socmap.apps.core.services import require_role
from socmap.apps.core.web import apply_errors
from socmap.apps.partnership import services
from socmap.apps.partnership.forms import (
    CompartmentForm,
    OrganisationForm,
    ReasonForm,
    RolesForm,
    UserNewForm,
)
from socmap.apps.partnership.views.common import question
from socmap.errors import SocmapError


@login_required
def users(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    q, active = request.GET.get("q", ""), request.GET.get("active", "")
    found = list(admin.administered_users(viewer=user, query=q, active=active)[:300])
    leads = {p for p in found if services.is_sharing_lead(p, p.organisation_id)}
    return render(
        request, "partnership/admin_users.html", {"users": found, "q": q, "active": active, "leads": leads}
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_new(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    orgs = [(str(o.pk), o.name) for o in admin.administered_organisations(viewer=user)]
    require_role(user, Role.ADMINISTRATOR, action="create users")
    form = UserNewForm(request.POST or None, organisations=orgs)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            org = admin.administered_organisations(viewer=user).get(pk=int(d["organisation"]))
            made = core.user_create(
                actor=user,
                username=d["username"],
                password=d["password"],
                organisation=org,
                roles=d["roles"],
                first_name=d["first_name"],
                last_name=d["last_name"],
                email=d["email"],
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Created {made.username}")
            return redirect("partnership:admin_user", user_id=made.pk)
    return question(
        request,
        form,
        title="Add a user",
        caption="Administration",
        button="Add the user",
        back=reverse("partnership:admin_users"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = viewer(request)
    person = admin.administered_user(viewer=actor, user_id=user_id)
    step = request.POST.get("step", "")
    roles_form = RolesForm(
        request.POST if step == "roles" else None, initial={"roles": sorted(person.role_set())}
    )
    reason_form = ReasonForm(request.POST if step in ("active", "totp", "lead") else None)
    if request.method == "POST":
        form = roles_form if step == "roles" else reason_form
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            try:
                if step == "roles":
                    admin.user_roles_set(
                        actor=actor, user=person, roles=form.cleaned_data["roles"], reason=reason
                    )
                elif step == "active":
                    admin.user_set_active(
                        actor=actor, user=person, active=not person.is_active, reason=reason
                    )
                elif step == "totp":
                    admin.user_totp_reset(actor=actor, user=person, reason=reason)
                elif step == "lead":
                    services.lead_name(actor=actor, person=person, reason=reason)
            except SocmapError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Changed {person.username}: {step}")
                return redirect("partnership:admin_user", user_id=person.pk)
    return render(
        request,
        "partnership/admin_user.html",
        {
            "person": person,
            "roles_form": roles_form,
            "reason_form": reason_form,
            "lead": services.is_sharing_lead(person, person.organisation_id),
        },
        status=400 if roles_form.errors or reason_form.errors else 200,
    )


@login_required
def organisations(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    require_role(user, Role.ADMINISTRATOR, action="administer organisations")
    return render(
        request,
        "partnership/admin_organisations.html",
        {"organisations": Organisation.objects.order_by("kind", "name")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    user = viewer(request)
    require_role(user, Role.ADMINISTRATOR, action="administer organisations")
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise refuse(user, "No such organisation", object_type="core.organisation", object_id=slug)
    initial = {"name": org.name, "kind": org.kind, "partner_type": org.partner_type, "code": org.code}
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            admin.organisation_update(actor=user, organisation=org, **form.cleaned_data)
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Changed {org.name}")
            return redirect("partnership:admin_organisations")
    return question(
        request,
        form,
        title=f"Change {org.name}",
        caption="Administration",
        button="Save",
        back=reverse("partnership:admin_organisations"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    require_role(user, Role.ADMINISTRATOR, action="create organisations")
    form = OrganisationForm(request.POST or None)
    form.fields["reason"].required = False
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            core.organisation_create(
                actor=user, name=d["name"], kind=d["kind"], partner_type=d["partner_type"], code=d["code"]
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Added {d['name']}")
            return redirect("partnership:admin_organisations")
    return question(
        request,
        form,
        title="Add an organisation",
        caption="Administration",
        button="Add",
        back=reverse("partnership:admin_organisations"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def compartments(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    require_role(user, Role.ADMINISTRATOR, action="administer compartments")
    form = CompartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            core.compartment_create(actor=user, **form.cleaned_data)
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Added the compartment {form.cleaned_data['name']}")
            return redirect("partnership:admin_compartments")
    return render(
        request,
        "partnership/admin_compartments.html",
        {"compartments": Compartment.objects.order_by("name"), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    return render(
        request,
        "partnership/admin_tokens.html",
        {"tokens": list(admin.administered_tokens(viewer=user)[:500])},
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = viewer(request)
    token = admin.administered_tokens(viewer=user).filter(pk=token_id).first()
    if token is None:
        raise refuse(user, "No such token", object_type="core.apitoken", object_id=str(token_id))
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            admin.token_revoke_for(actor=user, token_id=token.pk, reason=form.cleaned_data["reason"])
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Revoked {token.name} of {token.user.username}")
            return redirect("partnership:admin_tokens")
    return question(
        request,
        form,
        title=f"Revoke the token {token.name} of {token.user.username}",
        caption="Administration",
        button="Revoke the token",
        warning=True,
        back=reverse("partnership:admin_tokens"),
    )
