"""Pages of disruptions: record, list, validate, and the return (page, CSV and SVG chart)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from socmap.apps.core import clock
from socmap.apps.core.auth import viewer
from socmap.apps.core.purpose import current_purpose, purpose_required
from socmap.apps.core.web import apply_errors, justified_csv_export, page_number
from socmap.apps.lifetime import selectors, services
from socmap.apps.lifetime.forms import DisruptionFilterForm, DisruptionForm, ReturnForm, ValidateForm
from socmap.apps.lifetime.models import DisruptionStatus
from socmap.apps.lifetime.views.common import document_choices, force_choices, pick_documents
from socmap.apps.network import selectors as network
from socmap.engines import lifetime
from socmap.engines.render import chart_svg
from socmap.errors import SocmapError


@login_required
@require_http_methods(["GET", "POST"])
def disruption_new(request: HttpRequest, plan_id: int) -> HttpResponse:
    user = viewer(request)
    plan = selectors.plan_find(viewer=user, plan_id=plan_id)
    archived = (
        plan.ocg_id is not None
        and network.subject_statuses(ocg_ids=[plan.ocg_id]).get(plan.ocg_id) == "archived"
    )
    form = DisruptionForm(
        request.POST or None, initial={"on": clock.today()}, documents=document_choices(user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = services.disruption_record(
                actor=user,
                plan=plan,
                data=services.DisruptionInput(
                    on=data["on"],
                    p=data["p"],
                    activity=data["activity"],
                    impact=data["impact"],
                    description=data["description"],
                    evidence=data["evidence"],
                    rationale=data["rationale"],
                    drugs=data["drugs"],
                    drugs_grams=data["drugs_grams"],
                    cash_pounds=data["cash_pounds"],
                    firearms=data["firearms"],
                    ammunition=data["ammunition"],
                    archived_reason=data["archived_reason"],
                    handling=data["handling"],
                    documents=pick_documents(user, data["documents"]),
                ),
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Recorded the disruption: {done}; a supervisor validates it")
            return redirect("lifetime:plan", plan_id=plan.pk)
    return render(
        request,
        "lifetime/disruption_new.html",
        {"plan": plan, "form": form, "archived": archived, "heading": "Record a disruption"},
        status=400 if form.errors else 200,
    )


def _filters(request: HttpRequest) -> tuple[DisruptionFilterForm, selectors.DisruptionFilter]:
    form = DisruptionFilterForm(request.GET or None, forces=force_choices())
    data = form.cleaned_data if form.is_valid() else {}
    return form, selectors.DisruptionFilter(
        **{k: data.get(k, "") for k in ("status", "force", "p", "impact")}
    )


@login_required
def disruption_list(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    form, filters = _filters(request)
    page = selectors.disruption_list(viewer=user, filters=filters, page=page_number(request))
    return render(
        request,
        "lifetime/disruption_list.html",
        {
            "form": form,
            "page": page,
            "query": request.GET.urlencode(),
            "awaiting": list(selectors.awaiting_validation(viewer=user)[:50]),
        },
    )


@login_required
@purpose_required
@require_http_methods(["GET", "POST"])
def disruption_detail(request: HttpRequest, disruption_id: int) -> HttpResponse:
    user = viewer(request)
    disruption, conditions = selectors.disruption_get(
        viewer=user, disruption_id=disruption_id, justification=current_purpose(request)
    )
    form = ValidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.disruption_validate(
                actor=user,
                disruption=disruption,
                approve=form.cleaned_data["decision"] == "validate",
                note=form.cleaned_data["note"],
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Disruption {disruption.get_status_display().lower()}")
            return redirect("lifetime:disruption", disruption_id=disruption.pk)
    can_validate = (
        disruption.status == DisruptionStatus.AWAITING
        and user.organisation_id == disruption.owner_id
        and user.has_role("supervisor")
        and user.pk != disruption.recorded_by_id
    )
    return render(
        request,
        "lifetime/disruption_detail.html",
        {
            "d": disruption,
            "conditions": conditions,
            "form": form,
            "can_validate": can_validate,
            "documents": selectors.documents_of(viewer=user, obj=disruption),
        },
        status=400 if form.errors else 200,
    )


def _return_params(request: HttpRequest) -> tuple[ReturnForm, dict[str, Any]]:
    today = clock.today()
    start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)  # the financial year so far
    data = request.GET if request.GET.get("date_from") else None
    form = ReturnForm(
        data, initial={"date_from": start, "date_to": today, "period": "quarter"}, forces=force_choices()
    )
    params: dict[str, Any] = {"date_from": start, "date_to": today, "period": "quarter", "force": ""}
    if form.is_bound and form.is_valid():
        params.update({k: v for k, v in form.cleaned_data.items() if v})
    return form, params


@login_required
def return_page(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    form, params = _return_params(request)
    result = None
    try:
        result = selectors.return_get(viewer=user, **params)
    except SocmapError as exc:
        apply_errors(form, exc)
    context: dict[str, Any] = {
        "form": form,
        "params": params,
        "query": request.GET.urlencode(),
        "result": result,
    }
    if result is not None:
        context["matrix"] = selectors.return_matrix(result)
        context["impacts"] = [label for _, label in lifetime.IMPACTS]
        context["by_force"] = []
        for org in selectors.return_organisations(user, params["force"]):
            rows = selectors.return_matrix(result, org.name)
            counts = [sum(m["counts"][i] for m in rows) for i in range(len(lifetime.IMPACTS))]
            context["by_force"].append((org.name, counts, sum(counts)))
        context["periods"] = sorted({(c.period_start, c.period_end) for c in result.cells})
        context["period_rows"] = [
            (
                start,
                end,
                sum(c.count for c in result.cells if c.organisation == "" and c.period_start == start),
            )
            for start, end in context["periods"]
        ]
        rows = [
            {"p": m["label"], "impact": impact, "count": n, "order": i}
            for m in context["matrix"]
            for i, (impact, n) in enumerate(zip(context["impacts"], m["counts"], strict=True))
            if n
        ]
        context["spec"] = json.dumps(lifetime.return_spec(rows)) if rows else ""
    return render(request, "lifetime/return.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def return_export(request: HttpRequest) -> HttpResponseBase:
    user = viewer(request)
    form, params = _return_params(request)
    return justified_csv_export(
        request,
        what="the disruption return",
        filename="socmap-disruption-return.csv",
        lines=lambda why: selectors.return_export(viewer=user, justification=why, **params),
        filter_form=form,
    )


@login_required
def return_svg(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    _, params = _return_params(request)
    result = selectors.return_get(viewer=user, **params)
    impacts = [label for _, label in lifetime.IMPACTS]
    rows = [
        {"p": m["label"], "impact": impact, "count": n, "order": i}
        for m in selectors.return_matrix(result)
        for i, (impact, n) in enumerate(zip(impacts, m["counts"], strict=True))
    ]
    response = HttpResponse(chart_svg(lifetime.return_spec(rows)), content_type="image/svg+xml")
    response["Content-Disposition"] = 'inline; filename="socmap-disruption-return.svg"'
    return response
