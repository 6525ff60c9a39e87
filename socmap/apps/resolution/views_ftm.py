"""A person as FollowTheMoney: the download the person page offers (asks why; audited)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from socmap.apps.core.auth import viewer
from socmap.apps.core.web import apply_errors
from socmap.apps.intel.ftm_web import FtmExportForm
from socmap.apps.resolution import ftm
from socmap.errors import SocmapError
from socmap.model.ids import short_entity_id


@login_required
@require_http_methods(["GET", "POST"])
def entity_export(request: HttpRequest, entity_id: str) -> HttpResponseBase:
    user = viewer(request)
    ftm.person_check(viewer=user, entity_id=entity_id)
    form = FtmExportForm(request.POST or None, initial={"canonical": True})
    if request.method == "POST" and form.is_valid():
        try:
            lines = ftm.person_export(
                viewer=user,
                entity_id=entity_id,
                justification=form.cleaned_data["justification"],
                canonical=form.cleaned_data["canonical"],
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            response = HttpResponse("".join(lines), content_type="application/x-ndjson")
            name = short_entity_id(entity_id).replace(".", "-")
            response["Content-Disposition"] = f'attachment; filename="socmap-person-{name}.ftm.json"'
            return response
    return render(
        request,
        "resolution/entity_export.html",
        {"form": form, "entity_id": entity_id},
        status=400 if form.errors else 200,
    )
