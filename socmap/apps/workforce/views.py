"""Pages of the workforce register: the region's counts, an organisation's capability against demand
(counts for everyone), and, for the organisation's own managers, its people and their training."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from socmap.apps.core.auth import viewer
from socmap.apps.core.web import apply_errors
from socmap.apps.workforce import alerts as workforce_alerts
from socmap.apps.workforce import capability as cap
from socmap.apps.workforce import selectors, services
from socmap.apps.workforce.forms import MemberForm, TrainingForm
from socmap.errors import SocmapError


@login_required
def region(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    return render(
        request,
        "workforce/region.html",
        {
            "rows": cap.region(),
            "own": user.organisation,
            "alerts": workforce_alerts.alerts_for(viewer=user).count(),
        },
    )


def trend_spec(points: list[cap.TrendPoint]) -> dict[str, Any]:
    series = (
        ("investigators", "Investigators"),
        ("financial_investigators", "Accredited financial investigators"),
        ("analysts", "Analysts"),
        ("apprentices", "Apprentices"),
    )
    values = [
        {"date": p.on.isoformat(), "measure": label, "people": getattr(p, name)}
        for p in points
        for name, label in series
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": "People in post over the last two years",
        "width": 520,
        "height": 200,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "date", "type": "temporal", "title": None, "axis": {"format": "%b %Y"}},
            "y": {"field": "people", "type": "quantitative", "title": "People"},
            "color": {"field": "measure", "type": "nominal", "title": None, "legend": {"orient": "bottom"}},
        },
    }


@login_required
def capability(request: HttpRequest, slug: str) -> HttpResponse:
    import json

    user = viewer(request)
    org = selectors.organisation_find(slug=slug)
    figures = cap.capability_get(viewer=user, organisation=org)
    points = cap.trend(org)
    return render(
        request,
        "workforce/capability.html",
        {
            "org": org,
            "cap": figures,
            "trend": points,
            "spec": json.dumps(trend_spec(points)),
            "names": selectors.can_see_names(user, org.pk),
        },
    )


@login_required
def people(request: HttpRequest, slug: str) -> HttpResponse:
    user = viewer(request)
    org = selectors.organisation_find(slug=slug)
    members = selectors.member_list(viewer=user, organisation_id=org.pk)
    return render(request, "workforce/people.html", {"org": org, "members": members})


@login_required
@require_http_methods(["GET", "POST"])
def member_new(request: HttpRequest, slug: str) -> HttpResponseBase:
    user = viewer(request)
    org = selectors.organisation_find(slug=slug)
    posts = selectors.post_list(viewer=user, organisation_id=org.pk)
    by_id = {str(p.pk): p for p in posts}
    form = MemberForm(
        request.POST or None, posts=[(str(p.pk), f"{p.title} ({p.get_role_display()})") for p in posts]
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["post"] = by_id.get(data.get("post") or "")
        data["tasking_hours"] = data.get("tasking_hours") or 0
        try:
            member = services.member_create(actor=user, organisation=org, **data)
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{member.name} is in the register")
            return redirect("workforce:member", member_id=member.pk)
    return render(request, "workforce/member_new.html", {"org": org, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def member_detail(request: HttpRequest, member_id: int) -> HttpResponseBase:
    user = viewer(request)
    member = selectors.member_get(viewer=user, member_id=member_id)
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_record(actor=user, member=member, **form.cleaned_data)
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Training recorded")
            return redirect("workforce:member", member_id=member.pk)
    return render(
        request,
        "workforce/member.html",
        {"member": member, "training": selectors.member_training(member=member), "form": form},
    )


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    return render(
        request,
        "workforce/alerts.html",
        {"alerts": workforce_alerts.alerts_for(viewer=user, unread_only=False)[:200]},
    )
