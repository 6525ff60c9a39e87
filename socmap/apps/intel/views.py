"""Pages: search, record, ingest (upload with live progress), batches, quarantine."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from socmap.apps.core.auth import viewer
from socmap.apps.core.purpose import current_purpose, purpose_required
from socmap.apps.core.web import apply_errors, page_number
from socmap.apps.intel import selectors, services
from socmap.apps.intel.forms import SearchForm, UploadForm
from socmap.apps.intel.tasks import ingest_batch
from socmap.errors import InvalidInput, SocmapError


@login_required
@purpose_required
def search(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    form = SearchForm(request.GET or None)
    hits: list[selectors.Hit] | None = None
    if form.is_bound and form.is_valid():
        query = selectors.PersonQuery(**form.cleaned_data)
        try:
            hits = selectors.person_search(viewer=user, query=query)
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            selectors.search_audit(
                actor=user, query=query, justification=current_purpose(request), results=len(hits)
            )
    return render(
        request,
        "intel/search.html",
        {"form": form, "hits": hits},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@purpose_required
def record_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    view = selectors.record_get(
        viewer=viewer(request), record_id=record_id, justification=current_purpose(request)
    )
    return render(request, "intel/record_detail.html", {"view": view, "record": view.record})


@login_required
@require_http_methods(["GET", "POST"])
def batch_list(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    sources = [(s.name, s.title) for s in selectors.ingestable_sources(viewer=user)]
    form = UploadForm(request.POST or None, request.FILES or None, sources=sources)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.SOCMAP_UPLOAD_MAX_BYTES:
                limit = settings.SOCMAP_UPLOAD_MAX_BYTES // (1 << 20)
                raise InvalidInput(
                    "The file is too large",
                    fields={"file": [f"{upload.name} is larger than the {limit} MB limit"]},
                )
            source = selectors.source_get(viewer=user, name=form.cleaned_data["source"])
            path = services.upload_store(upload)
            # The batch and its ingest job are committed together (a server killed between the
            # two would leave a batch queued with no job to run it).
            with transaction.atomic():
                start = services.batch_create(actor=user, source=source, path=path, file_name=upload.name)
                if not start.duplicate:
                    ingest_batch.enqueue(start.batch.pk)
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            if start.duplicate:
                messages.success(
                    request,
                    f"{upload.name} was already ingested on "
                    f"{start.batch.created_at:%d %B %Y}: nothing new to add",
                )
            return redirect("intel:batch_detail", batch_id=start.batch.pk)
    return render(
        request,
        "intel/batch_list.html",
        {
            "form": form,
            "page": selectors.batch_list(viewer=user, page=page_number(request)),
            # Statements as the listed batches added them: counting the store's millions through
            # the visibility rule was 7 of the page's 8 s at a million source rows.
            "counts": selectors.record_counts(viewer=user, statements=False),
            "statements_added": selectors.batch_statements(viewer=user),
        },
        status=400 if form.errors else 200,
    )


@login_required
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.batch_get(viewer=viewer(request), batch_id=batch_id)
    template = (
        "intel/_batch_progress.html" if request.headers.get("HX-Request") else "intel/batch_detail.html"
    )
    return render(request, template, {"batch": batch})


@login_required
def quarantine_list(request: HttpRequest) -> HttpResponse:
    batch_id = request.GET.get("batch")
    status = request.GET.get("status", "open")
    page = selectors.quarantine_list(
        viewer=viewer(request),
        batch_id=int(batch_id) if batch_id and batch_id.isdigit() else None,
        status=status if status in ("open", "resubmitted", "discarded", "") else "open",
        page=page_number(request),
    )
    return render(request, "intel/quarantine_list.html", {"page": page, "status": status})


@login_required
@require_http_methods(["GET", "POST"])
def quarantine_detail(request: HttpRequest, row_id: int) -> HttpResponse:
    user = viewer(request)
    row = selectors.quarantine_get(viewer=user, row_id=row_id)
    fields = list(row.batch.header or (row.raw or {}).keys())
    values = (
        {name: request.POST.get(f"col-{i}", "") for i, name in enumerate(fields)}
        if request.method == "POST"
        else {name: str((row.raw or {}).get(name, "")) for name in fields}
    )
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.quarantine_resubmit(actor=user, row=row, fixed=values)
        except SocmapError as exc:
            errors = [exc.message, *[f"{k}: {'; '.join(v)}" for k, v in exc.fields.items()]]
        else:
            messages.success(request, f"Row {row.row} fixed and stored as a record")
            return redirect("intel:quarantine_list")
    columns = [(i, name, values.get(name, "")) for i, name in enumerate(fields)]
    return render(
        request,
        "intel/quarantine_detail.html",
        {"row": row, "columns": columns, "errors": errors},
        status=400 if errors else 200,
    )
