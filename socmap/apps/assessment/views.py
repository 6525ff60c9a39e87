"""Pages: ranked priorities (region and force), overdue re-assessments, a threat with its versions and
explanation, the assessment form with suggestions, the supervisor's decision, charts and the CSV export."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from socmap.apps.assessment import selectors, services
from socmap.apps.assessment.forms import AssessmentForm, DecisionForm, ThreatFilterForm, ThreatForm
from socmap.apps.assessment.models import Status, ThreatKind
from socmap.apps.core import selectors as core_selectors
from socmap.apps.core.auth import viewer
from socmap.apps.core.models import Role, User
from socmap.apps.core.purpose import current_purpose, purpose_required
from socmap.apps.core.web import apply_errors, justified_csv_export, page_number
from socmap.apps.network import selectors as network
from socmap.engines.assess import charts
from socmap.engines.render import chart_svg as draw_chart
from socmap.errors import NotVisible, SocmapError
from socmap.model.ids import short_entity_id


def _filters(request: HttpRequest, **fixed: Any) -> tuple[ThreatFilterForm, selectors.ThreatFilter]:
    form = ThreatFilterForm(
        request.GET or None,
        forces=[(o.slug, o.name) for o in selectors.forces()],
        bands=selectors.band_choices(),
    )
    data = form.cleaned_data if form.is_valid() else {}
    keys = ("force", "theme", "band", "status", "kind")
    return form, selectors.ThreatFilter(**{k: data.get(k, "") for k in keys}, **fixed)


def _priorities(request: HttpRequest, *, scope: str) -> HttpResponse:
    user = viewer(request)
    fixed = {"own": scope == "force", "overdue": scope == "overdue"}
    form, filters = _filters(request, **fixed)
    page = selectors.threat_list(viewer=user, filters=filters, page=page_number(request))
    rows = selectors.distribution(viewer=user, filters=filters)
    org = user.organisation.name if user.organisation else ""
    titles = {
        "region": "Regional threat priorities",
        "force": f"Threat priorities: {org}",
        "overdue": "Re-assessments overdue",
    }
    ranks = selectors.page_ranks(viewer=user, filters=filters, page=page)
    return render(
        request,
        "assessment/priorities.html",
        {
            "form": form,
            "page": page,
            "ranked": [(r, t, selectors.due_state(t)) for r, t in zip(ranks, page.items, strict=True)],
            "scope": scope,
            "title": titles[scope],
            "query": request.GET.urlencode(),
            "distribution": rows,
            "theme_spec": json.dumps(charts.by_theme_spec(rows)) if rows else "",
            "band_spec": json.dumps(charts.by_band_spec(rows)) if rows else "",
            "awaiting": selectors.awaiting_decision(viewer=user)[:20]
            if user.has_role(Role.SUPERVISOR)
            else [],
            "can_assess": user.has_role(*services.ASSESSORS),
        },
    )


@login_required
def priorities(request: HttpRequest) -> HttpResponse:
    return _priorities(request, scope="region")


@login_required
def priorities_force(request: HttpRequest) -> HttpResponse:
    return _priorities(request, scope="force")


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    return _priorities(request, scope="overdue")


@login_required
def chart_svg(request: HttpRequest, chart: str) -> HttpResponse:
    """The chart drawn server-side (for reports and briefings), from the same spec as the page."""
    builders = {"theme": charts.by_theme_spec, "band": charts.by_band_spec}
    if chart not in builders:
        raise NotVisible(f"No chart called {chart!r}: there are theme and band")
    _, filters = _filters(request, own=request.GET.get("scope") == "force")
    rows = selectors.distribution(viewer=viewer(request), filters=filters)
    svg = draw_chart(builders[chart](rows))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="socmap-threats-by-{chart}.svg"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponseBase:
    user = viewer(request)
    filter_form, filters = _filters(request, own=request.GET.get("scope") == "force")
    return justified_csv_export(
        request,
        what="the ranked threat list",
        filename="socmap-threat-priorities.csv",
        lines=lambda why: selectors.threat_export(viewer=user, filters=filters, justification=why),
        filter_form=filter_form,
    )


def _threat_form(user: User, data: Any = None, initial: dict[str, Any] | None = None) -> ThreatForm:
    # Subjects already recorded as threats are re-assessed on their threat's page, not recorded again.
    taken_ocgs, taken_people = selectors.recorded_subjects()
    groups = network.ocg_list(viewer=user, filters=network.OCGFilter(), per_page=200).items
    people = network.individual_list(viewer=user).items
    return ThreatForm(
        data,
        initial=initial,
        ocgs=[
            (str(o.pk), f"{o.reference or ''} {o.name} ({o.get_status_display().lower()})".strip())
            for o in groups
            if o.status != "archived" and o.pk not in taken_ocgs
        ],
        individuals=[
            (str(p.individual.pk), p.label or short_entity_id(p.entity_id))
            for p in people
            if p.individual.pk not in taken_people
        ],
        compartments=[(c.slug, c.name) for c in core_selectors.compartment_list()],
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def threat_new(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    initial = {"kind": ThreatKind.OCG, "ocg": request.GET.get("ocg", "")} if request.GET.get("ocg") else None
    form = _threat_form(user, request.POST or None, initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ocg = network.ocg_find(viewer=user, ocg_id=int(data["ocg"])) if data["ocg"] else None
            individual = (
                network.individual_find(viewer=user, individual_id=int(data["individual"]))
                if data["individual"]
                else None
            )
            compartment = (
                services.AS_SUBJECT
                if data["compartment"] == services.AS_SUBJECT
                else core_selectors.compartment_find(slug=data["compartment"])
            )
            threat = services.threat_create(
                actor=user,
                kind=data["kind"],
                title=data["title"],
                theme=data["theme"],
                level=data["level"],
                description=data["description"],
                ocg=ocg,
                individual=individual,
                handling=data["handling"],
                conditions=data["conditions"],
                compartment=compartment,
            )
            services.assessment_start(actor=user, threat=threat, justification=current_purpose(request))
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Recorded {threat.title}: assess it below")
            return redirect("assessment:assess", threat_id=threat.pk)
    return render(request, "assessment/threat_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@purpose_required
@require_http_methods(["GET", "POST"])
def threat_detail(request: HttpRequest, threat_id: int) -> HttpResponse:
    user = viewer(request)
    decision = DecisionForm(request.POST if request.POST.get("action") == "decide" else None)
    if request.method == "POST":
        threat = selectors.threat_find(viewer=user, threat_id=threat_id)
        action = request.POST.get("action", "")
        try:
            if action == "start":
                services.assessment_start(actor=user, threat=threat, justification=current_purpose(request))
                return redirect("assessment:assess", threat_id=threat.pk)
            if action == "decide" and decision.is_valid() and threat.latest is not None:
                data = decision.cleaned_data
                if data["decision"] == "approve":
                    done = services.assessment_approve(
                        actor=user, assessment=threat.latest, comment=data["comment"]
                    )
                    messages.success(request, f"Approved: re-assessment due {done.due_on:%d %B %Y}")
                else:
                    services.assessment_return(actor=user, assessment=threat.latest, comment=data["comment"])
                    messages.success(request, "Returned to the assessor")
                return redirect("assessment:threat", threat_id=threat.pk)
        except SocmapError as exc:
            if action != "decide":
                messages.error(request, exc.message)
                return redirect("assessment:threat", threat_id=threat.pk)
            apply_errors(decision, exc)
    view = selectors.threat_get(viewer=user, threat_id=threat_id, justification=current_purpose(request))
    latest = view.versions[0].assessment if view.versions else None
    owner = user.organisation_id == view.threat.owner_id
    return render(
        request,
        "assessment/threat_detail.html",
        {
            "view": view,
            "threat": view.threat,
            "latest": latest,
            "decision": decision,
            "can_decide": owner
            and user.has_role(Role.SUPERVISOR)
            and latest is not None
            and latest.status == Status.SUBMITTED
            and latest.assessor_id != user.pk,
            "own_submitted": latest is not None
            and latest.status == Status.SUBMITTED
            and latest.assessor_id == user.pk,
            "can_start": owner
            and user.has_role(*services.ASSESSORS)
            and (latest is None or latest.status in (Status.APPROVED, Status.RETURNED)),
            "has_draft": owner and latest is not None and latest.status == Status.DRAFT,
            "due": selectors.due_state(view.threat),
        },
        status=400 if decision.errors else 200,
    )


@login_required
@purpose_required
@require_http_methods(["GET", "POST"])
def assess(request: HttpRequest, threat_id: int) -> HttpResponse:
    user = viewer(request)
    draft = selectors.open_assessment(viewer=user, threat_id=threat_id)
    if draft is None:
        messages.info(request, "There is no draft to edit: start a new version of the assessment")
        return redirect("assessment:threat", threat_id=threat_id)
    model = services.stored_model(draft.model)
    initial = {f"value_{k}": str(v) for k, v in draft.values.items()}
    for key, s in draft.suggestions.items():
        initial.setdefault(f"value_{key}", str(s["value"]))  # a suggestion pre-fills, never decides
    initial |= {f"rationale_{k}": v for k, v in draft.rationales.items()}
    initial |= {
        "confidence": draft.confidence,
        "summary": draft.summary,
        "sources": "\n".join(f"{s['kind']}:{s['ref']}" for s in draft.sources),
    }
    form = AssessmentForm(request.POST or None, initial=initial, model=model, suggestions=draft.suggestions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entered = services.AssessmentInput(
            values={k: data.get(f"value_{k}") for k in model.dimensions},
            rationales={k: data.get(f"rationale_{k}") or "" for k in model.dimensions},
            confidence=data.get("confidence") or "",
            summary=data.get("summary") or "",
            sources=tuple(str(data.get("sources") or "").splitlines()),
        )
        try:
            if request.POST.get("action") == "submit":
                done = services.assessment_submit(actor=user, assessment=draft, data=entered)
                messages.success(
                    request,
                    f"Submitted for approval: score {selectors.plain_number(done.score)} ({done.band_label})",
                )
                return redirect("assessment:threat", threat_id=threat_id)
            services.assessment_save(actor=user, assessment=draft, data=entered)
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Draft saved")
            return redirect("assessment:assess", threat_id=threat_id)
    return render(
        request,
        "assessment/assess.html",
        {
            "form": form,
            "draft": draft,
            "threat": draft.threat,
            "model": model,
            "suggestions": draft.suggestions,
            "sources_help": reverse("assessment:threat", args=[threat_id]),
        },
        status=400 if form.errors else 200,
    )


@login_required
@purpose_required
def version_detail(request: HttpRequest, threat_id: int, number: int) -> HttpResponse:
    user = viewer(request)
    view = selectors.threat_get(viewer=user, threat_id=threat_id, justification=current_purpose(request))
    version = next((v for v in view.versions if v.assessment.number == number), None)
    if version is None:
        return redirect("assessment:threat", threat_id=threat_id)
    return render(
        request, "assessment/version_detail.html", {"view": view, "threat": view.threat, "v": version}
    )
