"""Pages of one plan: the plan itself, opening it, its officers, actions, considerations, review and
custody periods, and its timeline chart as SVG."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from socmap.apps.core import clock
from socmap.apps.core.auth import viewer
from socmap.apps.core.purpose import current_purpose, purpose_required
from socmap.apps.core.web import apply_errors
from socmap.apps.lifetime import selectors, services
from socmap.apps.lifetime.forms import (
    ActionForm,
    ActionUpdateForm,
    AssignForm,
    ConsiderationForm,
    CustodyForm,
    ReleaseForm,
    ReviewForm,
)
from socmap.apps.lifetime.views.common import (
    DEPUTY_ROLES,
    LRO_ROLES,
    officer_choices,
    partner_choices,
    people_choices,
    person_choices,
    pick_organisation,
    pick_user,
)
from socmap.apps.network import selectors as network
from socmap.engines import lifetime
from socmap.engines.render import chart_svg
from socmap.errors import SocmapError


@login_required
@purpose_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = viewer(request)
    view = selectors.plan_get(viewer=user, plan_id=plan_id, justification=current_purpose(request))
    scores, disruptions, spec = selectors.timeline(viewer=user, view=view)
    return render(
        request,
        "lifetime/plan_detail.html",
        {
            "view": view,
            "plan": view.plan,
            "scores": scores,
            "chart_rows": disruptions,
            "spec": json.dumps(spec),
            "ps": [(key, label, view.actions[key]) for key, label in lifetime.PS],
            "considered": sum(1 for i in view.items if i.state != "to consider"),
            "today": clock.today(),
        },
    )


@login_required
@require_http_methods(["POST"])
def plan_start(request: HttpRequest) -> HttpResponse:
    """Open the plan of an adopted group or individual (its LRO, or a supervisor or analyst)."""
    user = viewer(request)
    kind, raw = request.POST.get("kind", ""), request.POST.get("subject", "")
    try:
        if not raw.isdigit() or kind not in ("group", "individual"):
            raise SocmapError("Choose the group or individual to plan for")
        if kind == "group":
            plan = services.plan_open(actor=user, ocg=network.ocg_find(viewer=user, ocg_id=int(raw)))
        else:
            found = network.individual_find(viewer=user, individual_id=int(raw))
            plan = services.plan_open(actor=user, individual=found)
    except SocmapError as exc:
        messages.error(request, exc.message)
        return redirect("lifetime:force")
    messages.success(request, f"Opened the plan for {plan.title}")
    return redirect("lifetime:plan", plan_id=plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_assign(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = viewer(request)
    plan = selectors.plan_find(viewer=user, plan_id=plan_id)
    form = AssignForm(
        request.POST or None,
        initial={"lro": plan.lro_id or "", "deputy": plan.deputy_id or ""},
        lros=officer_choices(user, plan, LRO_ROLES),
        deputies=officer_choices(user, plan, DEPUTY_ROLES),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_assign(
                actor=user,
                plan=plan,
                lro=pick_user(user, data["lro"], "lro"),
                deputy=pick_user(user, data["deputy"], "deputy"),
                reason=data["reason"],
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Reassigned; the change is on the plan's timeline")
            return redirect("lifetime:plan", plan_id=plan.pk)
    return render(
        request,
        "lifetime/plan_assign.html",
        {"plan": plan, "form": form, "heading": "Reassign the LRO and deputy"},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = viewer(request)
    plan = selectors.plan_find(viewer=user, plan_id=plan_id)
    form = ActionForm(
        request.POST or None,
        initial={"p": request.GET.get("p", "")},
        people=person_choices(user, plan),
        organisations=partner_choices(user, include=plan),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            by_organisation = data["owner_kind"] == "organisation"
            services.action_create(
                actor=user,
                plan=plan,
                data=services.ActionInput(
                    p=data["p"],
                    title=data["title"],
                    description=data["description"],
                    due_on=data["due_on"],
                    owner_person=None
                    if by_organisation
                    else pick_user(user, data["owner_person"], "owner_person"),
                    owner_organisation=pick_organisation(
                        user, data["owner_organisation"], "owner_organisation"
                    )
                    if by_organisation
                    else None,
                ),
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Added the {dict(lifetime.PS)[data['p']]} action: {data['title']}")
            return redirect("lifetime:plan", plan_id=plan.pk)
    return render(
        request,
        "lifetime/action_new.html",
        {"plan": plan, "form": form, "heading": "Add an action"},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    user = viewer(request)
    action = selectors.action_find(viewer=user, action_id=action_id)
    form = ActionUpdateForm(
        request.POST or None,
        initial={"status": action.status, "outcome": action.outcome, "evidence": action.evidence},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_update(
                actor=user,
                action=action,
                status=data["status"],
                outcome=data["outcome"],
                evidence=data["evidence"],
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Updated: {action.title}")
            return redirect("lifetime:action", action_id=action.pk)
    return render(
        request,
        "lifetime/action_detail.html",
        {"action": action, "plan": action.plan, "form": form, "heading": action.title},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def considerations(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = viewer(request)
    plan = selectors.plan_find(viewer=user, plan_id=plan_id)
    cat = services.catalogue()
    outstanding = services.outstanding_items(plan)
    form = ConsiderationForm(
        request.POST or None,
        initial={"item": request.GET.get("item", "")},
        items=[(k, cat.label(k)) for k in cat.keys if k not in services.used_items(plan)],
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consideration_record(
                actor=user, plan=plan, item=form.cleaned_data["item"], reason=form.cleaned_data["reason"]
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"Recorded: {cat.label(form.cleaned_data['item'])} considered, not used"
            )
            return redirect("lifetime:plan", plan_id=plan.pk)
    return render(
        request,
        "lifetime/considerations.html",
        {
            "plan": plan,
            "form": form,
            "outstanding": [cat.label(k) for k in outstanding],
            "heading": "Considered, not used",
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = viewer(request)
    plan = selectors.plan_find(viewer=user, plan_id=plan_id)
    form = ReviewForm(request.POST or None)
    cat = services.catalogue()
    if request.method == "POST" and form.is_valid():
        try:
            done = services.plan_review(
                actor=user,
                plan=plan,
                summary=form.cleaned_data["summary"],
                reviewed_on=form.cleaned_data["reviewed_on"],
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"Review recorded; the next is due {lifetime.long_date(done.next_review_on)}"
            )
            return redirect("lifetime:plan", plan_id=plan.pk)
    return render(
        request,
        "lifetime/review.html",
        {
            "plan": plan,
            "form": form,
            "outstanding": [cat.label(k) for k in services.outstanding_items(plan)],
            "heading": "Review the plan",
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def custody_new(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = viewer(request)
    plan = selectors.plan_find(viewer=user, plan_id=plan_id)
    form = CustodyForm(request.POST or None, people=people_choices(user, plan))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.custody_enter(
                actor=user,
                plan=plan,
                data=services.CustodyInput(
                    entity_id=data["entity_id"],
                    expected_release_on=data["expected_release_on"],
                    received_on=data["received_on"],
                    released_on=data["released_on"],
                    establishment=data["establishment"],
                    prison_number=data["prison_number"],
                    licence_conditions=data["licence_conditions"],
                ),
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Custody period recorded")
            return redirect("lifetime:plan", plan_id=plan.pk)
    return render(
        request,
        "lifetime/custody_new.html",
        {"plan": plan, "form": form, "heading": "Enter a custody period"},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def custody_detail(request: HttpRequest, period_id: int) -> HttpResponse:
    user = viewer(request)
    period = selectors.custody_find(viewer=user, period_id=period_id)
    form = ReleaseForm(
        request.POST or None,
        initial={"released_on": period.released_on, "licence_conditions": period.licence_conditions},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.custody_update(
                actor=user,
                period=period,
                released_on=form.cleaned_data["released_on"],
                licence_conditions=form.cleaned_data["licence_conditions"],
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Custody period updated")
            return redirect("lifetime:custody", period_id=period.pk)
    return render(
        request,
        "lifetime/custody_detail.html",
        {
            "period": period,
            "form": form,
            "heading": f"Custody of {period.person_label or 'a managed person'}",
        },
        status=400 if form.errors else 200,
    )


@login_required
@purpose_required
def timeline_svg(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's timeline chart drawn on the server (for reports), from the same spec as the page."""
    user = viewer(request)
    view = selectors.plan_get(viewer=user, plan_id=plan_id, justification=current_purpose(request))
    _, _, spec = selectors.timeline(viewer=user, view=view)
    response = HttpResponse(chart_svg(spec), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="socmap-plan-{plan_id}-timeline.svg"'
    return response
