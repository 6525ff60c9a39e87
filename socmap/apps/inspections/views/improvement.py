"""Pages of the improvement plan: the board, its print and export, and each action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from socmap.apps.core import selectors as core_selectors
from socmap.apps.core.auth import viewer
from socmap.apps.core.web import apply_errors, justified_csv_export
from socmap.apps.inspections import selectors, services
from socmap.apps.inspections.forms import ActionForm, ActionUpdateForm, EvidenceForm
from socmap.errors import InvalidInput, SocmapError


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
        findings = selectors.finding_choose(viewer=user, finding_ids=[int(i) for i in data["findings"]])
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
