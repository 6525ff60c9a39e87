"""Pages of place-based operations: the list, a new operation, one operation (its area, phases,
targets, activities on a timeline, and each measure over time with the phases marked, with a table
alternative and an SVG for reports), and the forms partners use to add activities and measures."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from socmap.apps.core.auth import viewer
from socmap.apps.core.models import Organisation, User
from socmap.apps.core.web import apply_errors
from socmap.apps.places import charts, selectors, services
from socmap.apps.places.forms import ActivityForm, MeasureForm, OperationForm
from socmap.apps.places.models import Operation, PhaseKind
from socmap.engines.render import chart_svg as draw_svg
from socmap.errors import SocmapError


@login_required
def operation_list(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    return render(
        request,
        "places/operation_list.html",
        {"operations": selectors.operation_list(viewer=user), "can_start": user.has_role(*services.PLANNERS)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def operation_new(request: HttpRequest) -> HttpResponseBase:
    user = viewer(request)
    form = OperationForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and user.organisation is not None:
        data = form.cleaned_data
        area = [services.AreaIn(code) for code in data["area"].split(",")]
        phases = [
            services.PhaseIn(kind, data[f"{kind}_start"], data[f"{kind}_end"])
            for kind in PhaseKind.values
            if data[f"{kind}_start"] or data[f"{kind}_end"]
        ]
        try:
            op = services.operation_create(
                actor=user, owner=user.organisation, name=data["name"], description=data["description"],
                area=area, phases=phases,
            )  # fmt: skip
        except SocmapError as exc:
            for name, msgs in exc.fields.items():
                target = name.replace("phases.", "") + "_start" if name.startswith("phases.") else name
                for msg in msgs:
                    form.add_error(target if target in form.fields else None, msg)
            if not exc.fields:
                apply_errors(form, exc)
        else:
            messages.success(request, f"{op.name} started")
            return redirect("places:operation", operation_id=op.pk)
    return render(request, "places/operation_new.html", {"form": form})


def _organisations(user: User, op: Operation) -> list[tuple[str, str]]:
    """The operation's owner records activities of any organisation; a partner its own."""
    if user.organisation_id == op.owner_id:
        return [(str(o.pk), o.name) for o in Organisation.objects.order_by("name")]
    own = user.organisation
    return [(str(own.pk), own.name)] if own is not None else []


@login_required
def operation_detail(request: HttpRequest, operation_id: int) -> HttpResponse:
    user = viewer(request)
    op = selectors.operation_get(viewer=user, operation_id=operation_id)
    result = selectors.measures(viewer=user, op=op)
    activities = selectors.activities(op=op)
    parts = list(op.area.all())
    table = [(label, [values.get(m, 0) for m in result.months]) for label, values in result.series.items()]
    return render(
        request,
        "places/operation.html",
        {
            "op": op,
            "parts": parts,
            "phases": result.phases,
            "targets": selectors.targets(viewer=user, op=op),
            "activities": activities,
            "result": result,
            "table": table,
            "spec": json.dumps(charts.measures_chart(op, result, activities)),
            "map_spec": json.dumps(charts.area_chart(parts)),
            "has_map": any(p.latitude is not None for p in parts),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request: HttpRequest, operation_id: int) -> HttpResponseBase:
    user = viewer(request)
    op = selectors.operation_find(viewer=user, operation_id=operation_id)
    form = ActivityForm(request.POST or None, organisations=_organisations(user, op))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.activity_add(
                actor=user, op=op, kind=data["kind"], on=data["on"], place=data["place"], phase=data["phase"],
                organisation=Organisation.objects.get(pk=data["organisation"]),
                description=data["description"],
            )  # fmt: skip
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Activity recorded")
            return redirect("places:operation", operation_id=op.pk)
    return render(request, "places/activity_new.html", {"op": op, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def measure_new(request: HttpRequest, operation_id: int) -> HttpResponseBase:
    user = viewer(request)
    op = selectors.operation_find(viewer=user, operation_id=operation_id)
    form = MeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_enter(actor=user, op=op, **form.cleaned_data)
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Measure entered")
            return redirect("places:operation", operation_id=op.pk)
    return render(request, "places/measure_new.html", {"op": op, "form": form})


@login_required
def chart_svg(request: HttpRequest, operation_id: int) -> HttpResponse:
    user = viewer(request)
    op = selectors.operation_get(viewer=user, operation_id=operation_id)
    result = selectors.measures(viewer=user, op=op)
    svg = draw_svg(charts.measures_chart(op, result, selectors.activities(op=op)))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="socmap-operation-{op.pk}-measures.svg"'
    return response
