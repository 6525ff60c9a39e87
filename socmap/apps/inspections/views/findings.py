"""Pages of findings: the list and its export, a finding with its timeline, grades, status over time."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from socmap.apps.core.auth import viewer
from socmap.apps.core.web import apply_errors, justified_csv_export, page_number
from socmap.apps.inspections import selectors, services
from socmap.apps.inspections.forms import FindingEventForm, FindingFilterForm, LinkActionForm, WithdrawForm
from socmap.apps.inspections.models import Finding
from socmap.apps.inspections.services import MANAGERS
from socmap.engines.inspections import DIAGNOSTIC_CODES
from socmap.errors import Conflict, InvalidInput, SocmapError

# GOV.UK palette: waiting is amber, in progress blue, closed green and grey.
STATUS_COLOURS = {
    "awaiting-review": "#f47738",
    "being-progressed": "#1d70b8",
    "complete": "#00703c",
    "no-further-action-needed": "#505a5f",
}


def _filter_form(request: HttpRequest) -> tuple[FindingFilterForm, selectors.FindingFilter]:
    user = viewer(request)
    form = FindingFilterForm(
        request.GET or None,
        statuses=selectors.finding_status_values(viewer=user),
        subjects=selectors.subject_choices(viewer=user),
    )
    data = form.cleaned_data if form.is_valid() else {}
    return form, selectors.FindingFilter(
        subject=data.get("subject", ""),
        kind=data.get("kind", ""),
        status=data.get("status", ""),
        text=data.get("text", ""),
    )


@login_required
def finding_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filter_form(request)
    page = selectors.finding_list(viewer=viewer(request), filters=filters, page=page_number(request))
    return render(
        request,
        "inspections/finding_list.html",
        {
            "form": form,
            "page": page,
            "query": request.GET.urlencode(),
            "withdrawn": filters.status == "withdrawn",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_export(request: HttpRequest) -> HttpResponseBase:
    _, filters = _filter_form(request)
    return justified_csv_export(
        request,
        what="inspection findings",
        filename="socmap-findings.csv",
        lines=lambda why: selectors.finding_export(
            viewer=viewer(request), filters=filters, justification=why
        ),
    )


def _detail(request: HttpRequest, finding: Finding, **forms: object) -> HttpResponse:
    user = viewer(request)
    board = selectors.action_board(viewer=user)
    actions = [(a.pk, f"{a.reference} {a.title}") for _, _, col in board.columns for a in col]
    event_form = forms.get("event_form") or FindingEventForm(initial={"on": timezone.localdate()})
    withdraw_form = forms.get("withdraw_form") or WithdrawForm()
    errors = any(getattr(f, "errors", None) for f in (event_form, withdraw_form))
    return render(
        request,
        "inspections/finding_detail.html",
        {
            "finding": finding,
            "event_form": event_form,
            "withdraw_form": withdraw_form,
            "link_form": LinkActionForm(actions=actions),
            "has_actions": bool(actions),
            "codes": DIAGNOSTIC_CODES,
            "can_manage": user.has_role(*MANAGERS) and finding.owner_id == user.organisation_id,
        },
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_detail(request: HttpRequest, finding_id: int) -> HttpResponse:
    user = viewer(request)
    finding = selectors.finding_get(viewer=user, finding_id=finding_id)
    event_form = FindingEventForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and event_form.is_valid():
        try:
            services.finding_event_add(actor=user, finding=finding, **event_form.cleaned_data)
        except SocmapError as exc:
            apply_errors(event_form, exc)
        else:
            messages.success(request, "Timeline updated")
            return redirect("inspections:finding_detail", finding_id=finding.pk)
    return _detail(request, finding, event_form=event_form)


@login_required
@require_http_methods(["POST"])
def finding_withdraw(request: HttpRequest, finding_id: int) -> HttpResponse:
    user = viewer(request)
    finding = selectors.finding_get(viewer=user, finding_id=finding_id)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.finding_withdraw(actor=user, finding=finding, reason=form.cleaned_data["reason"])
        except (InvalidInput, Conflict) as exc:  # a refusal is not a form error: it answers 403
            apply_errors(form, exc)
        else:
            messages.success(request, f"Withdrawn: {finding.get_kind_display().lower()} {finding.reference}")
            return redirect("inspections:finding_detail", finding_id=finding.pk)
    return _detail(request, finding, withdraw_form=form)


@login_required
@require_http_methods(["POST"])
def finding_link(request: HttpRequest, finding_id: int) -> HttpResponse:
    user = viewer(request)
    finding = selectors.finding_get(viewer=user, finding_id=finding_id)
    action, _ = selectors.action_get(viewer=user, action_id=int(request.POST.get("action", 0) or 0))
    services.action_link_finding(actor=user, action=action, finding=finding)
    messages.success(request, f"Linked to {action.reference} {action.title}")
    return redirect("inspections:finding_detail", finding_id=finding.pk)


@login_required
def grades(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inspections/grades.html",
        {"inspections": selectors.inspection_grades(viewer=viewer(request))},
    )


@login_required
def status_chart(request: HttpRequest) -> HttpResponse:
    series = selectors.findings_status_over_time(viewer=viewer(request))
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": "Inspection findings by status at each month end",
        "width": "container",
        "height": 300,
        "data": {"values": series.as_rows()},
        "mark": {"type": "area", "tooltip": False},
        "encoding": {
            "x": {"field": "month", "type": "temporal", "title": "Month"},
            "y": {"field": "count", "type": "quantitative", "stack": "zero", "title": "Findings"},
            "color": {
                "field": "status",
                "type": "nominal",
                "title": "Status",
                "sort": series.statuses,
                "scale": {"domain": list(STATUS_COLOURS), "range": list(STATUS_COLOURS.values())},
            },
        },
    }
    return render(request, "inspections/status_chart.html", {"series": series, "spec": json.dumps(spec)})
