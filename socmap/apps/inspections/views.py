"""Pages: findings, a finding's timeline, import, grades, status chart, the improvement board, actions."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from socmap.apps.core import selectors as core_selectors
from socmap.apps.core.auth import viewer
from socmap.apps.core.models import Organisation
from socmap.apps.core.views import apply_errors, justified_csv_export, page_number
from socmap.apps.inspections import selectors, services
from socmap.apps.inspections.forms import (
    ActionForm,
    ActionUpdateForm,
    EvidenceForm,
    FindingEventForm,
    FindingFilterForm,
    ImportForm,
    LinkActionForm,
)
from socmap.apps.inspections.models import Finding
from socmap.engines.inspections import DIAGNOSTIC_CODES, MAX_BYTES
from socmap.errors import InvalidInput, SocmapError

# GOV.UK palette: waiting is amber, in progress blue, closed green and grey.
STATUS_COLOURS = {
    "awaiting-review": "#f47738",
    "being-progressed": "#1d70b8",
    "complete": "#00703c",
    "no-further-action-needed": "#505a5f",
}


def _filter_form(request: HttpRequest) -> tuple[FindingFilterForm, selectors.FindingFilter]:
    user = viewer(request)
    subjects = [(o.slug, o.name) for o in Organisation.objects.filter(kind__in=["force", "rocu"])]
    form = FindingFilterForm(
        request.GET or None, statuses=selectors.finding_status_values(viewer=user), subjects=subjects
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
        {"form": form, "page": page, "query": request.GET.urlencode()},
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


@login_required
@require_http_methods(["GET", "POST"])
def finding_detail(request: HttpRequest, finding_id: int) -> HttpResponse:
    user = viewer(request)
    finding = selectors.finding_get(viewer=user, finding_id=finding_id)
    event_form = FindingEventForm(request.POST or None, initial={"on": timezone.localdate()})
    board = selectors.action_board(viewer=user)
    actions = [(a.pk, f"{a.reference} {a.title}") for _, _, col in board.columns for a in col]
    link_form = LinkActionForm(actions=actions)
    if request.method == "POST" and event_form.is_valid():
        try:
            services.finding_event_add(actor=user, finding=finding, **event_form.cleaned_data)
        except SocmapError as exc:
            apply_errors(event_form, exc)
        else:
            messages.success(request, "Timeline updated")
            return redirect("inspections:finding_detail", finding_id=finding.pk)
    return render(
        request,
        "inspections/finding_detail.html",
        {
            "finding": finding,
            "event_form": event_form,
            "link_form": link_form,
            "has_actions": bool(actions),
            "codes": DIAGNOSTIC_CODES,
        },
        status=400 if event_form.errors else 200,
    )


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
@require_http_methods(["GET", "POST"])
def finding_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            if upload is not None and upload.size > MAX_BYTES:
                raise InvalidInput(
                    "The file is too large",
                    fields={
                        "file": [
                            f"{upload.name} is {upload.size // 1024} KB; "
                            f"a page is at most {MAX_BYTES // 1024} KB"
                        ]
                    },
                )
            data: str | bytes = upload.read() if upload is not None else form.cleaned_data["text"]
            result = services.finding_import(
                actor=viewer(request),
                data=data,
                source=upload.name if upload is not None else "pasted text",
                subject=form.cleaned_data.get("subject"),
            )
        except SocmapError as exc:
            if "text" in exc.fields and upload is not None:
                exc.fields["file"] = exc.fields.pop("text")
            apply_errors(form, exc)
        else:
            verb = "Imported" if result.created else "Already held; updated"
            messages.success(
                request,
                f"{verb} {result.finding.get_kind_display().lower()} {result.finding.reference}: "
                f"{result.events_added} new timeline entr{'y' if result.events_added == 1 else 'ies'}, "
                f"{result.events_known} already held, {result.recommendations_added} recommendations added, "
                f"{len(result.parsed.diagnostics)} diagnostics",
            )
            return redirect("inspections:finding_detail", finding_id=result.finding.pk)
    return render(
        request, "inspections/finding_import.html", {"form": form}, status=400 if form.errors else 200
    )


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


@login_required
def board(request: HttpRequest) -> HttpResponse:
    plan_id = request.GET.get("plan")
    data = selectors.action_board(
        viewer=viewer(request), plan_id=int(plan_id) if plan_id and plan_id.isdigit() else None
    )
    plans = selectors.plan_list(viewer=viewer(request))
    return render(
        request, "inspections/board.html", {"board": data, "plans": plans, "today": timezone.localdate()}
    )


@login_required
def board_print(request: HttpRequest) -> HttpResponse:
    plan_id = request.GET.get("plan")
    data = selectors.action_board(
        viewer=viewer(request), plan_id=int(plan_id) if plan_id and plan_id.isdigit() else None
    )
    return render(request, "inspections/board_print.html", {"board": data, "today": timezone.localdate()})


@login_required
@require_http_methods(["GET", "POST"])
def action_export(request: HttpRequest) -> HttpResponseBase:
    plan_id = request.GET.get("plan")
    return justified_csv_export(
        request,
        what="improvement actions",
        filename="socmap-improvement-actions.csv",
        lines=lambda why: selectors.action_export(
            viewer=viewer(request),
            plan_id=int(plan_id) if plan_id and plan_id.isdigit() else None,
            justification=why,
        ),
    )


def _finding_choices(request: HttpRequest) -> list[tuple[int, str]]:
    page = selectors.finding_list(viewer=viewer(request), filters=selectors.FindingFilter(), per_page=200)
    return [(f.pk, f"{f.reference} – {f.title[:90]}") for f in page.items]


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    board_data = selectors.action_board(viewer=user)
    initial = {"findings": request.GET.getlist("finding")}
    form = ActionForm(
        request.POST or None,
        initial=initial,
        owners=selectors.owner_choices(viewer=user),
        findings=_finding_choices(request),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        findings = list(Finding.objects.filter(pk__in=[int(i) for i in data["findings"]]))
        try:
            if board_data.plan is None:
                raise InvalidInput(
                    "Your organisation has no improvement plan yet",
                    fields={"title": ["Ask an improvement lead to create the plan first"]},
                )
            action = services.action_create(
                actor=user,
                plan=board_data.plan,
                title=data["title"],
                description=data["description"],
                owner=data["owner"],
                due_on=data["due_on"],
                rag=data["rag"],
                findings=findings,
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Added {action.reference} {action.title}")
            return redirect("inspections:action_detail", action_id=action.pk)
    return render(
        request,
        "inspections/action_create.html",
        {"form": form, "plan": board_data.plan},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    user = viewer(request)
    action, evidence = selectors.action_get(viewer=user, action_id=action_id)
    documents = [(d.pk, d.title) for d in core_selectors.document_list(viewer=user, per_page=200).items]
    update_form = ActionUpdateForm(initial={"status": action.status, "rag": action.rag})
    evidence_form = EvidenceForm(documents=documents)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "evidence":
                evidence_form = EvidenceForm(request.POST, documents=documents)
                if evidence_form.is_valid():
                    d = evidence_form.cleaned_data
                    doc = (
                        core_selectors.document_choose(viewer=user, document_id=int(d["document"]))
                        if d["document"]
                        else None
                    )
                    services.evidence_add(
                        actor=user,
                        action=action,
                        kind=d["kind"],
                        document=doc,
                        url=d["url"],
                        measure=d["measure"],
                        note=d["note"],
                    )
                    messages.success(request, "Evidence added")
                    return redirect("inspections:action_detail", action_id=action.pk)
            else:
                update_form = ActionUpdateForm(request.POST)
                if update_form.is_valid():
                    services.action_update(actor=user, action=action, **update_form.cleaned_data)
                    messages.success(request, "Update saved")
                    return redirect("inspections:action_detail", action_id=action.pk)
        except SocmapError as exc:
            apply_errors(evidence_form if request.POST.get("form") == "evidence" else update_form, exc)
    has_errors = bool(update_form.errors or evidence_form.errors)
    return render(
        request,
        "inspections/action_detail.html",
        {
            "action": action,
            "evidence": evidence,
            "update_form": update_form,
            "evidence_form": evidence_form,
            "today": timezone.localdate(),
        },
        status=400 if has_errors else 200,
    )
