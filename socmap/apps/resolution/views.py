"""Pages: the review queue, a pair side by side (keyboard first), a canonical entity, resolution runs."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from socmap.apps.core.auth import viewer
from socmap.apps.core.purpose import current_purpose, purpose_required
from socmap.apps.core.services import require_role
from socmap.apps.core.web import apply_errors, page_number
from socmap.apps.resolution import selectors, services
from socmap.apps.resolution.forms import JudgeForm, RunForm, UndoForm
from socmap.apps.resolution.models import PairState
from socmap.apps.resolution.tasks import run_resolution
from socmap.errors import Conflict, SocmapError

SKIPPED = "resolution_skipped"


def _judge_allowed(request: HttpRequest) -> None:
    require_role(viewer(request), *services.JUDGES, action="review possible matches")


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _judge_allowed(request)
    user = viewer(request)
    state = request.GET.get("state", PairState.PENDING)
    if state not in PairState.values:
        state = PairState.PENDING
    counts = selectors.pair_counts(viewer=user)
    return render(
        request,
        "resolution/queue.html",
        {
            "page": selectors.pair_queue_page(viewer=user, state=state, page=page_number(request)),
            "state": state,
            "tabs": [(value, label, counts[value]) for value, label in PairState.choices],
            "counts": counts,
            "last_run": selectors.run_latest(viewer=user),
        },
    )


@login_required
def next_pair(request: HttpRequest) -> HttpResponse:
    """The most uncertain pending pair this session has not skipped."""
    _judge_allowed(request)
    skipped = request.session.get(SKIPPED, [])
    pair = selectors.pair_next(viewer=viewer(request), skipped=skipped)
    if pair is None:
        if skipped:
            messages.info(request, f"Only skipped pairs are left ({len(skipped)}); they are shown again now.")
            request.session[SKIPPED] = []
            pair = selectors.pair_next(viewer=viewer(request))
        if pair is None:
            messages.success(request, "No pairs are waiting for review.")
            return redirect("resolution:queue")
    return redirect("resolution:pair", pair_id=pair.pk)


@login_required
@require_POST
def skip(request: HttpRequest, pair_id: int) -> HttpResponse:
    _judge_allowed(request)
    skipped = [p for p in request.session.get(SKIPPED, []) if p != pair_id] + [pair_id]
    request.session[SKIPPED] = skipped[-500:]
    return redirect("resolution:next")


@login_required
@purpose_required
@require_http_methods(["GET", "POST"])
def pair_review(request: HttpRequest, pair_id: int) -> HttpResponse:
    _judge_allowed(request)
    user = viewer(request)
    form = JudgeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = services.judgement_decide(
                actor=user,
                pair_id=pair_id,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                seen_version=form.cleaned_data["version"],
            )
        except Conflict as exc:
            # The page below shows the pair as it now stands, with the other decision and a fresh version.
            form.add_error(None, exc.message)
            status = 409
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"Recorded: {result.judgement.get_decision_display().lower()}. Next pair below."
            )
            return redirect("resolution:next")
    if form.is_bound and form.errors and status == 200:
        status = 400
    view = selectors.pair_get(viewer=user, pair_id=pair_id, justification=current_purpose(request))
    return render(
        request,
        "resolution/pair.html",
        {
            "view": view,
            "form": form,
            "version": view.pair.version,
            "spec": json.dumps(view.waterfall) if view.waterfall else "",
            "remaining": selectors.pair_remaining(viewer=user),
        },
        status=status,
    )


@login_required
@purpose_required
def entity(request: HttpRequest, entity_id: str, undo_form: UndoForm | None = None) -> HttpResponse:
    user = viewer(request)
    view = selectors.entity_get(
        viewer=user,
        entity_id=entity_id,
        justification=current_purpose(request),
        # The model's decisions are read when their details are opened (``entity_decisions``), or
        # here for a page of them asked for by its number (a browser without script).
        history_page=page_number(request) if "page" in request.GET else None,
        events_page=page_number(request, "events_page") if "events_page" in request.GET else None,
        values_page=page_number(request, "values_page"),
        records_page=page_number(request, "records_page"),
        links=False,  # read when opened: ``entity_links``
    )
    return render(
        request,
        "resolution/entity.html",
        {
            "view": view,
            "undo_form": undo_form or UndoForm(),
            "can_judge": user.has_role(*services.JUDGES),
        },
        status=400 if undo_form is not None else 200,
    )


def _section(request: HttpRequest, name: str, view: object, **context: object) -> HttpResponse:
    """A part of the person page read when its reader opens it (ADR 31): the fragment HTMX asks
    for, or without script a page of its own."""
    fragment = bool(request.headers.get("HX-Request"))
    template = f"resolution/_{name}.html" if fragment else f"resolution/entity_{name}.html"
    return render(request, template, {"view": view, **context})


@login_required
@purpose_required
def entity_links(request: HttpRequest, entity_id: str) -> HttpResponse:
    """What a person's records link them to."""
    user, purpose = viewer(request), current_purpose(request)
    return _section(
        request, "links", selectors.entity_links(viewer=user, entity_id=entity_id, justification=purpose)
    )


@login_required
@purpose_required
def entity_events(request: HttpRequest, entity_id: str) -> HttpResponse:
    """The events a person's records link them to, a page at a time."""
    user, purpose, page = viewer(request), current_purpose(request), page_number(request, "events_page")
    view = selectors.entity_events(viewer=user, entity_id=entity_id, justification=purpose, page=page)
    return _section(request, "events", view)


@login_required
@purpose_required
def entity_decisions(request: HttpRequest, entity_id: str) -> HttpResponse:
    """The model's decisions on a person's records, a page at a time."""
    user, purpose, page = viewer(request), current_purpose(request), page_number(request)
    view = selectors.entity_decisions(viewer=user, entity_id=entity_id, justification=purpose, page=page)
    return _section(request, "decisions", view, can_judge=user.has_role(*services.JUDGES))


@login_required
@purpose_required
@require_POST
def entity_undo(request: HttpRequest, entity_id: str) -> HttpResponseBase:
    user = viewer(request)
    form = UndoForm(request.POST)
    if form.is_valid():
        try:
            services.judgement_undo(
                actor=user,
                judgement_id=form.cleaned_data["judgement"],
                reason=form.cleaned_data["reason"],
                seen_version=form.cleaned_data.get("version"),
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Decision undone: the records are as they were before it.")
            return redirect(reverse("resolution:entity", args=[entity_id]))
    return entity(request, entity_id, undo_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def runs(request: HttpRequest) -> HttpResponse:
    _judge_allowed(request)
    user = viewer(request)
    form = RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if selectors.run_busy(viewer=user):
            form.add_error(None, "A resolution run is already in progress: wait for it to finish.")
        else:
            run_resolution.enqueue(user.pk, form.cleaned_data["kind"], form.cleaned_data["retrain"])
            messages.success(request, "Resolution run started. This page shows it when it finishes.")
            return redirect("resolution:runs")
    running = selectors.run_busy(viewer=user, queued=False)
    template = "resolution/_runs_table.html" if request.headers.get("HX-Request") else "resolution/runs.html"
    return render(
        request,
        template,
        {"runs": selectors.run_list(viewer=user), "form": form, "running": running},
        status=400 if form.errors else 200,
    )
