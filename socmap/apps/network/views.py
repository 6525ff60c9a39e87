"""Pages: the OCG list, a group (members, network, assess, adopt, archive), the network explorer around
any entity, Priority Individuals, analysis runs, and the exports (each asks why and is audited)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from socmap.apps.core import selectors as core_selectors
from socmap.apps.core.auth import viewer
from socmap.apps.core.forms import JustificationForm
from socmap.apps.core.models import Role, User
from socmap.apps.core.purpose import current_purpose, purpose_required
from socmap.apps.core.services import require_role
from socmap.apps.core.web import apply_errors, justified_csv_export, page_number, url_for
from socmap.apps.intel.ftm_web import FtmExportForm
from socmap.apps.network import exports, selectors, services
from socmap.apps.network import graph as netgraph
from socmap.apps.network.forms import AdoptForm, ArchiveForm, AssessForm, ExplorerForm, OCGFilterForm
from socmap.apps.network.models import Role as MemberRole
from socmap.apps.network.tasks import run_analysis
from socmap.errors import InvalidInput, SocmapError
from socmap.model.ids import short_entity_id


def _forces() -> list[tuple[str, str]]:
    return [(o.slug, o.name) for o in selectors.lead_forces()]


def graph_json(graph: netgraph.ViewGraph) -> dict[str, Any]:
    """Cytoscape elements; every node links to its entity page."""
    return {
        "centre": graph.centre,
        "nodes": [
            {
                "data": {
                    "id": n.id,
                    "label": n.label[:40],
                    "kind": n.kind,
                    "role": n.role,
                    "offender": n.offender,
                    "href": url_for("resolution:entity", n.id),
                }
            }
            for n in graph.nodes
        ],
        "edges": [
            {
                "data": {
                    "id": f"e{i}",
                    "source": s,
                    "target": t,
                    "type": kind.replace("_", " ") + (f" ×{count}" if count > 1 else ""),
                    "weight": round(weight, 4),
                }
            }
            for i, ((s, t, kind), (count, weight)) in enumerate(sorted(_drawn_edges(graph).items()))
        ],
    }


def _drawn_edges(graph: netgraph.ViewGraph) -> dict[tuple[str, str, str], tuple[int, float]]:
    """One drawn line per pair and link type (records often repeat a link), with count and weight."""
    out: dict[tuple[str, str, str], tuple[int, float]] = {}
    for e in graph.edges:
        key = (min(e.source, e.target), max(e.source, e.target), e.link_type)
        count, weight = out.get(key, (0, 0.0))
        out[key] = (count + 1, weight + e.weight)
    return out


def _ocg_filters(request: HttpRequest) -> tuple[OCGFilterForm, selectors.OCGFilter]:
    form = OCGFilterForm(request.GET or None, forces=_forces())
    data = form.cleaned_data if form.is_valid() else {}
    return form, selectors.OCGFilter(
        force=data.get("force", ""),
        theme=data.get("theme", ""),
        status=data.get("status", ""),
        text=data.get("text", ""),
    )


@login_required
def ocg_list(request: HttpRequest) -> HttpResponse:
    form, filters = _ocg_filters(request)
    page = selectors.ocg_list(viewer=viewer(request), filters=filters, page=page_number(request))
    return render(
        request, "network/ocg_list.html", {"form": form, "page": page, "query": request.GET.urlencode()}
    )


def _adopt_form(data: Any = None) -> AdoptForm:
    return AdoptForm(
        data,
        forces=_forces(),
        lros=[(str(u.pk), f"{u.get_full_name() or u.username}, {u.organisation}") for u in selectors.lros()],
        compartments=[(c.slug, c.name) for c in core_selectors.compartment_list()],
    )


@login_required
@purpose_required
@require_http_methods(["GET", "POST"])
def ocg_detail(request: HttpRequest, ocg_id: int) -> HttpResponse:
    user = viewer(request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    assess_form = AssessForm(request.POST if action == "assess" else None)
    adopt_form = _adopt_form(request.POST if action == "adopt" else None)
    archive_form = ArchiveForm(request.POST if action == "archive" else None)
    if action:
        ocg = selectors.ocg_find(viewer=user, ocg_id=ocg_id)
        form = {"assess": assess_form, "adopt": adopt_form, "archive": archive_form}.get(action)
        if form is not None and form.is_valid():
            data = form.cleaned_data
            try:
                if action == "assess":
                    roles = {
                        int(k.removeprefix("role-")): str(v)
                        for k, v in request.POST.items()
                        if k.startswith("role-") and k.removeprefix("role-").isdigit()
                    }
                    services.ocg_assess(
                        actor=user, ocg=ocg, assessment=data["assessment"], name=data["name"], roles=roles
                    )
                    messages.success(request, "Assessment recorded")
                elif action == "adopt":
                    lead = next((o for o in selectors.lead_forces() if o.slug == data["lead_force"]), None)
                    lro = next((u for u in selectors.lros() if str(u.pk) == data["lro"]), None)
                    compartment = core_selectors.compartment_find(slug=data["compartment"])
                    ocg = services.ocg_adopt(
                        actor=user, ocg=ocg, lead_force=lead, lro=lro, compartment=compartment
                    )
                    messages.success(request, f"Adopted as {ocg.reference}")
                else:
                    services.ocg_archive(actor=user, ocg=ocg, reason=data["reason"])
                    messages.success(request, "Group archived")
            except SocmapError as exc:
                apply_errors(form, exc)
            else:
                return redirect("network:ocg_detail", ocg_id=ocg.pk)
    view = selectors.ocg_get(
        viewer=user, ocg_id=ocg_id, justification=current_purpose(request), with_graph=False
    )
    errors = any(f.errors for f in (assess_form, adopt_form, archive_form))
    return render(
        request,
        "network/ocg_detail.html",
        {
            "view": view,
            "ocg": view.ocg,
            "assess_form": assess_form,
            "adopt_form": adopt_form,
            "archive_form": archive_form,
            "can_change": user.has_role(Role.ANALYST, Role.SUPERVISOR),
            "formats": exports.FORMATS,
            "roles": MemberRole.choices,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@purpose_required
def ocg_network(request: HttpRequest, ocg_id: int) -> HttpResponse:
    """A group's network: its drawing and table, which the group's page loads after itself (a page
    of its own without script)."""
    ocg, graph = selectors.ocg_network(
        viewer=viewer(request), ocg_id=ocg_id, justification=current_purpose(request)
    )
    fragment = bool(request.headers.get("HX-Request"))
    template = "network/_ocg_network.html" if fragment else "network/ocg_network.html"
    # The drawing's data travel in an attribute: HTMX, allowed no script tags, drops a JSON script.
    data = json.dumps(graph_json(graph), cls=DjangoJSONEncoder)
    return render(request, template, {"ocg": ocg, "graph": graph, "graph_data": data})


def _explorer_form(request: HttpRequest) -> ExplorerForm:
    return ExplorerForm(request.GET or None, link_types=sorted(netgraph.default_config().link_types))


def _explorer_filters(form: ExplorerForm) -> netgraph.Filters:
    data = form.cleaned_data
    return netgraph.Filters(
        hops=data.get("hops") or 1,
        link_types=tuple(data.get("link_types") or ()),
        since=data.get("since"),
        min_grading=data.get("min_grading") or "",
    )


@login_required
@purpose_required
def explorer(request: HttpRequest, entity_id: str) -> HttpResponse:
    user = viewer(request)
    selectors.entity_check(viewer=user, entity_id=entity_id)
    form = _explorer_form(request)
    graph = None
    if not form.is_bound or form.is_valid():
        try:
            graph = selectors.neighbourhood(
                viewer=user,
                entity_id=entity_id,
                filters=_explorer_filters(form) if form.is_bound else netgraph.Filters(),
                justification=current_purpose(request),
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
    return render(
        request,
        "network/explorer.html",
        {
            "form": form,
            "entity_id": entity_id,
            "graph": graph,
            "graph_data": graph_json(graph) if graph else None,
            "query": request.GET.urlencode(),
            "formats": exports.FORMATS,
        },
        status=400 if form.errors else 200,
    )


def _justified_download(
    request: HttpRequest, *, what: str, fmt: str, filename: str, body: Callable[[str, bool], bytes]
) -> HttpResponseBase:
    """Ask why, then export: ``body(justification, canonical)``; FtM may add the resolved entities."""
    if fmt not in exports.FORMATS:
        raise InvalidInput(f"Unknown export format {fmt!r}")
    label, content_type, extension = exports.FORMATS[fmt]
    form_class = FtmExportForm if fmt == "ftm" else JustificationForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            content = body(form.cleaned_data["justification"], bool(form.cleaned_data.get("canonical")))
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            response = HttpResponse(content, content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
            return response
    return render(
        request,
        "network/export.html",
        {"form": form, "what": what, "label": label, "query": request.GET.urlencode()},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def ocg_export(request: HttpRequest, ocg_id: int, fmt: str) -> HttpResponseBase:
    user = viewer(request)
    ocg = selectors.ocg_find(viewer=user, ocg_id=ocg_id)
    name = (ocg.reference or f"group-{ocg.pk}").lower()
    return _justified_download(
        request,
        what=f"the network of {ocg.reference or ocg.name}",
        fmt=fmt,
        filename=f"socmap-{name}",
        body=lambda why, canonical: exports.graph_export(
            viewer=user,
            graph=selectors.ocg_graph(viewer=user, ocg_id=ocg.pk),
            fmt=fmt,
            what=f"ocg:{ocg.pk}",
            justification=why,
            group=selectors.ocg_card(viewer=user, ocg_id=ocg.pk),
            canonical=canonical,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def explorer_export(request: HttpRequest, entity_id: str, fmt: str) -> HttpResponseBase:
    user = viewer(request)
    selectors.entity_check(viewer=user, entity_id=entity_id)
    form = _explorer_form(request)
    filters = _explorer_filters(form) if form.is_bound and form.is_valid() else netgraph.Filters()
    return _justified_download(
        request,
        what="the network around this entity",
        fmt=fmt,
        filename=f"socmap-network-{short_entity_id(entity_id)}",
        body=lambda why, canonical: exports.graph_export(
            viewer=user,
            graph=netgraph.neighbourhood(user, entity_id, filters),
            fmt=fmt,
            what=f"entity:{entity_id}",
            justification=why,
            canonical=canonical,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def national_return(request: HttpRequest) -> HttpResponseBase:
    user = viewer(request)
    return justified_csv_export(
        request,
        what="the national OCG return (adopted groups)",
        filename="socmap-ocg-return.csv",
        lines=lambda why: exports.national_return(viewer=user, justification=why),
    )


@login_required
def individuals(request: HttpRequest) -> HttpResponse:
    page = selectors.individual_list(viewer=viewer(request), page=page_number(request))
    return render(request, "network/individuals.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def runs(request: HttpRequest) -> HttpResponse:
    user: User = viewer(request)
    require_role(user, Role.ANALYST, Role.SUPERVISOR, action="see network analysis runs")
    if request.method == "POST":
        run_analysis.enqueue(user.pk)
        messages.success(request, "Network analysis started: refresh this page to see it finish")
        return redirect("network:runs")
    # A run reads the whole region's links: its totals are the region's, so only an organisation that
    # sees the region (the ROCU, a national agency) is shown them; a force sees when runs happened.
    regional = user.organisation is not None and user.organisation.kind in ("rocu", "national")
    return render(
        request,
        "network/runs.html",
        {"runs": selectors.run_list()[:50], "json": json, "regional": regional},
    )
