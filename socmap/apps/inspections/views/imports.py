"""The import page: one pasted page, or many saved pages at once, each imported or refused alone."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from socmap.apps.core.auth import viewer
from socmap.apps.core.web import apply_errors
from socmap.apps.inspections import selectors, services
from socmap.apps.inspections.forms import ImportForm
from socmap.apps.inspections.services import OUTCOME_WORDS, outcome_summary
from socmap.engines.inspections import MAX_BYTES
from socmap.errors import InvalidInput, SocmapError


def _reader(upload: UploadedFile) -> Callable[[], bytes]:
    def read() -> bytes:
        size = upload.size or 0
        if size > MAX_BYTES:
            raise InvalidInput(
                f"{upload.name} is {size // 1024:,} KB; a page is at most {MAX_BYTES // 1024:,} KB",
                fields={"pages": ["The file is too large"]},
            )
        data: bytes = upload.read()
        return data

    return read


def record_url(outcome: services.FileOutcome) -> str:
    result = outcome.result
    if result is None:
        return ""
    if result.finding is not None:
        return reverse("inspections:finding_detail", args=[result.finding.pk])
    assert result.national is not None
    return reverse("inspections:national_detail", args=[result.national.pk])


@login_required
@require_http_methods(["GET", "POST"])
def finding_import(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    form = ImportForm(
        request.POST or None, request.FILES or None, subjects=selectors.subject_choices(viewer=user)
    )
    rows: list[tuple[services.FileOutcome, str, str, str]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        uploads: list[UploadedFile] = data["pages"]
        try:
            subject = selectors.subject_get(viewer=user, slug=data["subject"]) if data["subject"] else None
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            pasted = data["text"]
            files = (
                [(u.name or "upload", _reader(u)) for u in uploads]
                if uploads
                else [("pasted text", lambda: pasted.encode("utf-8"))]
            )
            outcomes = services.finding_import_files(actor=user, files=files, subject=subject)
            if len(outcomes) == 1 and outcomes[0].outcome == "refused":
                form.add_error("pages" if uploads else "text", outcomes[0].reason)
            elif len(outcomes) == 1:
                [outcome] = outcomes
                assert outcome.result is not None
                says = messages.warning if outcome.result.parsed.has_errors else messages.success
                says(request, outcome_summary(outcome))
                return redirect(record_url(outcome))
            else:
                rows = [(o, OUTCOME_WORDS[o.outcome], outcome_summary(o), record_url(o)) for o in outcomes]
    refused = sum(o.outcome == "refused" for o, *_ in rows)
    return render(
        request,
        "inspections/finding_import.html",
        {"form": form, "rows": rows, "refused": refused},
        status=400 if form.errors else 200,
    )
