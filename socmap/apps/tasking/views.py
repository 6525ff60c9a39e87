"""Pages: the regional board, bids (the form with its duplication warning, the list, one bid with its
decision), the allocation run beside the greedy baseline, fairness, meetings and their minutes."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from socmap.apps.assessment import selectors as assessment
from socmap.apps.core.auth import viewer
from socmap.apps.core.models import Role, User
from socmap.apps.core.web import apply_errors, justified_csv_export, page_number
from socmap.apps.tasking import selectors, services
from socmap.apps.tasking.forms import (
    ActionForm,
    BidForm,
    DecisionForm,
    FairnessForm,
    MeetingForm,
    OverrideForm,
    WithdrawForm,
)
from socmap.apps.tasking.models import DecisionKind, MeetingLevel, TaskingPeriod
from socmap.errors import Conflict, SocmapError


def _period(request: HttpRequest) -> TaskingPeriod:
    return selectors.period_find(name=request.GET.get("period", "") or request.POST.get("period", ""))


def _can_task(user: User) -> bool:
    return selectors.is_regional(user) and user.has_role(Role.TASKING)


@login_required
def home(request: HttpRequest) -> HttpResponseBase:
    user = viewer(request)
    if _can_task(user):
        return redirect("tasking:board")
    period = _period(request)
    return render(
        request,
        "tasking/outcome.html",
        {
            "period": period,
            "periods": selectors.period_list(),
            "rows": selectors.outcome_list(viewer=user, period=period),
            "run": selectors.latest_run(viewer=user, period=period),
            "labels": selectors.capability_labels(),
            "can_bid": user.has_role(*services.BIDDERS),
        },
    )


@login_required
def board(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    period = _period(request)
    board = selectors.board_get(viewer=user, period=period)
    return render(
        request,
        "tasking/board.html",
        {
            "board": board,
            "period": period,
            "periods": selectors.period_list(),
            "labels": selectors.capability_labels(),
            "can_task": _can_task(user),
            "bids": selectors.bid_list(viewer=user, period=period, page=page_number(request)),
        },
    )


def _threat_choices(user: User) -> list[tuple[str, str]]:
    page = assessment.threat_list(viewer=user, filters=assessment.ThreatFilter(own=True), per_page=200)
    return [
        (str(t.pk), f"{t.title} ({t.band_label}, {t.score.normalize():f})")
        for t in page.items
        if t.score is not None
    ]


def _capability_choices() -> list[tuple[str, str]]:
    return [
        (c.key, f"{c.label} ({'teams' if c.unit == 'team-weeks' else 'hours'} a week, "
         f"{c.per_week:g} a week{f', at least {c.min_weeks} weeks' if c.min_weeks > 1 else ''})")
        for c in services.capabilities_list()
    ]  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def bid_new(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    period = _period(request)
    initial = {"threat": request.GET.get("threat", "")}
    form = BidForm(
        request.POST or None,
        initial=initial,
        threats=_threat_choices(user),
        capabilities=_capability_choices(),
    )
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        confirmed = request.POST.get("action") == "confirm"
        try:
            bid = services.bid_submit(
                actor=user,
                period=period,
                data=services.BidInput(
                    threat_id=int(data["threat"]),
                    capability=data["capability"],
                    first_week=data["first_week"],
                    last_week=data["last_week"],
                    weeks=data["weeks"],
                    effort=data["effort"],
                    outcome=data["outcome"],
                    impact=data["impact"],
                    four_p=data["four_p"],
                    aim=data["aim"],
                ),
                confirmed=confirmed,
            )
        except Conflict as exc:
            warnings = exc.fields.get("duplication", [])
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Bid {bid.reference} submitted to regional tasking")
            return redirect("tasking:bid", bid_id=bid.pk)
    return render(
        request,
        "tasking/bid_new.html",
        {"form": form, "period": period, "warnings": warnings},
        status=400 if form.errors else 200,  # a warning to confirm is a question, not an error
    )


@login_required
def bid_list(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    period = _period(request)
    return render(
        request,
        "tasking/bid_list.html",
        {
            "period": period,
            "periods": selectors.period_list(),
            "page": selectors.bid_list(viewer=user, period=period, page=page_number(request)),
            "labels": selectors.capability_labels(),
            "regional": selectors.is_regional(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def bid_detail(request: HttpRequest, bid_id: int) -> HttpResponse:
    user = viewer(request)
    bid = selectors.bid_find(viewer=user, bid_id=bid_id)
    action = request.POST.get("action", "")
    override = OverrideForm(request.POST if action == "override" else None)
    withdraw = WithdrawForm(request.POST if action == "withdraw" else None)
    if request.method == "POST":
        try:
            if action == "override" and override.is_valid():
                data = override.cleaned_data
                services.override_set(
                    actor=user,
                    bid=bid,
                    fund=data["decision"] == "fund",
                    reason=data["reason"],
                    start_week=data["start_week"],
                )
                # The model re-solves at once with the override fixed.
                run = services.allocation_run(actor=user, period=bid.period)
                messages.success(request, "Override recorded and the allocation worked out again with it")
                return redirect("tasking:run", run_id=run.pk)
            if action == "withdraw" and withdraw.is_valid():
                services.bid_withdraw(actor=user, bid=bid, reason=withdraw.cleaned_data["reason"])
                messages.success(request, f"Bid {bid.reference} withdrawn")
                return redirect("tasking:bid", bid_id=bid.pk)
            if action == "withdraw_override":
                found = next((o for o in bid.overrides.filter(withdrawn_at__isnull=True)), None)
                if found is not None:
                    services.override_withdraw(actor=user, override=found)
                    messages.success(request, "Override withdrawn")
                return redirect("tasking:bid", bid_id=bid.pk)
        except SocmapError as exc:
            apply_errors(override if action == "override" else withdraw, exc)
    view = selectors.bid_get(viewer=user, bid_id=bid_id)
    return render(
        request,
        "tasking/bid_detail.html",
        {
            "view": view,
            "bid": view.bid,
            "override": override,
            "withdraw": withdraw,
            "can_task": _can_task(user),
            "own": view.bid.owner_id == user.organisation_id,
        },
        status=400 if override.errors or withdraw.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def bid_export(request: HttpRequest) -> HttpResponseBase:
    user = viewer(request)
    period = _period(request)
    return justified_csv_export(
        request,
        what=f"the tasking bids of {period.name}",
        filename=f"socmap-tasking-bids-{period.name}.csv",
        lines=lambda why: selectors.bid_export(viewer=user, period=period, justification=why),
    )


@login_required
@require_POST
def allocate(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    period = _period(request)
    try:
        run = services.allocation_run(actor=user, period=period)
    except SocmapError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('tasking:board')}?period={period.name}")
    if run.status == "done":
        messages.success(request, f"Allocated: {run.funded} of {run.bids} bids funded")
    return redirect("tasking:run", run_id=run.pk)


@login_required
@require_http_methods(["GET", "POST"])
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    user = viewer(request)
    run = selectors.run_find(viewer=user, run_id=run_id)
    if request.method == "POST" and request.POST.get("action") == "publish":
        try:
            services.run_publish(actor=user, run=run)
        except SocmapError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Published: each force now sees the decisions about its bids")
        return redirect("tasking:run", run_id=run.pk)
    decisions = run.decisions.select_related("bid", "bid__owner").order_by("-funded", "-value")
    return render(
        request,
        "tasking/run_detail.html",
        {
            "run": run,
            "decisions": decisions,
            "labels": selectors.capability_labels(),
            "can_task": _can_task(user),
            "changed": sum(1 for d in decisions if d.funded != d.greedy_funded),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def fairness(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    period = _period(request)
    forces = [(o.code, o.name) for o in services.region_forces()]
    initial: dict[str, Any] = {"mode": period.fairness, "tolerance": period.tolerance}
    initial |= {f"share_{k}": round(float(v) * 100, 1) for k, v in (period.min_shares or {}).items()}
    form = FairnessForm(request.POST or None, initial=initial, forces=forces)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.fairness_set(
                actor=user,
                period=period,
                mode=data["mode"],
                min_shares={code: data.get(f"share_{code}") for code, _ in forces},
                tolerance=data["tolerance"],
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Fairness rule saved: run the allocation again to apply it")
            return redirect(f"{reverse('tasking:fairness')}?period={period.name}")
    view = selectors.fairness_get(viewer=user, period=period)
    return render(
        request,
        "tasking/fairness.html",
        {
            "form": form,
            "period": period,
            "periods": selectors.period_list(),
            "view": view,
            "spec": json.dumps(view["spec"]) if view["shares"] else "",
            "can_task": _can_task(user),
        },
        status=400 if form.errors else 200,
    )


@login_required
def national_return(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    period = _period(request)
    return render(
        request,
        "tasking/return.html",
        {
            "period": period,
            "periods": selectors.period_list(),
            "rows": selectors.national_return(viewer=user, period=period),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = viewer(request)
    initial = {"level": MeetingLevel.REGIONAL if selectors.is_regional(user) else MeetingLevel.FORCE}
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                actor=user,
                level=data["level"],
                title=data["title"],
                held_on=data["held_on"],
                period=selectors.period_current(),
                chair=data["chair"],
                attendees=data["attendees"],
            )
        except SocmapError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Meeting recorded with its agenda")
            return redirect("tasking:meeting", meeting_id=meeting.pk)
    return render(
        request,
        "tasking/meeting_list.html",
        {"form": form, "meetings": selectors.meeting_list(viewer=user)[:100]},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = viewer(request)
    meeting = selectors.meeting_get(viewer=user, meeting_id=meeting_id)
    bids = selectors.meeting_bids(viewer=user, meeting=meeting)
    action = request.POST.get("action", "")
    choices = [(str(b.pk), f"{b.reference} ({b.owner.name})") for b in bids]
    decision = DecisionForm(request.POST if action == "decision" else None, bids=choices)
    task = ActionForm(request.POST if action == "action" else None)
    if request.method == "POST":
        try:
            if action == "decision" and decision.is_valid():
                data = decision.cleaned_data
                bid = selectors.bid_find(viewer=user, bid_id=int(data["bid"])) if data["bid"] else None
                services.decision_record(
                    actor=user,
                    meeting=meeting,
                    kind=data["kind"],
                    text=data["text"],
                    bid=bid,
                    owner=data["owner"],
                )
                messages.success(request, "Decision recorded")
                return redirect("tasking:meeting", meeting_id=meeting.pk)
            if action == "action" and task.is_valid():
                data = task.cleaned_data
                services.action_record(
                    actor=user,
                    meeting=meeting,
                    text=data["action_text"],
                    owner=data["action_owner"],
                    due_on=data["due_on"],
                )
                messages.success(request, "Action recorded")
                return redirect("tasking:meeting", meeting_id=meeting.pk)
        except SocmapError as exc:
            apply_errors(decision if action == "decision" else task, exc)
    return render(
        request,
        "tasking/meeting_detail.html",
        {
            "meeting": meeting,
            "decision": decision,
            "task": task,
            "decisions": meeting.decisions.select_related("bid"),
            "actions": meeting.actions.all(),
            "fund_kinds": [DecisionKind.FUND, DecisionKind.NOT_FUND],
        },
        status=400 if decision.errors or task.errors else 200,
    )


def _minutes_html(request: HttpRequest, meeting_id: int) -> tuple[Any, str]:
    user = viewer(request)
    meeting = selectors.meeting_get(viewer=user, meeting_id=meeting_id)
    html = render_to_string(
        "tasking/minutes.html",
        {
            "meeting": meeting,
            "decisions": meeting.decisions.select_related("bid", "bid__owner"),
            "actions": meeting.actions.all(),
        },
    )
    return meeting, html


@login_required
def minutes(request: HttpRequest, meeting_id: int) -> HttpResponse:
    _, html = _minutes_html(request, meeting_id)
    return HttpResponse(html)


@login_required
def minutes_pdf(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, html = _minutes_html(request, meeting_id)
    pdf = services.minutes_pdf(actor=viewer(request), meeting=meeting, html=html)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="socmap-minutes-{meeting.pk}.pdf"'
    return response
