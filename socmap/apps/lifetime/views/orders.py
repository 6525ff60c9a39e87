"""Pages of orders and partner powers under a plan."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from socmap.apps.core.auth import viewer
from socmap.apps.core.web import apply_errors
from socmap.apps.lifetime import selectors, services
from socmap.apps.lifetime.forms import OrderForm, OrderStepForm, PowerForm, PowerUpdateForm
from socmap.apps.lifetime.models import OrderStatus
from socmap.apps.lifetime.views.common import (
    document_choices,
    partner_choices,
    people_choices,
    pick_documents,
    pick_organisation,
)
from socmap.errors import SocmapError


def _everyone(values: list[tuple[str, ...]]) -> list[str]:
    out: list[str] = []
    for group in values:
        out += [v for v in group if v not in out]
    return out


@login_required
@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = viewer(request)
    plan = selectors.plan_find(viewer=user, plan_id=plan_id)
    cat = services.catalogue()
    chosen = cat.orders.get(request.POST.get("kind") or request.GET.get("kind", ""))
    rules = [chosen] if chosen else list(cat.orders.values())
    form = OrderForm(
        request.POST or None,
        initial={"kind": request.GET.get("kind", ""), "status": "considered"},
        kinds=[(k, r.title) for k, r in cat.orders.items()],
        people=people_choices(user, plan),
        applicants=_everyone([r.applicants for r in rules]),
        courts=_everyone([r.courts for r in rules]),
        documents=document_choices(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = services.order_record(
                actor=user,
                plan=plan,
                data=services.OrderInput(
                    kind=data["kind"],
                    entity_id=data["entity_id"],
                    status=data["status"],
                    applicant=data["applicant"],
                    court=data["court"],
                    applied_on=data["applied_on"],
                    decided_on=data["decided_on"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    amount=data["amount"],
                    under_18=data["under_18"],
                    conditions_text=data["conditions_text"],
                    note=data["note"],
                    documents=pick_documents(user, data["documents"]),
                ),
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"Recorded the {cat.orders[order.kind].title} against {order.person_label}"
            )
            return redirect("lifetime:order", order_id=order.pk)
    return render(
        request,
        "lifetime/order_new.html",
        {"plan": plan, "form": form, "rules": rules, "chosen": chosen, "heading": "Record an order"},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    user = viewer(request)
    order = selectors.order_find(viewer=user, order_id=order_id)
    rule = services.catalogue().orders.get(order.kind)
    steps = [
        (s, OrderStatus(s).label) for s in OrderStatus.values if s in services.NEXT[OrderStatus(order.status)]
    ]
    form = OrderStepForm(request.POST or None, steps=steps, courts=list(rule.courts) if rule else [])
    if request.method == "POST" and steps and form.is_valid():
        data = form.cleaned_data
        try:
            services.order_step(
                actor=user,
                order=order,
                step=services.OrderStep(
                    status=data["status"],
                    on=data["on"],
                    note=data["note"],
                    court=data["court"] or None,
                    ends_on=data["ends_on"],
                    conditions_text=data["conditions_text"] or None,
                ),
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Recorded: {OrderStatus(data['status']).label.lower()}")
            return redirect("lifetime:order", order_id=order.pk)
    return render(
        request,
        "lifetime/order_detail.html",
        {
            "order": order,
            "rule": rule,
            "form": form,
            "steps": steps,
            "events": list(order.events.select_related("actor")[:50]),
            "can_manage": services.may_manage(user, order.plan),
            "documents": selectors.documents_of(viewer=user, obj=order),
            "plan": order.plan,
            "heading": f"{rule.title if rule else order.kind} against {order.person_label}",
            "hide_form": not (steps and services.may_manage(user, order.plan)),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def power_new(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = viewer(request)
    plan = selectors.plan_find(viewer=user, plan_id=plan_id)
    cat = services.catalogue()
    form = PowerForm(
        request.POST or None,
        initial={"power": request.GET.get("power", "")},
        powers=[(k, f"{p.name} ({p.owner_label})") for k, p in cat.powers.items()],
        partners=partner_choices(user, include=plan),
        people=people_choices(user, plan),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.power_record(
                actor=user,
                plan=plan,
                power=data["power"],
                partner=pick_organisation(user, data["partner"], "partner"),
                requested_on=data["requested_on"],
                entity_id=data["entity_id"],
                outcome=data["outcome"],
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Asked for: {cat.powers[data['power']].name}")
            return redirect("lifetime:plan", plan_id=plan.pk)
    return render(
        request,
        "lifetime/power_new.html",
        {
            "plan": plan,
            "form": form,
            "powers": list(cat.powers.values()),
            "heading": "Ask a partner to use a power",
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def power_detail(request: HttpRequest, power_id: int) -> HttpResponse:
    user = viewer(request)
    use = selectors.power_find(viewer=user, power_id=power_id)
    form = PowerUpdateForm(request.POST or None, initial={"status": use.status, "outcome": use.outcome})
    if request.method == "POST" and form.is_valid():
        try:
            services.power_update(
                actor=user, use=use, status=form.cleaned_data["status"], outcome=form.cleaned_data["outcome"]
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Updated the partner power")
            return redirect("lifetime:power", power_id=use.pk)
    return render(
        request,
        "lifetime/power_detail.html",
        {
            "use": use,
            "plan": use.plan,
            "form": form,
            "power": services.catalogue().powers.get(use.power),
            "heading": services.catalogue().label(use.power),
        },
        status=400 if form.errors else 200,
    )
