"""Pages: my workload (the LRO's landing page), a force's workload, the coming-out list, the catalogue,
notifications and LRO training."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from socmap.apps.core import selectors as core
from socmap.apps.core.auth import viewer
from socmap.apps.core.models import Role
from socmap.apps.core.purpose import purpose_required
from socmap.apps.core.web import apply_errors, page_number
from socmap.apps.lifetime import selectors, services
from socmap.apps.lifetime.forms import TrainingForm
from socmap.apps.lifetime.views.common import default_force, force_choices, name
from socmap.apps.workforce import selectors as workforce
from socmap.apps.workforce import services as workforce_services
from socmap.errors import NotVisible, SocmapError


@login_required
def workload(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    mine = selectors.workload_mine(viewer=user)
    return render(
        request,
        "lifetime/workload.html",
        {
            "mine": mine,
            "awaiting": list(selectors.awaiting_validation(viewer=user)[:20]),
            "releases": selectors.coming_out(viewer=user, force=default_force(request, user))[:10],
            "is_supervisor": user.has_role(Role.SUPERVISOR),
        },
    )


@login_required
def force_workload(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    slug = default_force(request, user)
    organisation = next((o for o in selectors.forces() if o.slug == slug), None)
    if organisation is None:
        raise NotVisible("No such force")
    view = selectors.workload_force(viewer=user, organisation=organisation)
    return render(
        request,
        "lifetime/force_workload.html",
        {
            "view": view,
            "forces": force_choices(),
            "force": slug,
            "weights": sorted(
                services.catalogue().workload_weights.items(), key=lambda kv: (kv[0] == "default", -kv[1])
            ),
            "can_assign": user.has_role(Role.SUPERVISOR) and user.organisation_id == organisation.pk,
            "can_open": user.organisation_id == organisation.pk
            and user.has_role(Role.SUPERVISOR, Role.ANALYST),
        },
    )


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    filters = selectors.PlanFilter(
        force=request.GET.get("force", ""),
        text=request.GET.get("q", "")[:200],
        overdue=bool(request.GET.get("overdue")),
        officer=int(request.GET["officer"]) if request.GET.get("officer", "").isdigit() else None,
    )
    page = selectors.plan_list(viewer=user, filters=filters, page=page_number(request))
    counts = selectors.open_action_counts(viewer=user, plan_ids=[p.pk for p in page.items])
    rows = [(p, counts.get(p.pk, (0, 0)), selectors.review_state(p)) for p in page.items]
    return render(
        request,
        "lifetime/plan_list.html",
        {
            "page": page,
            "rows": rows,
            "forces": force_choices(),
            "filters": filters,
            "query": request.GET.urlencode(),
        },
    )


@login_required
@purpose_required
def release_list(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    force = default_force(request, user)
    everyone = bool(request.GET.get("everyone"))
    start, end = selectors.release_window()
    rows = selectors.coming_out(viewer=user, force=force, everyone=everyone)
    return render(
        request,
        "lifetime/release_list.html",
        {
            "rows": rows,
            "forces": force_choices(),
            "force": force,
            "everyone": everyone,
            "start": start,
            "end": end,
        },
    )


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    cat = services.catalogue()
    return render(
        request,
        "lifetime/catalogue.html",
        {
            "catalogue": cat,
            "orders": list(cat.orders.values()),
            "powers": list(cat.powers.values()),
            "review_months": sorted(cat.review_months.items()),
            "weights": sorted(cat.workload_weights.items()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    if request.method == "POST":
        raw = request.POST.get("notification", "")
        if raw.isdigit():
            services.notification_read(actor=user, notification_id=int(raw))
        return redirect(request.POST.get("next") or "lifetime:notifications")
    show_all = bool(request.GET.get("all"))
    notes = list(selectors.notifications_for(viewer=user, unread_only=not show_all)[:200])
    return render(request, "lifetime/notifications.html", {"notes": notes, "show_all": show_all})


@login_required
@require_http_methods(["GET", "POST"])
def training(request: HttpRequest) -> HttpResponse:
    """The LRO training of the viewer's own organisation (personal data: its own managers record it)."""
    user = viewer(request)
    org_ids = [user.organisation_id] if user.organisation_id else []
    lros = list(core.user_choices(viewer=user, organisation_ids=org_ids, roles=(Role.LRO,)))
    states = workforce.training_states(viewer=user, person_ids=[u.pk for u in lros])
    can_record = user.has_role(*workforce_services.MANAGERS)
    form = TrainingForm(request.POST or None, people=[(str(u.pk), name(u)) for u in lros])
    if request.method == "POST" and can_record and form.is_valid():
        data = form.cleaned_data
        person = next((u for u in lros if str(u.pk) == data["person"]), None)
        try:
            if person is None:
                raise NotVisible("No such officer")
            workforce_services.training_record(
                actor=user,
                person=person,
                course=data["course"],
                passed_on=data["passed_on"],
                expires_on=data["expires_on"],
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Recorded the training of {name(person)}")
            return redirect("lifetime:training")
    return render(
        request,
        "lifetime/training.html",
        {"rows": [(u, states.get(u.pk)) for u in lros], "form": form, "can_record": can_record},
        status=400 if form.errors else 200,
    )
