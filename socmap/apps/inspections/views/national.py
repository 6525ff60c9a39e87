"""Pages of national findings: made to every force, stored once, each force's track shown beneath."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from socmap.apps.core.auth import viewer
from socmap.apps.core.models import Role
from socmap.apps.core.web import apply_errors, page_number
from socmap.apps.inspections import selectors, services
from socmap.apps.inspections.forms import WithdrawForm
from socmap.apps.inspections.services import MANAGERS
from socmap.errors import Conflict, InvalidInput


@login_required
def national_list(request: HttpRequest) -> HttpResponse:
    withdrawn = request.GET.get("withdrawn") == "1"
    page = selectors.national_list(viewer=viewer(request), page=page_number(request), withdrawn=withdrawn)
    return render(request, "inspections/national_list.html", {"page": page, "withdrawn": withdrawn})


def _detail(
    request: HttpRequest, national_id: int, withdraw_form: WithdrawForm | None = None
) -> HttpResponse:
    user = viewer(request)
    national, tracks = selectors.national_get(viewer=user, national_id=national_id)
    own = next((t for t in tracks if t.owner_id == user.organisation_id), None)
    manager = user.has_role(*MANAGERS)
    importer = national.created_by.organisation_id if national.created_by else None
    may_withdraw = manager and (importer == user.organisation_id or user.has_role(Role.ADMINISTRATOR))
    return render(
        request,
        "inspections/national_detail.html",
        {
            "national": national,
            "tracks": tracks,
            "own_track": own,
            "can_track": manager and own is None and national.withdrawn_at is None,
            "can_withdraw": may_withdraw and national.withdrawn_at is None,
            "withdraw_form": withdraw_form or WithdrawForm(),
        },
        status=400 if withdraw_form is not None and withdraw_form.errors else 200,
    )


@login_required
def national_detail(request: HttpRequest, national_id: int) -> HttpResponse:
    return _detail(request, national_id)


@login_required
@require_http_methods(["POST"])
def national_track(request: HttpRequest, national_id: int) -> HttpResponse:
    user = viewer(request)
    national, _ = selectors.national_get(viewer=user, national_id=national_id)
    finding = services.national_track_start(actor=user, national=national)
    messages.success(
        request,
        f"Your organisation now tracks national {national.get_kind_display().lower()} {national.reference}",
    )
    return redirect("inspections:finding_detail", finding_id=finding.pk)


@login_required
@require_http_methods(["POST"])
def national_withdraw(request: HttpRequest, national_id: int) -> HttpResponse:
    user = viewer(request)
    national, _ = selectors.national_get(viewer=user, national_id=national_id)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.national_withdraw(actor=user, national=national, reason=form.cleaned_data["reason"])
        except (InvalidInput, Conflict) as exc:  # a refusal is not a form error: it answers 403
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"Withdrawn: national {national.get_kind_display().lower()} {national.reference}"
            )
            return redirect("inspections:national_detail", national_id=national.pk)
    return _detail(request, national_id, withdraw_form=form)
