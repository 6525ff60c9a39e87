"""Pages to register sources and upload their mappings, with a preview that commits nothing."""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from socmap.apps.core.auth import viewer
from socmap.apps.core.models import Handling
from socmap.apps.core.services import require_role
from socmap.apps.core.web import apply_errors
from socmap.apps.intel import selectors, services, sources
from socmap.apps.intel.forms import MappingUploadForm, SourceForm
from socmap.apps.intel.models import SourceKind
from socmap.errors import InvalidInput, SocmapError


@login_required
@require_http_methods(["GET", "POST"])
def source_list(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    require_role(user, *sources.MANAGERS, action="manage sources")
    form = SourceForm(
        request.POST or None,
        kinds=list(SourceKind.choices),
        handlings=list(Handling.choices),
        mappings=sources.mapping_names(),
        initial={"mapping_name": sources.FTM_MAPPING, "handling": Handling.P, "kind": SourceKind.OTHER},
    )
    if request.method == "POST" and form.is_valid():
        try:
            assert user.organisation is not None  # require_role: a member of an organisation
            source = services.source_register(actor=user, owner=user.organisation, **form.cleaned_data)
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{source.title} registered")
            return redirect("intel:source_mapping", name=source.name)
    return render(
        request,
        "intel/source_list.html",
        {"form": form, "sources": selectors.source_list(viewer=user)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def source_mapping(request: HttpRequest, name: str) -> HttpResponse:
    """Upload a mapping for a source: check it, preview the first rows of a sample, then save it."""
    user = viewer(request)
    require_role(user, *sources.MANAGERS, action="manage sources")
    source = selectors.source_get(viewer=user, name=name)
    form = MappingUploadForm(request.POST or None, request.FILES or None)
    preview: list[sources.PreviewRow] | None = None
    # The checked mapping travels from the preview to the commit as base64, byte for byte (a form
    # field's line breaks would come back as CRLF).
    text, file_name = _unpacked(request.POST.get("text", "")), request.POST.get("file_name", "")
    if request.method == "POST" and form.is_valid():
        try:
            upload = form.cleaned_data["mapping"]
            if upload is not None:
                file_name = Path(upload.name or "mapping.yaml").name
                text = sources.mapping_text(upload.read(), file_name)
            if not text:
                raise InvalidInput("Choose a mapping file", fields={"mapping": ["Choose a mapping file"]})
            mapping = sources.mapping_check(text, file_name)
            if request.POST.get("action") == "commit":
                saved = sources.mapping_save(
                    actor=user, name=f"{source.name}.yaml", text=text, file_name=file_name
                )
                sources.source_mapping_set(actor=user, source=source, mapping_name=saved.name)
                messages.success(request, f"Mapping {file_name} saved for {source.title}")
                return redirect("intel:source_mapping", name=source.name)
            sample = form.cleaned_data["sample"]
            preview = _preview(mapping, sample) if sample is not None else []
        except SocmapError as exc:
            apply_errors(form, exc)
            text = "" if "mapping" in exc.fields else text
    return render(
        request,
        "intel/source_mapping.html",
        {"form": form, "source": source, "preview": preview, "packed": _packed(text), "file_name": file_name},
        status=400 if form.errors else 200,
    )


def _preview(mapping: object, sample: object) -> list[sources.PreviewRow]:
    name = Path(getattr(sample, "name", "") or "sample").name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            for chunk in sample.chunks():  # type: ignore[attr-defined]
                out.write(chunk)
        return sources.mapping_preview(mapping, path, name)  # type: ignore[arg-type]


def _packed(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _unpacked(packed: str) -> str:
    try:
        return base64.b64decode(packed.encode(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return ""
